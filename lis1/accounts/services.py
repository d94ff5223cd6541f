from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from lis1.accounts.models import User, placeholder_email
from lis1.notifications.services import notification_queue, notification_render
from lis1.rounds.models import Applicant


class RegistrationTokenGenerator(PasswordResetTokenGenerator):
    """Links that confirm a registration: signed like Django's password-reset links (valid for
    PASSWORD_RESET_TIMEOUT), and spent once the account is active."""

    key_salt = "lis1.accounts.services.RegistrationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


registration_tokens = RegistrationTokenGenerator()


def _account_email(*, user: User, template: str, context: dict[str, object]) -> None:
    subject, body = notification_render(
        template=template,
        context={"user": user, "site_url": settings.LIS1_SITE_URL, **context},
    )
    notification_queue(to=user.email, subject=subject, body=body)


def _send_confirmation(user: User) -> None:
    path = reverse(
        "accounts:register_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": registration_tokens.make_token(user),
        },
    )
    _account_email(
        user=user,
        template="registration_confirm",
        context={"confirm_url": settings.LIS1_SITE_URL + path},
    )


@transaction.atomic
def account_register(*, email: str, password: str, given_name: str, family_name: str) -> None:
    """Registration that never tells whether the address already has an account: the caller
    answers the same either way, and only the address's owner learns which it was, by e-mail.

    A new address gets an inactive account, its applicant, and a link that confirms the
    address and activates the account (`account_register_confirm`). An address with an account
    gets, instead, a note that someone tried to register with it, with links to log in and to
    reset the password (or, when that account is itself an unconfirmed registration, its
    confirmation link again). The account is never changed. The password is hashed either way,
    so that both answers take about as long."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    first_name=given_name,
                    last_name=family_name,
                    is_active=False,
                )
                Applicant.objects.create(user=user, given_name=given_name, family_name=family_name)
        except IntegrityError:  # registered at the same moment by another request
            existing = User.objects.get(email__iexact=email)
        else:
            _send_confirmation(user)
            return
    make_password(password)  # the same hashing work as a new account's
    if not existing.is_active and existing.last_login is None:
        _send_confirmation(existing)
        return
    _account_email(
        user=existing,
        template="registration_existing",
        context={
            "login_url": settings.LIS1_SITE_URL + reverse("accounts:login"),
            "reset_url": settings.LIS1_SITE_URL + reverse("accounts:password_reset"),
        },
    )


def account_register_user(*, uidb64: str, token: str) -> User | None:
    """The inactive account a confirmation link is for, or None when the link is wrong,
    expired or already used."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=False).first()
    if user is None or not registration_tokens.check_token(user, token):
        return None
    return user


@transaction.atomic
def account_register_confirm(*, user: User) -> None:
    """The owner of the address followed the link: the account can log in."""
    user.is_active = True
    user.save(update_fields=["is_active"])


@transaction.atomic
def applicant_register_from_provider(
    *, national_id: str | None, email: str | None, given_name: str, family_name: str
) -> Applicant:
    """Create a log-in without a password, and its applicant, for a person an identity
    provider vouched for. Without an e-mail address the account gets a placeholder one until
    the person gives theirs and confirms it (`account_email_request`)."""
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


EMAIL_CONFIRM_SALT = "lis1.accounts.services.account_email_request"


def _provider_name() -> str:
    """The identity provider's name in e-mails (accounts without an address come from it)."""
    return str(getattr(settings, "OIDC_PROVIDER_NAME", "ID-porten"))


def _account_names_set(*, user: User, given_name: str, family_name: str) -> None:
    user.first_name, user.last_name = given_name, family_name
    user.save(update_fields=["first_name", "last_name"])
    applicant = Applicant.objects.filter(user=user).first()
    if applicant is not None:
        applicant.given_name, applicant.family_name = given_name, family_name
        applicant.save(update_fields=["given_name", "family_name", "updated_at"])


@transaction.atomic
def account_email_request(*, user: User, email: str, given_name: str, family_name: str) -> None:
    """A person whose account an identity provider created without an e-mail address gives
    theirs (and their name). The name is saved at once; the address only once its owner opens
    the link sent to it (`account_email_confirm`), so no one can put another person's address
    on an account. As registration, the answer never tells whether the address already has an
    account: an address in use gets, instead of the link, a note to its owner."""
    _account_names_set(user=user, given_name=given_name, family_name=family_name)
    owner = User.objects.filter(email__iexact=email).exclude(pk=user.pk).first()
    if owner is not None:
        _account_email(
            user=owner,
            template="email_taken",
            context={
                "provider": _provider_name(),
                "login_url": settings.LIS1_SITE_URL + reverse("accounts:login"),
                "reset_url": settings.LIS1_SITE_URL + reverse("accounts:password_reset"),
            },
        )
        return
    token = signing.dumps({"u": user.pk, "e": email}, salt=EMAIL_CONFIRM_SALT)
    subject, body = notification_render(
        template="email_confirm",
        context={
            "user": user,
            "site_url": settings.LIS1_SITE_URL,
            "provider": _provider_name(),
            "confirm_url": settings.LIS1_SITE_URL
            + reverse("accounts:email_confirm", kwargs={"token": token}),
        },
    )
    notification_queue(to=email, subject=subject, body=body)


def account_email_link(*, token: str) -> tuple[User, str] | None:
    """The account and address an address-confirmation link is for, or None when the link is
    wrong, expired (PASSWORD_RESET_TIMEOUT) or spent (the account has its address, or the
    address has been taken by another account since)."""
    try:
        data = signing.loads(
            token, salt=EMAIL_CONFIRM_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT
        )
        pk, email = int(data["u"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or user.has_email_address:
        return None
    if User.objects.filter(email__iexact=email).exclude(pk=pk).exists():
        return None
    return user, email


@transaction.atomic
def account_email_confirm(*, token: str) -> User | None:
    """The owner of the address followed the link: the account gets the address. None, and
    nothing changed, when the link cannot be used (`account_email_link`)."""
    found = account_email_link(token=token)
    if found is None:
        return None
    user, email = found
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.has_email_address:
        return None
    user.email = email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:  # taken at the same moment by another account
        return None
    return user
