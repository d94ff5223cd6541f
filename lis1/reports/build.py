"""The pure builder: `ReportInput` rows in, a `Report` of sections and tables out.

No Django and no I/O here, so every cell can be tested with plain rows. Labels are English
msgids marked with `gettext_noop`; the renderers translate them in the reader's language.
Small-count suppression happens here (the public version), so no renderer can leak a count.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from lis1.reports import groups
from lis1.reports.groups import gettext_noop
from lis1.reports.rows import (
    SOURCE_PUBLISHED,
    GroupCount,
    HeadlineCounts,
    MatchRunRow,
    NationalityEducationCount,
    ReportInput,
    SeriesRow,
)
from lis1.rounds import vocabulary

# Counts of people from 1 to THRESHOLD − 1 are shown as SUPPRESSED in the public version.
THRESHOLD = 5
SUPPRESSED = "<5"
# Dates in the report are Norwegian dates (the round's calendar is kept in Oslo time).
OSLO = ZoneInfo("Europe/Oslo")
# A cell hidden only so that a small count cannot be worked out from it (complementary
# suppression), or a part of a group of fewer than THRESHOLD: Statistics Norway's ":"
# ("Vises ikke av konfidensialitetshensyn"), which says nothing about the size of the value.
WITHHELD = ":"
HIDDEN = (SUPPRESSED, WITHHELD)

Value = int | float | str | None

# Column formats: text, int (count), pct (a ratio shown as a percentage), dec (a ratio shown
# with two decimals), date (an ISO date, or an ISO interval "first/last", that the renderers
# show in the reader's language; JSON and CSV keep it as it is). A signed column shows
# changes; a signed pct is in percentage points.
TEXT, INT, PCT, DEC, DATE = "text", "int", "pct", "dec", "date"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    fmt: str = INT
    signed: bool = False
    # Counts of people by a personal characteristic: suppressed below THRESHOLD in public.
    personal: bool = False


@dataclass
class Row:
    cells: list[Value]
    fmt: str | None = None  # overrides the numeric columns' format (the headline's rows)
    total: bool = False


@dataclass(frozen=True)
class Chart:
    """How to draw a table: the chart always shows the table's own numbers."""

    kind: str  # "bar" (vertical groups), "barh" (horizontal) or "series"
    values: tuple[str, ...]  # column keys plotted
    percent: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    description: str = ""
    chart: Chart | None = None
    suppressed_cells: int = 0
    # A name of at most 31 characters in every language (an XLSX sheet's name); from
    # SHORT_TITLES by key unless given.
    short_title: str = ""
    # Values put into the description after it is translated (`%(name)s` in the msgid).
    description_params: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.short_title:
            self.short_title = SHORT_TITLES.get(self.key, "")

    def index(self, key: str) -> int:
        for i, column in enumerate(self.columns):
            if column.key == key:
                return i
        raise KeyError(key)

    def cell(self, row_label: str, key: str) -> Value:
        """The cell of the row whose first cell is `row_label` (for tests and readers)."""
        for row in self.rows:
            if row.cells[0] == row_label:
                return row.cells[self.index(key)]
        raise KeyError(row_label)

    def column_values(self, key: str) -> list[Value]:
        i = self.index(key)
        return [row.cells[i] for row in self.rows]


# Every table's short name, kept in one place so that they are seen to differ (an XLSX
# workbook refuses two sheets of the same name) and to fit in 31 characters once translated.
SHORT_TITLES = {
    "headline": gettext_noop("Headline figures"),
    "fill_by_region": gettext_noop("Positions by region"),
    "fill_by_trust": gettext_noop("Positions by trust"),
    "by_education_group": gettext_noop("By place of education"),
    "by_education_country": gettext_noop("By country of education"),
    "by_nationality_group": gettext_noop("By nationality"),
    "by_nationality_country": gettext_noop("By country of nationality"),
    "by_nationality_education": gettext_noop("Nationality and education"),
    "by_graduation_year": gettext_noop("By year of graduation"),
    "by_gender": gettext_noop("By gender"),
    "by_age_group": gettext_noop("By age group"),
    "by_earlier_rounds": gettext_noop("By earlier rounds applied"),
    "by_choice": gettext_noop("Choice obtained"),
    "couples": gettext_noop("Couples"),
    "municipal_summary": gettext_noop("The municipal side"),
    "municipal_parts": gettext_noop("Municipal places"),
    "match_runs": gettext_noop("Match runs"),
    "follow_up": gettext_noop("Seats after the main match"),
    "series": gettext_noop("Rounds over time"),
}


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]


@dataclass
class Report:
    title: str
    round_slug: str
    round_name: str
    season: str
    year: int
    data_as_of: dt.datetime
    internal: bool
    previous_round_name: str | None
    without_position_basis: str  # "offered", "position" or "hired" (see basis_of)
    sections: list[Section]
    notes: list[str] = field(default_factory=list)

    def tables(self) -> Iterator[Table]:
        for section in self.sections:
            yield from section.tables

    def table(self, key: str) -> Table:
        for table in self.tables():
            if table.key == key:
                return table
        raise KeyError(key)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["data_as_of"] = self.data_as_of.isoformat()
        data["format"] = "lis1-round-report/1"
        return data


def ratio(part: Value, whole: Value) -> float | None:
    """part / whole, or None when either is missing, suppressed or withheld (a mark, not a
    number) or the whole is zero."""
    if not isinstance(part, int | float) or not isinstance(whole, int | float) or not whole:
        return None
    return part / whole


# --- suppression -------------------------------------------------------------------------

Cell = tuple[int, int]
# A published linear relation between cells: sum(coefficient × cell) is known to the reader
# (a column's total, or 0 for "anchor − a − b" of a complementary pair).
Line = list[tuple[int, int, int]]


