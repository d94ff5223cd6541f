"""The report as a reader at the directorate sees it: charts readable on an A4 page (22 trusts
as horizontal bars with their full names, no labels on top of each other), Norwegian dates,
labels in the report's language in every format (JSON too), meaningful sheet names, one row
for all direct offers, and section titles that say what the section holds."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from lis1.reports.build import DATE, Report, report_build
from lis1.reports.render import report_render
from lis1.reports.render.charts import (
    PAGE_WIDTH_IN,
    bar_figure,
    horizontal_height,
    overlapping_labels,
    report_charts,
)
from lis1.reports.render.text import display, label
from lis1.reports.rows import (
    ChoiceCount,
    GroupCount,
    HeadlineCounts,
    MatchRunRow,
    PositionRow,
    ReportInput,
    RoundInfo,
)

TRUSTS = {
    "Helse Sør-Øst RHF": [
        "Akershus universitetssykehus HF",
        "Diakonhjemmet Sykehus",
        "Lovisenberg Diakonale Sykehus",
        "Oslo universitetssykehus HF",
        "Sunnaas sykehus HF",
        "Sykehuset Innlandet HF",
        "Sykehuset i Vestfold HF",
        "Sykehuset Telemark HF",
        "Sykehuset Østfold HF",
        "Sørlandet sykehus HF",
        "Vestre Viken HF",
    ],
    "Helse Vest RHF": ["Helse Bergen HF", "Helse Fonna HF", "Helse Førde HF", "Helse Stavanger HF"],
    "Helse Midt-Norge RHF": [
        "Helse Møre og Romsdal HF",
        "Helse Nord-Trøndelag HF",
        "St. Olavs hospital HF",
    ],
    "Helse Nord RHF": [
        "Finnmarkssykehuset HF",
        "Helgelandssykehuset HF",
        "Nordlandssykehuset HF",
        "Universitetssykehuset Nord-Norge HF",
    ],
}
#: Noon in Oslo on 1 June 2040 (summer time: UTC+2).
NOW = dt.datetime(2040, 6, 1, 10, tzinfo=dt.UTC)
MAIN = dt.datetime(2040, 5, 2, 10, tzinfo=dt.UTC)
FIRST_DIRECT = dt.datetime(2040, 5, 20, 8, tzinfo=dt.UTC)
LAST_DIRECT = dt.datetime(2040, 5, 31, 22, 30, tzinfo=dt.UTC)  # 00.30 on 1 June in Oslo
# A4 less the report's @page margins, and the tallest a chart is printed (its print CSS).
TEMPLATE = (
    Path(__file__).resolve().parents[2] / "templates/reports/report_document.html"
).read_text()
_margins = re.search(r"@page \{ size: A4; margin: \d+mm (\d+)mm", TEMPLATE)
_tallest = re.search(r"@media print \{.*?figure \.chart \{ max-height: (\d+)mm; \}", TEMPLATE, re.S)
assert _margins and _tallest, "the report's print CSS has changed: update these two"
PRINT_WIDTH_PT = (210 - 2 * int(_margins.group(1))) / 25.4 * 72
PRINT_MAX_HEIGHT_PT = int(_tallest.group(1)) / 25.4 * 72


def _input(trusts: int = 22) -> ReportInput:
    positions = [
        PositionRow(region, trust, 20 + n, 19 + n)
        for n, (region, trust) in enumerate(
            (region, trust) for region, names in TRUSTS.items() for trust in names
        )
    ][:trusts]
    return ReportInput(
        round=RoundInfo("spring-2040", "Vår 2040", "spring", 2040, dt.date(2040, 9, 1), "answers"),
        data_as_of=NOW,
        counts=HeadlineCounts(
            advertisements=len(positions),
            seats=sum(p.seats for p in positions),
            applicants=1278,
            applications=21000,
            offered=sum(18 + n for n in range(len(positions))),
            accepted=sum(12 + n % 5 for n in range(len(positions))),
            declined=40,
            expired=3,
            withdrawn=0,
            hired=0,
            with_position=sum(p.holding for p in positions),
            unfilled_seats=sum(p.seats - p.holding for p in positions),
        ),
        positions=positions,
        applicants_by_region=dict.fromkeys(TRUSTS, 600),
        applicants_by_trust={p.trust: 200 for p in positions},
        offered_by_trust={p.trust: 18 + n for n, p in enumerate(positions)},
        hired_by_trust={p.trust: 12 + n % 5 for n, p in enumerate(positions)},
        by_education_country=[
            GroupCount("NO", 700, 300, 250, 280),
            GroupCount("PL", 400, 120, 90, 110),
        ],
        by_nationality=[GroupCount("NO", 900, 380, 300, 350), GroupCount("SY", 200, 40, 40, 40)],
        by_gender=[
            GroupCount("female", 700, 250, 200, 230),
            GroupCount("male", 578, 170, 140, 160),
        ],
        choices=[
            ChoiceCount("main", choice, placed, placed // 2)
            for choice, placed in (
                (1, 144),
                (2, 86),
                (3, 55),
                (4, 42),
                (5, 27),
                (7, 127),
                (14, 94),
                (None, 15),
            )
        ],
        runs=[
            MatchRunRow("main", MAIN, 1278, 456, 420, 300, 40, 3),
            MatchRunRow(
                "direct_offer",
                FIRST_DIRECT,
                15,
                15,
                15,
                9,
                2,
                0,
                runs=15,
                last_published_at=LAST_DIRECT,
            ),
        ],
    )


@pytest.fixture
def report() -> Report:
    return report_build(_input(), internal=True)


def _svg_text(svg: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]


# Charts ------------------------------------------------------------------------------------


def test_the_trust_chart_is_horizontal_with_one_bar_per_trust_and_full_names(report) -> None:  # type: ignore[no-untyped-def]
    table = report.table("fill_by_trust")
    assert table.chart is not None and table.chart.kind == "barh"
    names = [row.cells[0] for row in table.rows if not row.total]
    assert len(names) == 22
    figure = bar_figure(table, horizontal=True)
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == names  # whole, first on top
    assert axes.yaxis_inverted()
    seats = [row.cells[table.index("seats")] for row in table.rows if not row.total]
    for container in axes.containers:  # one series each: seats, placed, unfilled
        assert len(container) == 22
    # Horizontal: a bar's length is its value, along x.
    assert [bar.get_width() for bar in axes.containers[0]] == seats
    assert overlapping_labels(figure, "y") == []
    svg = report_charts(report)["fill_by_trust"]
    texts = _svg_text(svg)
    for name in names:
        assert name in texts  # the full name, not cut or wrapped


def test_a_horizontal_chart_grows_with_its_bars_and_still_fits_an_a4_page() -> None:
    small = report_build(_input(trusts=6), internal=True).table("fill_by_trust")
    large = report_build(_input(trusts=22), internal=True).table("fill_by_trust")
    small_height = bar_figure(small, horizontal=True).get_figheight()
    large_height = bar_figure(large, horizontal=True).get_figheight()
    assert small_height == pytest.approx(horizontal_height(6, 3))
    assert large_height == pytest.approx(horizontal_height(22, 3))
    # Each further trust adds its band: the bars keep their thickness instead of shrinking.
    band = horizontal_height(22, 3) - horizontal_height(21, 3)
    assert band > 0.3  # inches: three bars and a gap
    assert large_height - small_height == pytest.approx(16 * band)
    assert large_height * 72 <= PRINT_MAX_HEIGHT_PT  # 22 trusts: printed at full size
    assert bar_figure(large, horizontal=True).get_figwidth() == pytest.approx(PAGE_WIDTH_IN)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_every_chart_is_readable_at_a4_without_overlapping_labels(report, language: str) -> None:  # type: ignore[no-untyped-def]
    with translation.override(language):
        charts = report_charts(report)
        drawn = {t.key for t in report.tables() if t.chart and any(not r.total for r in t.rows)}
        assert set(charts) == drawn
        for key, svg in charts.items():
            width, height = map(float, re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())  # type: ignore[union-attr]
            # The page shows the chart across its width, no taller than the print CSS allows.
            scale = min(PRINT_WIDTH_PT / width, PRINT_MAX_HEIGHT_PT / height)
            sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
            assert sizes, key
            assert min(sizes) * scale >= 8, (key, min(sizes), scale)
        for table in report.tables():
            if table.chart and table.chart.kind in ("bar", "barh"):
                horizontal = table.chart.kind == "barh"
                figure = bar_figure(table, horizontal=horizontal)
                assert overlapping_labels(figure, "y" if horizontal else "x") == [], table.key


def test_the_choice_chart_wraps_its_long_labels(report) -> None:  # type: ignore[no-untyped-def]
    with translation.override("nb"):
        figure = bar_figure(report.table("by_choice"))
        labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
        assert labels[-2:] == ["11 eller\nsenere", "Ikke\noppgitt"]
        assert overlapping_labels(figure) == []


# The match runs ----------------------------------------------------------------------------


def test_the_runs_table_counts_the_direct_offers_in_one_row(report) -> None:  # type: ignore[no-untyped-def]
    runs = report.table("match_runs")
    assert [row.cells[0] for row in runs.rows] == [
        "Main match",
        "Direct offers from the ranked lists",
    ]
    assert runs.column_values("runs") == [1, 15]
    # Machine form: ISO dates (Oslo), a period as an ISO interval.
    assert runs.column_values("published") == ["2040-05-02", "2040-05-20/2040-06-01"]
    column = runs.columns[runs.index("published")]
    assert column.fmt == DATE
    with translation.override("nb"):
        assert display("2040-05-20/2040-06-01", DATE) == "20. mai 2040 – 1. juni 2040"
        assert label(runs.columns[runs.index("runs")].label) == "Kjøringer"
        # Offers, not people: "tilbud … takket nei til", never "avslått".
        assert label(runs.columns[runs.index("declined")].label) == "Tilbud takket nei til"
    with translation.override("en"):
        assert display("2040-05-02", DATE) == "2 May 2040"


# Dates -------------------------------------------------------------------------------------


def test_html_and_xlsx_write_dates_as_norwegians_do(report) -> None:  # type: ignore[no-untyped-def]
    with translation.override("nb"):
        html = report_render(report, "html")[2].decode()
        xlsx = load_workbook(io.BytesIO(report_render(report, "xlsx")[2]))
        archive = zipfile.ZipFile(io.BytesIO(report_render(report, "csv")[2]))
    text = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert "Data per 1. juni 2040 kl. 12.00 (norsk tid)." in text
    nbsp = "\u00a0"
    assert f"<td>2.{nbsp}mai{nbsp}2040</td>" in text
    assert f"<td>20.{nbsp}mai{nbsp}2040 – 1.{nbsp}juni{nbsp}2040</td>" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO date left for a reader
    cover = xlsx[xlsx.sheetnames[0]]
    assert cover["A2"].value == "Data per: 1. juni 2040 kl. 12.00"
    runs = xlsx["Tildelingskjøringer"]
    rows = [[c.value for c in row] for row in runs.iter_rows(min_row=5)]
    assert rows[0][:3] == ["Hovedtildeling", 1, "2. mai 2040"]
    assert rows[1][:3] == [
        "Direkte tilbud fra rangeringslistene",
        15,
        "20. mai 2040 – 1. juni 2040",
    ]
    readme = next(n for n in archive.namelist() if n.endswith("README.txt"))
    assert "Data per: 1. juni 2040 kl. 12.00" in archive.read(readme).decode("utf-8-sig")
    # The CSV tables keep ISO dates, which spreadsheets and programs read as dates.
    runs_csv = next(n for n in archive.namelist() if n.endswith("-match_runs.csv"))
    assert "2040-05-20/2040-06-01" in archive.read(runs_csv).decode("utf-8-sig")


# Sheet names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "cover", "trusts"),
    [
        ("nb", "Om rapporten", "Stillinger etter helseforetak"),
        ("nn", "Om rapporten", "Stillingar etter helseføretak"),
        ("en", "About the report", "Positions by trust"),
    ],
)
def test_xlsx_sheets_have_short_unique_names_in_the_report_language(
    report, language: str, cover: str, trusts: str
) -> None:  # type: ignore[no-untyped-def]
    with translation.override(language):
        names = load_workbook(io.BytesIO(report_render(report, "xlsx")[2])).sheetnames
        short_titles = [label(t.short_title) for t in report.tables()]
    assert names[0] == cover
    assert names[1:] == short_titles  # each table's own short title, none cut or numbered
    assert all(len(n) <= 31 for n in names), [n for n in names if len(n) > 31]
    assert len({n.lower() for n in names}) == len(names)
    assert trusts in names


def test_every_table_has_a_short_title(report) -> None:  # type: ignore[no-untyped-def]
    assert [t.key for t in report.tables() if not t.short_title] == []


# Labels in the report's language -------------------------------------------------------------


def test_json_labels_are_in_the_report_language_and_keys_stay(report) -> None:  # type: ignore[no-untyped-def]
    with translation.override("nb"):
        nb = json.loads(report_render(report, "json")[2])
    with translation.override("en"):
        en = json.loads(report_render(report, "json")[2])
    assert (nb["language"], en["language"]) == ("nb", "en")
    assert nb["title"] == "Statusrapport for LIS1-søknadsrunde"
    assert nb["notes"][0].startswith("Utlysninger og plasser")
    assert nb["data_as_of"] == en["data_as_of"] == NOW.isoformat()

    def tables(data):  # type: ignore[no-untyped-def]
        return {t["key"]: t for s in data["sections"] for t in s["tables"]}

    assert [s["key"] for s in nb["sections"]] == [s["key"] for s in en["sections"]]
    assert nb["sections"][0]["title"] == "Sammendrag"
    headline = tables(nb)["headline"]
    assert headline["title"] == "Hovedtall"
    assert [c["key"] for c in headline["columns"]] == [
        c["key"] for c in tables(en)["headline"]["columns"]
    ]
    assert [c["label"] for c in headline["columns"]][-1] == "Endring fra året før"
    assert headline["rows"][2]["cells"][:2] == ["Søkere", 1278]
    runs = tables(nb)["match_runs"]
    assert runs["short_title"] == "Tildelingskjøringer"
    assert runs["rows"][1]["cells"][:3] == [
        "Direkte tilbud fra rangeringslistene",
        15,
        "2040-05-20/2040-06-01",
    ]
    # Names of trusts are data, not labels: the same in both.
    assert tables(nb)["fill_by_trust"]["rows"][0]["cells"][0] == "Akershus universitetssykehus HF"


@pytest.mark.django_db
def test_the_report_command_writes_json_in_the_language_asked_for(report_round, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "report.json"
    call_command(
        "round_report", "--round", "spring-2040", "--format", "json", "--language", "nb",
        "--output", str(path),
    )  # fmt: skip
    data = json.loads(path.read_text())
    assert data["language"] == "nb"
    titles = [t["title"] for s in data["sections"] for t in s["tables"]]
    assert "Stillinger og besatte plasser etter helseforetak" in titles
    labels = [c["label"] for s in data["sections"] for t in s["tables"] for c in t["columns"]]
    assert "Tilbud takket nei til" in labels and "Offers declined" not in labels
    measures = [r["cells"][0] for s in data["sections"] for t in s["tables"] for r in t["rows"]]
    assert "Takket nei" in measures and "Declined" not in measures
    runs = next(t for s in data["sections"] for t in s["tables"] if t["key"] == "match_runs")
    assert [r["cells"][0] for r in runs["rows"]] == ["Hovedtildeling", "Oppfølgingstildeling"]


# Titles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_no_section_repeats_its_table_title_or_talks_about_other_reports(
    report, language: str
) -> None:  # type: ignore[no-untyped-def]
    with translation.override(language):
        for section in report.sections:
            title = label(section.title)
            assert title not in [label(t.title) for t in section.tables], section.key
            assert not re.search(r"publiserte rapport|published report", title, re.I)
        assert label(report.sections[0].title) != label("Headline figures")
    with translation.override("nb"):
        assert label("Gender, age, choices, couples and municipalities") == (
            "Kjønn, alder, valg, par og kommuner"
        )
        html = report_render(report, "html")[2].decode()
    assert "Takket nei" in html
    assert not re.search(r"avslått|avslag", html, re.I)


@pytest.mark.django_db
def test_the_headline_description_is_translated_with_the_round_put_in(report_round) -> None:  # type: ignore[no-untyped-def]
    from lis1.reports.render.json import report_json
    from lis1.reports.services import round_report_build

    report = round_report_build(round_=report_round["round"])
    previous = str(report_round["previous"])
    with translation.override("nb"):
        headline = next(
            t
            for s in report_json(report)["sections"]
            for t in s["tables"]
            if t["key"] == "headline"  # type: ignore[attr-defined]
        )
        assert headline["description"] == f"Sammenlignet med samme sesong året før: {previous}."
        _name, _type, html = report_render(report, "html")
        assert f"Sammenlignet med samme sesong året før: {previous}." in html.decode()
