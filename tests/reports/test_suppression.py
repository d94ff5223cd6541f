"""Small-count suppression: primary cells shown as <5, complementary ones as withheld (:), and
no hidden count that a reader could work out from the published totals of its row or column.

The property tests build random small tables of the three shapes the report suppresses
(outcome tables with a complementary pair, the choice table, plain columns) and check the
result the way a reader would attack it, without using `suppress`'s own audit."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lis1.reports.build import SUPPRESSED as S
from lis1.reports.build import THRESHOLD, Value, suppress
from lis1.reports.build import WITHHELD as W

# Mostly small numbers, so that small cells, zeros and complements meet in one table.
counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def outcome_tables(draw):  # type: ignore[no-untyped-def]
    """Rows of (applicants, placed, hired, without) as `outcome_table` suppresses them."""
    basis = draw(st.sampled_from(["placed", "hired"]))
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        applicants = draw(counts)
        placed = draw(st.integers(0, applicants))
        hired = draw(st.integers(0, placed))
        without = applicants - (placed if basis == "placed" else hired)
        rows.append([applicants, placed, hired, without])
    pairs = [(1, 3)] if basis == "placed" else [(2, 3)]
    return rows, {"has_totals": True, "anchor": 0, "pairs": pairs}


@st.composite
def choice_tables(draw):  # type: ignore[no-untyped-def]
    """Rows of (placed, accepted) as `choice_table` suppresses them."""
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        placed = draw(counts)
        rows.append([placed, draw(st.integers(0, placed))])
    return rows, {"has_totals": True, "anchor": 0, "pairs": []}


@st.composite
def plain_tables(draw):  # type: ignore[no-untyped-def]
    """Any counts, with or without column totals; with an anchor, the first column is the
    group's size and the other cells count some of the group."""
    width = draw(st.integers(1, 4))
    anchor = draw(st.sampled_from([None, 0]))
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        first = draw(counts)
        part = counts if anchor is None else st.integers(0, first)
        rows.append([first, *(draw(part) for _ in range(width - 1))])
    return rows, {"has_totals": draw(st.booleans()), "anchor": anchor, "pairs": []}


tables = st.one_of(outcome_tables(), choice_tables(), plain_tables())

Line = list[tuple[int, int, int]]


def published_lines(matrix: list[list[int]], options: dict) -> list[Line]:  # type: ignore[type-arg]
    """The sums a reader is given: each column's total (when shown) and, for each pair (a, b),
    anchor = a + b in every row (written anchor − a − b = 0)."""
    lines: list[Line] = []
    if options["has_totals"]:
        lines += [[(r, c, 1) for r in range(len(matrix))] for c in range(len(matrix[0]))]
    for a, b in options["pairs"]:
        lines += [[(r, options["anchor"], 1), (r, a, -1), (r, b, -1)] for r in range(len(matrix))]
    return lines


def small_rows(cells: list[list[Value]], anchor: int | None) -> set[int]:
    return {r for r, row in enumerate(cells) if anchor is not None and row[anchor] == S}


def reader_range(cells: list[list[Value]], r: int, c: int, small: set[int]) -> tuple[float, float]:
    """What the marks say of a hidden cell: <5 is 1–4; withheld in a row whose group is <5
    is 0–4 (part of the group); any other withheld cell is 5 or more (the rules say so)."""
    if cells[r][c] == S:
        return 1, THRESHOLD - 1
    return (0, THRESHOLD - 1) if r in small else (THRESHOLD, math.inf)


def reader_values(
    line: Line, cells: list[list[Value]], matrix: list[list[int]], small: set[int]
) -> dict[tuple[int, int], tuple[float, float]]:
    """For each hidden cell of `line`, the range of values that the line's published sum and
    the marks of its other hidden cells leave for it."""
    hidden = [(r, c, k) for r, c, k in line if cells[r][c] in (S, W)]
    known = sum(k * matrix[r][c] for r, c, k in hidden)  # total minus the shown cells
    result = {}
    for r, c, k in hidden:
        low = high = 0.0
        for r2, c2, k2 in hidden:
            if (r2, c2) == (r, c):
                continue
            lo, hi = reader_range(cells, r2, c2, small)
            low += k2 * lo if k2 > 0 else k2 * hi
            high += k2 * hi if k2 > 0 else k2 * lo
        first, last = (known - high, known - low) if k > 0 else (low - known, high - known)
        lo, hi = reader_range(cells, r, c, small)
        result[r, c] = (max(lo, first), min(hi, last))
    return result


