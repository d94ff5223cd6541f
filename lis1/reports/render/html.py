"""HTML: one self-contained, printable page (inline CSS and SVG), each chart beside its table.
The PDF is this page printed by weasyprint."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from lis1.reports.build import DATE, Column, Report, Row, Table, Value
from lis1.reports.render import Export, filename_stem
from lis1.reports.render.text import cell_format, description, display, is_numeric, label


@dataclass(frozen=True)
class DisplayCell:
    text: str
    numeric: bool
    header: bool


NBSP = "\u00a0"


def _cell_text(value: Value, column: Column, row: Row) -> str:
    text = display(value, cell_format(column, row), signed=column.signed)
    if column.fmt == DATE:
        # A date stays on one line ("2. desember 2026"); a period may break at its dash.
        text = " – ".join(part.replace(" ", NBSP) for part in text.split(" – "))
    return text


def display_table(table: Table, charts: dict[str, str]) -> dict[str, object]:
    rows = []
    for row in table.rows:
        cells = [
            DisplayCell(
                text=_cell_text(value, column, row),
                numeric=is_numeric(column),
                header=i == 0,
            )
            for i, (column, value) in enumerate(zip(table.columns, row.cells, strict=True))
        ]
        rows.append({"cells": cells, "total": row.total})
    return {
        "key": table.key,
        "title": label(table.title),
        "description": description(table),
        "headers": [{"text": label(c.label), "numeric": is_numeric(c)} for c in table.columns],
        "rows": rows,
        "chart": charts.get(table.key),
        "suppressed_cells": table.suppressed_cells,
        # Wide tables go below their chart rather than beside it (no sideways scrolling).
        "wide": len(table.columns) > 5,
    }


def html_context(report: Report, charts: dict[str, str]) -> dict[str, object]:
    return {
        "report": report,
        "title": label(report.title),
        "data_as_of": timezone.localtime(report.data_as_of),
        "sections": [
            {
                "key": section.key,
                "title": label(section.title),
                "tables": [display_table(t, charts) for t in section.tables],
            }
            for section in report.sections
        ],
        "notes": [label(n) for n in report.notes],
    }


def html_document(
    report: Report, *, charts: dict[str, str] | None = None, pdf: bool = False
) -> str:
    if charts is None:
        from lis1.reports.render.charts import report_charts

        charts = report_charts(report)
    context = html_context(report, charts)
    context["pdf"] = pdf
    return render_to_string("reports/report_document.html", context)


def render_html(report: Report, *, charts: dict[str, str] | None = None) -> Export:
    content = html_document(report, charts=charts).encode()
    return f"{filename_stem(report)}.html", "text/html; charset=utf-8", content
