"""The round's calendar and phase (lis1.rounds.calendar): phases from dates and decisions,
the rule behind every action, and the checks on a calendar someone enters."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from lis1.rounds.calendar import (
    Action,
    CalendarInvalid,
    calendar_allows,
    calendar_check,
    calendar_prefill,
    calendar_validate,
    round_phase,
    season_start_date,
    when,
)
from lis1.rounds.enums import RoundPhase, Season
from lis1.rounds.errors import RuleViolation
from lis1.rounds.models import Round
from tests.factories import RoundFactory

OSLO = ZoneInfo("Europe/Oslo")
NOW = dt.datetime(2027, 3, 10, 12, 0, tzinfo=OSLO)


def _at(days: float) -> dt.datetime:
    return NOW + dt.timedelta(days=days)


def _calendar(**overrides: object) -> dict[str, object]:
    """A spring 2027 calendar around NOW: applications closed, ranking until tomorrow."""
    values: dict[str, object] = {
        "advertising_opens": _at(-40),
        "applications_open": _at(-40),
        "applications_close": _at(-20),
        "ranking_deadline": _at(1),
        "match_date": _at(2),
        "results_published": _at(3),
        "answer_deadline": _at(10),
        "start_date": dt.date(2027, 9, 1),
    }
    values.update(overrides)
    return values


def _round(**overrides: object) -> Round:
    decisions = {
        k: overrides.pop(k)
        for k in ("published_at", "follow_up_opened_at", "closed_at")
        if k in overrides
    }
    return Round(season=Season.SPRING, year=2027, **_calendar(**overrides), **decisions)


@pytest.mark.parametrize(
    ("now", "decisions", "phase"),
    [
        (_at(-50), {}, RoundPhase.DRAFT),
        (_at(-30), {}, RoundPhase.APPLICATIONS),
        (_at(-10), {}, RoundPhase.RANKING),
        (_at(1), {}, RoundPhase.MATCHING),  # the deadline itself has passed
        (_at(30), {}, RoundPhase.MATCHING),  # late: still not published
        (_at(4), {"published_at": _at(3)}, RoundPhase.ANSWERS),
        (_at(11), {"published_at": _at(3)}, RoundPhase.ANSWERS_IN),
        (_at(12), {"published_at": _at(3), "follow_up_opened_at": _at(11)}, RoundPhase.FOLLOW_UP),
        (
            _at(40),
            {"published_at": _at(3), "follow_up_opened_at": _at(11), "closed_at": _at(20)},
            RoundPhase.CLOSED,
        ),
    ],
)
def test_round_phase_follows_the_calendar_and_the_decisions(now, decisions, phase) -> None:  # type: ignore[no-untyped-def]
    assert round_phase(_round(**decisions), now=now) == phase


def test_round_phase_advertising_before_applications_open() -> None:
    round_ = _round(advertising_opens=_at(-40), applications_open=_at(-35))
    assert round_phase(round_, now=_at(-38)) == RoundPhase.ADVERTISING


@pytest.mark.parametrize(
    ("action", "now", "decisions", "rule"),
    [
        (Action.APPLY, _at(-45), {}, "applications_not_open"),
        (Action.APPLY, _at(-20), {}, "application_deadline_passed"),
        (Action.EDIT_POSITIONS, _at(-20), {}, "application_deadline_passed"),
        (Action.RANK, _at(1), {}, "ranking_deadline_passed"),
        (Action.RANK, _at(0), {"published_at": _at(-1)}, "results_published"),
        (Action.START_MAIN_MATCH, _at(0.9), {}, "ranking_deadline_not_passed"),
        (Action.PUBLISH_MAIN, _at(0.9), {}, "ranking_deadline_not_passed"),
        (Action.START_MAIN_MATCH, _at(4), {"published_at": _at(3)}, "results_published"),
        (Action.OPEN_FOLLOW_UP, _at(11), {}, "results_not_published"),
        (Action.OPEN_FOLLOW_UP, _at(9), {"published_at": _at(3)}, "answer_deadline_not_passed"),
        (
            Action.OPEN_FOLLOW_UP,
            _at(12),
            {"published_at": _at(3), "follow_up_opened_at": _at(11)},
            "follow_up_already_open",
        ),
        (Action.FOLLOW_UP_MATCH, _at(12), {"published_at": _at(3)}, "follow_up_not_open"),
        (Action.CLOSE, _at(9), {"published_at": _at(3)}, "answer_deadline_not_passed"),
        (Action.FILL_VACANCY, _at(2), {}, "results_not_published"),
        (Action.ADD_SEATS, _at(2), {}, "results_not_published"),
        (
            Action.EDIT_CALENDAR,
            _at(40),
            {"published_at": _at(3), "closed_at": _at(20)},
            "round_closed",
        ),
    ],
)
def test_calendar_check_names_the_rule(action, now, decisions, rule) -> None:  # type: ignore[no-untyped-def]
    round_ = _round(**decisions)
    assert calendar_allows(round_, action, now=now) is False
    with pytest.raises(RuleViolation) as refused:
        calendar_check(round_, action, now=now)
    assert refused.value.rule == rule
    assert refused.value.message


@pytest.mark.parametrize(
    ("action", "now", "decisions"),
    [
        (Action.APPLY, _at(-30), {}),
        (Action.RANK, _at(0.9), {}),
        (Action.START_MAIN_MATCH, _at(1), {}),
        (Action.OPEN_FOLLOW_UP, _at(10), {"published_at": _at(3)}),
        (Action.CLOSE, _at(10), {"published_at": _at(3)}),
        (Action.FOLLOW_UP_MATCH, _at(12), {"published_at": _at(3), "follow_up_opened_at": _at(11)}),
        # Vacant seats are filled from the round's lists also after it is closed.
        (Action.FILL_VACANCY, _at(50), {"published_at": _at(3), "closed_at": _at(20)}),
        (Action.ADD_SEATS, _at(50), {"published_at": _at(3), "closed_at": _at(20)}),
    ],
)
def test_calendar_allows_what_the_phase_permits(action, now, decisions) -> None:  # type: ignore[no-untyped-def]
    calendar_check(_round(**decisions), action, now=now)
    assert calendar_allows(_round(**decisions), action, now=now) is True


def test_calendar_check_raises_the_callers_error_class() -> None:
    class WorkflowError(RuleViolation):
        pass

    with pytest.raises(WorkflowError) as refused:
        calendar_check(_round(), Action.START_MAIN_MATCH, now=_at(0), error=WorkflowError)
    assert refused.value.rule == "ranking_deadline_not_passed"


def test_refusal_names_the_deadline_in_oslo_time() -> None:
    with translation.override("nb"), pytest.raises(RuleViolation) as refused:
        calendar_check(_round(), Action.START_MAIN_MATCH, now=_at(0))
    with translation.override("nb"):
        assert when(_at(1)) == "11. mars 2027 kl. 12.00"  # Oslo time, not 11:00 UTC
        assert when(_at(1)) in refused.value.message


def _validate(values: dict[str, object], **kwargs: object) -> list:  # type: ignore[type-arg]
    return calendar_validate(values, season=Season.SPRING, year=2027, now=NOW, **kwargs)  # type: ignore[arg-type]


def _errors(values: dict[str, object], **kwargs: object) -> dict[str, list[str]]:
    with pytest.raises(CalendarInvalid) as invalid:
        _validate(values, **kwargs)
    return invalid.value.errors


def test_a_future_calendar_in_order_is_valid() -> None:
    future = {
        k: v + dt.timedelta(days=60) if isinstance(v, dt.datetime) else v
        for k, v in _calendar().items()
    }
    assert _validate(future) == []


def test_dates_out_of_order_are_refused_per_field() -> None:
    errors = _errors(
        _calendar(
            applications_close=_at(-40),  # not after applications open
            match_date=_at(0.5),  # before the ranking deadline
        ),
        reason="test",
    )
    assert set(errors) == {"applications_close", "match_date"}


def test_the_ranking_deadline_must_be_after_the_application_deadline() -> None:
    errors = _errors(_calendar(ranking_deadline=_at(-20), match_date=_at(-20)), reason="test")
    assert "ranking_deadline" in errors


@pytest.mark.parametrize(
    "start",
    [dt.date(2027, 9, 2), dt.date(2027, 8, 1), dt.date(2028, 3, 1), dt.date(2027, 3, 1)],
)
def test_the_start_date_is_the_seasons_1_march_or_1_september(start: dt.date) -> None:
    errors = _errors(_calendar(start_date=start), reason="test")
    assert list(errors) == ["start_date"]


def test_season_start_dates() -> None:
    assert season_start_date(Season.SPRING, 2027) == dt.date(2027, 9, 1)
    assert season_start_date(Season.AUTUMN, 2027) == dt.date(2028, 3, 1)


def test_a_new_round_with_passed_dates_needs_a_reason() -> None:
    errors = _errors(_calendar())
    assert {"advertising_opens", "applications_open", "applications_close", "reason"} <= set(errors)
    assert _validate(_calendar(), reason="Migrated from the old portal.") == []


@pytest.mark.django_db
def test_moving_a_passed_date_needs_a_reason_and_a_future_one_does_not() -> None:
    round_ = RoundFactory(**_calendar())
    changes = _validate(_calendar(match_date=_at(2.5)), round_=round_)
    assert [(c.field, c.needs_reason) for c in changes] == [("match_date", False)]
    errors = _errors(_calendar(applications_close=_at(-19)), round_=round_)
    assert set(errors) == {"applications_close", "reason"}
    # Moving a future date into the past needs one too.
    errors = _errors(_calendar(ranking_deadline=_at(-0.5)), round_=round_)
    assert set(errors) == {"ranking_deadline", "reason"}
    changes = _validate(
        _calendar(ranking_deadline=_at(-0.5)), round_=round_, reason="Closed early."
    )
    assert [(c.field, c.needs_reason) for c in changes] == [("ranking_deadline", True)]


@pytest.mark.django_db
def test_after_publication_the_dates_before_it_are_history() -> None:
    round_ = RoundFactory(**_calendar(), published_at=_at(-1))
    with pytest.raises(RuleViolation) as refused:
        _validate(_calendar(match_date=_at(2.5)), round_=round_, reason="x")
    assert refused.value.rule == "results_published"
    # The answer deadline can still move (with a reason once it has passed or is moved back).
    assert [c.field for c in _validate(_calendar(answer_deadline=_at(12)), round_=round_)] == [
        "answer_deadline"
    ]


@pytest.mark.django_db
def test_a_closed_rounds_calendar_is_final() -> None:
    round_ = RoundFactory(**_calendar(), published_at=_at(-1), closed_at=_at(-0.5))
    with pytest.raises(RuleViolation) as refused:
        _validate(_calendar(answer_deadline=_at(12)), round_=round_, reason="x")
    assert refused.value.rule == "round_closed"


@pytest.mark.django_db
def test_prefill_copies_the_same_season_a_year_before_on_the_same_weekdays() -> None:
    previous = RoundFactory(
        season=Season.SPRING,
        year=2026,
        slug="spring-2026",
        **{
            **_calendar(),
            "advertising_opens": dt.datetime(2026, 1, 22, 9, 0, tzinfo=OSLO),  # a Thursday
            "applications_open": dt.datetime(2026, 1, 22, 9, 0, tzinfo=OSLO),
            "applications_close": dt.datetime(2026, 2, 5, 23, 59, tzinfo=OSLO),
            "ranking_deadline": dt.datetime(2026, 4, 23, 12, 0, tzinfo=OSLO),
            "match_date": dt.datetime(2026, 4, 27, 9, 0, tzinfo=OSLO),
            "results_published": dt.datetime(2026, 4, 28, 12, 0, tzinfo=OSLO),
            "answer_deadline": dt.datetime(2026, 5, 5, 12, 0, tzinfo=OSLO),
            "start_date": dt.date(2026, 9, 1),
        },
    )
    values = calendar_prefill(Season.SPRING, 2027)
    assert values["start_date"] == dt.date(2027, 9, 1)
    for field in ("advertising_opens", "ranking_deadline", "answer_deadline"):
        old = getattr(previous, field).astimezone(OSLO)
        new = values[field].astimezone(OSLO)  # type: ignore[union-attr]
        assert new.weekday() == old.weekday(), field
        assert new.time() == old.time(), field
        assert abs((new.date() - old.date().replace(year=2027)).days) <= 3, field
    calendar_validate(values, season=Season.SPRING, year=2027, now=_at(-365))


@pytest.mark.django_db
def test_prefill_without_an_earlier_round_follows_the_published_timeline() -> None:
    values = calendar_prefill(Season.AUTUMN, 2031)
    assert values["start_date"] == dt.date(2032, 3, 1)
    assert values["applications_close"].astimezone(OSLO).date() == dt.date(2031, 8, 8)  # type: ignore[union-attr]
    calendar_validate(values, season=Season.AUTUMN, year=2031, now=NOW)
