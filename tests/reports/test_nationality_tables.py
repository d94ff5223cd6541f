"""Nationality by country (the most frequent countries, the rest together) and the
nationality × place of education table, from plain rows."""

from __future__ import annotations

import datetime as dt

from lis1.reports.build import NATIONALITIES_SHOWN, report_build
from lis1.reports.build import SUPPRESSED as S
from lis1.reports.groups import COUNTRY_NAMES
from lis1.reports.rows import (
    GroupCount,
    HeadlineCounts,
    NationalityEducationCount,
    ReportInput,
    RoundInfo,
)

NOW = dt.datetime(2040, 6, 1, 12, tzinfo=dt.UTC)
ROUND = RoundInfo("spring-2040", "Spring 2040", "spring", 2040, dt.date(2040, 9, 1), "answers")
# 20 countries: 100, 95, … 5 applicants (the 20th has 5), and two with 3 and 1.
CODES = [c for c in COUNTRY_NAMES if c != "NO"][:22]
NATIONALITIES = [GroupCount("NO", 400, 300, 250, 250)] + [
    GroupCount(code, n, n // 2, n // 4, n // 4)
    for code, n in zip(CODES, [*range(100, 4, -5), 3, 1], strict=True)
]


def answered(
    applicants: int, offered: int, hired: int, *, seats: int, applications: int
) -> HeadlineCounts:
    """Totals once every answer is in and every accepted doctor has started."""
    return HeadlineCounts(
        advertisements=10,
        seats=seats,
        applicants=applicants,
        applications=applications,
        offered=offered,
        accepted=hired,
        declined=offered - hired,
        expired=0,
        withdrawn=0,
        hired=hired,
        with_position=hired,
        unfilled_seats=5,
    )


def _data(**changes: object) -> ReportInput:
    applicants = sum(g.applicants for g in NATIONALITIES)
    placed = sum(g.offered for g in NATIONALITIES)
    accepted = sum(g.hired for g in NATIONALITIES)
    values: dict[str, object] = {
        "round": ROUND,
        "data_as_of": NOW,
        "counts": answered(applicants, placed, accepted, seats=900, applications=9000),
        "by_nationality": NATIONALITIES,
    }
    values.update(changes)
    return ReportInput(**values)  # type: ignore[arg-type]


def test_nationality_table_shows_the_most_frequent_countries_and_the_rest_together() -> None:
    for internal in (True, False):
        table = report_build(_data(), internal=internal).table("by_nationality_country")
        labels = table.column_values("group")
        assert len(labels) == NATIONALITIES_SHOWN + 2  # the rest, and the total
        assert labels[:3] == ["Norway", COUNTRY_NAMES[CODES[0]], COUNTRY_NAMES[CODES[1]]]
        assert labels[-2:] == ["Other countries", "All"]
        # Shown: Norway and the 14 largest (100 … 35); the rest 30 … 5 and the 3 and 1.
        rest = sum(range(30, 4, -5)) + 3 + 1
        assert table.cell("Other countries", "applicants") == rest
        assert table.cell("All", "applicants") == 400 + sum(range(100, 4, -5)) + 4
        assert table.column_values("applicants")[:-1] == [400, *range(100, 30, -5), rest]
        assert all(c.personal for c in table.columns if c.key in ("applicants", "offered"))


def test_nationality_table_without_the_cap_groups_only_the_small_countries_in_public() -> None:
    few = NATIONALITIES[:3] + NATIONALITIES[-2:]  # NO 400, 100, 95, 3, 1
    data = _data(by_nationality=few)
    internal = report_build(data, internal=True).table("by_nationality_country")
    assert internal.column_values("applicants") == [400, 100, 95, 3, 1, data.counts.applicants]
    public = report_build(data).table("by_nationality_country")
    assert public.column_values("group")[-2:] == [
        "Other countries (fewer than 5 applicants each)",
        "All",
    ]
    # 4 people together: a small count, hidden (and so is another cell of its column).
    applicants = public.column_values("applicants")
    assert applicants[-2] == S
    assert applicants[:2] == [400, 100] and applicants[-1] == data.counts.applicants


def test_cross_table_groups_nationality_and_place_of_education() -> None:
    pairs = [
        NationalityEducationCount("NO", "NO", 300, 200, 180, 180),
        NationalityEducationCount("NO", "PL", 150, 100, 70, 70),
        NationalityEducationCount("NO", "HU", 50, 30, 20, 20),
        NationalityEducationCount("NO", "US", 2, 1, 1, 1),
        NationalityEducationCount("SE", "SE", 40, 20, 10, 10),
        NationalityEducationCount("SY", "SY", 60, 10, 5, 5),
        NationalityEducationCount("IR", "", 8, 1, 0, 0),
    ]
    applicants = sum(p.applicants for p in pairs)
    placed = sum(p.offered for p in pairs)
    accepted = sum(p.hired for p in pairs)
    data = _data(
        counts=answered(applicants, placed, accepted, seats=400, applications=6000),
        by_nationality_education=pairs,
    )
    norway, eea, outside, unknown = (
        "Norway",
        "EU/EEA (other than Norway)",
        "Outside the EU/EEA",
        "Not stated",
    )
    internal = report_build(data, internal=True).table("by_nationality_education")
    rows = [[*r.cells[:4], r.cells[5], r.cells[7]] for r in internal.rows]
    assert rows == [
        [norway, norway, 300, 200, 180, 120],
        [norway, eea, 200, 130, 90, 110],  # Norwegians educated in Poland and Hungary
        [norway, outside, 2, 1, 1, 1],
        [eea, eea, 40, 20, 10, 30],
        [outside, outside, 60, 10, 5, 55],
        [outside, unknown, 8, 1, 0, 8],
        ["All", "", applicants, placed, accepted, applicants - accepted],
    ]
    assert internal.rows[1].cells[4] == 130 / 200  # share placed
    assert internal.rows[1].cells[8] == 110 / (applicants - accepted)  # share of without

    public = report_build(data).table("by_nationality_education")
    personal = [i for i, c in enumerate(public.columns) if c.personal]
    shown = [[r.cells[i] for i in personal] for r in public.rows]
    # The group of 2 is hidden whole; so is at least one other cell of each of its columns,
    # or it would follow from the total. (How hidden cells are marked is suppress()'s.)
    assert all(isinstance(c, str) for c in shown[2])
    for column in range(len(personal)):
        assert sum(isinstance(row[column], str) for row in shown[:-1]) >= 2
    assert shown[0] == [300, 200, 180, 120]
    assert shown[-1] == [applicants, placed, accepted, applicants - accepted]
    assert public.suppressed_cells == sum(isinstance(c, str) for row in shown for c in row)
