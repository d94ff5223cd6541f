"""JSON: the report object, its labels in the report's language (titles, descriptions, column
labels, row labels and notes, as every other format shows them). What a program reads stays
language-neutral: the keys of sections, tables and columns, the formats, the numbers, ISO
dates and `language`, the language the labels are in."""

from __future__ import annotations

import json

from django.utils import translation

from lis1.reports.build import DATE, Report
from lis1.reports.render import Export, filename_stem
from lis1.reports.render.text import description, label


def _translated(value: object, fmt: str) -> object:
    """Text cells and marks ("<5") are labels, as on the page; dates and numbers stay."""
    if isinstance(value, str) and fmt != DATE:
        return label(value)
    return value


def report_json(report: Report) -> dict[str, object]:
    data = report.to_dict()
    data["language"] = translation.get_language() or "en"
    data["title"] = label(report.title)
    data["notes"] = [label(n) for n in report.notes]
    for section_data, section in zip(data["sections"], report.sections, strict=True):  # type: ignore[call-overload]
        section_data["title"] = label(section.title)
        for table_data, table in zip(section_data["tables"], section.tables, strict=True):
            for key in ("title", "short_title"):
                table_data[key] = label(getattr(table, key))
            table_data["description"] = description(table)
            for column_data, column in zip(table_data["columns"], table.columns, strict=True):
                column_data["label"] = label(column.label)
            for row_data, row in zip(table_data["rows"], table.rows, strict=True):
                row_data["cells"] = [
                    _translated(value, column.fmt)
                    for column, value in zip(table.columns, row.cells, strict=True)
                ]
    return data


def render_json(report: Report) -> Export:
    content = json.dumps(report_json(report), ensure_ascii=False, indent=1).encode()
    return f"{filename_stem(report)}.json", "application/json", content
