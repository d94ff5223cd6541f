"""The idle log-out in a real browser, with the limits shortened in the live server: typing
keeps the session alive, the warning dialog appears and "Stay logged in" keeps it, and when
the session ends anyway the user logs in again and finds the typed text back in the form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, log_in
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_idle_warning_and_no_typed_text_lost(page, live_server, settings, shoot) -> None:  # type: ignore[no-untyped-def]
    settings.LIS1_SESSION_IDLE_SECONDS = 8
    settings.LIS1_SESSION_WARNING_SECONDS = 5
    ApplicantFactory(user__email="kladd@example.no", given_name="Kari")
    log_in(page, live_server, "kladd@example.no")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    edit = f"{live_server.url}/soker/profil/endre/"
    page.goto(edit)
    page.locator("#id_given_name").fill("Ingrid Kladd")
    page.locator("#id_national_id").fill("12345678901")  # autocomplete="off": not kept
    dialog = page.get_by_role("alertdialog")

    # Having typed is activity: the first warning is skipped and the session kept alive.
    page.wait_for_timeout(4_000)
    expect(dialog).to_be_hidden()

    # Idle now: the warning comes, and "Stay logged in" keeps the session.
    expect(dialog).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Bli værende innlogget")).to_be_focused()
    shoot("warning")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Bli værende innlogget").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#id_national_id")).to_be_focused()  # focus goes back

    # Idle again, and this time nobody answers: logged out to the log-in page, with `next`.
    expect(dialog).to_be_visible(timeout=10_000)
    page.wait_for_url(re.compile(r"/konto/logg-inn/\?next=/soker/profil/endre/"), timeout=15_000)
    expect(page.get_by_text("Du ble logget ut etter")).to_be_visible()
    shoot("logged-out")

    page.get_by_label(re.compile("E-post", re.I)).fill("kladd@example.no")
    page.get_by_label(re.compile("Passord", re.I)).fill("lis1-demo")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(edit)
    expect(page.locator("#id_given_name")).to_have_value("Ingrid Kladd")
    expect(page.locator("#id_national_id")).to_have_value("")
    expect(page.get_by_role("status").filter(has_text="det du hadde skrevet")).to_be_visible()
    shoot("restored")

    # A draft is read once: loading the page again shows the saved profile.
    page.reload()
    expect(page.locator("#id_given_name")).to_have_value("Kari")


def test_a_draft_is_never_restored_for_another_user(page, live_server, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LIS1_SESSION_IDLE_SECONDS = 6
    settings.LIS1_SESSION_WARNING_SECONDS = 3
    ApplicantFactory(user__email="forste@example.no", given_name="Kari")
    ApplicantFactory(user__email="andre@example.no", given_name="Ola")
    log_in(page, live_server, "forste@example.no")
    page.goto(f"{live_server.url}/soker/profil/endre/")
    page.locator("#id_family_name").fill("Hemmelig")
    page.locator("main").click()  # some time without typing after this
    page.wait_for_url(re.compile(r"/konto/logg-inn/"), timeout=30_000)

    settings.LIS1_SESSION_IDLE_SECONDS = 600
    page.get_by_label(re.compile("E-post", re.I)).fill("andre@example.no")
    page.get_by_label(re.compile("Passord", re.I)).fill("lis1-demo")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/soker/profil/endre/")
    expect(page.locator("#id_given_name")).to_have_value("Ola")
    expect(page.locator("#id_family_name")).not_to_have_value("Hemmelig")
    assert page.evaluate("sessionStorage.getItem('lis1-form-draft')") is None
