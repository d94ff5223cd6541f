"""Every cell of every table of the report of a small round with known numbers
(`report_round` in conftest.py lists who applied where and what came of it)."""

from __future__ import annotations

import pytest

from lis1.reports.build import SUPPRESSED as S
from lis1.reports.build import WITHHELD as W
from lis1.reports.build import Report
from lis1.reports.services import round_report_build

pytestmark = pytest.mark.django_db


def f(part: float, whole: float) -> float:
    return round(part / whole, 4)


def cells(report: Report, key: str) -> list[list[object]]:
    return [
        [round(c, 4) if isinstance(c, float) else c for c in row.cells]
        for row in report.table(key).rows
    ]


ALL = "All"


@pytest.fixture
def internal(report_round) -> Report:  # type: ignore[no-untyped-def]
    return round_report_build(round_=report_round["round"], internal=True)


@pytest.fixture
def public(report_round) -> Report:  # type: ignore[no-untyped-def]
    return round_report_build(round_=report_round["round"])


def test_report_lists_every_table_in_order(internal) -> None:  # type: ignore[no-untyped-def]
    assert [t.key for t in internal.tables()] == [
        "headline",
        "fill_by_region",
        "fill_by_trust",
        "by_education_group",
        "by_education_country",
        "by_nationality_group",
        "by_nationality_country",
        "by_nationality_education",
        "by_graduation_year",
        "by_gender",
        "by_age_group",
        "by_earlier_rounds",
        "by_choice",
        "couples",
        "municipal_summary",
        "municipal_parts",
        "match_runs",
        "follow_up",
        "series",
    ]
    # a5's offer is open and a7 has not started: "without a position" is neither.
    assert internal.without_position_basis == "position"


def test_headline_with_change_from_the_same_season_a_year_before(internal, report_round) -> None:  # type: ignore[no-untyped-def]
    assert internal.previous_round_name == str(report_round["previous"])
    assert cells(internal, "headline") == [
        ["Advertisements", 3, 1, 2],
        ["Positions (seats)", 6, 4, 2],
        ["Applicants", 7, 2, 5],
        ["Applications", 12, 2, 10],
        ["Applications per applicant", f(12, 7), 1.0, round(12 / 7 - 1, 4)],
        ["Applicants per seat", f(7, 6), 0.5, round(7 / 6 - 0.5, 4)],
        ["Offered a position", 6, 0, 6],
        ["Share offered a position", f(6, 7), 0.0, f(6, 7)],
        ["Accepted", 4, 0, 4],  # a1, a2, a4, a7
        ["Declined", 1, 0, 1],  # a3
        ["Expired", 0, 0, 0],
        ["Withdrew after accepting", 0, 0, 0],
        ["Hired", 3, 0, 3],  # a1, a2, a4: a7 has no recorded start
        ["Share hired", f(3, 7), 0.0, f(3, 7)],
        ["Without a position", 2, 2, 0],  # a3 (declined) and a6; a5's offer is open
        ["Unfilled seats", 1, 4, -3],
    ]


def test_fill_by_region_and_trust(internal) -> None:  # type: ignore[no-untyped-def]
    assert cells(internal, "fill_by_region") == [
        ["Helse Nord RHF", 1, 3, 5, f(5, 3), 2, 1, 1],  # offered a4, a5; hired a4
        ["Helse Vest RHF", 2, 3, 6, 2.0, 4, 2, 0],  # offered a1, a2, a3, a7; hired a1, a2
        [ALL, 3, 6, 7, f(7, 6), 6, 3, 1],
    ]
    assert cells(internal, "fill_by_trust") == [
        ["Finnmarkssykehuset HF", 1, 3, 5, f(5, 3), 2, 1, 1],
        ["Helse Bergen HF", 1, 2, 4, 2.0, 2, 2, 0],
        ["Helse Førde HF", 1, 1, 3, 3.0, 2, 0, 0],
        [ALL, 3, 6, 7, f(7, 6), 6, 3, 1],
    ]


# Offered 6 (all but a6), hired 3 (a1, a2, a4), without a position 2 (a3, a6).
TOTAL = [ALL, 7, 6, f(6, 7), 3, f(3, 7), 2, 1.0]