def _lines(
    matrix: list[list[int]],
    *,
    has_totals: bool,
    anchor: int | None,
    pairs: Sequence[tuple[int, int]],
) -> list[Line]:
    if pairs and anchor is None:
        raise ValueError("Complementary pairs add up to the anchor column; give the anchor.")
    lines: list[Line] = []
    width = len(matrix[0]) if matrix else 0
    if has_totals:
        lines += [[(r, c, 1) for r in range(len(matrix))] for c in range(width)]
    for r in range(len(matrix)):
        for a, b in pairs:
            assert anchor is not None
            lines.append([(r, anchor, 1), (r, a, -1), (r, b, -1)])
    return lines


def _reader_bounds(
    matrix: list[list[int]],
    marks: dict[Cell, str],
    small_rows: set[int],
) -> dict[Cell, tuple[float, float]]:
    """What a reader who knows these rules can tell of each hidden cell from its mark alone:
    <5 is 1–4; a withheld cell in a row whose group is <5 is 0–4 (a part of the group); any
    other withheld cell is 5 or more, since 1–4 would be <5 and a zero is never withheld there
    (were one withheld, the reader could take it for 0, so it is modelled as known)."""
    bounds: dict[Cell, tuple[float, float]] = {}
    for (r, c), mark in marks.items():
        v = matrix[r][c]
        if mark == SUPPRESSED:
            bounds[r, c] = (1, THRESHOLD - 1)
        elif r in small_rows and v < THRESHOLD:
            bounds[r, c] = (0, THRESHOLD - 1)
        elif v >= THRESHOLD:
            bounds[r, c] = (THRESHOLD, math.inf)
        else:
            bounds[r, c] = (v, v)
    return bounds


def _line_interval(
    line: Line,
    cell: Cell,
    matrix: list[list[int]],
    bounds: dict[Cell, tuple[float, float]],
) -> tuple[float, float]:
    """The values of `cell` that `line` allows, given the bounds of its other hidden cells."""
    target = 0.0  # sum over the line's hidden cells of coefficient × value: what the reader knows
    low = high = 0.0  # range of the same sum over the hidden cells other than `cell`
    own = 1
    for r, c, k in line:
        if (r, c) not in bounds:
            continue
        target += k * matrix[r][c]
        if (r, c) == cell:
            own = k
            continue
        lo, hi = bounds[r, c]
        low += k * (lo if k > 0 else hi)
        high += k * (hi if k > 0 else lo)
    first, last = target - high, target - low
    return (first, last) if own > 0 else (-last, -first)


def disclosure_audit(
    matrix: list[list[int]],
    marks: dict[Cell, str],
    lines: list[Line],
    small_rows: set[int],
) -> dict[Cell, tuple[float, float]]:
    """The narrowest range a reader can give each hidden cell: the marks' ranges, narrowed
    line by line (interval propagation) until nothing changes. A range of one value means
    the cell can be worked out. Sound (the true value stays inside), not exhaustive."""
    bounds = _reader_bounds(matrix, marks, small_rows)
    by_cell: dict[Cell, list[Line]] = defaultdict(list)
    for line in lines:
        for r, c, _k in line:
            if (r, c) in bounds:
                by_cell[r, c].append(line)
    for _sweep in range(100):
        changed = False
        for cell, cell_lines in by_cell.items():
            lo, hi = bounds[cell]
            for line in cell_lines:
                first, last = _line_interval(line, cell, matrix, bounds)
                lo = max(lo, math.ceil(first) if math.isfinite(first) else first)
                hi = min(hi, math.floor(last) if math.isfinite(last) else last)
            if (lo, hi) != bounds[cell]:
                bounds[cell] = (lo, hi)
                changed = True
        if not changed:
            break
    return bounds


def suppress(
    matrix: list[list[int]],
    *,
    has_totals: bool,
    anchor: int | None = 0,
    pairs: Sequence[tuple[int, int]] = (),
) -> tuple[list[list[Value]], int]:
    """Primary and complementary suppression of a table of people counts.

    - primary: a count from 1 to THRESHOLD − 1 is shown as SUPPRESSED ("<5");
    - a row whose `anchor` count (the group's size) is small shows its anchor as "<5" and
      every other cell as WITHHELD, zeros included ("0 of <5 placed" would tell about each of
      them; and marking its 1–4 cells "<5" beside withheld zeros would give the zeros away);
    - the published relations are the columns' totals (when `has_totals`) and, for each pair
      (a, b), anchor = a + b in every row. While a reader could work out a hidden cell from
      them (see `disclosure_audit`), a non-zero shown cell of a line that pins it is withheld
      too (complementary suppression, WITHHELD): of the six smallest, the one that leaves the
      fewest cells pinned, smallest first on a tie; again until nothing more can be mended.
    - zeros are shown and never chosen as complements: a reader knows a withheld cell beside
      "<5" marks is not 1–4, so a withheld 0 next to a small count would be read as 0 and
      protect nothing. A cell whose only other cells in a line are zeros follows from the
      published total however it is marked; it stays "<5" (the total is the headline's).
    Returns the cells and the number of cells hidden; totals are never suppressed here.
    """
    lines = _lines(matrix, has_totals=has_totals, anchor=anchor, pairs=pairs)
    marks: dict[Cell, str] = {
        (r, c): SUPPRESSED
        for r, row in enumerate(matrix)
        for c, v in enumerate(row)
        if 0 < v < THRESHOLD
    }
    small_rows: set[int] = set()
    if anchor is not None:
        for r, row in enumerate(matrix):
            if 0 < row[anchor] < THRESHOLD:
                small_rows.add(r)
                for c in range(len(row)):
                    marks[r, c] = SUPPRESSED if c == anchor else WITHHELD
    through: dict[Cell, list[Line]] = defaultdict(list)
    for line in lines:
        for r, c, _k in line:
            through[r, c].append(line)
    given_up: set[Cell] = set()
    while True:
        bounds = disclosure_audit(matrix, marks, lines, small_rows)
        pinned = sorted(c for c, (lo, hi) in bounds.items() if lo == hi and c not in given_up)
        if not pinned:
            break
        marked = _reader_bounds(matrix, marks, small_rows)
        # Mend first a cell that one line pins from the marks alone (1 alone in its column,
        # 1 + 1 under a total of 2): that line can only be mended inside it, and the cells
        # pinned only through other lines are often freed with it.
        alone = [
            (cell, line)
            for cell in pinned
            for line in through[cell]
            if _pins(line, cell, matrix, marked, marked)
        ]
        if alone:
            cell = alone[0][0]
            groups_ = [[line for c, line in alone if c == cell]]
        else:
            cell = pinned[0]
            pinning = [line for line in through[cell] if _pins(line, cell, matrix, bounds, marked)]
            groups_ = [pinning, through[cell]]
        candidates: list[tuple[int, int, int]] = []
        for group in groups_:
            candidates = sorted(
                {
                    (matrix[r][c], r, c)
                    for line in group
                    for r, c, _k in line
                    if (r, c) not in marks and matrix[r][c] != 0
                }
            )
            if candidates:
                break
        if not candidates:
            given_up.add(cell)
            continue
        # Of the few smallest, the one that leaves the fewest cells pinned.
        _v, r, c = min(
            candidates[:6],
            key=lambda k: (
                _still_pinned(k[1:], matrix, marks, lines, small_rows, given_up),
                k,
            ),
        )
        marks[r, c] = WITHHELD
    cells: list[list[Value]] = [
        [marks.get((r, c), v) for c, v in enumerate(row)] for r, row in enumerate(matrix)
    ]
    return cells, len(marks)


