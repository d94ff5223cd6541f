"""The public report of a demo-sized round, compared cell by cell with the internal one:
every "<5" hides a count of 1–4 and every withheld cell (:) hides a number."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lis1.reports.build import SUPPRESSED as S
from lis1.reports.build import WITHHELD as W
from lis1.reports.build import Report
from lis1.reports.services import round_report_build
from lis1.rounds.demo import demo_round_seed
from lis1.rounds.enums import PlacementStatus
from lis1.rounds.models import Placement, Round
from tests.factories import run_and_publish_main_match

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def reports() -> tuple[Report, Report]:
    summary = demo_round_seed(seed=12, applicants=400, positions=14, seats=140)
    round_ = Round.objects.get(slug=summary.round_slug)
    run = run_and_publish_main_match(round_, seed=12)
    # Answers and starts, so that "without a position" means not hired: two in three accept
    # and start.
    placements = list(Placement.objects.filter(match_run=run).order_by("pk"))
    for n, placement in enumerate(placements):
        accepted = n % 3 != 2
        placement.status = PlacementStatus.ACCEPTED if accepted else PlacementStatus.DECLINED
        placement.answered_at = timezone.now()
        placement.started_on = round_.start_date if accepted else None
    Placement.objects.bulk_update(placements, ["status", "answered_at", "started_on"])
    return round_report_build(round_=round_), round_report_build(round_=round_, internal=True)


def test_public_marks_tell_the_truth_about_what_they_hide(reports) -> None:  # type: ignore[no-untyped-def]
    public, internal = reports
    assert public.without_position_basis == "hired"
    marks = {S: 0, W: 0}
    for table in public.tables():
        # A row is named by its text cells (the cross-table has two).
        texts = [i for i, column in enumerate(table.columns) if column.fmt == "text"]

        def name(row):  # type: ignore[no-untyped-def]
            return tuple(row.cells[i] for i in texts)  # noqa: B023

        truth = {name(row): row.cells for row in internal.table(table.key).rows}
        for row in table.rows:
            if name(row) not in truth:
                # Countries with fewer than 5 applicants each, merged in the public version.
                assert row.cells[0] == "Other countries (fewer than 5 applicants each)"
                continue
            for column, shown, value in zip(
                table.columns, row.cells, truth[name(row)], strict=True
            ):
                where = (table.key, row.cells[0], column.key, shown, value)
                if shown == S:
                    assert column.personal, where
                    assert isinstance(value, int), where
                    assert 1 <= value <= 4, where
                elif shown == W:
                    assert column.personal, where
                    assert isinstance(value, int), where
                elif shown is None and value is not None:
                    assert column.fmt == "pct", where  # a share of a hidden count
                else:
                    assert shown == value, where
                if shown in marks:
                    marks[shown] += 1  # type: ignore[index]
        assert table.suppressed_cells == sum(
            v in (S, W) for row in table.rows for v in row.cells
        ), table.key
    # A demo round of this size has both: the test cannot pass by hiding nothing.
    assert marks[S] > 0
    assert marks[W] > 0
