"""A directorate user runs a whole round in the browser, without the admin: creates it, edits
its calendar (with a reason once dates have passed), matches after the ranking deadline,
verifies, publishes with the checklist, opens the follow-up and closes it. axe-core checks
every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lis1.rounds.calendar import OSLO
from lis1.rounds.enums import RoundPhase
from lis1.rounds.models import MatchRun, Round
from tests.e2e.conftest import axe_violations, log_in
from tests.factories import (
    ApplicantFactory,
    DirectorateFactory,
    MembershipFactory,
    PositionFactory,
    employer_list,
    rank_positions,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment, OSLO).strftime("%Y-%m-%dT%H:%M")


def _fill_calendar(page, **values: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    labels = {
        "advertising_opens": "Positions published",
        "applications_open": "Applications open",
        "applications_close": "Application deadline",
        "ranking_deadline": "Ranking deadline",
        "match_date": "Match run",
        "results_published": "Results published",
        "answer_deadline": "Answer deadline",
    }
    for field, moment in values.items():
        page.get_by_label(labels[field], exact=True).fill(_local(moment))


def test_directorate_runs_a_round_from_creation_to_closing(page, live_server, shoot) -> None:  # type: ignore[no-untyped-def]
    MembershipFactory(organisation=DirectorateFactory(), user__email="dir@example.no")
    page.context.add_cookies([{"name": "lis1_language", "value": "en", "url": live_server.url}])
    log_in(page, live_server, "dir@example.no")
    expect(page).not_to_have_url(re.compile(r"/konto/logg-inn/"))  # logged in
    page.goto(f"{live_server.url}/direktorat/")
    assert axe_violations(page) == []

    # Create the round: the calendar is proposed.
    page.get_by_role("link", name="New round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New round")
    assert page.get_by_label("Start date").input_value().endswith(("-03-01", "-09-01"))
    shoot("new-round")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Create the round").click()
    expect(page.locator("#round-phase")).to_contain_text("Planned")
    round_ = Round.objects.get()
    shoot("created")
    assert axe_violations(page) == []

    # Employers and applicants do their part (outside this test's browser).
    first = PositionFactory(round=round_, seats=1, start_date=round_.start_date)
    second = PositionFactory(round=round_, seats=1, start_date=round_.start_date)
    a, b, c = ApplicantFactory(), ApplicantFactory(), ApplicantFactory()
    rank_positions(round_, a, first, second)
    rank_positions(round_, b, first)
    rank_positions(round_, c, second)
    employer_list(first, b, a)
    employer_list(second, a, c)

    # Move the calendar so that the ranking deadline has passed: that needs a reason.
    now = timezone.now()
    page.get_by_role("link", name="Change the calendar").click()
    _fill_calendar(
        page,
        advertising_opens=now - dt.timedelta(days=30),
        applications_open=now - dt.timedelta(days=30),
        applications_close=now - dt.timedelta(days=10),
        ranking_deadline=now - dt.timedelta(hours=2),
        match_date=now - dt.timedelta(hours=1),
        results_published=now - dt.timedelta(minutes=30),
        answer_deadline=now + dt.timedelta(days=5),
    )
    page.get_by_role("button", name="Save the calendar").click()
    expect(page.locator(".ds-error-summary")).to_contain_text("reason")
    shoot("calendar-needs-reason")
    assert axe_violations(page) == []
    page.get_by_label("Reason for the change").fill("The test round runs on a short calendar.")
    page.get_by_role("button", name="Save the calendar").click()
    expect(page.locator("#round-phase")).to_contain_text("Lists locked")
    expect(page.locator("[data-check=rankings_submitted]")).to_contain_text("0 of 2")
    shoot("ranking-closed")
    assert axe_violations(page) == []

    # The main match, then verification, then publication with the checklist.
    page.get_by_label("Seed").fill("2027")
    page.get_by_role("button", name="Start match run").click()
    expect(page).to_have_url(re.compile(r"/direktorat/kjoringer/\d+/$"))
    run = MatchRun.objects.get()
    assert page.url.endswith(f"/direktorat/kjoringer/{run.pk}/")
    expect(page.locator("#run-status")).to_contain_text("Done")
    shoot("run")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Verify (re-run and check)").click()
    expect(page.locator("#run-status")).to_contain_text("the placements match")
    page.get_by_role("link", name="Publish results").click()
    expect(page.get_by_role("heading", name=re.compile("2 positions without"))).to_be_visible()
    shoot("publish-checklist")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Yes, publish").click()
    expect(page.locator("[role=alert]")).to_contain_text("no submitted ranking")
    run.refresh_from_db()
    assert run.published_at is None
    page.get_by_label("Publish although some positions have no submitted ranking").check()
    page.get_by_label(re.compile("^Reason")).fill("Both trusts confirmed their lists by e-mail.")
    page.get_by_role("button", name="Yes, publish").click()
    expect(page.locator("#run-status")).to_contain_text("applicants told")
    run.refresh_from_db()
    assert run.published_at is not None
    shoot("published")
    assert axe_violations(page) == []

    # After the answers: the follow-up, then closing.
    round_.refresh_from_db()
    page.goto(f"{live_server.url}/direktorat/runder/{round_.slug}/kalender/")
    page.get_by_label("Answer deadline", exact=True).fill(
        _local(timezone.now() - dt.timedelta(minutes=1))
    )
    page.get_by_label("Reason for the change").fill("Answers collected by phone.")
    page.get_by_role("button", name="Save the calendar").click()
    expect(page.locator("#round-phase")).to_contain_text("Answer deadline passed")
    page.get_by_role("link", name="Open the follow-up").click()
    shoot("follow-up")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Yes, open the follow-up").click()
    expect(page.locator("#round-phase")).to_contain_text("Follow-up")
    page.get_by_role("link", name="Close the round").click()
    assert axe_violations(page) == []
    page.get_by_label("Reason or note").fill("All seats are settled.")
    page.get_by_role("button", name="Yes, close the round").click()
    expect(page.locator("#round-phase")).to_contain_text("Closed")
    expect(page.locator("table").last).to_contain_text("All seats are settled.")
    shoot("closed")
    assert axe_violations(page) == []
    round_.refresh_from_db()
    assert round_.phase == RoundPhase.CLOSED
    assert round_.stored_reports.count() == 1
