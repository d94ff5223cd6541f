"""Stored reports: the task, its idempotence and failures, closing a round, the command."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from lis1.jobs.models import JobStatus
from lis1.reports.enums import ReportTrigger
from lis1.reports.models import StoredReport
from lis1.reports.services import stored_report_generate
from lis1.reports.tasks import report_generate_task
from lis1.rounds.models import Round
from lis1.rounds.services.rounds import RoundTransitionError, round_close

pytestmark = pytest.mark.django_db


def test_task_returns_quietly_when_the_report_is_gone(caplog) -> None:  # type: ignore[no-untyped-def]
    assert report_generate_task(stored_report_id=999_999) is None
    assert StoredReport.objects.count() == 0
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_generating_twice_keeps_the_first_result(report_round) -> None:  # type: ignore[no-untyped-def]
    report = StoredReport.objects.create(round=report_round["round"])
    first = stored_report_generate(stored_report=report)
    again = stored_report_generate(stored_report=report)
    assert first.status == again.status == JobStatus.SUCCEEDED
    assert again.data_as_of == first.data_as_of
    assert report.files.count() == 5


def test_a_failure_is_recorded_on_the_report(report_round, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from lis1.reports import services

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "round_report_build", broken)
    report = services.stored_report_generate(
        stored_report=StoredReport.objects.create(round=report_round["round"])
    )
    assert report.status == JobStatus.FAILED
    assert report.error == "the database went away"
    assert report.files.count() == 0


def _past_answers(round_: Round) -> Round:
    now = timezone.now()
    Round.objects.filter(pk=round_.pk).update(
        published_at=now - dt.timedelta(days=49),
        advertising_opens=now - dt.timedelta(days=100),
        applications_open=now - dt.timedelta(days=100),
        applications_close=now - dt.timedelta(days=90),
        ranking_deadline=now - dt.timedelta(days=60),
        match_date=now - dt.timedelta(days=50),
        results_published=now - dt.timedelta(days=49),
        answer_deadline=now - dt.timedelta(hours=1),
    )
    return Round.objects.get(pk=round_.pk)


def test_closing_a_round_generates_its_report_after_commit(
    report_round, directorate_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = _past_answers(report_round["round"])
    with django_capture_on_commit_callbacks(execute=True):
        closed = round_close(round_=round_, closed_by=directorate_user)
    assert closed.closed_at is not None
    report = StoredReport.objects.get()
    assert (report.trigger, report.requested_by, report.internal, report.status) == (
        ReportTrigger.ROUND_CLOSED,
        directorate_user,
        False,
        JobStatus.SUCCEEDED,
    )


def test_closing_is_refused_before_the_answer_deadline_twice_or_by_others(
    report_round, directorate_user, employer_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = report_round["round"]  # its answer deadline is two weeks ahead
    with translation.override("en"), pytest.raises(RoundTransitionError, match="not published yet"):
        round_close(round_=round_, closed_by=directorate_user)
    Round.objects.filter(pk=round_.pk).update(published_at=timezone.now())
    with translation.override("en"), pytest.raises(RoundTransitionError, match="answer deadline"):
        round_close(round_=round_, closed_by=directorate_user)
    round_ = _past_answers(round_)
    with (
        translation.override("en"),
        pytest.raises(RoundTransitionError, match="Only directorate staff"),
    ):
        round_close(round_=round_, closed_by=employer_user)
    with django_capture_on_commit_callbacks(execute=True):
        round_close(round_=round_, closed_by=directorate_user)
    with translation.override("en"), pytest.raises(RoundTransitionError, match="is closed"):
        round_close(round_=round_, closed_by=directorate_user)
    assert StoredReport.objects.count() == 1


@pytest.mark.parametrize("fmt", ["html", "xlsx", "csv", "pdf", "json"])
def test_command_writes_each_format(report_round, tmp_path, fmt) -> None:  # type: ignore[no-untyped-def]
    output = tmp_path / f"report.{fmt}"
    call_command("round_report", "--round", "spring-2040", "--format", fmt, "--output", output)
    content = output.read_bytes()
    assert (
        content[:4]
        == {
            "html": b"<!DO",
            "xlsx": b"PK\x03\x04",
            "csv": b"PK\x03\x04",
            "pdf": b"%PDF",
            "json": b'{\n "',
        }[fmt]
    )
    if fmt == "json":
        data = json.loads(content)
        assert data["internal"] is False
        assert data["sections"][0]["tables"][0]["rows"][0]["cells"] == ["Advertisements", 3, 1, 2]


def test_command_refuses_an_unknown_round(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="No round"):
        call_command("round_report", "--round", "nope", "--format", "json", "--output", "-")
