from __future__ import annotations

from django.db import transaction

from lis1.accounts.models import User, placeholder_email
from lis1.rounds.models import Applicant


@transaction.atomic
def applicant_register(
    *, email: str, password: str, given_name: str, family_name: str
) -> Applicant:
    """Create a log-in and the applicant it owns, together or not at all."""
    user = User.objects.create_user(
        email=email, password=password, first_name=given_name, last_name=family_name
    )
    return Applicant.objects.create(user=user, given_name=given_name, family_name=family_name)


@transaction.atomic
def applicant_register_from_provider(
    *, national_id: str | None, email: str | None, given_name: str, family_name: str
) -> Applicant:
    """Create a log-in without a password, and its applicant, for a person an identity
    provider vouched for. Without an e-mail address the account gets a placeholder one until
    the person gives theirs (`account_email_set`)."""
    user = User.objects.create_user(
        email=email or placeholder_email(),
        password=None,
        first_name=given_name,
        last_name=family_name,
    )
    applicant = Applicant(user=user, given_name=given_name, family_name=family_name)
    if national_id:
        applicant.set_national_id(national_id)
    applicant.save()
    return applicant


@transaction.atomic
def applicant_link_identity(*, user: User, national_id: str | None) -> Applicant:
    """Give an existing account the applicant it lacks, and the identity number an identity
    provider vouched for when its applicant has none yet. A number already saved stays."""
    applicant = Applicant.objects.select_for_update(no_key=True).filter(user=user).first()
    if applicant is None:
        applicant = Applicant(user=user, given_name=user.first_name, family_name=user.last_name)
    elif applicant.national_id_hash or not national_id:
        return applicant
    if national_id:
        applicant.set_national_id(national_id)
    applicant.save()
    return applicant


@transaction.atomic
def account_email_set(*, user: User, email: str, given_name: str, family_name: str) -> None:
    """Give an account created without an e-mail address its owner's address and name."""
    user.email = email
    user.first_name, user.last_name = given_name, family_name
    user.save(update_fields=["email", "first_name", "last_name"])
    applicant = Applicant.objects.filter(user=user).first()
    if applicant is not None:
        applicant.given_name, applicant.family_name = given_name, family_name
        applicant.save(update_fields=["given_name", "family_name", "updated_at"])