def nothing_left_to_hide(line: Line, cells: list[list[Value]]) -> bool:
    """Every shown cell of the line is 0: the hidden ones follow from the published total
    whatever is hidden (hiding a 0 beside a <5 protects nothing: see `suppress`)."""
    return all(cells[r][c] in (S, W, 0) for r, c, _k in line)


@settings(max_examples=400, deadline=None)
@given(tables)
def test_small_marks_hide_exactly_the_small_counts(table) -> None:  # type: ignore[no-untyped-def]
    matrix, options = table
    cells, hidden = suppress(matrix, **options)
    small = small_rows(cells, options["anchor"])
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            shown = cells[r][c]
            if 0 < value < THRESHOLD:
                assert shown in (S, W), (r, c)  # every count of 1–4 is hidden
            if shown == S:
                assert 0 < value < THRESHOLD, (r, c)  # "<5" is never a 0 or 5 or more
            elif shown == W and r not in small:
                assert value >= THRESHOLD, (r, c)  # a complement is never small or 0
            elif shown != W:
                assert shown == value, (r, c)
    for r in small:  # a small group: its size is <5, the rest of its row withheld
        assert [v == S for v in cells[r]] == [c == options["anchor"] for c in range(len(cells[r]))]
        assert W in cells[r] or len(cells[r]) == 1
    assert hidden == sum(v in (S, W) for row in cells for v in row)


@settings(max_examples=400, deadline=None)
@given(tables)
def test_no_hidden_count_follows_from_a_published_sum(table) -> None:  # type: ignore[no-untyped-def]
    matrix, options = table
    cells, _ = suppress(matrix, **options)
    small = small_rows(cells, options["anchor"])
    for line in published_lines(matrix, options):
        if nothing_left_to_hide(line, cells):
            continue
        hidden = [(r, c) for r, c, _k in line if cells[r][c] in (S, W)]
        # A line with one hidden cell gives it away by subtraction.
        assert len(hidden) != 1, (line, cells)
        # Nor may the marks of the others pin it (1 + 1 under a total of 2 are both 1).
        for cell, (lo, hi) in reader_values(line, cells, matrix, small).items():
            assert lo < hi, (cell, line, cells)


@settings(max_examples=200, deadline=None)
@given(tables)
def test_suppression_is_deterministic(table) -> None:  # type: ignore[no-untyped-def]
    matrix, options = table
    assert suppress(matrix, **options) == suppress([list(r) for r in matrix], **options)


def test_a_small_count_alone_in_its_column_takes_the_smallest_non_zero_complement() -> None:
    cells, hidden = suppress([[3], [0], [40], [12]], has_totals=True, anchor=None)
    assert (cells, hidden) == ([[S], [0], [40], [W]], 2)


def test_two_ones_under_a_total_are_not_left_to_add_up_to_two() -> None:
    # 1 + 1 with the others shown: the total gives 2, and two "<5" summing to 2 are both 1.
    cells, _ = suppress([[1], [1], [30], [20]], has_totals=True, anchor=None)
    assert cells == [[S], [S], [30], [W]]


def test_a_complement_of_exactly_five_beside_a_one_is_not_enough() -> None:
    # 1 + 5 = 6 and a withheld cell is 5 or more: the 1 would follow. The 7 frees it; the 5
    # is not needed.
    cells, _ = suppress([[1], [5], [7]], has_totals=True, anchor=None)
    assert cells == [[S], [5], [W]]


def test_a_pair_withholds_its_complement() -> None:
    # applicants 20 = placed 3 + without 17: the 17 would give the 3 away.
    cells, _ = suppress([[20, 3, 17], [40, 30, 10]], has_totals=False, anchor=0, pairs=[(1, 2)])
    assert cells == [[20, S, W], [40, 30, 10]]


def test_a_pair_withholds_the_anchor_when_the_complement_cannot_protect() -> None:
    # applicants 6 = placed 1 + without 5: withholding the 5 leaves 1 = 6 − (5 or more), so
    # the group's size is withheld instead (placed = applicants − 5 is then unknown).
    cells, _ = suppress([[6, 1, 5], [40, 30, 10]], has_totals=False, anchor=0, pairs=[(1, 2)])
    assert cells == [[W, S, 5], [40, 30, 10]]


def test_a_small_count_among_zeros_is_left_as_it_is() -> None:
    # The column's other cells are 0: its value is the published total whatever is hidden.
    cells, hidden = suppress([[3], [0], [0]], has_totals=True, anchor=None)
    assert (cells, hidden) == ([[S], [0], [0]], 1)


def test_pairs_without_an_anchor_are_refused() -> None:
    with pytest.raises(ValueError, match="anchor"):
        suppress([[1, 2]], has_totals=False, anchor=None, pairs=[(0, 1)])
