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
from lis1.accounts.services import account_email_set, applicant_register


def _oidc_context() -> dict[str, Any]:
    """The identity provider's name for the log-in button, None when none is configured."""
    return {"oidc_provider_name": settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else None}


class LoginView(auth_views.LoginView):
    """Django's log-in page, offering the identity provider's log-in too when configured."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **_oidc_context()}


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = ApplicantRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        applicant = applicant_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            given_name=form.cleaned_data["given_name"],
            family_name=form.cleaned_data["family_name"],
        )
        login(request, applicant.user, backend="lis1.accounts.backends.UserBackend")
        messages.success(request, _("Welcome! Your account has been created."))
        return redirect("dashboard")
    return render(request, "accounts/register.html", {"form": form, **_oidc_context()})


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
        account_email_set(
            user=user,
            email=form.cleaned_data["email"],
            given_name=form.cleaned_data["given_name"],
            family_name=form.cleaned_data["family_name"],
        )
        messages.success(request, _("Your e-mail address has been saved."))
        return redirect(next_url)
    return render(
        request,
        "accounts/email_set.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )
