"""An applicant whose account an identity provider (ID-porten) created without an e-mail
address gives one in the browser: the page passes axe-core, refuses a bad address beside the
field, and saves a good one once its owner follows the link sent to it."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from playwright.sync_api import expect

from lis1.accounts.models import User
from lis1.accounts.services import applicant_register_from_provider
from lis1.notifications.models import Outbox
from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(page, live_server, user: User) -> None:  # type: ignore[no-untyped-def]
    """A browser session for a user who has no password (as after a provider's log-in)."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "lis1.accounts.backends.UserBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def test_provider_account_gives_its_email_address(page, live_server, shoot) -> None:  # type: ignore[no-untyped-def]
    applicant = applicant_register_from_provider(
        national_id=None, email=None, given_name="Sigrid", family_name="Berg"
    )
    assert not applicant.user.has_email_address
    _signed_in(page, live_server, applicant.user)

    page.goto(f"{live_server.url}/konto/e-post/")
    expect(page.get_by_role("heading", level=1)).to_have_text("E-postadressen din")
    shoot("email-nb")
    assert axe_violations(page) == []

    page.context.add_cookies([{"name": "lis1_language", "value": "en", "url": live_server.url}])
    page.reload()
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter a valid email address.").first).to_be_visible()
    shoot("email-error-en")
    assert axe_violations(page) == []

    page.get_by_label("E-mail address").fill("sigrid.berg@example.no")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert axe_violations(page) == []
    assert not User.objects.get(pk=applicant.user.pk).has_email_address

    [message] = Outbox.objects.filter(to="sigrid.berg@example.no")
    link = next(line for line in message.body.splitlines() if "/konto/e-post/bekreft/" in line)
    page.goto(live_server.url + link[link.index("/konto/") :].strip())
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm the address").click()
    expect(page.get_by_text("Your e-mail address has been saved.")).to_be_visible()
    assert User.objects.get(pk=applicant.user.pk).email == "sigrid.berg@example.no"