def test_applicants_by_place_of_education_and_nationality(internal) -> None:  # type: ignore[no-untyped-def]
    assert cells(internal, "by_education_group") == [
        ["Norway", 2, 2, 1.0, 2, 1.0, 0, 0.0],  # a1, a2
        ["EU/EEA (other than Norway)", 3, 2, f(2, 3), 1, f(1, 3), 2, 1.0],  # a3, a4, a6
        ["Outside the EU/EEA", 2, 2, 1.0, 0, 0.0, 0, 0.0],  # a5 (open), a7 (not started)
        TOTAL,
    ]
    assert cells(internal, "by_education_country") == [
        ["Norway", 2, 2, 1.0, 2, 1.0, 0, 0.0],
        ["Hungary", 1, 0, 0.0, 0, 0.0, 1, 0.5],
        ["Iran", 1, 1, 1.0, 0, 0.0, 0, 0.0],
        ["Poland", 1, 1, 1.0, 0, 0.0, 1, 0.5],
        ["Sweden", 1, 1, 1.0, 1, 1.0, 0, 0.0],
        ["Syria", 1, 1, 1.0, 0, 0.0, 0, 0.0],
        TOTAL,
    ]
    assert cells(internal, "by_nationality_group") == [
        ["Norway", 4, 3, 0.75, 2, 0.5, 2, 1.0],  # a1, a2, a3, a6
        ["EU/EEA (other than Norway)", 1, 1, 1.0, 1, 1.0, 0, 0.0],
        ["Outside the EU/EEA", 2, 2, 1.0, 0, 0.0, 0, 0.0],
        TOTAL,
    ]
    assert cells(internal, "by_graduation_year") == [
        ["≤ 2034", 1, 1, 1.0, 0, 0.0, 0, 0.0],
        ["2036", 1, 1, 1.0, 0, 0.0, 0, 0.0],
        ["2038", 1, 1, 1.0, 1, 1.0, 0, 0.0],
        ["2039", 1, 1, 1.0, 1, 1.0, 0, 0.0],
        ["2040", 3, 2, f(2, 3), 1, f(1, 3), 2, 1.0],  # a1, a3, a6
        TOTAL,
    ]


def test_applicants_by_nationality_country(internal, public) -> None:  # type: ignore[no-untyped-def]
    assert cells(internal, "by_nationality_country") == [
        ["Norway", 4, 3, f(3, 4), 2, f(2, 4), 2, 1.0],
        ["Iran", 1, 1, 1.0, 0, 0.0, 0, 0.0],
        ["Sweden", 1, 1, 1.0, 1, 1.0, 0, 0.0],
        ["Syria", 1, 1, 1.0, 0, 0.0, 0, 0.0],
        TOTAL,
    ]
    # Every country has fewer than 5: one row of them all, whose hired (3) and without (2)
    # are small counts.
    assert cells(public, "by_nationality_country") == [
        ["Other countries (fewer than 5 applicants each)", 7, 6, f(6, 7), S, None, S, None],
        TOTAL,
    ]


def test_applicants_by_nationality_and_place_of_education(internal, public) -> None:  # type: ignore[no-untyped-def]
    norway, eea, outside = "Norway", "EU/EEA (other than Norway)", "Outside the EU/EEA"
    assert cells(internal, "by_nationality_education") == [
        [norway, norway, 2, 2, 1.0, 2, 1.0, 0, 0.0],  # a1, a2
        [norway, eea, 2, 1, 0.5, 0, 0.0, 2, 1.0],  # a3 (PL, declined), a6 (HU, no offer)
        [eea, eea, 1, 1, 1.0, 1, 1.0, 0, 0.0],  # a4
        [outside, outside, 2, 2, 1.0, 0, 0.0, 0, 0.0],  # a5 (open offer), a7 (not started)
        [ALL, "", 7, 6, f(6, 7), 3, f(3, 7), 2, 1.0],
    ]
    assert [c.personal for c in public.table("by_nationality_education").columns] == [
        False, False, True, True, False, True, False, True, False,
    ]  # fmt: skip
    # Every group has fewer than 5 applicants: each is hidden whole, the total is shown.
    shown = cells(public, "by_nationality_education")
    assert [row[:2] for row in shown] == [
        row[:2] for row in cells(internal, "by_nationality_education")
    ]
    assert all(isinstance(c, str) or c is None for row in shown[:-1] for c in row[2:])
    assert shown[-1] == [ALL, "", 7, 6, f(6, 7), 3, f(3, 7), 2, 1.0]
    assert public.table("by_nationality_education").suppressed_cells == 16


def test_applicants_by_gender_age_and_earlier_rounds(internal) -> None:  # type: ignore[no-untyped-def]
    assert cells(internal, "by_gender") == [
        ["Female", 3, 3, 1.0, 2, f(2, 3), 0, 0.0],  # a1, a2, a5
        ["Male", 3, 3, 1.0, 1, f(1, 3), 1, 0.5],  # a3, a4, a7
        ["Not stated", 1, 0, 0.0, 0, 0.0, 1, 0.5],  # a6
        TOTAL,
    ]
    assert cells(internal, "by_age_group") == [
        ["Under 27", 1, 1, 1.0, 1, 1.0, 0, 0.0],
        ["27–29", 2, 2, 1.0, 1, 0.5, 1, 0.5],
        ["30–34", 2, 2, 1.0, 1, 0.5, 0, 0.0],
        ["40 and over", 1, 1, 1.0, 0, 0.0, 0, 0.0],
        ["Not stated", 1, 0, 0.0, 0, 0.0, 1, 0.5],
        TOTAL,
    ]
    assert cells(internal, "by_earlier_rounds") == [
        ["0", 3, 2, f(2, 3), 1, f(1, 3), 2, 1.0],  # a1, a3, a6
        ["1", 1, 1, 1.0, 1, 1.0, 0, 0.0],
        ["2", 1, 1, 1.0, 1, 1.0, 0, 0.0],
        ["3", 1, 1, 1.0, 0, 0.0, 0, 0.0],
        ["5+", 1, 1, 1.0, 0, 0.0, 0, 0.0],
        TOTAL,
    ]