def _still_pinned(
    candidate: Cell,
    matrix: list[list[int]],
    marks: dict[Cell, str],
    lines: list[Line],
    small_rows: set[int],
    given_up: set[Cell],
) -> int:
    trial = {**marks, candidate: WITHHELD}
    bounds = disclosure_audit(matrix, trial, lines, small_rows)
    return sum(lo == hi for cell, (lo, hi) in bounds.items() if cell not in given_up)


def _pins(
    line: Line,
    cell: Cell,
    matrix: list[list[int]],
    bounds: dict[Cell, tuple[float, float]],
    marked: dict[Cell, tuple[float, float]],
) -> bool:
    """Whether `line`, given `bounds` of its other hidden cells, leaves `cell` one value."""
    first, last = _line_interval(line, cell, matrix, bounds)
    return max(marked[cell][0], first) >= min(marked[cell][1], last)


# --- the tables ----------------------------------------------------------------------------

# What "without a position" is, in the words of the round's state (see basis_of). The count is
# always applicants minus those with a position (lis1.rounds.outcomes.WITH_POSITION).
WITHOUT_LABELS = {
    "offered": gettext_noop("Without a position (not offered one)"),
    "position": gettext_noop("Without a position"),
    "hired": gettext_noop("Without a position (not hired)"),
}
OFFERED_LABEL = vocabulary.OFFERED.label
ACCEPTED_LABEL = vocabulary.ACCEPTED.label
DECLINED_LABEL = vocabulary.DECLINED.label
EXPIRED_LABEL = vocabulary.EXPIRED.label
WITHDRAWN_LABEL = vocabulary.WITHDRAWN.label
HIRED_LABEL = vocabulary.HIRED.label


def headline_table(
    counts: HeadlineCounts,
    previous: HeadlineCounts | None,
    previous_name: str | None,
    basis: str = "position",
) -> Table:
    """The round's totals; every outcome counts people (lis1.rounds.outcomes)."""
    measures: list[tuple[str, str, Callable[[HeadlineCounts], Value]]] = [
        (gettext_noop("Advertisements"), INT, lambda c: c.advertisements),
        (gettext_noop("Positions (seats)"), INT, lambda c: c.seats),
        (gettext_noop("Applicants"), INT, lambda c: c.applicants),
        (gettext_noop("Applications"), INT, lambda c: c.applications),
        (
            gettext_noop("Applications per applicant"),
            DEC,
            lambda c: ratio(c.applications, c.applicants),
        ),
        (gettext_noop("Applicants per seat"), DEC, lambda c: ratio(c.applicants, c.seats)),
        (OFFERED_LABEL, INT, lambda c: c.offered),
        (gettext_noop("Share offered a position"), PCT, lambda c: ratio(c.offered, c.applicants)),
        (ACCEPTED_LABEL, INT, lambda c: c.accepted),
        (DECLINED_LABEL, INT, lambda c: c.declined),
        (EXPIRED_LABEL, INT, lambda c: c.expired),
        (WITHDRAWN_LABEL, INT, lambda c: c.withdrawn),
        (HIRED_LABEL, INT, lambda c: c.hired),
        (gettext_noop("Share hired"), PCT, lambda c: ratio(c.hired, c.applicants)),
        (WITHOUT_LABELS[basis], INT, lambda c: c.applicants - c.with_position),
        (gettext_noop("Unfilled seats"), INT, lambda c: c.unfilled_seats),
    ]
    rows = []
    for label, fmt, measure in measures:
        now = measure(counts)
        before = measure(previous) if previous is not None else None
        change: Value = None
        if isinstance(now, int | float) and isinstance(before, int | float):
            change = now - before
        rows.append(Row([label, now, before, change], fmt=fmt))
    return Table(
        key="headline",
        title=gettext_noop("Headline figures"),
        description=(
            gettext_noop("Compared with the same season a year before: %(round)s.")
            if previous_name
            else gettext_noop("There is no round of the same season a year before to compare with.")
        ),
        description_params={"round": previous_name} if previous_name else {},
        columns=[
            Column("measure", gettext_noop("Measure"), TEXT),
            Column("value", gettext_noop("This round")),
            Column("previous", gettext_noop("Same season a year before")),
            # A noun ("Endring"), not the verb "Change" of the buttons.
            Column("change", gettext_noop("Year-on-year change"), signed=True),
        ],
        rows=rows,
    )


