"""CSV helpers shared by exports and imports: formula-safe cells, line-numbered errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from lis1.rounds.errors import InputInvalid

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class CsvImportError(InputInvalid):
    """An import was refused as a whole; `errors` lists (line number, message) pairs."""

    default_rule = "csv_invalid"

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"line {line}: {message}" for line, message in errors))
        self.errors = errors


def safe_cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Norwegian letters correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def csv_rows(data: bytes, *, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """Decode an uploaded CSV (comma or semicolon) into (line number, row) pairs; a missing
    column or undecodable file raises CsvImportError."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvImportError([(1, "The file is not UTF-8 text.")]) from None
    if not text.strip():
        raise CsvImportError([(1, "The file is empty.")])
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in required if name not in header]
    if missing:
        raise CsvImportError([(1, f"Missing column(s): {', '.join(missing)}.")])
    reader.fieldnames = header
    rows = []
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(values.values()):
            continue
        # Undo the export's formula guard, so an export re-imports unchanged.
        values = {
            k: v[1:] if v.startswith("'") and v[1:2] in "=+-@" and v[1:] else v
            for k, v in values.items()
        }
        rows.append((reader.line_num, values))
    return rows
