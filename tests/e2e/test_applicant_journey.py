"""The applicant's whole journey in real Chromium: register, profile, upload a PDF, apply to
three positions, rank (keyboard/htmx and drag), results published, accept the offer. Every
page passes axe-core with no serious or critical violation; each step is photographed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from lis1.rounds.enums import ApplicationStatus, PlacementStatus
from lis1.rounds.models import Applicant, ApplicantRanking, Application, Placement
from tests.e2e.conftest import axe_violations
from tests.factories import (
    OpenRoundFactory,
    PositionFactory,
    SiteFactory,
    employer_list,
    next_identity_number,
    pdf_bytes,
    run_and_publish_main_match,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_world(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    round_ = OpenRoundFactory()
    positions = []
    for title, site in [
        ("LIS1 Elverum og Elverum kommune", "Sykehuset Innlandet Elverum"),
        ("LIS1 Tromsø og Balsfjord", "UNN Tromsø"),
        ("LIS1 Førde og Sunnfjord", "Førde sentralsjukehus"),
        ("LIS1 Bodø og Saltdal", "Nordlandssykehuset Bodø"),
    ]:
        position = PositionFactory(
            round=round_, title=title, seats=1, description="Godt fagmiljø og tett veiledning."
        )
        position.sites.add(SiteFactory(name=site, parent=position.employer))
        positions.append(position)
    return {"round": round_, "positions": positions}


def _check(page, shoot, step: str) -> None:  # type: ignore[no-untyped-def]
    shoot(step)
    assert axe_violations(page) == [], step


def test_applicant_journey(page, live_server, shoot, open_world) -> None:  # type: ignore[no-untyped-def]
    url = live_server.url
    page.context.add_cookies([{"name": "lis1_language", "value": "en", "url": url}])

    # Register.
    page.goto(f"{url}/konto/registrer/")
    page.get_by_label("Given name").fill("Ingrid")
    page.get_by_label("Family name").fill("Haugen")
    page.get_by_label("E-mail address").fill("ingrid@example.no")
    page.get_by_label("Password", exact=True).fill("Fjellvann-2025!")
    page.get_by_label("Repeat the password").fill("Fjellvann-2025!")
    _check(page, shoot, "register")
    page.get_by_role("button", name="Create account").click()
    # The same answer for a taken address: the account waits for the e-mailed link.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    _check(page, shoot, "register-sent")
    link = next(
        line.strip()
        for message in mail.outbox
        for line in message.body.splitlines()
        if "/konto/registrer/bekreft/" in line
    )
    page.goto(url + link[link.index("/konto/") :])
    page.get_by_role("button", name="Activate and log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ingrid")
    _check(page, shoot, "dashboard-new")

    # Profile, first with an error shown beside the field, then saved.
    page.get_by_role("link", name="Profile", exact=True).click()
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("National identity number or D-number").fill("17059612345")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#id_national_id_error")).to_contain_text("check digits")
    _check(page, shoot, "profile-error")
    number = next_identity_number()
    page.get_by_label("National identity number or D-number").fill(number)
    page.get_by_label("HPR number").fill("9876543")
    page.get_by_label("Authorisation or licence").select_option("authorised")
    page.get_by_label("Nationality").fill("NO")
    page.get_by_label("Country of medical education").fill("NO")
    page.get_by_label("Year of medical degree").fill("2025")
    page.get_by_label("Norwegian language proficiency").select_option("native")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    expect(page.get_by_text(number)).to_have_count(0)
    expect(page.get_by_text(number[:6] + "*****")).to_be_visible()
    _check(page, shoot, "profile")

    # Upload a document.
    page.get_by_role("link", name="Documents", exact=True).click()
    page.get_by_label("Kind").select_option("cv")
    page.get_by_label("Title").fill("CV Ingrid Haugen")
    page.get_by_label("File (PDF, at most 10 MB)").set_input_files(
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Ingrid")}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name=re.compile("^CV Ingrid Haugen"))).to_be_visible()
    _check(page, shoot, "documents")

    # Browse, search, and apply to three positions.
    page.get_by_role("link", name="Positions", exact=True).click()
    _check(page, shoot, "positions")
    page.get_by_label("Search").fill("Tromsø")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").first).to_contain_text("1 position found")
    page.goto(f"{url}/soker/stillinger/")
    for index, title in enumerate(
        ["LIS1 Elverum og Elverum kommune", "LIS1 Tromsø og Balsfjord", "LIS1 Førde og Sunnfjord"]
    ):
        page.get_by_role("link", name=title).click()
        if index == 0:
            _check(page, shoot, "position-detail")
        page.get_by_role("link", name="Apply for this position").click()
        page.get_by_label("Short motivation").fill(f"Motivation for {title}.")
        page.get_by_label(re.compile("CV Ingrid Haugen")).check()
        if index == 0:
            _check(page, shoot, "apply")
        page.get_by_role("button", name="Send application").click()
        expect(page.get_by_text("Your application has been sent.")).to_be_visible()
        if index == 0:
            _check(page, shoot, "application")
        page.goto(f"{url}/soker/stillinger/")

    applicant = Applicant.objects.get(user__email="ingrid@example.no")
    applied = list(
        ApplicantRanking.objects.filter(applicant=applicant)
        .order_by("rank")
        .values_list("position__title", flat=True)
    )
    assert len(applied) == 3

    # Rank: move the last one up with the keyboard (the list is swapped in, focus stays).
    page.get_by_role("link", name="My ranking").click()
    _check(page, shoot, "ranking")
    up = page.get_by_role("button", name=re.compile("Move LIS1 Førde og Sunnfjord up"))
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".ranking__status")).to_contain_text("Moved to place 2")
    # The focus comes back to the same position's button once the new list is in.
    expect(
        page.get_by_role("button", name=re.compile("Move LIS1 Førde og Sunnfjord up"))
    ).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".ranking__status")).to_contain_text("Moved to place 1")
    expect(page.locator(".ranking__item").first).to_contain_text("LIS1 Førde og Sunnfjord")
    # ... and drag the (now) last row to the top.
    last = page.locator(".ranking__item").last
    last_title = last.locator("strong").inner_text()
    last.drag_to(page.locator(".ranking__item").first)
    expect(page.locator(".ranking__item").first).to_contain_text(last_title)
    expect(page.locator(".ranking__item--moved")).to_contain_text(last_title)
    _check(page, shoot, "ranking-reordered")
    order = list(
        ApplicantRanking.objects.filter(applicant=applicant)
        .order_by("rank")
        .values_list("position__title", flat=True)
    )
    assert order[0] == last_title
    assert order[1] == "LIS1 Førde og Sunnfjord"

    # Phone width: the ranking and the positions still fit.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _check(page, shoot, "ranking-mobile")
    page.goto(f"{url}/soker/stillinger/")
    _check(page, shoot, "positions-mobile")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The deadline passes, employers rank, the directorate runs and publishes the match.
    round_ = open_world["round"]
    now = timezone.now()
    round_.applications_close = now - dt.timedelta(minutes=5)
    round_.applications_open = round_.advertising_opens = now - dt.timedelta(days=14)
    round_.save()
    for application in Application.objects.filter(status=ApplicationStatus.SUBMITTED):
        employer_list(application.position, applicant)
    run_and_publish_main_match(round_, seed=7)
    placement = Placement.objects.get(applicant=applicant)
    assert placement.position.title == order[0]

    # See the result and accept it, with a confirmation step.
    page.goto(f"{url}/soker/")
    expect(page.get_by_text("You have been offered the position")).to_be_visible()
    _check(page, shoot, "dashboard-result")
    page.get_by_role("link", name="Answer the offer").click()
    _check(page, shoot, "offer")
    page.get_by_role("link", name="Accept the offer").click()
    _check(page, shoot, "offer-confirm")
    page.get_by_role("button", name="Yes, accept").click()
    expect(page.get_by_text("You accepted the offer.")).to_be_visible()
    _check(page, shoot, "offer-accepted")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACCEPTED
