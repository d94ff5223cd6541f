"""The directorate's round lifecycle through the API: the same services as the pages, a
refusal as 409 with the rule's name and nothing changed, bad input as 400 per field, and
directorate staff only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.test import APIClient

from lis1.api_errors import api_exception_handler
from lis1.jobs.models import JobStatus
from lis1.rounds.calendar import CALENDAR_FIELDS, OSLO, CalendarInvalid, calendar_prefill
from lis1.rounds.enums import MatchRunKind, PlacementStatus, RoundEventKind, Season
from lis1.rounds.errors import RuleViolation
from lis1.rounds.models import MatchRun, MatchRunCheck, Placement, Position, Round, RoundEvent
from lis1.rounds.services import matching
from lis1.rounds.services.matching import MatchRunError
from tests import factories as f

pytestmark = pytest.mark.django_db

ROUNDS = "/api/directorate/rounds/"
RUNS = "/api/directorate/match-runs/"


def api_for(user: Any | None) -> APIClient:
    """A client in English (messages are asserted in English; Bokmål is the default)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    client.cookies["lis1_language"] = "en"
    return client


def _day(days: float) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)


def valid_round(
    *,
    advertising: float = -20,
    open_: float = -20,
    close: float = -10,
    ranking: float = 5,
    match: float = 6,
    results: float = 7,
    answer: float = 14,
) -> Round:
    """A spring round whose whole calendar passes calendar_validate (the factories' start
    date is not a LIS1 start date, so their rounds cannot be edited as they are)."""
    answer_deadline = _day(answer)
    local = timezone.localtime(answer_deadline, OSLO).date()
    year = local.year if local < dt.date(local.year, 9, 1) else local.year + 1
    return f.RoundFactory(
        season=Season.SPRING,
        year=year,
        advertising_opens=_day(advertising),
        applications_open=_day(open_),
        applications_close=_day(close),
        ranking_deadline=_day(ranking),
        match_date=_day(match),
        results_published=_day(results),
        answer_deadline=answer_deadline,
        start_date=dt.date(year, 9, 1),
    )


def succeeded_run(round_: Round, *, seed: int = 11) -> MatchRun:
    return matching.round_run_match(match_run=matching.match_run_create(round_=round_, seed=seed))


def verified_run(round_: Round) -> MatchRun:
    run = succeeded_run(round_)
    assert matching.match_run_verify(match_run=run) == []
    return run


def _snapshot(round_: Round) -> tuple[object, ...]:
    """Everything a refused request must leave as it was."""
    fresh = Round.objects.get(pk=round_.pk)
    return (
        tuple(getattr(fresh, field) for field in CALENDAR_FIELDS),
        fresh.published_at,
        fresh.follow_up_opened_at,
        fresh.closed_at,
        RoundEvent.objects.filter(round=round_).count(),
        list(MatchRun.objects.filter(round=round_).values_list("pk", "status", "published_at")),
        MatchRunCheck.objects.filter(match_run__round=round_).count(),
        list(
            Placement.objects.filter(match_run__round=round_).values_list("pk", "status").order_by()
        ),
    )


def assert_refused(response: Any, rule: str) -> None:
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["rule"] == rule
    assert set(body) == {"detail", "rule"}
    assert body["detail"]


# Rounds: list, create, read ----------------------------------------------------------------


