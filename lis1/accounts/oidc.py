"""Log-in through an OpenID Connect provider such as ID-porten, on top of mozilla-django-oidc.

Settings alone turn it on (OIDC_RP_CLIENT_ID and the provider's endpoints, see settings.py);
e-mail and password log-in is unchanged beside it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from lis1.accounts.backends import UserBackend
from lis1.accounts.models import User
from lis1.accounts.services import applicant_link_identity, applicant_register_from_provider
from lis1.rounds import identity
from lis1.rounds.models import Applicant
from lis1.rounds.permissions import Role, roles_of

# The claims that only the ID token carries (ID-porten puts the identity number in both).
_ID_TOKEN_CLAIMS = ("pid", "acr")


def _verified_email(claims: dict[str, Any]) -> str | None:
    """The e-mail claim, normalised as registration does, only when the provider vouches
    for it (`email_verified`)."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    if claims.get("email_verified") not in (True, "true"):
        return None
    return email.strip().lower()


def _name_claim(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip()[:100] if isinstance(value, str) else ""


class IdentityNumberBackend(OIDCAuthenticationBackend):
    """Finds or creates the applicant a provider's log-in belongs to.

    The rule, in order:

    1. `pid` (the national identity number, ID-porten's stable key for a person) must be a
       valid fødselsnummer or D-number by our own validator when present; otherwise the
       log-in is refused. With OIDC_ACR_VALUES set, the ID token's `acr` must be one of them.
    2. The account of the applicant whose identity-number look-up hash equals the hash of
       `pid`: the same person, however they registered.
    3. Else the account with the provider's e-mail address, when the provider says it is
       verified (`email_verified`). Staff accounts are never matched this way (they hold
       privileges a provider's e-mail claim alone must not unlock; they log in with their
       password), nor an applicant whose saved identity number differs from `pid`. The
       account gets an applicant if it has none, and `pid` if its applicant has no number.
    4. Else a new account and applicant. Without a verified e-mail address (ID-porten gives
       none) the account gets an undeliverable placeholder address and no usable password:
       the e-mail address is a log-in name and the only way to reach the person, so the
       callback asks for it first (`accounts:email`), as registration does, and nothing is
       e-mailed until it is given. A log-in with neither `pid` nor a verified e-mail address
       is refused, as such an account could never be found again.

    The identity number is stored only through `Applicant.set_national_id` (encrypted, with
    its hash) and never logged: refusals name the reason, not the number.
    """

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The userinfo endpoint's claims, completed with those only the verified ID token
        carries. Both must describe the same subject (OpenID Connect Core 5.3.2)."""
        # The library checks the ID token's signature, expiry and nonce, not its audience.
        audience = payload.get("aud")
        if self.OIDC_RP_CLIENT_ID not in (audience if isinstance(audience, list) else [audience]):
            raise SuspiciousOperation("The ID token was issued to another client.")
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo subject differs from the ID token's.")
        claims = dict(userinfo)
        for name in _ID_TOKEN_CLAIMS:
            if name not in payload:
                continue
            if name in userinfo and userinfo[name] != payload[name]:
                raise SuspiciousOperation(f"The userinfo {name} claim differs from the ID token's.")
            claims[name] = payload[name]
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        accepted = self.get_settings("OIDC_ACR_VALUES", [])
        if accepted and claims.get("acr") not in accepted:
            raise SuspiciousOperation("The log-in's level of assurance (acr) is not accepted.")
        pid = claims.get("pid")
        if pid is not None:
            try:
                identity.validate_identity_number(str(pid))
            except ValidationError:
                raise SuspiciousOperation(
                    "The pid claim is not a valid national identity number."
                ) from None
        elif _verified_email(claims) is None:
            raise SuspiciousOperation("The provider gave neither a pid nor a verified e-mail.")
        return True

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        # The library logs this; it must never carry the identity number.
        return "the person the provider identified"

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        pid = claims.get("pid")
        pid_hash = identity.hash_identity_number(str(pid)) if pid else None
        if pid_hash is not None:
            by_number = User.objects.filter(applicant__national_id_hash=pid_hash)
            if by_number.exists():
                return by_number
        email = _verified_email(claims)
        if email is None:
            return User.objects.none()
        by_email = User.objects.filter(email__iexact=email)
        user = by_email.first()
        if user is None:
            return by_email
        if user.is_staff or user.is_superuser or any(r != Role.APPLICANT for r in roles_of(user)):
            raise SuspiciousOperation("The e-mail address belongs to a staff account.")
        other_number = (
            Applicant.objects.filter(user=user, national_id_hash__isnull=False)
            .exclude(national_id_hash=pid_hash)
            .exists()
        )
        if pid_hash is not None and other_number:
            raise SuspiciousOperation(
                "The e-mail address belongs to an applicant with another identity number."
            )
        return by_email

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        pid = claims.get("pid")
        applicant_link_identity(user=user, national_id=str(pid) if pid else None)
        return user

    def create_user(self, claims: dict[str, Any]) -> User:
        pid = claims.get("pid")
        try:
            applicant = applicant_register_from_provider(
                national_id=str(pid) if pid else None,
                email=_verified_email(claims),
                given_name=_name_claim(claims, "given_name"),
                family_name=_name_claim(claims, "family_name"),
            )
        except IntegrityError:
            # Two simultaneous first log-ins of the same person: the other one won.
            raise SuspiciousOperation("The account was created by a concurrent log-in.") from None
        return applicant.user

    def get_user(self, user_id: Any) -> Any:
        # Load the user of each request as e-mail and password log-ins do.
        return UserBackend().get_user(user_id)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back. A failed or refused log-in returns to our log-in page
    saying so; an account without an e-mail address is asked for one before going on."""

    @property
    def failure_url(self) -> str:
        return reverse("accounts:login")

    @property
    def success_url(self) -> str:
        url: str = super().success_url
        if not self.user.has_email_address:
            return f"{reverse('accounts:email')}?{urlencode({'next': url})}"
        return url

    def login_failure(self) -> HttpResponseRedirect:
        messages.error(
            self.request,
            _("Log-in with %(name)s did not succeed. Please try again.")
            % {"name": settings.OIDC_PROVIDER_NAME},
        )
        return super().login_failure()