def _fill_columns(first: str) -> list[Column]:
    return [
        Column("name", first, TEXT),
        Column("advertisements", gettext_noop("Advertisements")),
        Column("seats", gettext_noop("Seats")),
        Column("applicants", gettext_noop("Applicants")),
        Column("applicants_per_seat", gettext_noop("Applicants per seat"), DEC),
        Column("offered", OFFERED_LABEL),
        Column("hired", HIRED_LABEL),
        Column("unfilled", gettext_noop("Unfilled seats")),
    ]


def fill_tables(data: ReportInput) -> list[Table]:
    """Seats, applicants, people offered and hired, and unfilled seats by region and trust."""
    tables = []
    for key, title, first, by, applicants, offered, hired in (
        (
            "fill_by_region",
            gettext_noop("Positions and fill by region"),
            gettext_noop("Regional health authority"),
            lambda p: p.region,
            data.applicants_by_region,
            data.offered_by_region,
            data.hired_by_region,
        ),
        (
            "fill_by_trust",
            gettext_noop("Positions and fill by trust"),
            gettext_noop("Employer"),
            lambda p: p.trust,
            data.applicants_by_trust,
            data.offered_by_trust,
            data.hired_by_trust,
        ),
    ):
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for position in data.positions:
            row = sums[by(position)]
            row[0] += 1
            row[1] += position.seats
            row[2] += max(position.seats - position.holding, 0)
        rows = [
            Row(
                [
                    name,
                    ads,
                    seats,
                    applicants.get(name, 0),
                    ratio(applicants.get(name, 0), seats),
                    offered.get(name, 0),
                    hired.get(name, 0),
                    unfilled,
                ]
            )
            for name, (ads, seats, unfilled) in sorted(sums.items())
        ]
        total = [sum(r.cells[i] for r in rows) for i in (1, 2, 7)]  # type: ignore[misc]
        rows.append(
            Row(
                [
                    gettext_noop("All"),
                    total[0],
                    total[1],
                    data.counts.applicants,
                    ratio(data.counts.applicants, total[1]),
                    data.counts.offered,
                    data.counts.hired,
                    total[2],
                ],
                total=True,
            )
        )
        tables.append(
            Table(
                key=key,
                title=title,
                columns=_fill_columns(first),
                rows=rows,
                description=gettext_noop(
                    "Applicants, offered and hired count people: one who applied to, or was "
                    "offered a position by, several employers counts once for each, and once "
                    "in the total."
                ),
                chart=Chart(
                    "bar" if key == "fill_by_region" else "barh", ("seats", "offered", "unfilled")
                ),
            )
        )
    return tables


Outcome = tuple[int, int, int, int]  # applicants, offered, hired, with a position


def basis_of(counts: HeadlineCounts) -> str:
    """Which relation "without a position" has with the published columns: "offered" before
    any answer (everyone with a position holds an open offer: without = applicants − offered),
    "hired" once everyone with a position is hired (without = applicants − hired), otherwise
    "position" (open offers and accepted positions not yet started count as positions)."""
    answered = counts.accepted + counts.declined + counts.expired + counts.withdrawn
    if not answered and not counts.hired:
        return "offered"
    if counts.hired == counts.with_position:
        return "hired"
    return "position"


def _outcome_columns(basis: str) -> list[Column]:
    return [
        Column("applicants", gettext_noop("Applicants"), personal=True),
        Column("offered", OFFERED_LABEL, personal=True),
        Column("share_offered", gettext_noop("Share offered a position"), PCT),
        Column("hired", HIRED_LABEL, personal=True),
        Column("share_hired", gettext_noop("Share hired"), PCT),
        Column("without", WITHOUT_LABELS[basis], personal=True),
        Column("share_of_without", gettext_noop("Share of all without a position"), PCT),
    ]


def outcome_table(
    *,
    key: str,
    title: str,
    first: Sequence[Column],
    groups_: Iterable[tuple[tuple[str, ...], Outcome]],
    total: Outcome,
    basis: str,
    internal: bool,
    description: str = "",
    chart: Chart | None = None,
) -> Table:
    """Applicants, offered, hired and without a position (people) for groups of applicants,
    each group named by the text cells of the `first` columns."""
    labels, matrix = [], []
    for label, (applicants, offered, hired, with_position) in groups_:
        labels.append(label)
        matrix.append([applicants, offered, hired, applicants - with_position])
    applicants, offered, hired, with_position = total
    total_cells: list[Value] = [applicants, offered, hired, applicants - with_position]
    suppressed = 0
    cells: list[list[Value]] = [list(r) for r in matrix]
    if not internal:
        # A pair is suppressed together when the round's state makes it add up to the
        # applicants (basis_of): then one would follow from the other.
        pairs = {"offered": [(1, 3)], "hired": [(2, 3)]}.get(basis, [])
        cells, suppressed = suppress(matrix, has_totals=True, anchor=0, pairs=pairs)
    blank = ("",) * (len(first) - 1)
    rows = [
        Row(
            [
                *label,
                applicants,
                offered,
                ratio(offered, applicants),
                hired,
                ratio(hired, applicants),
                without,
                ratio(without, total_cells[3]),
            ],
            total=is_total,
        )
        for label, (applicants, offered, hired, without), is_total in zip(
            [*labels, (gettext_noop("All"), *blank)],
            [*cells, total_cells],
            [False] * len(labels) + [True],
            strict=True,
        )
    ]
    return Table(
        key=key,
        title=title,
        description=description,
        columns=[*first, *_outcome_columns(basis)],
        rows=rows,
        chart=chart,
        suppressed_cells=suppressed,
    )


