"""Assumptions estimated from figures: the published series (always there) and the rounds in
the database (when it holds several). Pure: callers pass the figures in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lis1.simulation.model import GROUPS, MAX_EARLIER, SEASONS

RECENT_FROM_YEAR = 2021
"""Positions grew in 2020-2021; the series before it describes a smaller scheme."""


@dataclass(frozen=True)
class SeriesRound:
    """One round of the published series (None: not published)."""

    season: str
    year: int
    applicants: int | None
    positions: int | None
    hired: int | None
    without_position: int | None = None


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def new_graduates_from_series(
    series: Iterable[SeriesRound], reapply: float = 0.8
) -> dict[str, int] | None:
    """New applicants per round by season from the published series: a season's applicants
    less the re-applicants from the other season (those then without a position, times
    ``reapply``). Recent rounds (from :data:`RECENT_FROM_YEAR`) when they give the figures."""
    rows = [r for r in series if r.applicants]
    recent = [r for r in rows if r.year >= RECENT_FROM_YEAR]
    applicants: dict[str, float] = {}
    without: dict[str, float] = {}
    for season in SEASONS:
        for pool in (recent, rows):
            mine = [r for r in pool if r.season == season]
            mean = _mean(float(r.applicants or 0) for r in mine)
            if mean is None:
                continue
            applicants[season] = mean
            outs = []
            for r in mine:
                if r.without_position is not None:
                    outs.append(float(r.without_position))
                elif r.hired is not None:
                    outs.append(float((r.applicants or 0) - r.hired))
                elif r.positions is not None:
                    outs.append(float(max((r.applicants or 0) - r.positions, 0)))
            out = _mean(outs)
            if out is not None:
                without[season] = out
            break
    if set(applicants) != set(SEASONS) or set(without) != set(SEASONS):
        return None
    spring, autumn = SEASONS
    return {
        spring: max(0, round(applicants[spring] - reapply * without[autumn])),
        autumn: max(0, round(applicants[autumn] - reapply * without[spring])),
    }


def reapply_from_counts(
    counts: Mapping[tuple[str, int], tuple[int, int]],
    defaults: Mapping[str, tuple[float, ...]],
    minimum: int = 20,
) -> tuple[dict[str, tuple[float, ...]], set[str]]:
    """Re-apply probabilities by group and earlier rounds from counts ``(group, earlier) ->
    (without a position, applied in the next round)``; a cell with fewer than ``minimum``
    doctors keeps its default. Returns the table and the groups with a cell from the counts."""
    out: dict[str, tuple[float, ...]] = {}
    used: set[str] = set()
    for group in GROUPS:
        row = list(defaults[group])
        for k in range(MAX_EARLIER + 1):
            total, again = counts.get((group, k), (0, 0))
            if total >= minimum:
                row[k] = round(again / total, 3)
                used.add(group)
        out[group] = tuple(row)
    return out, used
