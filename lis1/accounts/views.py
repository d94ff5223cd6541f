from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lis1.accounts.forms import AccountNameEmailForm, ApplicantRegistrationForm
from lis1.accounts.models import User
from lis1.accounts.services import (
    account_email_confirm,
    account_email_link,
    account_email_request,
    account_register,
    account_register_confirm,
    account_register_user,
)


def _oidc_context() -> dict[str, Any]:
    """The identity provider's name for the log-in button, None when none is configured."""
    return {"oidc_provider_name": settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else None}


class LoginView(auth_views.LoginView):
    """Django's log-in page, offering the identity provider's log-in too when configured."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **_oidc_context()}


def register(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not the address already has an account (the address's
    owner is told which by e-mail): never a way to learn who is registered."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = ApplicantRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            given_name=form.cleaned_data["given_name"],
            family_name=form.cleaned_data["family_name"],
        )
        return redirect("accounts:register_sent")
    return render(
        request,
        "accounts/register.html",
        {"form": form, **_oidc_context()},
        status=400 if form.errors else 200,
    )


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_sent.html")


@require_http_methods(["GET", "POST"])
def register_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of the confirmation e-mail. Opening it changes nothing (mail scanners open
    links); the owner's press of the button activates the account and logs them in."""
    user = account_register_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/register_confirm.html", {"valid": False}, status=400)
    if request.method == "POST":
        account_register_confirm(user=user)
        login(request, user, backend="lis1.accounts.backends.UserBackend")
        messages.success(request, _("Welcome! Your account has been created."))
        return redirect("dashboard")
    return render(request, "accounts/register_confirm.html", {"valid": True})


@login_required
@require_http_methods(["GET", "POST"])
def email_set(request: HttpRequest) -> HttpResponse:
    """Asks a person whose account an identity provider created without an e-mail address
    for it (and their name), as registration does; then goes on to where they were going."""
    user: User = request.user  # type: ignore[assignment]
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    if user.has_email_address:
        return redirect(next_url)
    applicant = getattr(user, "applicant", None)
    form = AccountNameEmailForm(
        request.POST or None,
        initial={
            "given_name": applicant.given_name if applicant else user.first_name,
            "family_name": applicant.family_name if applicant else user.last_name,
        },
    )
    if request.method == "POST" and form.is_valid():
        account_email_request(
            user=user,
            email=form.cleaned_data["email"],
            given_name=form.cleaned_data["given_name"],
            family_name=form.cleaned_data["family_name"],
        )
        return render(request, "accounts/email_sent.html", {"next": next_url})
    return render(
        request,
        "accounts/email_set.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the address-confirmation e-mail (`account_email_request`). Opening it
    changes nothing (mail scanners open links); the button gives the account the address. It
    needs no log-in: the link is the proof that its reader owns the address."""
    if account_email_link(token=token) is None:
        return render(request, "accounts/email_confirm.html", {"valid": False}, status=400)
    if request.method == "POST":
        if account_email_confirm(token=token) is None:
            return render(request, "accounts/email_confirm.html", {"valid": False}, status=400)
        messages.success(request, _("Your e-mail address has been saved."))
        return redirect("dashboard" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/email_confirm.html", {"valid": True})
