"""Display text of report cells: translated labels, localised numbers and dates."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext

from lis1.reports.build import DATE, DEC, INT, PCT, TEXT, Column, Row, Table, Value
from lis1.rounds.calendar import when

MINUS = "\u2212"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def label(message: str) -> str:
    """Translate a builder msgid (names of trusts and countries pass through unchanged)."""
    return gettext(message) if message else message


def description(table: Table) -> str:
    """The table's description in the reader's language, with its values put in."""
    text = label(table.description)
    return text % table.description_params if table.description_params else text


def cell_format(column: Column, row: Row) -> str:
    if column.fmt in (TEXT, DATE):
        return column.fmt
    return row.fmt or column.fmt


def is_numeric(column: Column) -> bool:
    """Numbers are right-aligned; text and dates are not."""
    return column.fmt not in (TEXT, DATE)


def date_text(value: str) -> str:
    """An ISO date ("2026-12-02") or interval ("2026-12-02/2026-12-09") as the language
    writes it: "2. desember 2026", "2. desember 2026 – 9. desember 2026" (lis1/formats)."""
    if not value:
        return ""
    return " – ".join(when(dt.date.fromisoformat(part)) for part in value.split("/"))


def datetime_text(moment: dt.datetime) -> str:
    """A moment in Oslo time as the language writes it: "2. desember 2026 kl. 12.00"."""
    return when(moment)


def _signed(text: str, value: float) -> str:
    if value > 0:
        return "+" + text
    if value < 0:
        return MINUS + text.lstrip("-")
    return text


def display(value: Value, fmt: str, *, signed: bool = False) -> str:
    """The text a reader sees: '–' for no value, the marks '<5' and ':' (withheld) as they
    are, numbers localised."""
    if value is None:
        return "–"
    if fmt == DATE and isinstance(value, str):
        return date_text(value)
    if isinstance(value, str):
        return label(value)
    if fmt == INT:
        text = formats.number_format(value, 0, use_l10n=True, force_grouping=True)
    elif fmt == PCT:
        # Django's number_format cuts off digits; round first (2/3 is 66.7 %, not 66.6 %).
        number = formats.number_format(round(value * 100, 1), 1, use_l10n=True, force_grouping=True)
        text = gettext("%(value)s pp") % {"value": number} if signed else f"{number} %"
    elif fmt == DEC:
        text = formats.number_format(round(value, 2), 2, use_l10n=True, force_grouping=True)
    else:
        text = str(value)
    return _signed(text, value) if signed else text.replace("-", MINUS)


def spreadsheet_safe(text: str) -> str:
    """Text that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
