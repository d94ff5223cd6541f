"""The directorate's decisions on a round (lis1.rounds.services.rounds): each allowed only by
the calendar and the actor, each kept in the round's log, and a refusal changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from lis1.rounds.calendar import CalendarInvalid, calendar_prefill
from lis1.rounds.enums import PlacementStatus, RoundEventKind, RoundPhase, Season
from lis1.rounds.errors import RuleViolation
from lis1.rounds.models import Placement, Round, RoundEvent
from lis1.rounds.services.rounds import (
    round_calendar_update,
    round_close,
    round_closed,
    round_create,
    round_follow_up_open,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_round_create_with_the_proposed_calendar(directorate_user) -> None:  # type: ignore[no-untyped-def]
    calendar = calendar_prefill(Season.SPRING, 2041)
    round_ = round_create(
        season=Season.SPRING, year=2041, calendar=calendar, created_by=directorate_user
    )
    assert (round_.slug, round_.start_date, round_.phase) == (
        "spring-2041",
        dt.date(2041, 9, 1),
        RoundPhase.DRAFT,
    )
    event = round_.events.get()
    assert (event.kind, event.actor) == (RoundEventKind.CREATED, directorate_user)
    assert event.details["start_date"] == "2041-09-01"


def test_round_create_refuses_a_duplicate_and_other_roles(directorate_user, employer_user) -> None:  # type: ignore[no-untyped-def]
    calendar = calendar_prefill(Season.AUTUMN, 2041)
    round_create(season=Season.AUTUMN, year=2041, calendar=calendar, created_by=directorate_user)
    with pytest.raises(CalendarInvalid) as invalid:
        round_create(
            season=Season.AUTUMN, year=2041, calendar=calendar, created_by=directorate_user
        )
    assert list(invalid.value.errors) == ["year"]
    with pytest.raises(RuleViolation) as refused:
        round_create(season=Season.SPRING, year=2042, calendar=calendar, created_by=employer_user)
    assert refused.value.rule == "directorate_only"
    assert Round.objects.count() == 1


def test_round_create_refuses_a_bad_calendar_and_creates_nothing(directorate_user) -> None:  # type: ignore[no-untyped-def]
    calendar = {**calendar_prefill(Season.SPRING, 2041), "start_date": dt.date(2041, 8, 1)}
    with pytest.raises(CalendarInvalid) as invalid:
        round_create(
            season=Season.SPRING, year=2041, calendar=calendar, created_by=directorate_user
        )
    assert "start_date" in invalid.value.errors
    assert not Round.objects.exists()
    assert not RoundEvent.objects.exists()


def test_calendar_update_records_each_change_with_old_and_new(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = f.RoundFactory()
    old_match = round_.match_date
    new_match = old_match + dt.timedelta(hours=2)
    new_results = round_.results_published + dt.timedelta(hours=3)
    round_calendar_update(
        round_=round_,
        calendar={"match_date": new_match, "results_published": new_results},
        changed_by=directorate_user,
    )
    round_.refresh_from_db()
    assert (round_.match_date, round_.results_published) == (new_match, new_results)
    events = {e.details["field"]: e for e in round_.events.filter(kind="calendar_changed")}
    assert set(events) == {"match_date", "results_published"}
    assert dt.datetime.fromisoformat(events["match_date"].details["old"]) == old_match
    assert events["match_date"].actor == directorate_user


def test_moving_a_passed_date_without_a_reason_changes_nothing(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = f.RoundFactory()  # applications closed a month ago
    before = round_.applications_close
    with pytest.raises(CalendarInvalid) as invalid:
        round_calendar_update(
            round_=round_,
            calendar={"applications_close": before + dt.timedelta(days=1)},
            changed_by=directorate_user,
        )
    assert set(invalid.value.errors) == {"applications_close", "reason"}
    round_.refresh_from_db()
    assert round_.applications_close == before
    assert not round_.events.exists()
    round_calendar_update(
        round_=round_,
        calendar={"applications_close": before + dt.timedelta(days=1)},
        changed_by=directorate_user,
        reason="Portal down on the last day.",
    )
    assert round_.events.get().reason == "Portal down on the last day."


def test_follow_up_opens_after_the_answer_deadline_and_expires_open_offers(
    directorate_user, small_round
) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    run = f.run_and_publish_main_match(round_)
    with pytest.raises(RuleViolation) as refused:
        round_follow_up_open(round_=round_, opened_by=directorate_user)
    assert refused.value.rule == "answer_deadline_not_passed"
    round_ = f.pass_answer_deadline(round_)
    round_follow_up_open(round_=round_, opened_by=directorate_user)
    round_.refresh_from_db()
    assert round_.phase == RoundPhase.FOLLOW_UP
    assert set(run.placements.values_list("status", flat=True)) == {PlacementStatus.EXPIRED}
    event = round_.events.get(kind="follow_up_opened")
    assert event.details == {"offers_expired": 2}
    with pytest.raises(RuleViolation) as refused:
        round_follow_up_open(round_=round_, opened_by=directorate_user)
    assert refused.value.rule == "follow_up_already_open"


def test_close_sends_the_signal_after_commit_and_keeps_the_reason(
    directorate_user, small_round, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    f.run_and_publish_main_match(round_)
    round_ = f.pass_answer_deadline(round_)
    received = []

    def receiver(**kwargs):  # type: ignore[no-untyped-def]
        received.append(kwargs["round_"].pk)

    round_closed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            round_close(round_=round_, closed_by=directorate_user, reason="All seats filled.")
    finally:
        round_closed.disconnect(receiver)
    round_.refresh_from_db()
    assert round_.phase == RoundPhase.CLOSED
    assert received == [round_.pk]
    assert round_.events.get(kind="closed").reason == "All seats filled."
    assert not Placement.objects.filter(status=PlacementStatus.OFFERED).exists()