def _outcome(row: GroupCount | NationalityEducationCount) -> Outcome:
    return (row.applicants, row.offered, row.hired, row.with_position)


def _add(a: Outcome, b: Outcome) -> Outcome:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3])


ZERO: Outcome = (0, 0, 0, 0)


def _grouped(
    counts: Iterable[GroupCount], key: Callable[[Any], str], order: Sequence[str] | None
) -> list[tuple[str, Outcome]]:
    sums: dict[str, Outcome] = defaultdict(lambda: ZERO)
    for row in counts:
        name = key(row.key)
        sums[name] = _add(sums[name], _outcome(row))
    names = [n for n in order if n in sums] if order else sorted(sums)
    names += sorted(n for n in sums if n not in names)
    return [(n, sums[n]) for n in names if sums[n][0]]


SHARES_CHART = Chart("bar", ("share_offered", "share_hired"), percent=True)

#: The nationality table's rows: the countries with the most applicants, then the rest.
NATIONALITIES_SHOWN = 15
OTHER_SMALL_COUNTRIES = gettext_noop("Other countries (fewer than 5 applicants each)")
OTHER_COUNTRIES = gettext_noop("Other countries")


def _country_rows(
    counts: Iterable[GroupCount], *, internal: bool, top: int | None = None
) -> list[tuple[str, Outcome]]:
    """Countries by applicants, most first. The public version puts countries with fewer
    applicants than the threshold together in one row; `top` keeps at most that many
    countries (in both versions) and puts the others in that row too."""
    by_country = _grouped(counts, lambda k: str(k or ""), None)
    by_country.sort(key=lambda r: (-r[1][0], groups.country_label(r[0])))
    shown, rest = by_country, []
    if not internal:
        shown = [r for r in by_country if r[1][0] >= THRESHOLD]
        rest = [r for r in by_country if r[1][0] < THRESHOLD]
    label = OTHER_SMALL_COUNTRIES
    if top is not None and len(shown) > top:
        shown, rest = shown[:top], shown[top:] + rest
        label = OTHER_COUNTRIES
    rows = [(groups.country_label(code), outcome) for code, outcome in shown]
    if rest:
        together = ZERO
        for _code, outcome in rest:
            together = _add(together, outcome)
        rows.append((label, together))
    return rows


def nationality_education_table(data: ReportInput, *, basis: str, internal: bool) -> Table:
    """Applicants by nationality group and place-of-education group together (Norwegian
    citizens educated in the EU/EEA …), one row per pair that has applicants."""
    sums: dict[tuple[str, str], Outcome] = defaultdict(lambda: ZERO)
    for row in data.by_nationality_education:
        pair = (groups.country_group(row.nationality), groups.country_group(row.education_country))
        sums[pair] = _add(sums[pair], _outcome(row))
    pairs = [
        (nationality, education)
        for nationality in groups.COUNTRY_GROUPS
        for education in groups.COUNTRY_GROUPS
        if sums.get((nationality, education), ZERO)[0]
    ]
    return outcome_table(
        key="by_nationality_education",
        title=gettext_noop("Applicants and outcome by nationality and place of education"),
        description=gettext_noop(
            "Each applicant once, by the group of their nationality and the group of the "
            "country of their medical education."
        ),
        first=[
            Column("nationality", gettext_noop("Nationality"), TEXT),
            Column("education", gettext_noop("Place of medical education"), TEXT),
        ],
        groups_=[(pair, sums[pair]) for pair in pairs],
        total=_headline_outcome(data.counts),
        basis=basis,
        internal=internal,
    )


def _headline_outcome(c: HeadlineCounts) -> Outcome:
    return (c.applicants, c.offered, c.hired, c.with_position)


def people_tables(data: ReportInput, *, basis: str, internal: bool) -> list[Table]:
    total = _headline_outcome(data.counts)

    def table(key: str, title: str, first: str, rows, description: str = "", chart=SHARES_CHART):
        return outcome_table(
            key=key,
            title=title,
            first=[Column("group", first, TEXT)],
            groups_=[((label,), outcome) for label, outcome in rows],
            total=total,
            basis=basis,
            internal=internal,
            description=description,
            chart=chart,
        )

    start = data.round.start_date
    return [
        table(
            "by_education_group",
            gettext_noop("Applicants and outcome by place of education"),
            gettext_noop("Place of medical education"),
            _grouped(data.by_education_country, groups.country_group, groups.COUNTRY_GROUPS),
        ),
        table(
            "by_education_country",
            gettext_noop("Applicants and outcome by country of education"),
            gettext_noop("Country of medical education"),
            _country_rows(data.by_education_country, internal=internal),
            chart=None,
        ),
        table(
            "by_nationality_group",
            gettext_noop("Applicants and outcome by nationality"),
            gettext_noop("Nationality"),
            _grouped(data.by_nationality, groups.country_group, groups.COUNTRY_GROUPS),
        ),
        table(
            "by_nationality_country",
            gettext_noop("Applicants and outcome by country of nationality"),
            gettext_noop("Nationality"),
            _country_rows(data.by_nationality, internal=internal, top=NATIONALITIES_SHOWN),
            description=gettext_noop(
                "The countries with the most applicants; the others together in one row."
            ),
            chart=None,
        ),
        nationality_education_table(data, basis=basis, internal=internal),
        table(
            "by_graduation_year",
            gettext_noop("Applicants and outcome by year of graduation"),
            gettext_noop("Year of medical degree"),
            _grouped(
                data.by_education_year,
                lambda y: groups.graduation_group(y, data.round.year),
                groups.graduation_order(data.round.year),
            ),
        ),
        table(
            "by_gender",
            gettext_noop("Applicants and outcome by gender"),
            gettext_noop("Gender (self-declared)"),
            _grouped(
                data.by_gender,
                lambda g: groups.GENDER_LABELS.get(str(g), str(g)),
                [groups.GENDER_LABELS[g] for g in groups.GENDER_ORDER],
            ),
        ),
        table(
            "by_age_group",
            gettext_noop("Applicants and outcome by age group"),
            gettext_noop("Age on the start date"),
            _grouped(
                data.by_birth_date,
                lambda born: groups.age_group(born, start),
                groups.AGE_GROUP_ORDER,
            ),
        ),
        table(
            "by_earlier_rounds",
            gettext_noop("Applicants and outcome by earlier rounds applied"),
            gettext_noop("Rounds applied before"),
            _grouped(
                data.by_earlier_rounds,
                lambda n: groups.earlier_rounds_group(int(n)),
                groups.EARLIER_ROUNDS_ORDER,
            ),
        ),
    ]


