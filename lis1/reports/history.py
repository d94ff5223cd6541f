"""The published history: the directorate's figures of past rounds, shipped as reference data
(`data/published_rounds.json`, each round with its source), and the series of the report that
shows them together with the rounds in this system.

Pure: no Django, no database. The file holds only what was published; a figure the source does
not give is None, never an estimate.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path

from lis1.reports.rows import SOURCE_PUBLISHED, SeriesRow

DATA_FILE = Path(__file__).resolve().parent / "data" / "published_rounds.json"
SEASONS = ("spring", "autumn")


@dataclass(frozen=True)
class PublishedRound:
    """One past round as its source published it (None: not given there)."""

    season: str  # "spring" | "autumn"
    year: int
    source: str  # e.g. "Helsedirektoratet, statusrapport LIS1 våren 2018"
    positions: int | None = None
    applicants: int | None = None
    applications: int | None = None
    offered: int | None = None
    offered_share: float | None = None
    hired: int | None = None
    hired_share: float | None = None
    without_position: int | None = None
    without_offer: int | None = None
    notes: str = ""


COUNTS = (
    "positions",
    "applicants",
    "applications",
    "offered",
    "hired",
    "without_position",
    "without_offer",
)
SHARES = ("offered_share", "hired_share")


class PublishedDataError(ValueError):
    """The reference file is malformed: the message names the entry and the field."""


def _parse(entry: dict[str, object], n: int) -> PublishedRound:
    where = f"{DATA_FILE.name}, round {n + 1}"
    known = {f.name for f in fields(PublishedRound)}
    unknown = set(entry) - known
    if unknown:
        raise PublishedDataError(f"{where}: unknown fields {sorted(unknown)}.")
    season, year, source = entry.get("season"), entry.get("year"), entry.get("source")
    if season not in SEASONS:
        raise PublishedDataError(f"{where}: season must be one of {SEASONS}, not {season!r}.")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise PublishedDataError(f"{where}: year must be a year from 2000 to 2100, not {year!r}.")
    if not isinstance(source, str) or not source.strip():
        raise PublishedDataError(f"{where}: every round needs its source.")
    for name in COUNTS:
        value = entry.get(name)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise PublishedDataError(f"{where}: {name} must be a count or null, not {value!r}.")
    for name in SHARES:
        value = entry.get(name)
        if value is not None and (not isinstance(value, int | float) or not 0 <= value <= 1):
            raise PublishedDataError(
                f"{where}: {name} must be a fraction from 0 to 1 or null, not {value!r}."
            )
    return PublishedRound(**entry)  # type: ignore[arg-type]


def parse_published_rounds(data: dict[str, object]) -> tuple[PublishedRound, ...]:
    """The rounds of a reference document, checked, oldest first."""
    entries = data.get("rounds")
    if not isinstance(entries, list):
        raise PublishedDataError(f"{DATA_FILE.name}: 'rounds' must be a list.")
    rounds = [_parse(entry, n) for n, entry in enumerate(entries)]
    seen: set[tuple[str, int]] = set()
    for r in rounds:
        if (r.season, r.year) in seen:
            raise PublishedDataError(f"{DATA_FILE.name}: {r.season} {r.year} is listed twice.")
        seen.add((r.season, r.year))
    return tuple(sorted(rounds, key=lambda r: (r.year, SEASONS.index(r.season))))


@functools.cache
def published_rounds() -> tuple[PublishedRound, ...]:
    """The directorate's published rounds from 2013 on (read once per process)."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return parse_published_rounds(json.load(handle))


def published_series_rows(
    rounds: Iterable[PublishedRound], name: Callable[[str, int], str]
) -> list[SeriesRow]:
    """Published rounds as rows of the series; `name` names a round as the system names its
    own ("Spring 2018" in the report's language)."""
    return [
        SeriesRow(
            slug=f"{r.season}-{r.year}",
            name=name(r.season, r.year),
            season=r.season,
            year=r.year,
            seats=r.positions,
            applicants=r.applicants,
            offered=r.offered,
            accepted=None,  # the published reports count hires, not acceptances
            hired=r.hired,
            hired_share=r.hired_share,
            without_position=r.without_position,
            source=SOURCE_PUBLISHED,
            reference=r.source,
        )
        for r in rounds
    ]


def series_merge(live: Iterable[SeriesRow], published: Iterable[SeriesRow]) -> list[SeriesRow]:
    """Published and live rounds in one series, oldest first; a round in this system replaces
    the published one of the same season and year (its figures are the complete ones)."""
    by_round = {(r.season, r.year): r for r in published}
    by_round.update({(r.season, r.year): r for r in live})
    return sorted(by_round.values(), key=lambda r: (r.year, SEASONS.index(r.season)))
