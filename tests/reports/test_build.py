"""The pure builder, without a database: plain rows in, tables out."""

from __future__ import annotations

import datetime as dt

from lis1.reports import groups
from lis1.reports.build import SUPPRESSED as S
from lis1.reports.build import TEXT, Column, outcome_table, report_build, suppress
from lis1.reports.build import WITHHELD as W
from lis1.reports.rows import (
    GroupCount,
    HeadlineCounts,
    ReportInput,
    RoundInfo,
    SeriesRow,
)
from tests.fresh_python import fresh_python

NOW = dt.datetime(2040, 6, 1, 12, tzinfo=dt.UTC)
ROUND = RoundInfo("spring-2040", "Spring 2040", "spring", 2040, dt.date(2040, 9, 1), "answers")


def counts(**changes: int) -> HeadlineCounts:
    values = {
        "advertisements": 31,
        "seats": 456,
        "applicants": 1278,
        "applications": 21000,
        "offered": 454,
        "accepted": 0,
        "declined": 0,
        "expired": 0,
        "withdrawn": 0,
        "hired": 0,
        "with_position": 454,  # every open offer holds a seat
        "unfilled_seats": 2,
    }
    values.update(changes)
    return HeadlineCounts(**values)


def test_build_modules_do_not_import_django() -> None:
    code = (
        "import lis1.reports.build, lis1.reports.groups, lis1.reports.history, "
        "lis1.reports.rows, sys; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    fresh_python(code)


def test_suppress_hides_small_counts_whole_small_groups_and_a_lone_cell() -> None:
    matrix = [[100, 40], [50, 3], [30, 20], [2, 0]]
    cells, hidden = suppress(matrix, has_totals=True, anchor=0)
    # [50, 3]: 3 is small. [2, 0]: a group of 2 shows its size as <5 and withholds its zero.
    # Column 0 then has one hidden cell (2): the smallest other (30) is withheld too.
    # Column 1 has two hidden cells (3 and the withheld 0, which the reader knows is 0–4).
    assert cells == [[100, 40], [50, S], [W, 20], [S, W]]  # 30's row keeps its 20
    assert hidden == 4


def test_suppress_keeps_complementary_columns_together() -> None:
    # applicants, hired, without: hired 3 hidden means without 17 would give it away.
    cells, _ = suppress([[20, 3, 17], [40, 30, 10]], has_totals=False, pairs=[(1, 2)])
    assert cells == [[20, S, W], [40, 30, 10]]


def test_suppress_leaves_zeros_and_large_counts() -> None:
    cells, hidden = suppress([[10, 0], [12, 5]], has_totals=True)
    assert (cells, hidden) == ([[10, 0], [12, 5]], 0)


def test_outcome_table_derives_shares_and_blanks_suppressed_ones() -> None:
    table = outcome_table(
        key="t",
        title="T",
        first=[Column("group", "Group", TEXT)],
        groups_=[(("A",), (10, 6, 4, 4)), (("B",), (20, 9, 9, 9)), (("C",), (40, 20, 18, 18))],
        total=(70, 35, 31, 31),
        basis="hired",
        internal=False,
    )
    rows = [row.cells for row in table.rows]
    # A: hired 4 is small and its complement (without 6) is withheld. That leaves A's hired
    # alone in its column, so the smallest other hired (B's 9) is withheld too, with B's
    # without; and the withheld withouts (6 and 11) are two in their column.
    assert rows[0] == ["A", 10, 6, 0.6, S, None, W, None]
    assert rows[1] == ["B", 20, 9, 0.45, W, None, W, None]
    assert rows[2] == ["C", 40, 20, 0.5, 18, 0.45, 22, 22 / 39]
    assert rows[3] == ["All", 70, 35, 0.5, 31, 31 / 70, 39, 1.0]
    assert table.suppressed_cells == 4


def test_outcome_table_internal_shows_everything() -> None:
    table = outcome_table(
        key="t",
        title="T",
        first=[Column("group", "Group", TEXT)],
        groups_=[(("A",), (3, 1, 0, 1))],
        total=(3, 1, 0, 1),
        basis="offered",
        internal=True,
    )
    assert table.rows[0].cells == ["A", 3, 1, 1 / 3, 0, 0.0, 2, 1.0]
    assert table.columns[6].label == "Without a position (not offered one)"


def test_country_groups_and_age_groups() -> None:
    assert [groups.country_group(c) for c in ("NO", "se", "GB", "SY", "")] == [
        groups.GROUP_NORWAY,
        groups.GROUP_EEA,
        groups.GROUP_OUTSIDE,
        groups.GROUP_OUTSIDE,
        groups.GROUP_UNKNOWN,
    ]
    start = dt.date(2040, 9, 1)
    assert groups.age_group(dt.date(2013, 9, 2), start) == "Under 27"  # 26 the day before
    assert groups.age_group(dt.date(2013, 9, 1), start) == "27–29"
    assert groups.age_group(dt.date(2000, 9, 1), start) == "40 and over"
    assert groups.age_group(None, start) == "Not stated"
    assert groups.graduation_group(2034, 2040) == "≤ 2034"
    assert groups.graduation_group(2035, 2040) == "2035"
    assert groups.earlier_rounds_group(7) == "5+"
    assert groups.choice_group(8) == "6–10"
    assert groups.choice_group(11) == "11 or later"


def test_report_without_previous_round_or_answers() -> None:
    data = ReportInput(
        round=ROUND,
        data_as_of=NOW,
        counts=counts(),
        by_education_country=[
            GroupCount("NO", 400, 200, 0, 200),
            GroupCount("PL", 300, 150, 0, 150),
            GroupCount("SY", 3, 1, 0, 1),
            GroupCount("IR", 1, 0, 0, 0),
        ],
        series=[SeriesRow("spring-2040", "Spring 2040", "spring", 2040, 456, 1278, 454, 0)],
    )
    report = report_build(data)
    headline = report.table("headline")
    assert headline.cell("Applicants", "previous") is None
    assert headline.cell("Applicants", "change") is None
    assert headline.cell("Share offered a position", "value") == 454 / 1278
    # No answers yet: "without a position" counts those not offered one.
    assert report.without_position_basis == "offered"
    assert headline.cell("Without a position (not offered one)", "value") == 1278 - 454
    countries = report.table("by_education_country")
    assert [row.cells[0] for row in countries.rows] == [
        "Norway",
        "Poland",
        "Other countries (fewer than 5 applicants each)",
        "All",
    ]
    # Four applicants from small countries together are still fewer than five.
    assert countries.cell("Other countries (fewer than 5 applicants each)", "applicants") == S
    assert report.to_dict()["format"] == "lis1-round-report/1"
    assert report.to_dict()["data_as_of"] == NOW.isoformat()