def choice_table(data: ReportInput, *, internal: bool) -> Table:
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in data.choices:
        target = sums[groups.choice_group(row.choice)]
        target[0] += row.offers
        target[1] += row.accepted
    names = [n for n in groups.CHOICE_ORDER if sums.get(n, [0])[0]]
    matrix = [sums[n] for n in names]
    totals = [sum(r[0] for r in matrix), sum(r[1] for r in matrix)]
    cells: list[list[Value]] = [list(r) for r in matrix]
    total_cells: list[Value] = list(totals)
    suppressed = 0
    if not internal:
        cells, suppressed = suppress(matrix, has_totals=True, anchor=0)
    rows = [
        Row([name, offers, ratio(offers, total_cells[0]), accepted])
        for name, (offers, accepted) in zip(names, cells, strict=True)
    ]
    rows.append(
        Row(
            [
                gettext_noop("All"),
                total_cells[0],
                ratio(total_cells[0], total_cells[0]),
                total_cells[1],
            ],
            total=True,
        )
    )
    return Table(
        key="by_choice",
        title=gettext_noop("Choice obtained"),
        description=gettext_noop(
            "Offers (one per offer, not per person) by the place of the offered position on "
            "the applicant's own list (a couple's: the place of the pair on the couple's "
            "list); main and follow-up match and direct offers together."
        ),
        columns=[
            Column("choice", gettext_noop("Choice"), TEXT),
            Column("offers", vocabulary.OFFERED.offers_label, personal=True),
            Column("share", gettext_noop("Share of offers"), PCT),
            Column("accepted", vocabulary.ACCEPTED.offers_label, personal=True),
        ],
        rows=rows,
        chart=Chart("bar", ("offers",)),
        suppressed_cells=suppressed,
    )


def couples_table(data: ReportInput, *, internal: bool) -> Table:
    both = sum(c.couples for c in data.couples if c.first_offered and c.second_offered)
    one = sum(c.couples for c in data.couples if c.first_offered != c.second_offered)
    neither = sum(c.couples for c in data.couples if not c.first_offered and not c.second_offered)
    labels = [
        gettext_noop("Both offered a position"),
        gettext_noop("One of the two offered a position"),
        gettext_noop("Neither offered a position"),
    ]
    matrix = [[both], [one], [neither]]
    totals = [both + one + neither]
    cells: list[list[Value]] = [list(r) for r in matrix]
    total_cells: list[Value] = list(totals)
    suppressed = 0
    if not internal:
        if 0 < totals[0] < THRESHOLD:
            # So few couples that even the total, and a zero beside it, tells about them:
            # the parts of a group of fewer than 5 are withheld, as in `suppress`.
            cells = [[WITHHELD] for _ in matrix]
            total_cells = [SUPPRESSED]
            suppressed = len(matrix) + 1
        else:
            cells, suppressed = suppress(matrix, has_totals=True, anchor=0)
    rows = [
        Row([label, value[0], ratio(value[0], total_cells[0])])
        for label, value in zip(labels, cells, strict=True)
    ]
    rows.append(
        Row(
            [gettext_noop("All couples"), total_cells[0], ratio(total_cells[0], total_cells[0])],
            total=True,
        )
    )
    return Table(
        key="couples",
        title=gettext_noop("Couples"),
        description=gettext_noop(
            "Couples who ranked pairs of positions together (accepted couples of the round)."
        ),
        columns=[
            Column("outcome", gettext_noop("Outcome"), TEXT),
            Column("couples", gettext_noop("Couples"), personal=True),
            Column("share", gettext_noop("Share of couples"), PCT),
        ],
        rows=rows,
        suppressed_cells=suppressed,
    )


