"""The published history: the directorate's round figures shipped as reference data, and the
series that shows them together with the rounds in the database."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.utils import translation

from lis1.reports import queries
from lis1.reports.build import series_table
from lis1.reports.history import (
    PublishedDataError,
    parse_published_rounds,
    published_rounds,
    published_series_rows,
    series_merge,
)
from lis1.reports.render.charts import series_chart, series_figure
from lis1.reports.render.html import display_table
from lis1.reports.rows import SOURCE_LIVE, SOURCE_PUBLISHED, SeriesRow


def named(season: str, year: int) -> str:
    return f"{season.title()} {year}"


def live(season: str, year: int, **counts: int) -> SeriesRow:
    values = {"seats": 10, "applicants": 20, "offered": 10, "accepted": 8, "hired": 8}
    values.update(counts)
    return SeriesRow(f"{season}-{year}", named(season, year), season, year, **values)  # type: ignore[arg-type]


# --- the reference data -------------------------------------------------------------------


def test_published_rounds_load_from_2013_each_with_its_source() -> None:
    rounds = published_rounds()
    assert [(r.season, r.year) for r in rounds] == [
        ("spring", 2013),
        ("spring", 2015),
        ("spring", 2017),
        ("spring", 2018),
        ("spring", 2020),
        ("spring", 2021),
        ("autumn", 2021),
        ("spring", 2022),
        ("spring", 2023),
        ("autumn", 2023),
    ]
    assert all(r.source.strip() for r in rounds)
    by_round = {(r.season, r.year): r for r in rounds}
    spring_2018 = by_round[("spring", 2018)]
    assert spring_2018.source == "Helsedirektoratet, statusrapport LIS1 våren 2018"
    assert (spring_2018.positions, spring_2018.applicants, spring_2018.hired) == (456, 1278, 454)
    assert (spring_2018.hired_share, spring_2018.without_position) == (0.36, 824)
    assert by_round[("spring", 2020)].source == "Den norske legeforening, høringssvar 2021"


def test_published_rounds_keep_what_was_not_published_missing() -> None:
    by_round = {(r.season, r.year): r for r in published_rounds()}
    # Spring 2017 gives only the share offered, spring 2023 only the share hired.
    spring_2017 = by_round[("spring", 2017)]
    assert (spring_2017.offered_share, spring_2017.hired, spring_2017.hired_share) == (
        0.41,
        None,
        None,
    )
    spring_2023 = by_round[("spring", 2023)]
    assert (spring_2023.hired, spring_2023.hired_share) == (None, 0.49)
    assert by_round[("spring", 2015)].positions is None
    spring_2020 = by_round[("spring", 2020)]
    assert (spring_2020.applicants, spring_2020.without_offer) == (None, 691)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"season": "spring", "year": 2013}, "every round needs its source"),
        ({"season": "spring", "year": 2013, "source": " "}, "every round needs its source"),
        ({"season": "summer", "year": 2013, "source": "x"}, "season must be one of"),
        ({"season": "spring", "year": 13, "source": "x"}, "year must be a year"),
        ({"season": "spring", "year": 2013, "source": "x", "hired": -1}, "hired must be a count"),
        ({"season": "spring", "year": 2013, "source": "x", "hired": 4.5}, "hired must be a count"),
        ({"season": "spring", "year": 2013, "source": "x", "hired_share": 36}, "from 0 to 1"),
        ({"season": "spring", "year": 2013, "source": "x", "placed": 3}, "unknown fields"),
    ],
)
def test_published_rounds_reject_a_malformed_entry(entry: dict[str, object], message: str) -> None:
    with pytest.raises(PublishedDataError, match=message):
        parse_published_rounds({"rounds": [entry]})


def test_published_rounds_reject_a_round_listed_twice() -> None:
    entry = {"season": "autumn", "year": 2021, "source": "x"}
    with pytest.raises(PublishedDataError, match="autumn 2021 is listed twice"):
        parse_published_rounds({"rounds": [entry, dict(entry)]})


# --- merging --------------------------------------------------------------------------------


def test_series_merge_lets_a_live_round_replace_the_published_one() -> None:
    published = published_series_rows(published_rounds(), named)
    merged = series_merge([live("spring", 2018, applicants=30), live("spring", 2030)], published)
    assert len(merged) == len(published) + 1
    spring_2018 = [r for r in merged if (r.season, r.year) == ("spring", 2018)]
    assert [(r.source, r.applicants, r.reference) for r in spring_2018] == [(SOURCE_LIVE, 30, "")]
    assert [(r.season, r.year) for r in merged][-3:] == [
        ("spring", 2023),
        ("autumn", 2023),
        ("spring", 2030),
    ]
    assert {r.source for r in merged if r.year < 2030 and r.year != 2018} == {SOURCE_PUBLISHED}


@pytest.mark.django_db
def test_series_rows_leave_out_future_and_empty_rounds_and_prefer_live_ones() -> None:
    from lis1.jobs.models import JobStatus
    from lis1.rounds.enums import MatchRunKind, PlacementStatus
    from lis1.rounds.models import MatchRun, Placement
    from tests.factories import ApplicationFactory, PositionFactory, RoundFactory

    published_at = dt.datetime(2018, 5, 2, 10, tzinfo=dt.UTC)
    # Spring 2018 in the system: results published, three applicants, one accepted.
    spring_2018 = RoundFactory(year=2018, published_at=published_at)
    position = PositionFactory(round=spring_2018, seats=2)
    applications = [ApplicationFactory(position=position) for _ in range(3)]
    run = MatchRun.objects.create(
        round=spring_2018,
        kind=MatchRunKind.MAIN,
        seed=1,
        status=JobStatus.SUCCEEDED,
        statistics={},
        published_at=published_at,
    )
    for application, status in zip(
        applications[:2], [PlacementStatus.ACCEPTED, PlacementStatus.DECLINED], strict=True
    ):
        Placement.objects.create(
            match_run=run,
            applicant=application.applicant,
            position=position,
            choice_rank=1,
            status=status,
            answered_at=published_at,
            started_on=position.start_date if status == PlacementStatus.ACCEPTED else None,
        )
    # Autumn 2023 is open in the system (no results yet): the published figures stay.
    autumn_2023 = RoundFactory(season="autumn", year=2023)
    ApplicationFactory(position=PositionFactory(round=autumn_2023))
    # A future round, and a round with results but without applicants: both left out.
    ApplicationFactory(position=PositionFactory(round=RoundFactory(year=2031)))
    PositionFactory(round=RoundFactory(year=2032, published_at=published_at))

    rows = {(r.season, r.year): r for r in queries.series_rows()}

    assert ("spring", 2031) not in rows
    assert ("spring", 2032) not in rows
    assert rows[("spring", 2018)] == SeriesRow(
        slug=spring_2018.slug,
        name=str(spring_2018),
        season="spring",
        year=2018,
        seats=2,
        applicants=3,
        offered=2,
        accepted=1,
        hired=1,
        source=SOURCE_LIVE,
    )
    assert rows[("autumn", 2023)].source == SOURCE_PUBLISHED
    assert rows[("autumn", 2023)].applicants == 913
    assert len(rows) == len(published_rounds())


# --- the table and the chart ----------------------------------------------------------------


def test_series_table_shows_unpublished_figures_as_missing_and_names_each_source() -> None:
    rows = series_merge([live("spring", 2030)], published_series_rows(published_rounds(), named))
    table = series_table(rows)
    assert [c.key for c in table.columns] == [
        "round",
        "season",
        "year",
        "seats",
        "applicants",
        "offered",
        "hired",
        "share_hired",
        "without",
        "source",
    ]
    # Spring 2023 publishes the share hired only; nothing is filled in with zeros.
    assert table.rows[8].cells == [
        "Spring 2023",
        "Spring",
        2023,
        575,
        1184,
        None,
        None,
        0.49,
        None,
        "Helsedirektoratet, statusrapport LIS1 våren 2023",
    ]
    # Spring 2013 publishes no share: it follows from the published counts.
    assert table.cell("Spring 2013", "share_hired") == 455 / 958
    assert table.cell("Spring 2013", "without") == 503
    assert table.cell("Spring 2021", "without") == 1240 - 553
    assert table.rows[-1].cells == [
        "Spring 2030",
        "Spring",
        2030,
        10,
        20,
        10,
        8,
        0.4,
        12,
        "This system",
    ]
    with translation.override("en"):
        shown = display_table(table, {})
    texts = [cell.text for cell in shown["rows"][8]["cells"]]  # type: ignore[index]
    assert texts[5:9] == ["–", "–", "49.0 %", "–"]


def _svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_series_chart_has_one_category_per_round_and_no_numeric_year_axis() -> None:
    rows = series_merge([live("spring", 2030)], published_series_rows(published_rounds(), named))
    with translation.override("nb"):
        svg = series_chart(series_table(rows))
    texts = _svg_texts(svg)
    # Each round's tick is its season over its year, oldest first, in the report's language.
    ticks = [
        (season, year)
        for season, year in itertools.pairwise(texts)
        if season in ("Vår", "Høst") and year.isdigit()
    ]
    assert ticks == [
        ("Vår", "2013"),
        ("Vår", "2015"),
        ("Vår", "2017"),
        ("Vår", "2018"),
        ("Vår", "2020"),
        ("Vår", "2021"),
        ("Høst", "2021"),
        ("Vår", "2022"),
        ("Vår", "2023"),
        ("Høst", "2023"),
        ("Vår", "2030"),
    ]
    years = {t for t in texts if re.fullmatch(r"(19|20|21)\d\d", t)}
    assert years == {"2013", "2015", "2017", "2018", "2020", "2021", "2022", "2023", "2030"}
    assert "Andel ansatt (vår)" in texts  # the hired share on its own axis
    assert "100%" in texts


def test_series_chart_of_one_round_draws_no_year_range_around_it() -> None:
    with translation.override("en"):
        svg = series_chart(series_table([live("autumn", 2026)]))
    texts = _svg_texts(svg)
    assert [t for t in texts if re.fullmatch(r"\d{4}", t)] == ["2026"]
    assert "Autumn" in texts
    assert not {"1925", "2125"} & set(texts)  # the numeric axis drew 1925–2125 around it


def test_series_chart_draws_a_gap_not_a_zero_for_an_unpublished_figure() -> None:
    rows = [
        live("spring", 2030, hired=5),
        SeriesRow(
            "spring-2031",
            "Spring 2031",
            "spring",
            2031,
            10,
            20,
            None,
            None,
            source=SOURCE_PUBLISHED,
            reference="x",
        ),
        live("spring", 2032, hired=7),
    ]
    with translation.override("en"):
        figure = series_figure(series_table(rows))
    lines = {line.get_label(): line for line in figure.axes[0].get_lines()}
    hired = list(lines["Hired (spring)"].get_ydata())
    assert hired[0] == 5 and hired[2] == 7
    assert hired[1] != hired[1]  # NaN: matplotlib breaks the line there
