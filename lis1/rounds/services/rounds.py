"""The directorate's decisions on a round: create it, change its calendar, open the
follow-up, close it. Each asks lis1.rounds.calendar whether it is allowed, checks the actor,
and writes a RoundEvent with who, when and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from lis1.jobs.models import ACTIVE
from lis1.rounds.calendar import (
    CALENDAR_FIELDS,
    OSLO,
    Action,
    CalendarInvalid,
    calendar_check,
    calendar_validate,
)
from lis1.rounds.enums import MatchRunKind, RoundEventKind, Season
from lis1.rounds.errors import RuleViolation
from lis1.rounds.models import Round, RoundEvent
from lis1.rounds.permissions import is_directorate
from lis1.rounds.services.placements import placements_expire_overdue

#: Sent when a round has been closed (after commit); lis1.reports generates its final report.
round_closed = Signal()


class RoundTransitionError(RuleViolation):
    """A round cannot make the requested transition; the message says why."""

    default_rule = "round"


def _require_directorate(user) -> None:
    if not is_directorate(user):
        raise RoundTransitionError(
            "directorate_only", _("Only directorate staff can run a round's calendar.")
        )


def _jsonable(value: object) -> object:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, OSLO).isoformat()  # as people entered it
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@transaction.atomic
def round_create(
    *,
    season: str,
    year: int,
    calendar: Mapping[str, object],
    created_by,
    reason: str = "",
) -> Round:
    """A new round with a checked calendar. Raises CalendarInvalid with per-field messages."""
    _require_directorate(created_by)
    errors: dict[str, list[str]] = {}
    if season not in Season.values:
        errors["season"] = [_("Choose spring or autumn.")]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("The year must be between 2000 and 2100.")]
    if errors:
        raise CalendarInvalid(errors)
    if Round.objects.filter(season=season, year=year).exists():
        raise CalendarInvalid(
            {
                "year": [
                    _("There is already a %(season)s round in %(year)s.")
                    % {"season": Season(season).label.lower(), "year": year}
                ]
            }
        )
    calendar_validate(calendar, season=season, year=year, reason=reason)
    try:
        with transaction.atomic():
            round_ = Round.objects.create(
                season=season,
                year=year,
                slug=f"{season}-{year}",
                **{field: calendar[field] for field in CALENDAR_FIELDS},
            )
    except IntegrityError as error:  # two staff creating the same round at once
        raise CalendarInvalid(
            {"year": [_("There is already a round for this season and year.")]}
        ) from error
    RoundEvent.objects.create(
        round=round_,
        kind=RoundEventKind.CREATED,
        actor=created_by,
        reason=reason.strip(),
        details={field: _jsonable(calendar[field]) for field in CALENDAR_FIELDS},
    )
    return round_


@transaction.atomic
def round_calendar_update(
    *,
    round_: Round,
    calendar: Mapping[str, object],
    changed_by,
    reason: str = "",
) -> Round:
    """Change some of the round's dates. A date that has passed (people have acted on it),
    or a new date in the past, moves only with a reason; once results are published the
    dates up to publication are history; a closed round's calendar is final. Each change is
    kept in the round's log with its old and new value."""
    _require_directorate(changed_by)
    locked = Round.objects.select_for_update(no_key=True).get(pk=round_.pk)
    values = {field: calendar.get(field, getattr(locked, field)) for field in CALENDAR_FIELDS}
    changes = calendar_validate(
        values, season=locked.season, year=locked.year, round_=locked, reason=reason
    )
    if not changes:
        return locked
    for change in changes:
        setattr(locked, change.field, change.new)
        RoundEvent.objects.create(
            round=locked,
            kind=RoundEventKind.CALENDAR_CHANGED,
            actor=changed_by,
            reason=reason.strip(),
            details={
                "field": change.field,
                "old": _jsonable(change.old),
                "new": _jsonable(change.new),
            },
        )
    # Saved, not updated in bulk: the round's post_save forgets the cached current round.
    locked.save(update_fields=[c.field for c in changes])
    return locked


def _refuse_while_matching(round_: Round) -> None:
    """A run still queued or running would find the round changed under it (and could never
    be published once the round is closed): wait for it, or let the sweep fail it."""
    if round_.match_runs.filter(status__in=ACTIVE).exclude(kind=MatchRunKind.DIRECT_OFFER).exists():
        raise RoundTransitionError(
            "match_run_active",
            _("A match run of this round is queued or running: wait for it to finish."),
        )


@transaction.atomic
def round_follow_up_open(*, round_: Round, opened_by) -> Round:
    """After the answer deadline: offers not answered lapse, and vacant seats can be matched
    again from the same lists (follow-up match runs)."""
    _require_directorate(opened_by)
    locked = Round.objects.select_for_update(no_key=True).get(pk=round_.pk)
    calendar_check(locked, Action.OPEN_FOLLOW_UP, error=RoundTransitionError)
    _refuse_while_matching(locked)
    expired = placements_expire_overdue(round_id=locked.pk)
    locked.follow_up_opened_at = timezone.now()
    locked.follow_up_opened_by = opened_by
    locked.save(update_fields=["follow_up_opened_at", "follow_up_opened_by"])
    RoundEvent.objects.create(
        round=locked,
        kind=RoundEventKind.FOLLOW_UP_OPENED,
        actor=opened_by,
        details={"offers_expired": expired},
    )
    return locked


@transaction.atomic
def round_close(*, round_: Round, closed_by, reason: str = "") -> Round:
    """Close the round (its report becomes final; the final report is generated once the
    closing is committed). Vacant seats can still be filled from its lists afterwards."""
    _require_directorate(closed_by)
    locked = Round.objects.select_for_update(no_key=True).get(pk=round_.pk)
    calendar_check(locked, Action.CLOSE, error=RoundTransitionError)
    _refuse_while_matching(locked)
    expired = placements_expire_overdue(round_id=locked.pk)
    locked.closed_at = timezone.now()
    locked.closed_by = closed_by
    locked.save(update_fields=["closed_at", "closed_by"])
    RoundEvent.objects.create(
        round=locked,
        kind=RoundEventKind.CLOSED,
        actor=closed_by,
        reason=reason.strip(),
        details={"offers_expired": expired},
    )
    transaction.on_commit(
        lambda: round_closed.send(sender=Round, round_=locked, closed_by=closed_by)
    )
    return locked