def municipal_tables(data: ReportInput) -> list[Table]:
    parts = data.municipal_parts
    areas = [p for p in parts if p.is_area]
    summary = Table(
        key="municipal_summary",
        title=gettext_noop("The municipal side"),
        description=gettext_noop(
            "The 6-month municipal part of the positions: one municipality, or an area whose "
            "municipalities are allocated to the doctors offered a position later."
        ),
        columns=[
            Column("measure", gettext_noop("Measure"), TEXT),
            Column("value", gettext_noop("Number")),
        ],
        rows=[
            Row([gettext_noop("Municipalities taking part"), data.municipalities_taking_part]),
            Row([gettext_noop("Single municipalities as municipal part"), len(parts) - len(areas)]),
            Row([gettext_noop("Municipal areas"), len(areas)]),
            Row(
                [
                    gettext_noop("Municipal places (seats with a municipal part)"),
                    sum(p.seats for p in parts),
                ]
            ),
            Row(
                [
                    gettext_noop("Doctors offered a position with a municipal part"),
                    sum(p.offered for p in parts),
                ]
            ),
            Row(
                [
                    gettext_noop("Doctors hired in a position with a municipal part"),
                    sum(p.hired for p in parts),
                ]
            ),
        ],
    )
    kind_label = {True: gettext_noop("Area"), False: gettext_noop("Municipality")}
    by_part = Table(
        key="municipal_parts",
        title=gettext_noop("Municipal places and doctors"),
        description=gettext_noop(
            "Doctors offered a position count people, whatever they answered: they can be "
            "more than the places."
        ),
        columns=[
            Column("name", gettext_noop("Municipal part"), TEXT),
            Column("kind", gettext_noop("Kind"), TEXT),
            Column("county", gettext_noop("County"), TEXT),
            Column("municipalities", gettext_noop("Municipalities")),
            Column("advertisements", gettext_noop("Advertisements")),
            Column("seats", gettext_noop("Places")),
            Column("offered", OFFERED_LABEL),
            Column("hired", HIRED_LABEL),
        ],
        rows=[
            Row(
                [
                    p.name,
                    kind_label[p.is_area],
                    p.county,
                    p.municipalities,
                    p.advertisements,
                    p.seats,
                    p.offered,
                    p.hired,
                ]
            )
            for p in sorted(parts, key=lambda p: (p.county, p.name))
        ],
    )
    return [summary, by_part]


def _published(run: MatchRunRow) -> str:
    """The run's publication date (Oslo) in ISO form; a group of runs: "first/last"."""
    if run.published_at is None:
        return ""
    first = run.published_at.astimezone(OSLO).date()
    last = run.last_published_at.astimezone(OSLO).date() if run.last_published_at else first
    return first.isoformat() if last == first else f"{first.isoformat()}/{last.isoformat()}"


def runs_table(data: ReportInput) -> Table:
    kind_label = {
        "main": gettext_noop("Main match"),
        "follow_up": gettext_noop("Follow-up match"),
        "direct_offer": gettext_noop("Direct offers from the ranked lists"),
    }
    return Table(
        key="match_runs",
        title=gettext_noop("Main and follow-up match"),
        description=gettext_noop(
            "Published match runs of the round. The follow-up match fills seats declined or "
            "left unanswered from the same rankings, among applicants not yet offered a seat. "
            "Direct offers of vacant seats from the ranked lists are counted together. The "
            "columns count offers (a person offered twice counts twice)."
        ),
        columns=[
            Column("kind", gettext_noop("Match"), TEXT),
            Column("runs", gettext_noop("Runs")),
            Column("published", gettext_noop("Published"), DATE),
            Column("applicants", gettext_noop("Applicants in the match")),
            Column("seats", gettext_noop("Seats in the match")),
            Column("offers", vocabulary.OFFERED.offers_label),
            Column("accepted", vocabulary.ACCEPTED.offers_label),
            Column("declined", vocabulary.DECLINED.offers_label),
            Column("expired", vocabulary.EXPIRED.offers_label),
        ],
        rows=[
            Row(
                [
                    kind_label.get(r.kind, r.kind),
                    r.runs,
                    _published(r),
                    r.applicants_in_match,
                    r.seats_in_match,
                    r.offers,
                    r.accepted,
                    r.declined,
                    r.expired,
                ]
            )
            for r in data.runs
        ],
    )


def follow_up_table(data: ReportInput, *, internal: bool) -> Table:
    """Seats after the main match: extra seats, accepted positions given up, and vacant seats
    offered directly from the ranked lists (the directorate's proposals 1 and 5)."""
    counts = data.follow_up
    people = [
        (
            gettext_noop("Accepted positions given up before the start"),
            counts.withdrawn_before_start,
        ),
        (gettext_noop("Positions left after the start"), counts.left_after_start),
        (gettext_noop("Vacant seats offered directly from a ranked list"), counts.direct_offers),
        (gettext_noop("Direct offers accepted"), counts.direct_accepted),
        (gettext_noop("Direct offers still open"), counts.direct_open),
    ]
    values: list[list[Value]] = [[n] for _label, n in people]
    suppressed = 0
    if not internal:
        values, suppressed = suppress([[n] for _label, n in people], has_totals=False, anchor=None)
    rows = [
        Row([gettext_noop("Extra seats added after the results"), counts.extra_seats]),
        *(Row([label, value[0]]) for (label, _n), value in zip(people, values, strict=True)),
        Row([gettext_noop("Seats vacant now"), counts.vacant_seats], total=True),
    ]
    return Table(
        key="follow_up",
        title=gettext_noop("Seats after the main match"),
        description=gettext_noop(
            "Extra seats given after the results, accepted positions given up (the seat "
            "became vacant), and vacant seats offered directly to the next applicant on the "
            "position's ranked list, also after the round closed. Vacant now: seats not held "
            "by an open or accepted offer."
        ),
        columns=[
            Column("what", gettext_noop("What"), TEXT),
            Column("count", gettext_noop("Number"), personal=True),
        ],
        rows=rows,
        suppressed_cells=suppressed,
    )


SEASON_LABELS = {"spring": gettext_noop("Spring"), "autumn": gettext_noop("Autumn")}


def _series_cells(s: SeriesRow) -> list[Value]:
    """A round's cells; a figure its source does not give stays None (shown as missing). A
    share or a number without a position that is not given follows from the counts given."""
    hired_share = s.hired_share if s.hired_share is not None else ratio(s.hired, s.applicants)
    without = s.without_position
    if without is None and s.applicants is not None and s.hired is not None:
        without = s.applicants - s.hired
    source = s.reference if s.source == SOURCE_PUBLISHED else gettext_noop("This system")
    return [
        s.name,
        SEASON_LABELS.get(s.season, s.season),
        s.year,
        s.seats,
        s.applicants,
        s.offered,
        s.hired,
        hired_share,
        without,
        source,
    ]


