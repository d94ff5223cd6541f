"""Log-in accounts. People log in with their e-mail address; roles come from what they own
(an Applicant) or where they work (a StaffMembership in lis1.rounds)."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

# Accounts created through an identity provider that gives no e-mail address (ID-porten) get a
# unique address in this domain until the person gives a real one. The `.invalid` top-level
# domain is reserved (RFC 6761): no mail can ever reach anyone there.
NO_EMAIL_DOMAIN = "no-email.lis1.invalid"


def placeholder_email() -> str:
    """A fresh, undeliverable address for an account whose owner has not given one yet."""
    return f"{secrets.token_hex(12)}@{NO_EMAIL_DOMAIN}"


class EmailUserManager(UserManager["User"]):
    """Creates users keyed on a normalised e-mail address instead of a user name."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in: an applicant, or staff of a trust, municipality or the directorate."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def has_email_address(self) -> bool:
        """False while the account has only a placeholder address (see `placeholder_email`)."""
        return not self.email.lower().endswith("@" + NO_EMAIL_DOMAIN)
