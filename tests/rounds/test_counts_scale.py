"""Counts beside a list grow with the rows they count, never with their product: three
COUNT(DISTINCT) over one join once made a seven-query page take 30 s. Measured from
PostgreSQL's plan (rows every node produced), so the test means the same on any machine."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from lis1.jobs.models import JobStatus
from lis1.rounds.enums import MatchRunKind, PlacementStatus
from lis1.rounds.models import EmployerRanking, MatchRun, Placement, Position
from lis1.rounds.selectors import _round_counts_query, positions_with_counts, round_counts_attach
from tests import factories as f
from tests.query_plans import rows_processed

pytestmark = pytest.mark.django_db


def _grow(position: Position, count: int) -> None:
    """`count` more applicants of the position: applied, ranked, and placed by a published
    run each (many runs, as direct offers make them)."""
    applicants = f.applicants_for(position, count)
    start = EmployerRanking.objects.filter(position=position).count()
    EmployerRanking.objects.bulk_create(
        EmployerRanking(position=position, applicant=a, rank=start + i)
        for i, a in enumerate(applicants, start=1)
    )
    now = timezone.now()
    run = MatchRun.objects.create(
        round=position.round,
        kind=MatchRunKind.DIRECT_OFFER,
        seed=0,
        status=JobStatus.SUCCEEDED,
        published_at=now,
    )
    Placement.objects.bulk_create(
        Placement(match_run=run, applicant=a, position=position, status=PlacementStatus.OFFERED)
        for a in applicants
    )


def _counts(position: Position) -> tuple[int, int, int]:
    row = positions_with_counts(Position.objects.filter(pk=position.pk)).get()
    return (row.application_count, row.ranked_count, row.offered_count)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN ANALYZE is PostgreSQL's")
def test_counts_grow_linearly_with_the_rows_they_count() -> None:
    position = f.PositionFactory(seats=50)
    counted = positions_with_counts(Position.objects.filter(pk=position.pk))
    _grow(position, 30)
    small = rows_processed(counted)
    assert _counts(position) == (30, 30, 30)
    _grow(position, 770)
    large = rows_processed(counted)
    assert _counts(position) == (800, 800, 800)
    # 800 / 30 ≈ 27 times the rows; a join of three relations would be ~19,000 times the work.
    assert large / small < 2 * 800 / 30, (small, large)


def test_positions_with_counts_counts_each_relation_once() -> None:
    position = f.PositionFactory(seats=50)
    _grow(position, 12)
    f.applicants_for(position, 3)  # applied, not ranked or placed
    assert _counts(position) == (15, 12, 12)


def test_round_counts_are_grouped_per_relation_and_cached(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    position = f.PositionFactory(seats=50)
    other = f.PositionFactory(seats=3)
    _grow(position, 12)
    f.applicants_for(position, 3)
    placements = Placement.objects.filter(position=position).order_by("pk")
    accepted = list(placements.values_list("pk", flat=True)[:5])
    Placement.objects.filter(pk__in=accepted).update(
        status=PlacementStatus.ACCEPTED, answered_at=timezone.now()
    )
    Placement.objects.filter(pk__in=accepted[:2]).update(started_on=timezone.localdate())
    Placement.objects.filter(pk=accepted[4]).update(
        status=PlacementStatus.WITHDRAWN, ended_at=timezone.now()
    )
    with django_assert_num_queries(3):  # positions, applications, placements: all rounds at once
        counted = _round_counts_query([position.round_id, other.round_id])
    assert counted[position.round_id] == {
        "position_count": 1,
        "seat_count": 50,
        "application_count": 15,
        "applicant_count": 15,
        # People, in lis1.rounds.outcomes' words: a withdrawal after accepting still accepted.
        "offered_count": 12,
        "accepted_count": 5,
        "hired_count": 2,
    }
    assert counted[other.round_id]["seat_count"] == 3
    (round_,) = round_counts_attach([position.round])
    assert (round_.applicant_count, round_.counts_as_of is not None) == (15, True)
    with django_assert_num_queries(0):  # a minute in the shared cache
        (again,) = round_counts_attach([position.round])
    assert again.counts_as_of == round_.counts_as_of