def series_table(series: Sequence[SeriesRow]) -> Table:
    rows = [
        Row(_series_cells(s)) for s in sorted(series, key=lambda s: (s.year, s.season != "spring"))
    ]
    return Table(
        key="series",
        title=gettext_noop("Applicants and hired per round"),
        description=gettext_noop(
            "The directorate's published figures of past rounds and the rounds in this system, "
            "which replace a published round of the same season and year; rounds without "
            "published results or without applicants are left out. A figure the source does "
            "not give is left empty (–); a share or a number without a position that it does "
            "not give is worked out from the counts it gives. Spring and autumn as separate "
            "lines; the hired share on the right-hand axis."
        ),
        columns=[
            Column("round", gettext_noop("Round"), TEXT),
            Column("season", gettext_noop("Season"), TEXT),
            Column("year", gettext_noop("Year"), TEXT),
            Column("seats", gettext_noop("Positions (seats)")),
            Column("applicants", gettext_noop("Applicants")),
            Column("offered", OFFERED_LABEL),
            Column("hired", HIRED_LABEL),
            Column("share_hired", gettext_noop("Share hired"), PCT),
            Column("without", WITHOUT_LABELS["hired"]),
            Column("source", gettext_noop("Source"), TEXT),
        ],
        rows=rows,
        chart=Chart("series", ("applicants", "hired", "share_hired")),
    )


def notes(*, basis: str, internal: bool) -> list[str]:
    result = [
        gettext_noop(
            "Advertisements and seats: the round's published positions (an advertisement may "
            "have several identical seats)."
        ),
        gettext_noop(
            "Applicants: distinct applicants with at least one submitted application to the "
            "round's positions. Applications: submitted applications."
        ),
        *(term.definition for term in vocabulary.TERMS),
        vocabulary.WITHOUT_POSITION_DEFINITION,
        gettext_noop(
            "These count people: each applicant once, whatever number of offers they had. "
            "Shares are of all applicants. Where offers are counted (the match runs and the "
            "choice obtained), the columns say so."
        ),
        gettext_noop("Unfilled seats: seats not held by an open or accepted offer."),
        gettext_noop(
            "Place of education and nationality: Norway; the other EU/EEA countries; outside "
            "the EU/EEA (the United Kingdom is outside since 2020)."
        ),
        gettext_noop("Age: on the round's start date. Gender: as the applicant declared it."),
        gettext_noop(
            "Rounds applied before: the earlier rounds in this system in which the applicant "
            "had a submitted application, plus the rounds before the system that the applicant "
            "declares. A closed round's report is built from the data as it was when the round "
            "closed."
        ),
        gettext_noop(
            "Year-on-year change: compared with the round of the same season a year before; "
            "shares in percentage points."
        ),
    ]
    result.append(BASIS_NOTES[basis])
    if internal:
        result.append(
            gettext_noop(
                "INTERNAL VERSION: small counts are shown. Do not publish; it may identify people."
            )
        )
    else:
        result.append(
            gettext_noop(
                "Counts of people by a personal characteristic from 1 to 4 are shown as <5. "
                "A group of fewer than 5 people shows its size as <5 and the rest of its row "
                "as withheld. Zeros are shown."
            )
        )
        result.append(
            gettext_noop(
                "Withheld (:): a cell hidden so that a count shown as <5 cannot be worked out "
                "by subtraction from the totals or from the other cells of its row or column "
                "(Statistics Norway's mark for figures not shown for confidentiality reasons). "
                "A withheld cell is not itself a small count, except in the row of a group of "
                "fewer than 5. Counts of seats and of doctors per employer or municipality "
                "describe jobs and are shown in full."
            )
        )
    result.append(gettext_noop("The report holds no names and no national identity numbers."))
    return result


BASIS_NOTES = {
    "offered": gettext_noop(
        "No offer is answered yet, so the applicants without a position are those not offered one."
    ),
    "position": gettext_noop(
        "Answers and starts are still coming in: an open offer or an accepted position not "
        "yet started counts as a position."
    ),
    "hired": gettext_noop(
        "Every applicant with a position has started in it, so the applicants without a "
        "position are those not hired."
    ),
}


def report_build(data: ReportInput, *, internal: bool = False) -> Report:
    basis = basis_of(data.counts)
    people = people_tables(data, basis=basis, internal=internal)
    return Report(
        title=gettext_noop("LIS1 round status report"),
        round_slug=data.round.slug,
        round_name=data.round.name,
        season=data.round.season,
        year=data.round.year,
        data_as_of=data.data_as_of,
        internal=internal,
        previous_round_name=data.previous_round.name if data.previous_round else None,
        without_position_basis=basis,
        sections=[
            Section(
                "headline",
                # Not "Headline": its one table is "Headline figures", and both are "Hovedtall".
                gettext_noop("Summary"),
                [
                    headline_table(
                        data.counts,
                        data.previous_counts,
                        data.previous_round.name if data.previous_round else None,
                        basis,
                    )
                ],
            ),
            Section("positions", gettext_noop("Positions and fill"), fill_tables(data)),
            Section(
                "applicants",
                gettext_noop("Applicants and outcome"),
                people[:6],
            ),
            Section(
                "beyond",
                gettext_noop("Gender, age, choices, couples and municipalities"),
                [
                    *people[6:],
                    choice_table(data, internal=internal),
                    couples_table(data, internal=internal),
                    *municipal_tables(data),
                ],
            ),
            Section(
                "follow_up",
                gettext_noop("After the main match"),
                [runs_table(data), follow_up_table(data, internal=internal)],
            ),
            Section("series", gettext_noop("Rounds over time"), [series_table(data.series)]),
        ],
        notes=notes(basis=basis, internal=internal),
    )
