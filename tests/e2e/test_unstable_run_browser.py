"""A round without a stable matching in the browser: the run page says so and lists the
blocking pairs; publishing needs the confirmation and a reason (axe-clean pages)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lis1.rounds.enums import CoupleStatus
from lis1.rounds.models import Couple, CouplePreference, MatchRun, Position
from lis1.rounds.services import matching
from tests.e2e.conftest import axe_violations, log_in
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    DirectorateFactory,
    MembershipFactory,
    PositionFactory,
    employer_list,
    matching_round,
    rank_positions,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_unstable_run_is_explained_and_published_only_with_a_reason(
    page, live_server, shoot, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    round_ = matching_round()
    h1 = PositionFactory(round=round_, seats=1)
    h2 = PositionFactory(round=round_, seats=1)
    s, m1, m2 = ApplicantFactory(), ApplicantFactory(), ApplicantFactory()
    rank_positions(round_, s, h1, h2)
    for member, position in ((m1, h1), (m2, h2)):
        ApplicationFactory(applicant=member, position=position)
    couple = Couple.objects.create(
        round=round_, first=m1, second=m2, status=CoupleStatus.ACCEPTED, accepted_at=timezone.now()
    )
    CouplePreference.objects.create(couple=couple, rank=1, first_position=h1, second_position=h2)
    employer_list(h1, m1, s)
    employer_list(h2, s, m2)
    Position.objects.filter(round=round_).update(ranking_submitted_at=timezone.now())
    run = matching.round_run_match(match_run=matching.match_run_create(round_=round_, seed=4))
    assert matching.match_run_verify(match_run=run) == []
    MembershipFactory(organisation=DirectorateFactory(), user__email="dir@example.no")

    log_in(page, live_server, "dir@example.no")
    page.goto(f"{live_server.url}/direktorat/kjoringer/{run.pk}/")
    expect(page.get_by_test_id("verdict")).to_contain_text(
        re.compile("Ingen stabil tildeling finnes|No stable matching exists")
    )
    expect(page.locator("#blocking-heading")).to_be_visible()
    shoot("unstable-run")
    assert axe_violations(page) == []

    page.get_by_role("link", name=re.compile("Publish|Publiser")).click()
    expect(page.locator("#unstable-heading")).to_be_visible()
    shoot("unstable-publish")
    assert axe_violations(page) == []
    page.get_by_role("button", name=re.compile("publish|publiser", re.I)).click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("not stable|ikke stabil"))
    assert MatchRun.objects.get(pk=run.pk).published_at is None

    page.get_by_label(re.compile("Publish although|Publiser selv om", re.I)).check()
    page.get_by_label(re.compile("^(Reason|Begrunnelse|Grunngiving)", re.I)).fill(
        "No stable matching exists; the board decided to publish the fewest blocking."
    )
    page.get_by_role("button", name=re.compile("publish|publiser", re.I)).click()
    expect(page.locator(".messages")).to_be_visible()
    assert MatchRun.objects.get(pk=run.pk).published_at is not None
