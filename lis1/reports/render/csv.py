"""CSV: one UTF-8 file per table (with a BOM, so spreadsheets read æøå), zipped with a
README holding the report's notes. Numbers are plain; shares are percentages; dates in the
tables stay ISO (a machine format that spreadsheets read as dates), the README's are written
as the language writes them."""

from __future__ import annotations

import csv
import io
import zipfile

from lis1.reports.build import DATE, PCT, TEXT, Report, Table, Value
from lis1.reports.render import Export, filename_stem
from lis1.reports.render.text import cell_format, datetime_text, label, spreadsheet_safe


def csv_value(value: Value, fmt: str) -> object:
    if value is None:
        return ""
    if fmt == DATE:
        return value
    if isinstance(value, str):
        return spreadsheet_safe(label(value))
    if fmt == PCT:
        return round(value * 100, 1)
    if isinstance(value, float):
        return round(value, 2)
    return value


def table_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            spreadsheet_safe(label(c.label) + (" (%)" if c.fmt == "pct" else ""))
            for c in table.columns
        ]
    )
    for row in table.rows:
        writer.writerow(
            [
                csv_value(value, cell_format(column, row))
                if column.fmt != TEXT
                else csv_value(value, TEXT)
                for column, value in zip(table.columns, row.cells, strict=True)
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def render_csv_zip(report: Report) -> Export:
    stem = filename_stem(report)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        readme = [
            f"{label(report.title)}: {report.round_name}",
            f"{label('Data as of')}: {datetime_text(report.data_as_of)}",
            label("Internal version") if report.internal else label("Public version"),
            "",
            *(f"- {label(n)}" for n in report.notes),
        ]
        archive.writestr(f"{stem}/README.txt", "\r\n".join(readme).encode("utf-8-sig"))
        for n, table in enumerate(report.tables(), start=1):
            archive.writestr(f"{stem}/{n:02d}-{table.key}.csv", table_csv(table))
    return f"{stem}-csv.zip", "application/zip", buffer.getvalue()
