from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from lis1.accounts.models import NO_EMAIL_DOMAIN, User
from lis1.ui import DesignSystemFormMixin


class LoginForm(DesignSystemFormMixin, AuthenticationForm):
    pass


class ResetForm(DesignSystemFormMixin, PasswordResetForm):
    pass


class NewPasswordForm(DesignSystemFormMixin, SetPasswordForm):
    pass


class AccountNameEmailForm(DesignSystemFormMixin, forms.Form):
    """A person's name and a new e-mail address, as registration asks; alone, it completes an
    account an identity provider created without an e-mail address."""

    # No form tells whether an address has an account: account_register and
    # account_email_request answer the same either way, and the address's owner learns which.

    given_name = forms.CharField(
        label=_("Given name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email.endswith("@" + NO_EMAIL_DOMAIN):
            raise forms.ValidationError(_("Enter a valid email address."), code="invalid")
        return email


class ApplicantRegistrationForm(AccountNameEmailForm):
    """Self-registration for doctors: an account and the start of an applicant profile."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("given_name", ""),
                last_name=cleaned.get("family_name", ""),
            )
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
