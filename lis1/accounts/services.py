from __future__ import annotations

from django.db import transaction

from lis1.accounts.models import User
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
