"""The demo's past rounds, planned in plain Python: which seasons, their sizes, their
calendars, and who applies again after a round without a position.

- Seasons: the `count` rounds before the current one, oldest first (spring and autumn
  alternate; from the round of autumn 2026 back: spring 2026, autumn 2025, …).
- Sizes, after the published rounds (DOMAIN.md): a spring round about 1,200 applicants for
  575 seats in 31 advertisements (spring 2023: 1,184 and 575; spring 2022: 1,193 and 562);
  an autumn round about 915 applicants for 525 seats (autumn 2021: 916 and 525; autumn 2023:
  913 and 587) in 29 advertisements. A demo seeded with another size scales them alike.
- Calendars: the published timeline of spring 2024 (lis1.rounds.calendar.DEFAULT_CALENDAR;
  an autumn round six months later), then the follow-up opened the day after the answer
  deadline, its match published the day after that with a week to answer, and the round
  closed two weeks after the follow-up's answer deadline.
- Applying again: of those who end a round without a position, about two in three apply in
  the next round, fewer the more rounds they have tried (`REAPPLY`). The doctors'
  association describes doctors applying "round after round"; the share is an assumption.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lis1.rounds.calendar import DEFAULT_CALENDAR, season_start_date
from lis1.rounds.demo.dates import OSLO, DemoCalendar
from lis1.rounds.enums import Season


@dataclass(frozen=True)
class SeasonSize:
    applicants: int
    seats: int
    advertisements: int


#: The default demo's size per season (see the module docstring for the published figures).
SEASON_SIZE: dict[str, SeasonSize] = {
    Season.SPRING: SeasonSize(applicants=1200, seats=575, advertisements=31),
    Season.AUTUMN: SeasonSize(applicants=915, seats=525, advertisements=29),
}
#: The current round's default applicants, against which a demo of another size is scaled.
REFERENCE_APPLICANTS = 1200

#: P(apply again in the next round) after ending a round without a position, by the number
#: of rounds the doctor has applied in so far (declared earlier rounds included); 5 or more
#: use the last value.
REAPPLY = {1: 0.68, 2: 0.62, 3: 0.52, 4: 0.42}
REAPPLY_LATER = 0.30


def reapply_probability(rounds_applied: int) -> float:
    return REAPPLY.get(max(rounds_applied, 1), REAPPLY_LATER)


def past_seasons(season: str, year: int, count: int) -> list[tuple[str, int]]:
    """The `count` rounds before (season, year), oldest first."""
    seasons: list[tuple[str, int]] = []
    for _ in range(count):
        if season == Season.AUTUMN:
            season = Season.SPRING
        else:
            season, year = Season.AUTUMN, year - 1
        seasons.append((season, year))
    return seasons[::-1]


def season_size(season: str, *, applicants: int, positions: int) -> SeasonSize:
    """The size of a past round of `season` for a demo whose current round has `applicants`
    applicants in `positions` advertisements (the default demo: the published sizes)."""
    base = SEASON_SIZE[season]
    scale = applicants / REFERENCE_APPLICANTS
    advertisements = max(1, round(positions * base.advertisements / 31))
    return SeasonSize(
        applicants=max(3, round(base.applicants * scale)),
        seats=max(advertisements, round(base.seats * scale)),
        advertisements=advertisements,
    )


@dataclass(frozen=True)
class PastCalendar:
    """A closed round's calendar and the moments of the decisions taken in it."""

    dates: DemoCalendar
    follow_up_opened: dt.datetime
    follow_up_published: dt.datetime
    follow_up_deadline: dt.datetime
    closed: dt.datetime

    @property
    def start_recorded(self) -> dt.datetime:
        """When employers confirmed the starts: the first working days after the start."""
        return dt.datetime.combine(
            self.dates.start_date + dt.timedelta(days=3), dt.time(10), tzinfo=OSLO
        )


def past_calendar(season: str, year: int) -> PastCalendar:
    first_month = 1 if season == Season.SPRING else 7
    at = {
        field: dt.datetime(
            year, first_month + months, day, hour, 59 if hour == 23 else 0, tzinfo=OSLO
        )
        for field, (months, day, hour) in DEFAULT_CALENDAR.items()
    }
    answer_deadline = at["answer_deadline"]
    follow_up_opened = answer_deadline + dt.timedelta(days=1, hours=-2)
    follow_up_published = follow_up_opened + dt.timedelta(days=1, hours=2)
    follow_up_deadline = follow_up_published + dt.timedelta(days=7)
    return PastCalendar(
        dates=DemoCalendar(
            season=season,
            year=year,
            slug=f"{season}-{year}",
            advertising_opens=at["advertising_opens"],
            applications_open=at["applications_open"],
            applications_close=at["applications_close"],
            ranking_deadline=at["ranking_deadline"],
            match_date=at["match_date"],
            results_published=at["results_published"],
            answer_deadline=answer_deadline,
            start_date=season_start_date(season, year),
        ),
        follow_up_opened=follow_up_opened,
        follow_up_published=follow_up_published,
        follow_up_deadline=follow_up_deadline,
        closed=follow_up_deadline + dt.timedelta(days=14),
    )