def test_choice_couples_municipal_side_and_runs(internal) -> None:  # type: ignore[no-untyped-def]
    assert cells(internal, "by_choice") == [
        ["1", 5, f(5, 6), 3],
        ["2", 1, f(1, 6), 1],
        [ALL, 6, 1.0, 4],
    ]
    assert cells(internal, "couples") == [
        ["Both offered a position", 1, 0.5],
        ["One of the two offered a position", 1, 0.5],
        ["Neither offered a position", 0, 0.0],
        ["All couples", 2, 1.0],
    ]
    assert cells(internal, "municipal_summary") == [
        ["Municipalities taking part", 4],
        ["Single municipalities as municipal part", 2],
        ["Municipal areas", 1],
        ["Municipal places (seats with a municipal part)", 6],
        ["Doctors offered a position with a municipal part", 6],
        ["Doctors hired in a position with a municipal part", 3],
    ]
    assert cells(internal, "municipal_parts") == [
        ["Alta", "Municipality", "Finnmark", 1, 1, 3, 2, 1],  # a4 (hired), a5 (open)
        ["Bergen", "Municipality", "Vestland", 1, 1, 2, 2, 2],
        # Two doctors offered its one place: a3 (declined), then a7 in the follow-up.
        ["Sunnfjord-området", "Area", "Vestland", 2, 1, 1, 2, 0],
    ]
    assert cells(internal, "match_runs") == [
        ["Main match", 1, "2040-05-02", 7, 6, 5, 3, 1, 0],
        ["Follow-up match", 1, "2040-06-03", 2, 1, 1, 1, 0, 0],
    ]


def test_series_over_published_and_live_rounds(internal, report_round) -> None:  # type: ignore[no-untyped-def]
    rows = cells(internal, "series")
    # The published rounds, then the live round; spring 2039 has no published results yet.
    assert [(row[1], row[2]) for row in rows] == [
        ("Spring", 2013),
        ("Spring", 2015),
        ("Spring", 2017),
        ("Spring", 2018),
        ("Spring", 2020),
        ("Spring", 2021),
        ("Autumn", 2021),
        ("Spring", 2022),
        ("Spring", 2023),
        ("Autumn", 2023),
        ("Spring", 2040),
    ]
    assert rows[3] == [
        "Vår 2018",
        "Spring",
        2018,
        456,
        1278,
        None,
        454,
        0.36,
        824,
        "Helsedirektoratet, statusrapport LIS1 våren 2018",
    ]
    assert rows[-1] == [
        str(report_round["round"]),
        "Spring",
        2040,
        6,
        7,
        6,
        3,  # a7 accepted, but no start is recorded
        f(3, 7),
        4,
        "This system",
    ]


def test_public_version_suppresses_small_counts(public, internal) -> None:  # type: ignore[no-untyped-def]
    # Every group is smaller than 5: its size is <5 and the rest of its row withheld (its
    # zeros and its small counts alike, so that the marks do not tell which are zero).
    hidden = [S, W, None, W, None, W, None]
    for key in (
        "by_education_group",
        "by_nationality_group",
        "by_graduation_year",
        "by_gender",
        "by_age_group",
        "by_earlier_rounds",
    ):
        rows = cells(public, key)
        assert rows[:-1] == [[row[0], *hidden] for row in cells(internal, key)[:-1]], key
        assert rows[-1] == TOTAL, key
    assert cells(public, "by_education_country") == [
        ["Other countries (fewer than 5 applicants each)", 7, 6, f(6, 7), S, None, S, None],
        TOTAL,
    ]
    # Placed 5 by their first choice is not a small count: withheld, as the complement of
    # the 1 placed by their second (a group of 1, so its accepted count is withheld).
    assert cells(public, "by_choice") == [["1", W, None, S], ["2", S, None, W], [ALL, 6, 1.0, 4]]
    assert cells(public, "couples") == [
        ["Both offered a position", W, None],
        ["One of the two offered a position", W, None],
        ["Neither offered a position", W, None],
        ["All couples", S, None],
    ]
    # Tables of jobs, not of people, are the same in both versions.
    for key in (
        "headline",
        "fill_by_region",
        "fill_by_trust",
        "municipal_summary",
        "municipal_parts",
        "match_runs",
        "series",
    ):
        assert cells(public, key) == cells(internal, key), key
    assert public.internal is False
    assert internal.internal is True
