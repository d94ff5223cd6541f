"""XLSX: a cover sheet with the notes, then one formatted sheet per table (openpyxl
write-only mode, so memory stays flat however long a table is). Sheets are named by the
tables' short titles in the report's language; dates are text as the language writes them."""

from __future__ import annotations

import io

from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from lis1.reports.build import DATE, DEC, INT, PCT, TEXT, Report, Table
from lis1.reports.render import Export, filename_stem
from lis1.reports.render.text import (
    cell_format,
    date_text,
    datetime_text,
    description,
    is_numeric,
    label,
    spreadsheet_safe,
)

NUMBER_FORMATS = {INT: "#,##0", PCT: "0.0%", DEC: "0.00"}
SIGNED_FORMATS = {
    INT: "+#,##0;−#,##0;0",
    PCT: '+0.0" pp";−0.0" pp";0.0" pp"',
    DEC: "+0.00;−0.00;0.00",
}
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
RIGHT = Alignment(horizontal="right")
TOP_RULE = Border(top=Side(style="thin"))
INVALID_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


SHEET_TITLE_LENGTH = 31  # Excel's limit


def _shortened(text: str) -> str:
    """At most 31 characters, cut between words (a table without a short title)."""
    if len(text) <= SHEET_TITLE_LENGTH:
        return text
    cut = text[: SHEET_TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def _sheet_title(text: str, used: set[str]) -> str:
    base = _shortened(" ".join(text.translate(INVALID_SHEET_CHARS).split())) or "Table"
    title, n = base, 2
    while title.lower() in used:  # only if two tables share a short title
        suffix = f" {n}"
        title, n = base[: SHEET_TITLE_LENGTH - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def sheet_name(table: Table) -> str:
    """The sheet's name before it is made unique: the translated short title."""
    return label(table.short_title or table.title)


def _text_cell(sheet, text: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=spreadsheet_safe(text))
    if font is not None:
        cell.font = font
    return cell


def _write_table(workbook: Workbook, table: Table, used: set[str]) -> None:
    sheet = workbook.create_sheet(_sheet_title(sheet_name(table), used))
    widths = [max(len(label(c.label)), 8) for c in table.columns]
    for row in table.rows:
        for i, value in enumerate(row.cells):
            if isinstance(value, str):
                text = date_text(value) if table.columns[i].fmt == DATE else label(value)
                widths[i] = max(widths[i], min(len(text), 50))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "B5"
    sheet.append([_text_cell(sheet, label(table.title), TITLE)])
    sheet.append([_text_cell(sheet, description(table))])
    sheet.append([])
    header = []
    for column in table.columns:
        cell = _text_cell(sheet, label(column.label), BOLD)
        cell.fill = HEADER_FILL
        if is_numeric(column):
            cell.alignment = Alignment(horizontal="right", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        cells = []
        for column, value in zip(table.columns, row.cells, strict=True):
            fmt = cell_format(column, row)
            if fmt == DATE and isinstance(value, str):
                cell = _text_cell(sheet, date_text(value))
            elif isinstance(value, str):
                cell = _text_cell(sheet, label(value))
                if fmt != TEXT:
                    cell.alignment = RIGHT  # "<5" in a column of numbers
            else:
                cell = WriteOnlyCell(sheet, value=value)
                if fmt in NUMBER_FORMATS:
                    formats = SIGNED_FORMATS if column.signed else NUMBER_FORMATS
                    cell.number_format = formats[fmt]
            if row.total:
                cell.font = BOLD
                cell.border = TOP_RULE
            cells.append(cell)
        sheet.append(cells)


def render_xlsx(report: Report) -> Export:
    workbook = Workbook(write_only=True)
    cover_title = label(gettext_noop("About the report"))
    cover = workbook.create_sheet(cover_title)
    cover.column_dimensions["A"].width = 110
    cover.append([_text_cell(cover, f"{label(report.title)}: {report.round_name}", TITLE)])
    cover.append(
        [
            _text_cell(
                cover,
                f"{label('Data as of')}: {datetime_text(report.data_as_of)}",
            )
        ]
    )
    cover.append(
        [
            _text_cell(
                cover,
                label("Internal version") if report.internal else label("Public version"),
                BOLD,
            )
        ]
    )
    cover.append([])
    for note in report.notes:
        cover.append([_text_cell(cover, label(note))])
    used = {cover_title.lower()}
    for table in report.tables():
        _write_table(workbook, table, used)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return (
        f"{filename_stem(report)}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        buffer.getvalue(),
    )
