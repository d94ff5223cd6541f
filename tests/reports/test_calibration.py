"""Calibration: a demo round sized like the published spring-2018 round (456 positions in 31
advertisements, 1,278 applicants), played through like the demo's history — the main match,
answers drawn from the declared acceptance model (lis1.rounds.demo.answers), the follow-up
match over the seats turned down, the employers' confirmed starts — reproduces the published
outcome (DOMAIN.md): 36 % hired, and of those left without a position 17 % educated in
Norway and 69 % Norwegian nationals.

The shares are computed from the database: hired = a placement of the round with a recorded
start; without a position = an applicant of the round with no such placement."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from lis1.rounds.demo.service import demo_past_round_seed
from lis1.rounds.enums import MatchRunKind, PlacementStatus, Season
from lis1.rounds.models import Applicant, Placement, Position

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_spring_2018_figures_give_the_published_hired_share_and_who_is_left() -> None:
    round_ = demo_past_round_seed(
        season=Season.SPRING, year=2018, applicants=1278, positions=31, seats=456, seed=2018
    )
    round_.refresh_from_db()
    placements = Placement.objects.filter(match_run__round=round_)
    hired = set(placements.filter(started_on__isnull=False).values_list("applicant_id", flat=True))
    applicants = list(
        Applicant.objects.filter(applications__position__round=round_)
        .distinct()
        .values("pk", "nationality", "education_country")
    )
    without = [a for a in applicants if a["pk"] not in hired]

    # The round as published: its size, closed, with a follow-up that refilled declined seats.
    assert Position.objects.filter(round=round_).count() == 31
    assert Position.objects.filter(round=round_).aggregate(s=Sum("seats"))["s"] == 456
    assert len(applicants) == 1278
    assert round_.closed_at is not None
    assert placements.filter(status=PlacementStatus.DECLINED).count() > 0
    assert (
        placements.filter(
            match_run__kind=MatchRunKind.FOLLOW_UP, status=PlacementStatus.ACCEPTED
        ).count()
        > 0
    )
    # Every start is an accepted placement's, on the position's start date.
    assert (
        placements.filter(started_on__isnull=False).exclude(status=PlacementStatus.ACCEPTED).count()
        == 0
    )
    assert set(placements.exclude(started_on=None).values_list("started_on", flat=True)) == {
        round_.start_date
    }

    hired_share = len(hired) / len(applicants)
    educated_in_norway = sum(a["education_country"] == "NO" for a in without) / len(without)
    norwegian_nationals = sum(a["nationality"] == "NO" for a in without) / len(without)
    assert abs(hired_share - 0.36) <= 0.02, hired_share  # published: 454 of 1,278
    assert abs(educated_in_norway - 0.17) <= 0.03, educated_in_norway
    assert abs(norwegian_nationals - 0.69) <= 0.03, norwegian_nationals
