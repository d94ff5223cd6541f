"""The round's calendar and phase: the one place that says what may happen in a round now.

The phase is derived from the calendar (aware datetimes, shown and entered in Europe/Oslo)
and from the decisions people have taken, which are the only state stored on the round:
results published (the main match run's publication), follow-up opened, closed.

Applying, ranking, matching, publishing, follow-up, closing, filling vacancies and editing
the calendar all ask `calendar_check(round_, action)`, which raises `RuleViolation` with a
message naming the rule. `calendar_validate` checks a calendar someone enters: the order
of the dates, the start date for the season, and that dates which have passed, or that
people have acted on, are not moved without a recorded reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis1.rounds.enums import RoundPhase, Season
from lis1.rounds.errors import InputInvalid, RuleViolation
from lis1.rounds.models import CALENDAR_FIELDS, Round

OSLO = ZoneInfo("Europe/Oslo")

#: The calendar's datetime fields (start_date is a date).
DATETIME_FIELDS = CALENDAR_FIELDS[:-1]

LABELS = {
    "advertising_opens": gettext_lazy("Positions published"),
    "applications_open": gettext_lazy("Applications open"),
    "applications_close": gettext_lazy("Application deadline"),
    "ranking_deadline": gettext_lazy("Ranking deadline"),
    "match_date": gettext_lazy("Match run"),
    "results_published": gettext_lazy("Results published"),
    "answer_deadline": gettext_lazy("Answer deadline"),
    "start_date": gettext_lazy("Start date"),
}


class Action(StrEnum):
    EDIT_POSITIONS = "edit_positions"
    APPLY = "apply"
    RANK = "rank"
    START_MAIN_MATCH = "start_main_match"
    PUBLISH_MAIN = "publish_main"
    OPEN_FOLLOW_UP = "open_follow_up"
    FOLLOW_UP_MATCH = "follow_up_match"
    CLOSE = "close"
    FILL_VACANCY = "fill_vacancy"
    ADD_SEATS = "add_seats"
    EDIT_CALENDAR = "edit_calendar"


def when(moment: dt.datetime | dt.date) -> str:
    """A date or time as the pages show it: Oslo time, in the active language's named format
    ("2. desember 2026 kl. 12.00", "2 December 2026, 12:00"; see lis1/formats)."""
    if isinstance(moment, dt.datetime):
        return date_format(timezone.localtime(moment, OSLO), "DATETIME_FORMAT")
    return date_format(moment, "DATE_FORMAT")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def round_phase(round_: Round, *, now: dt.datetime | None = None) -> RoundPhase:
    now = _now(now)
    if round_.closed_at:
        return RoundPhase.CLOSED
    if round_.follow_up_opened_at:
        return RoundPhase.FOLLOW_UP
    if round_.published_at:
        return RoundPhase.ANSWERS if now < round_.answer_deadline else RoundPhase.ANSWERS_IN
    if now < round_.advertising_opens:
        return RoundPhase.DRAFT
    if now < round_.applications_open:
        return RoundPhase.ADVERTISING
    if now < round_.applications_close:
        return RoundPhase.APPLICATIONS
    if now < round_.ranking_deadline:
        return RoundPhase.RANKING
    return RoundPhase.MATCHING


def _refusal(round_: Round, action: Action, now: dt.datetime) -> tuple[str, str] | None:
    """(rule, message) when the action is not allowed now, else None."""
    if round_.closed_at and action not in (Action.FILL_VACANCY, Action.ADD_SEATS):
        return "round_closed", _("The round is closed.")
    if action == Action.EDIT_POSITIONS:
        if now >= round_.applications_close:
            return "application_deadline_passed", _(
                "Positions can be changed only until the application deadline (%(when)s)."
            ) % {"when": when(round_.applications_close)}
    elif action == Action.APPLY:
        if now < round_.applications_open:
            return "applications_not_open", _("Applications for this round open on %(when)s.") % {
                "when": when(round_.applications_open)
            }
        if now >= round_.applications_close:
            return "application_deadline_passed", _("The application deadline has passed.")
    elif action == Action.RANK:
        if now < round_.applications_open:
            return "applications_not_open", _("Applications for this round open on %(when)s.") % {
                "when": when(round_.applications_open)
            }
        if round_.published_at:
            return "results_published", _("The results are published: the rankings are final.")
        if now >= round_.ranking_deadline:
            return "ranking_deadline_passed", _(
                "The ranking deadline has passed: the ranking is read-only."
            )
    elif action in (Action.START_MAIN_MATCH, Action.PUBLISH_MAIN):
        if round_.published_at:
            return "results_published", _("The round's main match is already published.")
        if now < round_.ranking_deadline:
            return "ranking_deadline_not_passed", _(
                "The main match runs only after the ranking deadline (%(when)s): until then "
                "applicants and employers can still change their lists."
            ) % {"when": when(round_.ranking_deadline)}
    elif action in (Action.OPEN_FOLLOW_UP, Action.CLOSE):
        if not round_.published_at:
            return "results_not_published", _("The round's results are not published yet.")
        if now < round_.answer_deadline:
            return "answer_deadline_not_passed", _(
                "This can be done only after the answer deadline (%(when)s)."
            ) % {"when": when(round_.answer_deadline)}
        if action == Action.OPEN_FOLLOW_UP and round_.follow_up_opened_at:
            return "follow_up_already_open", _("The follow-up is already open.")
    elif action == Action.FOLLOW_UP_MATCH:
        if not round_.follow_up_opened_at:
            return "follow_up_not_open", _(
                "A follow-up match runs once the follow-up is opened, after the answer deadline."
            )
    elif action in (Action.FILL_VACANCY, Action.ADD_SEATS) and not round_.published_at:
        return "results_not_published", _(
            "Seats are filled from the ranked list only after the results are published."
        )
    return None


def calendar_allows(round_: Round, action: Action, *, now: dt.datetime | None = None) -> bool:
    return _refusal(round_, action, _now(now)) is None


def calendar_check(
    round_: Round,
    action: Action,
    *,
    now: dt.datetime | None = None,
    error: type[RuleViolation] = RuleViolation,
) -> None:
    """Raise `error` (a RuleViolation) when the round's calendar or decisions do not allow
    the action; each workflow passes its own error class."""
    refusal = _refusal(round_, action, _now(now))
    if refusal:
        raise error(*refusal)


@dataclass(frozen=True)
class Milestone:
    field: str
    label: str
    when: dt.datetime | dt.date
    passed: bool


def round_milestones(round_: Round, *, now: dt.datetime | None = None) -> list[Milestone]:
    """The calendar in order, each date marked passed or not (start date: at Oslo midnight)."""
    now = _now(now)
    today = timezone.localtime(now, OSLO).date()
    rows = []
    for field in CALENDAR_FIELDS:
        value = getattr(round_, field)
        passed = value <= today if field == "start_date" else value <= now
        rows.append(Milestone(field, str(LABELS[field]), value, passed))
    return rows


def round_next_step(round_: Round, *, now: dt.datetime | None = None) -> str:
    """What the directorate does next, in words."""
    phase = round_phase(round_, now=now)
    return {
        RoundPhase.DRAFT: _("Positions are published on %(when)s.")
        % {"when": when(round_.advertising_opens)},
        RoundPhase.ADVERTISING: _("Applications open on %(when)s.")
        % {"when": when(round_.applications_open)},
        RoundPhase.APPLICATIONS: _("The application deadline is %(when)s.")
        % {"when": when(round_.applications_close)},
        RoundPhase.RANKING: _(
            "Employers and applicants rank until %(when)s; then the main match can run."
        )
        % {"when": when(round_.ranking_deadline)},
        RoundPhase.MATCHING: _("Run the main match, verify it and publish it (planned: %(when)s).")
        % {"when": when(round_.results_published)},
        RoundPhase.ANSWERS: _("Applicants answer their offers until %(when)s.")
        % {"when": when(round_.answer_deadline)},
        RoundPhase.ANSWERS_IN: _(
            "Open the follow-up to fill vacant seats from the lists, or close the round."
        ),
        RoundPhase.FOLLOW_UP: _(
            "Fill vacant seats (follow-up match or directly from the lists), then close the round."
        ),
        RoundPhase.CLOSED: _(
            "The round is closed. Seats that fall vacant can still be filled from its lists."
        ),
    }[phase]


# Validation of a calendar someone enters ------------------------------------------------------


def season_start_date(season: str, year: int) -> dt.date:
    """The spring round hires for 1 September of its year; the autumn round for 1 March of
    the next year."""
    return dt.date(year, 9, 1) if season == Season.SPRING else dt.date(year + 1, 3, 1)


#: The order the dates must follow: (earlier, later, strictly later).
ORDER = (
    ("advertising_opens", "applications_open", False),
    ("applications_open", "applications_close", True),
    ("applications_close", "ranking_deadline", True),
    ("ranking_deadline", "match_date", False),
    ("match_date", "results_published", False),
    ("results_published", "answer_deadline", True),
)

#: After publication these are history: they cannot be moved at all.
FROZEN_AFTER_PUBLICATION = CALENDAR_FIELDS[: CALENDAR_FIELDS.index("results_published") + 1]


@dataclass(frozen=True)
class CalendarChange:
    field: str
    old: dt.datetime | dt.date
    new: dt.datetime | dt.date
    needs_reason: bool


def _passed(value: dt.datetime | dt.date, now: dt.datetime) -> bool:
    if isinstance(value, dt.datetime):
        return value <= now
    return value <= timezone.localtime(now, OSLO).date()


def calendar_changes(
    round_: Round, values: Mapping[str, object], *, now: dt.datetime | None = None
) -> list[CalendarChange]:
    """The fields `values` changes on the round; a change needs a reason when the old date has
    passed (people have acted on it) or the new one is in the past."""
    now = _now(now)
    changes = []
    for field in CALENDAR_FIELDS:
        if field not in values:
            continue
        old, new = getattr(round_, field), values[field]
        if new is None or new == old:
            continue
        needs = _passed(old, now) or _passed(new, now)  # type: ignore[arg-type]
        changes.append(CalendarChange(field, old, new, needs))  # type: ignore[arg-type]
    return changes


class CalendarInvalid(InputInvalid):
    """The calendar entered is not valid: `errors` maps each field (or "reason", or
    "__all__") to its messages."""

    default_rule = "calendar_invalid"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(str(m) for ms in errors.values() for m in ms))
        self.errors = errors

    def field_errors(self) -> dict[str, list[str]]:
        return {field: [str(m) for m in messages] for field, messages in self.errors.items()}


def calendar_validate(
    values: Mapping[str, object],
    *,
    season: str,
    year: int,
    round_: Round | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> list[CalendarChange]:
    """Check a complete calendar (a new round's, or an existing round's with the changes).
    Raises CalendarInvalid with per-field messages, or RuleViolation when the change is not
    allowed at all (a closed round; dates before publication once results are out). Returns
    the changes against `round_` (empty for a new round)."""
    now = _now(now)
    errors: dict[str, list[str]] = {}
    reason_missing = False

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in CALENDAR_FIELDS:
        if values.get(field) is None:
            add(field, _("This date is required."))
    if not errors:
        for earlier, later, strict in ORDER:
            a, b = values[earlier], values[later]
            if (a >= b) if strict else (a > b):  # type: ignore[operator]
                add(
                    later,
                    (
                        _("Must be after %(earlier)s.")
                        if strict
                        else _("Must not be before %(earlier)s.")
                    )
                    % {"earlier": str(LABELS[earlier]).lower()},
                )
        answer_day = timezone.localtime(values["answer_deadline"], OSLO).date()  # type: ignore[arg-type]
        start = values["start_date"]
        if start <= answer_day:  # type: ignore[operator]
            add("start_date", _("Must be after the answer deadline."))
        if round_ is not None and start == round_.start_date:
            pass  # an unchanged start date is not re-judged (rounds from before this rule)
        elif (start.month, start.day) not in ((3, 1), (9, 1)):  # type: ignore[attr-defined]
            add("start_date", _("LIS1 positions start on 1 March or 1 September."))
        elif start != season_start_date(season, year):
            add(
                "start_date",
                _("A %(season)s %(year)s round hires for %(start)s.")
                % {
                    "season": Season(season).label.lower(),
                    "year": year,
                    "start": when(season_start_date(season, year)),
                },
            )

    changes: list[CalendarChange] = []
    if round_ is None:
        for field in DATETIME_FIELDS:
            value = values.get(field)
            if value is not None and value <= now and not reason.strip():  # type: ignore[operator]
                add(field, _("This date has passed: creating a round so needs a recorded reason."))
                reason_missing = True
    else:
        calendar_check(round_, Action.EDIT_CALENDAR, now=now)
        changes = calendar_changes(round_, values, now=now)
        if round_.published_at:
            frozen = [c for c in changes if c.field in FROZEN_AFTER_PUBLICATION]
            if frozen:
                raise RuleViolation(
                    "results_published",
                    _("The results are published: %(fields)s can no longer be moved.")
                    % {"fields": ", ".join(str(LABELS[c.field]).lower() for c in frozen)},
                )
        if not reason.strip():
            for change in changes:
                if change.needs_reason:
                    add(
                        change.field,
                        _(
                            "This date has passed, or the new one has: moving it needs a "
                            "recorded reason."
                        ),
                    )
                    reason_missing = True
    if errors:
        if reason_missing:
            errors["reason"] = [_("Give the reason for the change; it is kept in the round's log.")]
        raise CalendarInvalid(errors)
    return changes


def _same_weekday_near(day: dt.date, weekday: int) -> dt.date:
    """The date nearest to `day` (within three days) that falls on `weekday`."""
    delta = (weekday - day.weekday() + 3) % 7 - 3
    return day + dt.timedelta(days=delta)


def _shift_year(moment: dt.datetime, years: int) -> dt.datetime:
    local = timezone.localtime(moment, OSLO)
    try:
        day = local.date().replace(year=local.year + years)
    except ValueError:  # 29 February
        day = local.date().replace(year=local.year + years, day=28)
    day = _same_weekday_near(day, local.weekday())
    return dt.datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=OSLO)


#: A round's calendar when there is no earlier round of its season to copy, after the
#: published spring 2024 round (ads 25 January, deadline 8 February, start 1 September):
#: (month offset from January of the round's year for spring / July for autumn, day, hour).
DEFAULT_CALENDAR = {
    "advertising_opens": (0, 25, 9),
    "applications_open": (0, 25, 9),
    "applications_close": (1, 8, 23),
    "ranking_deadline": (3, 25, 12),
    "match_date": (3, 28, 9),
    "results_published": (3, 30, 12),
    "answer_deadline": (4, 7, 12),
}


def calendar_prefill(season: str, year: int) -> dict[str, dt.datetime | dt.date]:
    """A proposed calendar: the same season a year before, moved one year on and kept on the
    same weekdays; without one, the published timeline of a spring round (autumn: six
    months later). The start date always follows from the season."""
    previous = Round.objects.filter(season=season, year=year - 1).first()
    values: dict[str, dt.datetime | dt.date] = {}
    if previous is not None:
        for field in DATETIME_FIELDS:
            values[field] = _shift_year(getattr(previous, field), 1)
    else:
        first_month = 1 if season == Season.SPRING else 7
        for field, (months, day, hour) in DEFAULT_CALENDAR.items():
            values[field] = dt.datetime(
                year, first_month + months, day, hour, 59 if hour == 23 else 0, tzinfo=OSLO
            )
    values["start_date"] = season_start_date(season, year)
    return values
