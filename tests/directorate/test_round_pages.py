"""The directorate runs a round in its own pages: create it, change its calendar, see its
phase and checklist, match after the ranking deadline, open the follow-up, add seats, close.
A refused step answers 409 with the rule's message and changes nothing; bad input 400."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lis1.rounds.calendar import OSLO
from lis1.rounds.enums import RoundPhase
from lis1.rounds.models import MatchRun, Position, Round, RoundEvent, SeatAddition
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(directorate_user):  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    client.cookies["lis1_language"] = "en"
    return client


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment, OSLO).strftime("%Y-%m-%dT%H:%M")


def _form(round_: Round, **changes: object) -> dict[str, str]:
    data = {
        field: _local(getattr(round_, field))
        for field in (
            "advertising_opens",
            "applications_open",
            "applications_close",
            "ranking_deadline",
            "match_date",
            "results_published",
            "answer_deadline",
        )
    }
    data["start_date"] = round_.start_date.isoformat()
    data.update({k: str(v) for k, v in changes.items()})
    return data


def test_new_round_page_proposes_a_calendar_and_creates_the_round(staff, directorate_user) -> None:  # type: ignore[no-untyped-def]
    page = staff.get(reverse("directorate:round_new"), {"season": "autumn", "year": "2044"})
    assert page.status_code == 200
    form = page.context["form"]
    assert form["start_date"].value() == dt.date(2045, 3, 1)
    data = {
        "season": "autumn",
        "year": "2044",
        **{name: form[name].value() for name in form.fields if name not in ("season", "year")},
    }
    data = {
        k: (v.strftime("%Y-%m-%dT%H:%M") if isinstance(v, dt.datetime) else str(v))
        for k, v in data.items()
    }
    response = staff.post(reverse("directorate:round_new"), data)
    round_ = Round.objects.get(slug="autumn-2044")
    assert response.status_code == 302
    assert response.url == reverse("directorate:round", args=[round_.slug])
    assert round_.events.get().actor == directorate_user
    page = staff.get(response.url)
    assert page.context["phase"] == RoundPhase.DRAFT


def test_new_round_with_a_wrong_start_date_is_a_form_error(staff) -> None:  # type: ignore[no-untyped-def]
    page = staff.get(reverse("directorate:round_new"), {"season": "spring", "year": "2044"})
    form = page.context["form"]
    data = {
        name: (v.strftime("%Y-%m-%dT%H:%M") if isinstance(v, dt.datetime) else str(v))
        for name in form.fields
        if (v := form[name].value()) is not None
    }
    data.update({"season": "spring", "year": "2044", "start_date": "2044-08-01"})
    response = staff.post(reverse("directorate:round_new"), data)
    assert response.status_code == 400
    assert "start_date" in response.context["form"].errors
    assert not Round.objects.filter(slug="spring-2044").exists()


def test_calendar_page_needs_a_reason_to_move_a_passed_date(staff) -> None:  # type: ignore[no-untyped-def]
    round_ = f.RoundFactory()
    url = reverse("directorate:round_calendar", args=[round_.slug])
    before = round_.applications_close
    moved = before + dt.timedelta(days=1)
    response = staff.post(url, _form(round_, applications_close=_local(moved)))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"applications_close", "reason"}
    round_.refresh_from_db()
    assert round_.applications_close == before
    response = staff.post(url, _form(round_, applications_close=_local(moved), reason="Outage."))
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.applications_close == moved
    assert round_.events.get(kind="calendar_changed").reason == "Outage."


def test_calendar_page_refuses_moving_history_after_publication(staff) -> None:  # type: ignore[no-untyped-def]
    round_ = f.matching_round()
    f.publish_main_run(round_, [])
    round_.refresh_from_db()
    response = staff.get(reverse("directorate:round_calendar", args=[round_.slug]))
    assert response.context["form"].fields["ranking_deadline"].disabled is True
    assert response.context["form"].fields["answer_deadline"].disabled is False
    later = round_.answer_deadline + dt.timedelta(days=2)
    response = staff.post(
        reverse("directorate:round_calendar", args=[round_.slug]),
        _form(round_, answer_deadline=_local(later)),
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert _local(round_.answer_deadline) == _local(later)


def test_round_page_shows_phase_next_step_and_checklist(staff) -> None:  # type: ignore[no-untyped-def]
    round_ = f.RoundFactory()
    position = f.PositionFactory(round=round_, seats=3)
    f.applicants_for(position, 2)
    page = staff.get(reverse("directorate:round", args=[round_.slug]))
    assert page.context["phase"] == RoundPhase.RANKING
    checklist = {item.key: (item.done, item.total) for item in page.context["checklist"]}
    assert checklist["rankings_submitted"] == (0, 1)
    assert checklist["seats_ranked"] == (0, 3)
    assert checklist["applications_complete"] == (2, 2)
    assert page.context["can_start"] is False
    assert "ranking deadline" in page.context["start_refusal"]


def test_complete_applications_are_counted_once_a_minute_and_say_when(staff) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    from lis1.rounds.selectors import round_checklist_cache_key, round_counts_forget

    round_ = f.RoundFactory()
    position = f.PositionFactory(round=round_, seats=3)
    first, _second = f.applicants_for(position, 2)
    url = reverse("directorate:round", args=[round_.slug])

    def complete(page):  # type: ignore[no-untyped-def]
        (item,) = [i for i in page.context["checklist"] if i.key == "applications_complete"]
        return item

    before = complete(staff.get(url))
    assert (before.done, before.total) == (2, 2)
    assert before.as_of is not None

    first.national_id_hash = None  # no identity number: the match leaves them out
    first.save()
    page = staff.get(url)
    # Within the minute the page shows the count it made, and says when it made it.
    assert (complete(page).done, complete(page).as_of) == (2, before.as_of)
    # The note under the headline counts, and the same one in the checklist's row.
    assert page.content.decode().count("the counts are at most a minute old") == 2

    cache.delete(round_checklist_cache_key(round_))  # the minute is over
    assert (complete(staff.get(url)).done, complete(staff.get(url)).total) == (1, 2)

    first.national_id_hash = "restored"
    first.save()
    round_counts_forget(round_)  # a decision that changes the counts forgets this one too
    assert complete(staff.get(url)).done == 2


def test_main_match_before_the_ranking_deadline_is_refused_with_409(staff) -> None:  # type: ignore[no-untyped-def]
    round_ = f.RoundFactory()
    response = staff.post(
        reverse("directorate:round", args=[round_.slug]), {"kind": "main", "seed": "3"}
    )
    assert response.status_code == 409
    assert "only after the ranking deadline" in str(response.context["form"].non_field_errors())
    assert not MatchRun.objects.exists()
    assert not RoundEvent.objects.exists()


def test_a_second_start_while_one_is_queued_is_refused(staff, small_round) -> None:  # type: ignore[no-untyped-def]
    url = reverse("directorate:round", args=[small_round["round"].slug])
    assert staff.post(url, {"kind": "main", "seed": "3"}).status_code == 302  # queued
    response = staff.post(url, {"kind": "main", "seed": "4"})
    assert response.status_code == 409
    assert "queued or running" in str(response.context["form"].non_field_errors())
    assert MatchRun.objects.count() == 1


def test_follow_up_and_close_need_a_confirmation_and_the_answer_deadline(
    staff, small_round, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    f.run_and_publish_main_match(round_)
    follow_up = reverse("directorate:round_follow_up", args=[round_.slug])
    close = reverse("directorate:round_close", args=[round_.slug])
    assert staff.post(follow_up).status_code == 409  # answers are still due
    assert staff.post(close).status_code == 409
    round_ = f.pass_answer_deadline(round_)
    assert staff.get(follow_up).status_code == 200
    assert Round.objects.get(pk=round_.pk).follow_up_opened_at is None  # GET only asks
    assert staff.post(follow_up).status_code == 302
    assert Round.objects.get(pk=round_.pk).phase == RoundPhase.FOLLOW_UP
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(close, {"reason": "Done."}).status_code == 302
    round_.refresh_from_db()
    assert round_.phase == RoundPhase.CLOSED
    assert round_.stored_reports.count() == 1  # the final report
    assert staff.post(close).status_code == 409


def test_seats_page_adds_extra_seats_after_publication(staff, small_round) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    url = reverse("directorate:round_seats", args=[round_.slug])
    p1 = small_round["p1"]
    response = staff.post(url, {"position": p1.pk, "seats": "2", "reason": "Funding."})
    assert response.status_code == 409  # not published yet
    assert not SeatAddition.objects.exists()
    f.run_and_publish_main_match(round_)
    response = staff.post(url, {"position": p1.pk, "seats": "2", "reason": ""})
    assert response.status_code == 400
    response = staff.post(url, {"position": p1.pk, "seats": "2", "reason": "Funding."})
    assert response.status_code == 302
    assert Position.objects.get(pk=p1.pk).seats == 3
    page = staff.get(url, {"ledige": "1"})
    assert [row.pk for row in page.context["rows"]] == [p1.pk]
    assert page.context["vacant_total"] == 2


@pytest.mark.parametrize(
    "name",
    [
        "directorate:round_calendar",
        "directorate:round_follow_up",
        "directorate:round_close",
        "directorate:round_seats",
    ],
)
def test_round_pages_are_for_directorate_staff_only(name, applicant, employer_user) -> None:  # type: ignore[no-untyped-def]
    round_ = f.RoundFactory()
    url = reverse(name, args=[round_.slug])
    for user in (applicant.user, employer_user):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).post(url, {"reason": "x"}).status_code == 403
    assert client_for(employer_user).get(reverse("directorate:round_new")).status_code == 403
    round_.refresh_from_db()
    assert (round_.closed_at, round_.follow_up_opened_at) == (None, None)


def test_the_help_page_explains_the_match_in_each_language(client) -> None:  # type: ignore[no-untyped-def]
    url = reverse("how_the_match_works")
    for language in ("nb", "nn", "en"):
        client.cookies["lis1_language"] = language
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["LANGUAGE_CODE"] == language


def test_pages_say_when_no_worker_takes_a_job(staff, small_round) -> None:  # type: ignore[no-untyped-def]
    from lis1.reports.models import StoredReport

    round_ = small_round["round"]
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    run = MatchRun.objects.create(round=round_, seed=1)  # queued, never taken
    MatchRun.objects.filter(pk=run.pk).update(enqueued_at=long_ago, created_at=long_ago)
    report = StoredReport.objects.create(round=round_)
    StoredReport.objects.filter(pk=report.pk).update(enqueued_at=long_ago, created_at=long_ago)
    for url in (
        reverse("directorate:match_run", args=[run.pk]),
        reverse("directorate:round_reports", args=[round_.slug]),
        reverse("directorate:round", args=[round_.slug]),
    ):
        assert "No worker is processing jobs" in staff.get(url).content.decode(), url
    # A job taken a moment ago is not reported as waiting.
    StoredReport.objects.filter(pk=report.pk).update(enqueued_at=timezone.now())
    MatchRun.objects.filter(pk=run.pk).update(enqueued_at=timezone.now())
    body = staff.get(reverse("directorate:round_reports", args=[round_.slug])).content.decode()
    assert "No worker is processing jobs" not in body


@pytest.mark.parametrize(
    "name", ["directorate:dashboard", "directorate:round", "directorate:round_seats"]
)
def test_directorate_pages_make_the_same_queries_whatever_the_rounds_size(staff, name) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(applicants: int) -> int:
        round_ = f.matching_round()
        for _ in range(3):
            position = f.PositionFactory(round=round_, seats=2)
            f.applicants_for(position, applicants)
        f.run_and_publish_main_match(round_)
        url = (
            reverse(name) if name == "directorate:dashboard" else reverse(name, args=[round_.slug])
        )
        staff.get(url)  # the session and the cached counts, as a second visit
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(url).status_code == 200
        return len(captured)

    assert queries(2) == queries(20)