def test_list_rounds_with_phase_and_counts(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    response = api_for(directorate_user).get(ROUNDS)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["slug"] == small_round["round"].slug
    assert row["phase"] == "matching"
    assert row["phase_label"] == "Lists locked, match to be published"
    assert (row["position_count"], row["seat_count"]) == (2, 2)
    assert (row["application_count"], row["applicant_count"]) == (5, 3)
    assert (row["offered_count"], row["accepted_count"], row["hired_count"]) == (0, 0, 0)
    assert row["applicants_per_seat"] == 1.5
    assert (row["published_at"], row["follow_up_opened_at"], row["closed_at"]) == (None,) * 3


def test_create_round_prefills_the_calendar(directorate_user) -> None:  # type: ignore[no-untyped-def]
    response = api_for(directorate_user).post(
        ROUNDS, {"season": "spring", "year": 2090}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    round_ = Round.objects.get(slug="spring-2090")
    proposed = calendar_prefill(Season.SPRING, 2090)
    for field, value in proposed.items():
        assert getattr(round_, field) == value, field
    assert body["slug"] == "spring-2090"
    assert body["phase"] == "draft"
    assert body["start_date"] == "2090-09-01"
    assert dt.datetime.fromisoformat(body["ranking_deadline"]) == proposed["ranking_deadline"]
    event = RoundEvent.objects.get(round=round_)
    assert (event.kind, event.actor) == (RoundEventKind.CREATED, directorate_user)


def test_create_round_keeps_the_dates_given(directorate_user) -> None:  # type: ignore[no-untyped-def]
    proposed = calendar_prefill(Season.AUTUMN, 2091)
    close = proposed["applications_close"] + dt.timedelta(days=3)  # type: ignore[operator]
    response = api_for(directorate_user).post(
        ROUNDS,
        {"season": "autumn", "year": 2091, "applications_close": close.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    round_ = Round.objects.get(slug="autumn-2091")
    assert round_.applications_close == close
    assert round_.start_date == dt.date(2092, 3, 1)
    assert round_.answer_deadline == proposed["answer_deadline"]


def test_create_duplicate_round_is_400(directorate_user) -> None:  # type: ignore[no-untyped-def]
    client = api_for(directorate_user)
    assert client.post(ROUNDS, {"season": "spring", "year": 2090}, format="json").status_code == 201
    again = client.post(ROUNDS, {"season": "spring", "year": 2090}, format="json")
    assert again.status_code == 400
    assert again.json() == {
        "year": ["There is already a spring round in 2090."],
        "rule": "calendar_invalid",
    }
    assert Round.objects.count() == 1
    assert RoundEvent.objects.count() == 1


def test_create_start_date_must_be_1_march_or_1_september(directorate_user) -> None:  # type: ignore[no-untyped-def]
    response = api_for(directorate_user).post(
        ROUNDS, {"season": "spring", "year": 2090, "start_date": "2090-09-02"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "start_date": ["LIS1 positions start on 1 March or 1 September."],
        "rule": "calendar_invalid",
    }
    response = api_for(directorate_user).post(
        ROUNDS, {"season": "spring", "year": 2090, "start_date": "2091-03-01"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["start_date", "rule"]
    assert not Round.objects.exists()


def test_create_calendar_out_of_order_is_400(directorate_user) -> None:  # type: ignore[no-untyped-def]
    proposed = calendar_prefill(Season.SPRING, 2090)
    early = proposed["applications_open"] - dt.timedelta(days=1)  # type: ignore[operator]
    response = api_for(directorate_user).post(
        ROUNDS,
        {"season": "spring", "year": 2090, "applications_close": early.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["applications_close"] == ["Must be after applications open."]
    assert not Round.objects.exists()


def test_create_round_in_the_past_needs_a_reason(directorate_user) -> None:  # type: ignore[no-untyped-def]
    client = api_for(directorate_user)
    response = client.post(ROUNDS, {"season": "spring", "year": 2020}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["reason"] == ["Give the reason for the change; it is kept in the round's log."]
    assert "advertising_opens" in errors
    assert not Round.objects.exists()
    response = client.post(
        ROUNDS, {"season": "spring", "year": 2020, "reason": "Imported history"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert RoundEvent.objects.get().reason == "Imported history"


def test_create_bad_input_is_400(directorate_user) -> None:  # type: ignore[no-untyped-def]
    response = api_for(directorate_user).post(
        ROUNDS,
        {"season": "winter", "year": 1999, "ranking_deadline": "soon"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"season", "year", "ranking_deadline"}
    assert not Round.objects.exists()


def test_round_detail(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    response = api_for(directorate_user).get(f"{ROUNDS}{round_.slug}/")
    assert response.status_code == 200
    body = response.json()
    assert body["phase"] == "matching"
    assert body["next_step"].startswith("Run the main match, verify it and publish it")
    assert dt.datetime.fromisoformat(body["ranking_deadline"]) == round_.ranking_deadline
    assert body["start_date"] == round_.start_date.isoformat()
    assert (body["published_at"], body["follow_up_opened_at"], body["closed_at"]) == (None,) * 3
    assert [item["key"] for item in body["checklist"]] == [
        "rankings_submitted",
        "municipal_reviews",
        "seats_ranked",
        "applications_complete",
        "couples_listed",
    ]
    rankings = body["checklist"][0]
    assert (rankings["done"], rankings["total"], rankings["missing"], rankings["ok"]) == (
        0,
        2,
        2,
        False,
    )
    assert rankings["blocks_publication"] is True
    assert rankings["as_of"] is None  # counted for this response
    complete = body["checklist"][3]
    # The complete applications are counted at most once a minute; the item says when.
    assert dt.datetime.fromisoformat(complete["as_of"]) <= timezone.now()
    assert body["actions"] == {
        "start_main_match": True,
        "publish_main": True,
        "open_follow_up": False,
        "follow_up_match": False,
        "close": False,
        "edit_calendar": True,
    }
    assert body["match_runs"] == []
    assert body["position_count"] == 2


def test_unknown_round_and_run_are_404(directorate_user) -> None:  # type: ignore[no-untyped-def]
    client = api_for(directorate_user)
    assert client.get(f"{ROUNDS}no-such-round/").status_code == 404
    assert client.patch(f"{ROUNDS}no-such-round/", {}, format="json").status_code == 404
    assert client.post(f"{ROUNDS}no-such-round/close/").status_code == 404
    assert client.post(f"{ROUNDS}no-such-round/follow-up/").status_code == 404
    assert (
        client.post(
            f"{ROUNDS}no-such-round/match-runs/", {"kind": "main", "seed": 1}, format="json"
        ).status_code
        == 404
    )
    for suffix in ("", "verify/", "publish/", "rerun/"):
        method = client.get if not suffix else client.post
        assert method(f"{RUNS}999999/{suffix}").status_code == 404, suffix
    assert client.get(f"{RUNS}abc/").status_code == 404


# The calendar ------------------------------------------------------------------------------


def test_calendar_change_of_a_future_date(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = valid_round()
    new = round_.ranking_deadline - dt.timedelta(days=1)
    response = api_for(directorate_user).patch(
        f"{ROUNDS}{round_.slug}/", {"ranking_deadline": new.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.content
    assert dt.datetime.fromisoformat(response.json()["ranking_deadline"]) == new
    round_.refresh_from_db()
    assert round_.ranking_deadline == new
    event = RoundEvent.objects.get(round=round_, kind=RoundEventKind.CALENDAR_CHANGED)
    assert event.details["field"] == "ranking_deadline"
    assert event.actor == directorate_user


def test_calendar_change_of_a_passed_date_needs_a_reason(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = valid_round()
    before = _snapshot(round_)
    new = round_.advertising_opens - dt.timedelta(days=1)
    client = api_for(directorate_user)
    url = f"{ROUNDS}{round_.slug}/"
    response = client.patch(url, {"advertising_opens": new.isoformat()}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "advertising_opens": [
            "This date has passed, or the new one has: moving it needs a recorded reason."
        ],
        "reason": ["Give the reason for the change; it is kept in the round's log."],
        "rule": "calendar_invalid",
    }
    assert _snapshot(round_) == before
    response = client.patch(
        url,
        {"advertising_opens": new.isoformat(), "reason": "Published a day early"},
        format="json",
    )
    assert response.status_code == 200, response.content
    round_.refresh_from_db()
    assert round_.advertising_opens == new
    event = RoundEvent.objects.get(round=round_, kind=RoundEventKind.CALENDAR_CHANGED)
    assert event.reason == "Published a day early"


def test_calendar_out_of_order_is_400(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = valid_round()
    before = _snapshot(round_)
    response = api_for(directorate_user).patch(
        f"{ROUNDS}{round_.slug}/",
        {"match_date": (round_.ranking_deadline - dt.timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "match_date": ["Must not be before ranking deadline."],
        "rule": "calendar_invalid",
    }
    assert _snapshot(round_) == before


def test_calendar_start_date_must_be_1_march_or_1_september(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = valid_round()
    before = _snapshot(round_)
    response = api_for(directorate_user).patch(
        f"{ROUNDS}{round_.slug}/",
        {"start_date": (round_.start_date + dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "start_date": ["LIS1 positions start on 1 March or 1 September."],
        "rule": "calendar_invalid",
    }
    assert _snapshot(round_) == before


def test_calendar_bad_input_is_400(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = valid_round()
    before = _snapshot(round_)
    response = api_for(directorate_user).patch(
        f"{ROUNDS}{round_.slug}/", {"match_date": None, "start_date": "1 Sept"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"match_date", "start_date"}
    assert _snapshot(round_) == before


def test_calendar_before_publication_is_frozen_once_results_are_out(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = valid_round(ranking=-2, match=-2, results=-1)
    Round.objects.filter(pk=round_.pk).update(published_at=timezone.now())
    before = _snapshot(round_)
    response = api_for(directorate_user).patch(
        f"{ROUNDS}{round_.slug}/",
        {
            "ranking_deadline": (round_.ranking_deadline - dt.timedelta(hours=1)).isoformat(),
            "reason": "A reason does not help",
        },
        format="json",
    )
    assert_refused(response, "results_published")
    assert "ranking deadline can no longer be moved" in response.json()["detail"]
    assert _snapshot(round_) == before
    # The dates after publication may still move.
    later = round_.answer_deadline + dt.timedelta(days=1)
    response = api_for(directorate_user).patch(
        f"{ROUNDS}{round_.slug}/", {"answer_deadline": later.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.content


def test_calendar_of_a_closed_round_is_final(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = valid_round(ranking=-3, match=-3, results=-2, answer=-1)
    now = timezone.now()
    Round.objects.filter(pk=round_.pk).update(published_at=now, closed_at=now)
    before = _snapshot(round_)
    response = api_for(directorate_user).patch(
        f"{ROUNDS}{round_.slug}/",
        {"start_date": round_.start_date.isoformat(), "answer_deadline": _day(1).isoformat()},
        format="json",
    )
    assert_refused(response, "round_closed")
    assert _snapshot(round_) == before


# Match runs -------------------------------------------------------------------------------


def test_start_main_match_runs_in_the_background(
    small_round, directorate_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    client = api_for(directorate_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{ROUNDS}{round_.slug}/match-runs/", {"kind": "main", "seed": 42}, format="json"
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["kind"], body["seed"], body["round"]) == (
        "queued",
        "main",
        42,
        round_.slug,
    )
    assert "instance_json" not in body and "result_json" not in body
    run = MatchRun.objects.get()
    assert (run.status, run.requested_by) == (JobStatus.SUCCEEDED, directorate_user)
    assert RoundEvent.objects.filter(round=round_, kind=RoundEventKind.MATCH_STARTED).exists()

    detail = client.get(f"{RUNS}{run.pk}/").json()
    assert (detail["status"], detail["stable"], detail["busy"]) == ("succeeded", True, False)
    assert detail["statistics"]["matched"] == 2
    assert detail["statistics"]["unmatched"] == 1
    assert detail["statistics"]["choice_histogram"] == {"1": 1, "2": 1}
    assert "unfilled_seats_by_program" not in detail["statistics"]
    assert (detail["check"], detail["results_emails"], detail["verified_ok"]) == (None, None, None)
    assert detail["downloads"]["instance"].endswith(f"/{run.pk}/instans.json")
    assert detail["input_sha256"] == run.input_sha256
    round_detail = client.get(f"{ROUNDS}{round_.slug}/").json()
    assert [r["id"] for r in round_detail["match_runs"]] == [run.pk]


def test_start_without_a_seed_records_a_random_one(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    response = api_for(directorate_user).post(
        f"{ROUNDS}{small_round['round'].slug}/match-runs/", {"kind": "main"}, format="json"
    )
    assert response.status_code == 202
    assert response.json()["seed"] == MatchRun.objects.get().seed


def test_run_detail_never_loads_the_instance_or_result(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    run = succeeded_run(small_round["round"])
    client = api_for(directorate_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{RUNS}{run.pk}/")
    assert response.status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "instance_json" in q["sql"]]
    assert not [q["sql"] for q in queries.captured_queries if "result_json" in q["sql"]]


def _queries(client: APIClient, url: str) -> list[str]:
    cache.clear()  # the headline counts are counted afresh, as on a first visit
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_round_list_and_detail_queries_do_not_grow(directorate_user) -> None:  # type: ignore[no-untyped-def]
    client = api_for(directorate_user)
    round_ = f.RoundFactory()
    _queries(client, ROUNDS)  # the user's roles are looked up once
    one_round = _queries(client, ROUNDS)
    for _ in range(4):
        f.RoundFactory()
    assert len(_queries(client, ROUNDS)) == len(one_round)
    assert len(client.get(ROUNDS).json()["results"]) == 5

    def run() -> MatchRun:
        return MatchRun.objects.create(
            round=round_, kind=MatchRunKind.MAIN, seed=1, status=JobStatus.FAILED
        )

    run()
    one_run = _queries(client, f"{ROUNDS}{round_.slug}/")
    for _ in range(4):
        run()
    five_runs = _queries(client, f"{ROUNDS}{round_.slug}/")
    assert len(five_runs) == len(one_run)
    assert len(client.get(f"{ROUNDS}{round_.slug}/").json()["match_runs"]) == 5
    # The round itself is read once, and no run's instance or result is loaded.
    assert len([q for q in five_runs if q.startswith('SELECT "rounds_round"."id"')]) == 1
    assert not [q for q in five_runs if "instance_json" in q or "result_json" in q]


def test_main_match_before_the_ranking_deadline_is_refused(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = f.RoundFactory()  # ranking deadline next week
    f.PositionFactory(round=round_)
    before = _snapshot(round_)
    response = api_for(directorate_user).post(
        f"{ROUNDS}{round_.slug}/match-runs/", {"kind": "main", "seed": 1}, format="json"
    )
    assert_refused(response, "ranking_deadline_not_passed")
    assert response.json()["detail"].startswith(
        "The main match runs only after the ranking deadline"
    )
    assert _snapshot(round_) == before
    assert not MatchRun.objects.exists()


def test_second_start_while_one_is_queued_is_refused(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    client = api_for(directorate_user)
    url = f"{ROUNDS}{round_.slug}/match-runs/"
    # Without the on-commit callbacks the first run stays queued.
    assert client.post(url, {"kind": "main", "seed": 1}, format="json").status_code == 202
    before = _snapshot(round_)
    response = client.post(url, {"kind": "main", "seed": 2}, format="json")
    assert_refused(response, "match_run_active")
    assert response.json()["detail"] == (
        "Another match run of this round is queued or running: wait for it to finish."
    )
    assert _snapshot(round_) == before
    assert list(MatchRun.objects.values_list("seed", "status")) == [(1, JobStatus.QUEUED)]


def test_follow_up_match_before_the_follow_up_is_open_is_refused(
    small_round, directorate_user
) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    before = _snapshot(round_)
    response = api_for(directorate_user).post(
        f"{ROUNDS}{round_.slug}/match-runs/", {"kind": "follow_up", "seed": 1}, format="json"
    )
    assert_refused(response, "follow_up_not_open")
    assert response.json()["detail"] == (
        "A follow-up match runs once the follow-up is opened, after the answer deadline."
    )
    assert _snapshot(round_) == before


def test_start_bad_input_is_400(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    url = f"{ROUNDS}{small_round['round'].slug}/match-runs/"
    client = api_for(directorate_user)
    for body, field in (
        ({"kind": "direct_offer", "seed": 1}, "kind"),
        ({"seed": 1}, "kind"),
        ({"kind": "main", "seed": -1}, "seed"),
        ({"kind": "main", "seed": 2**63}, "seed"),
    ):
        response = client.post(url, body, format="json")
        assert response.status_code == 400, body
        assert list(response.json()) == [field]
    assert not MatchRun.objects.exists()


# Verification ------------------------------------------------------------------------------


def test_verify_runs_the_check_in_the_background(
    small_round, directorate_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    run = succeeded_run(small_round["round"])
    client = api_for(directorate_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{RUNS}{run.pk}/verify/")
    assert response.status_code == 202, response.content
    assert response.json()["check"]["status"] == "queued"
    assert response.json()["busy"] is True
    detail = client.get(f"{RUNS}{run.pk}/").json()
    assert detail["check"]["status"] == "succeeded"
    assert detail["check"]["problems"] == []
    assert detail["verified_ok"] is True
    assert detail["busy"] is False


def test_verify_refusals(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    client = api_for(directorate_user)
    queued = matching.match_run_create(round_=round_, seed=3)
    before = _snapshot(round_)
    assert_refused(client.post(f"{RUNS}{queued.pk}/verify/"), "not_verifiable")
    assert _snapshot(round_) == before

    MatchRun.objects.filter(pk=queued.pk).delete()
    run = succeeded_run(round_)
    assert client.post(f"{RUNS}{run.pk}/verify/").status_code == 202  # stays queued
    before = _snapshot(round_)
    assert_refused(client.post(f"{RUNS}{run.pk}/verify/"), "check_active")
    assert _snapshot(round_) == before
    assert MatchRunCheck.objects.filter(match_run=run).count() == 1


# Publication -------------------------------------------------------------------------------


def test_publishing_an_unverified_run_is_refused(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    run = succeeded_run(round_)
    before = _snapshot(round_)
    response = api_for(directorate_user).post(
        f"{RUNS}{run.pk}/publish/", {"confirm": True, "reason": "r"}, format="json"
    )
    assert_refused(response, "not_verified")
    assert _snapshot(round_) == before
    assert not RoundEvent.objects.filter(kind=RoundEventKind.PUBLISHED).exists()


def test_publishing_without_rankings_needs_confirmation_and_a_reason(
    small_round, directorate_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    run = verified_run(round_)
    client = api_for(directorate_user)
    url = f"{RUNS}{run.pk}/publish/"
    before = _snapshot(round_)
    for body in (
        {},
        {"confirm": True},
        {"reason": "Without confirm"},
        {"confirm": True, "reason": " "},
    ):
        response = client.post(url, body, format="json")
        assert_refused(response, "confirmation_required")
        assert _snapshot(round_) == before, body
    assert response.json()["detail"] == (
        "2 positions have no submitted ranking: confirm and give a reason to publish anyway."
    )

    reason = "Two trusts ranked on paper; lists entered by the directorate."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": True, "reason": reason}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["published_at"] is not None
    run.refresh_from_db()
    round_.refresh_from_db()
    assert (run.published_by, run.publish_reason) == (directorate_user, reason)
    assert round_.published_at == run.published_at
    event = RoundEvent.objects.get(round=round_, kind=RoundEventKind.PUBLISHED)
    assert (event.reason, event.actor) == (reason, directorate_user)
    assert event.details["positions_without_submitted_ranking"] == 2
    detail = client.get(f"{RUNS}{run.pk}/").json()
    assert detail["results_emails"]["status"] == "succeeded"
    assert client.get(f"{ROUNDS}{round_.slug}/").json()["phase"] == "answers"

    # Published once: again is refused, and so is a second main match.
    before = _snapshot(round_)
    assert_refused(
        client.post(url, {"confirm": True, "reason": reason}, format="json"), "already_published"
    )
    assert_refused(
        client.post(
            f"{ROUNDS}{round_.slug}/match-runs/", {"kind": "main", "seed": 5}, format="json"
        ),
        "results_published",
    )
    assert _snapshot(round_) == before


def test_publishing_with_every_ranking_submitted_needs_no_confirmation(
    small_round, directorate_user
) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    Position.objects.filter(round=round_).update(ranking_submitted_at=timezone.now())
    run = verified_run(round_)
    response = api_for(directorate_user).post(f"{RUNS}{run.pk}/publish/", {}, format="json")
    assert response.status_code == 200, response.content
    assert RoundEvent.objects.get(kind=RoundEventKind.PUBLISHED).reason == ""


def test_publish_bad_input_is_400(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    run = verified_run(small_round["round"])
    response = api_for(directorate_user).post(
        f"{RUNS}{run.pk}/publish/", {"confirm": "perhaps", "reason": "x" * 2001}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"confirm", "reason"}
    run.refresh_from_db()
    assert run.published_at is None


# Running a failed run again ----------------------------------------------------------------


def test_rerun_a_failed_run(
    small_round, directorate_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    failed = MatchRun.objects.create(
        round=round_, kind=MatchRunKind.MAIN, seed=9, status=JobStatus.FAILED, error="worker died"
    )
    client = api_for(directorate_user)
    assert client.get(f"{RUNS}{failed.pk}/").json()["error"] == "worker died"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{RUNS}{failed.pk}/rerun/")
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["rerun_of"], body["seed"], body["kind"], body["status"]) == (
        failed.pk,
        9,
        "main",
        "queued",
    )
    again = MatchRun.objects.get(pk=body["id"])
    assert (again.status, again.requested_by) == (JobStatus.SUCCEEDED, directorate_user)


def test_rerun_of_a_run_that_did_not_fail_is_refused(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    run = succeeded_run(round_)
    before = _snapshot(round_)
    assert_refused(api_for(directorate_user).post(f"{RUNS}{run.pk}/rerun/"), "not_failed")
    assert _snapshot(round_) == before


# Follow-up and closing ---------------------------------------------------------------------


def _published(small_round: dict[str, Any]) -> Round:
    round_ = small_round["round"]
    f.run_and_publish_main_match(round_)
    round_.refresh_from_db()
    return round_


def _answer_deadline_passed(round_: Round) -> Round:
    Round.objects.filter(pk=round_.pk).update(
        answer_deadline=timezone.now() - dt.timedelta(minutes=30)
    )
    round_.refresh_from_db()
    return round_


def test_follow_up_before_publication_or_the_answer_deadline_is_refused(
    small_round, directorate_user
) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    client = api_for(directorate_user)
    url = f"{ROUNDS}{round_.slug}/follow-up/"
    before = _snapshot(round_)
    assert_refused(client.post(url), "results_not_published")
    assert _snapshot(round_) == before

    _published(small_round)
    before = _snapshot(round_)
    response = client.post(url)
    assert_refused(response, "answer_deadline_not_passed")
    assert response.json()["detail"].startswith("This can be done only after the answer deadline")
    assert _snapshot(round_) == before


def test_follow_up_opens_and_a_follow_up_match_runs(
    small_round, directorate_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = _answer_deadline_passed(_published(small_round))
    client = api_for(directorate_user)
    response = client.post(f"{ROUNDS}{round_.slug}/follow-up/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phase"] == "follow_up"
    assert body["follow_up_opened_at"] is not None
    assert body["actions"]["follow_up_match"] is True
    event = RoundEvent.objects.get(round=round_, kind=RoundEventKind.FOLLOW_UP_OPENED)
    assert (event.actor, event.details) == (directorate_user, {"offers_expired": 2})
    assert set(Placement.objects.values_list("status", flat=True)) == {PlacementStatus.EXPIRED}

    before = _snapshot(round_)
    assert_refused(client.post(f"{ROUNDS}{round_.slug}/follow-up/"), "follow_up_already_open")
    assert _snapshot(round_) == before

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{ROUNDS}{round_.slug}/match-runs/", {"kind": "follow_up", "seed": 3}, format="json"
        )
    assert response.status_code == 202, response.content
    run = MatchRun.objects.get(pk=response.json()["id"])
    assert (run.kind, run.status) == (MatchRunKind.FOLLOW_UP, JobStatus.SUCCEEDED)


def test_closing_before_the_answer_deadline_is_refused(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = _published(small_round)
    before = _snapshot(round_)
    response = api_for(directorate_user).post(
        f"{ROUNDS}{round_.slug}/close/", {"reason": "Early"}, format="json"
    )
    assert_refused(response, "answer_deadline_not_passed")
    assert _snapshot(round_) == before


def test_close_the_round(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = _answer_deadline_passed(_published(small_round))
    client = api_for(directorate_user)
    response = client.post(
        f"{ROUNDS}{round_.slug}/close/", {"reason": "All seats settled"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phase"] == "closed"
    assert body["closed_at"] is not None
    round_.refresh_from_db()
    assert round_.closed_by == directorate_user
    event = RoundEvent.objects.get(round=round_, kind=RoundEventKind.CLOSED)
    assert (event.reason, event.actor) == ("All seats settled", directorate_user)

    before = _snapshot(round_)
    assert_refused(client.post(f"{ROUNDS}{round_.slug}/close/"), "round_closed")
    assert_refused(client.post(f"{ROUNDS}{round_.slug}/follow-up/"), "round_closed")
    assert _snapshot(round_) == before


# Directorate staff only --------------------------------------------------------------------


@pytest.fixture(params=["applicant", "employer", "municipality", "anonymous"])
def outsider(request, applicant, employer_user, municipality_user):  # type: ignore[no-untyped-def]
    return {
        "applicant": applicant.user,
        "employer": employer_user,
        "municipality": municipality_user,
        "anonymous": None,
    }[request.param]


def test_every_route_is_403_for_anyone_but_directorate_staff(small_round, outsider) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    run = MatchRun.objects.create(
        round=round_, kind=MatchRunKind.MAIN, seed=9, status=JobStatus.FAILED
    )
    before = _snapshot(round_)
    client = api_for(outsider)
    base = f"{ROUNDS}{round_.slug}/"
    for method, url, body in [
        ("get", ROUNDS, None),
        ("post", ROUNDS, {"season": "spring", "year": 2090}),
        ("get", base, None),
        ("patch", base, {"ranking_deadline": _day(1).isoformat()}),
        ("post", base + "match-runs/", {"kind": "main", "seed": 1}),
        ("post", base + "follow-up/", None),
        ("post", base + "close/", {"reason": "r"}),
        ("get", f"{RUNS}{run.pk}/", None),
        ("post", f"{RUNS}{run.pk}/verify/", None),
        ("post", f"{RUNS}{run.pk}/publish/", {"confirm": True, "reason": "r"}),
        ("post", f"{RUNS}{run.pk}/rerun/", None),
        # Unknown objects too: an outsider learns nothing about what exists.
        ("get", f"{ROUNDS}no-such-round/", None),
        ("get", f"{RUNS}999999/", None),
    ]:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, (method, url, response.status_code)
    assert _snapshot(round_) == before
    assert Round.objects.count() == 1


# The error mapping and the schema -----------------------------------------------------------


def test_exception_handler_maps_rules_and_calendars() -> None:
    refused = api_exception_handler(MatchRunError("match_run_active", "Busy."), {})
    assert refused is not None
    assert (refused.status_code, refused.data) == (
        409,
        {"detail": "Busy.", "rule": "match_run_active"},
    )
    plain = api_exception_handler(RuleViolation("No."), {})
    assert plain is not None
    assert (plain.status_code, plain.data) == (409, {"detail": "No.", "rule": "rule"})
    invalid = api_exception_handler(
        CalendarInvalid({"__all__": ["Bad."], "match_date": ["Late."]}), {}
    )
    assert invalid is not None
    assert (invalid.status_code, invalid.data) == (
        400,
        {"non_field_errors": ["Bad."], "match_date": ["Late."], "rule": "calendar_invalid"},
    )
    other = api_exception_handler(NotFound(), {})
    assert other is not None
    assert other.status_code == 404
    assert api_exception_handler(ValueError("a bug"), {}) is None


def test_schema_documents_the_directorate_routes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    for path in (
        "/api/directorate/rounds/:",
        "/api/directorate/rounds/{slug}/:",
        "/api/directorate/rounds/{slug}/match-runs/:",
        "/api/directorate/rounds/{slug}/follow-up/:",
        "/api/directorate/rounds/{slug}/close/:",
        "/api/directorate/match-runs/{id}/:",
        "/api/directorate/match-runs/{id}/verify/:",
        "/api/directorate/match-runs/{id}/publish/:",
        "/api/directorate/match-runs/{id}/rerun/:",
    ):
        assert path in schema, path
    assert "instance_json" not in schema
