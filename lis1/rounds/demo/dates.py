"""The demo round's calendar, relative to the day of seeding so that the demo is always live."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from lis1.rounds.enums import Season

OSLO = ZoneInfo("Europe/Oslo")


@dataclass(frozen=True)
class DemoCalendar:
    season: str
    year: int
    slug: str
    advertising_opens: dt.datetime
    applications_open: dt.datetime
    applications_close: dt.datetime
    ranking_deadline: dt.datetime
    match_date: dt.datetime
    results_published: dt.datetime
    answer_deadline: dt.datetime
    start_date: dt.date


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO)


def demo_calendar(today: dt.date) -> DemoCalendar:
    """A calendar that is "live" on `today`: applications closed a month ago, ranking open
    for another week; start on the first 1 March or 1 September at least 60 days after the
    answer deadline."""
    answer_deadline = _at(today + dt.timedelta(days=14), 12)
    earliest = answer_deadline.date() + dt.timedelta(days=60)
    start = min(
        d
        for year in (earliest.year, earliest.year + 1)
        for d in (dt.date(year, 3, 1), dt.date(year, 9, 1))
        if d >= earliest
    )
    if start.month == 9:
        season, year = Season.SPRING, start.year
    else:
        season, year = Season.AUTUMN, start.year - 1
    return DemoCalendar(
        season=season,
        year=year,
        slug=f"{season}-{year}",
        advertising_opens=_at(today - dt.timedelta(days=45), 9),
        applications_open=_at(today - dt.timedelta(days=45), 9),
        applications_close=_at(today - dt.timedelta(days=31), 12),
        ranking_deadline=_at(today + dt.timedelta(days=7), 12),
        match_date=_at(today + dt.timedelta(days=8), 12),
        results_published=_at(today + dt.timedelta(days=9), 12),
        answer_deadline=answer_deadline,
        start_date=start,
    )
