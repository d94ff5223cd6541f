"""Directorate staff run the match in the browser: start, watch, verify, publish."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lis1.rounds.models import MatchRun
from tests.e2e.conftest import axe_violations, log_in
from tests.factories import (
    ApplicantFactory,
    DirectorateFactory,
    MembershipFactory,
    PositionFactory,
    employer_list,
    matching_round,
    rank_positions,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_directorate_runs_verifies_and_publishes_a_match(
    page, live_server, shoot, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    round_ = matching_round()
    first, second = PositionFactory(round=round_, seats=1), PositionFactory(round=round_, seats=1)
    a, b, c = ApplicantFactory(), ApplicantFactory(), ApplicantFactory()
    rank_positions(round_, a, first, second)
    rank_positions(round_, b, first)
    rank_positions(round_, c, second)
    employer_list(first, b, a)
    employer_list(second, a, c)
    MembershipFactory(organisation=DirectorateFactory(), user__email="dir@example.no")

    log_in(page, live_server, "dir@example.no")
    page.get_by_role("link", name=str(round_)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(round_))
    shoot("round")
    assert axe_violations(page) == []

    page.get_by_label("Seed").fill("2026")
    page.get_by_role("button", name=re.compile("Start")).click()
    run = MatchRun.objects.get()
    expect(page).to_have_url(re.compile(rf"/direktorat/kjoringer/{run.pk}/$"))
    expect(page.locator("#run-status")).to_contain_text(re.compile("Ferdig|Done"))
    shoot("run")
    assert axe_violations(page) == []

    page.get_by_role("button", name=re.compile("Verify|Verifiser|Kontroller")).click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("#run-status")).to_contain_text(re.compile("Verif|Kontroll"))
    run.refresh_from_db()
    assert run.verified_ok is True

    page.get_by_role("link", name=re.compile("Publish|Publiser")).click()
    shoot("confirm-publish")
    assert axe_violations(page) == []
    page.get_by_label(re.compile("Publish although|Publiser selv om", re.I)).check()
    page.get_by_label(re.compile("^(Reason|Begrunnelse|Grunngiving)", re.I)).fill(
        "Test rankings are not submitted."
    )
    page.get_by_role("button", name=re.compile("publish|publiser", re.I)).click()
    run.refresh_from_db()
    assert run.published_at is not None
    assert {(p.applicant_id, p.position_id) for p in run.placements.all()} == {
        (b.pk, first.pk),
        (a.pk, second.pk),
    }
    shoot("published")
