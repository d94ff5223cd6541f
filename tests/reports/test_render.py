"""Every format renders the same report: HTML (charts beside tables), XLSX, CSV, JSON, PDF."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook

from lis1.reports.build import Report
from lis1.reports.render import report_render
from lis1.reports.services import round_report_build

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


@pytest.fixture
def report(report_round) -> Report:  # type: ignore[no-untyped-def]
    built = round_report_build(round_=report_round["round"], internal=True)
    # A trust whose name would run as a formula in a spreadsheet.
    built.table("fill_by_trust").rows[0].cells[0] = '=HYPERLINK("http://x")'
    return built


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


def _save(filename: str, content: bytes) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / filename).write_bytes(content)


def test_html_has_every_table_and_every_chart_beside_its_table(report) -> None:  # type: ignore[no-untyped-def]
    filename, content_type, content = report_render(report, "html")
    _save("report.html", content)
    html = content.decode()
    assert filename.endswith("-internal.html")
    assert content_type.startswith("text/html")
    for table in report.tables():
        assert f'id="{table.key}"' in html
    blocks = re.findall(r'<div class="table-block" id="([^"]+)">(.*?)</table>', html, re.S)
    assert len(blocks) == len(list(report.tables()))
    with_charts = [key for key, block in blocks if "<figure" in block]
    assert set(with_charts) == {t.key for t in report.tables() if t.chart}
    for _key, block in blocks:
        if "<figure" in block:
            assert block.index("<figure") < block.index("<table")
    assert "<svg" in html and 'role="img"' in html
    # No identity number, whole (11 digits) or masked (DDMMYY*****), appears anywhere.
    assert not re.search(r"(?<!\d)\d{11}(?!\d)|\d{6}\*{5}", html)


def test_xlsx_has_a_formatted_sheet_per_table_and_escapes_formulas(report) -> None:  # type: ignore[no-untyped-def]
    _, content_type, content = report_render(report, "xlsx")
    _save("report.xlsx", content)
    assert content_type.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(content))
    assert len(workbook.sheetnames) == 1 + len(list(report.tables()))
    headline = workbook[workbook.sheetnames[1]]
    assert headline["A1"].value == "Headline figures"
    assert [c.value for c in headline[5]][:4] == ["Advertisements", 3, 1, 2]
    share = next(row for row in headline.iter_rows(min_row=5) if row[0].value == "Share hired")
    assert share[1].number_format == "0.0%"
    trusts = workbook[workbook.sheetnames[3]]
    assert trusts["A5"].value == '\'=HYPERLINK("http://x")'
    assert trusts["A5"].data_type == "s"


def test_csv_zip_has_one_file_per_table(report) -> None:  # type: ignore[no-untyped-def]
    filename, content_type, content = report_render(report, "csv")
    _save("report-csv.zip", content)
    assert filename.endswith("-csv.zip")
    assert content_type == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    assert len([n for n in names if n.endswith(".csv")]) == len(list(report.tables()))
    assert any(n.endswith("README.txt") for n in names)
    trust_file = next(n for n in names if n.endswith("-fill_by_trust.csv"))
    rows = list(csv.reader(io.StringIO(archive.read(trust_file).decode("utf-8-sig"))))
    assert rows[0][0] == "Employer"
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    headline = next(n for n in names if n.endswith("-headline.csv"))
    lines = list(csv.reader(io.StringIO(archive.read(headline).decode("utf-8-sig"))))
    assert lines[1] == ["Advertisements", "3", "1", "2"]
    assert ["Share hired", "42.9", "0.0", "42.9"] in lines  # 3 of 7


def test_json_is_the_report_object(report) -> None:  # type: ignore[no-untyped-def]
    _, content_type, content = report_render(report, "json")
    data = json.loads(content)
    assert content_type == "application/json"
    assert data["format"] == "lis1-round-report/1"
    assert data["round_slug"] == "spring-2040"
    assert data["internal"] is True
    tables = [t for s in data["sections"] for t in s["tables"]]
    assert tables[0]["rows"][0]["cells"] == ["Advertisements", 3, 1, 2]


def test_pdf_embeds_the_charts(report) -> None:  # type: ignore[no-untyped-def]
    _, content_type, content = report_render(report, "pdf")
    _save("report.pdf", content)
    assert content_type == "application/pdf"
    assert content.startswith(b"%PDF")
    assert len(content) > 20_000


def test_unknown_format_is_refused(report) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="Unknown report format"):
        report_render(report, "docx")


def test_public_marks_render_as_text_in_every_format_and_are_not_plotted(report_round) -> None:  # type: ignore[no-untyped-def]
    from lis1.reports.build import SUPPRESSED, WITHHELD
    from lis1.reports.render.charts import _number, chart_svg

    public = round_report_build(round_=report_round["round"])
    # Every group of the gender table is small: its size is <5, the rest of its row withheld.
    assert public.table("by_gender").rows[0].cells[1:3] == [SUPPRESSED, WITHHELD]
    archive = zipfile.ZipFile(io.BytesIO(report_render(public, "csv")[2]))
    gender = next(n for n in archive.namelist() if n.endswith("-by_gender.csv"))
    rows = list(csv.reader(io.StringIO(archive.read(gender).decode("utf-8-sig"))))
    assert rows[1][1:8] == ["<5", ":", "", ":", "", ":", ""]
    workbook = load_workbook(io.BytesIO(report_render(public, "xlsx")[2]))
    sheet = next(
        workbook[n]
        for n in workbook.sheetnames
        if workbook[n]["A1"].value == ("Applicants and outcome by gender")
    )
    assert [c.value for c in sheet[5]][1:3] == ["<5", ":"]
    assert sheet["C5"].data_type == "s"
    data = json.loads(report_render(public, "json")[2])
    by_gender = next(t for s in data["sections"] for t in s["tables"] if t["key"] == "by_gender")
    assert by_gender["rows"][0]["cells"][1:3] == ["<5", ":"]
    # A chart reads both marks as missing (NaN, no bar), and still draws the others.
    assert math.isnan(_number(SUPPRESSED))
    assert math.isnan(_number(WITHHELD))
    choice = public.table("by_choice")
    for row in choice.rows:
        row.cells[1] = WITHHELD if not row.total else row.cells[1]
    svg = chart_svg(choice)
    assert svg is not None
    assert 'id="chart-by_choice-patch_' in svg
    notes = " ".join(public.notes)
    assert "shown as <5" in notes
    assert "Withheld (:)" in notes
