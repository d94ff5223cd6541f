"""Earlier rounds applied are counted from the rounds in the database plus what applicants
declare for the rounds before the system; a closed round's report keeps the data of its
closing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lis1.reports import queries
from lis1.reports.models import ReportSnapshot, StoredReport
from lis1.reports.services import round_report_build
from lis1.reports.snapshot import FORMAT
from lis1.rounds.enums import ApplicationStatus
from lis1.rounds.models import Applicant, Position, Round
from lis1.rounds.selectors import earlier_rounds_applied
from lis1.rounds.services.rounds import round_close
from tests.factories import ApplicationFactory, PositionFactory, RoundFactory

pytestmark = pytest.mark.django_db


def _applicant(round_: Round, family_index: int) -> Applicant:
    """The fixture's applicant a<n>, in the order they were created."""
    return Applicant.objects.order_by("pk")[family_index - 1]


def _cells(report, key):  # type: ignore[no-untyped-def]
    return [
        [round(c, 4) if isinstance(c, float) else c for c in r.cells]
        for r in report.table(key).rows
    ]


def _earlier_history(report_round) -> None:  # type: ignore[no-untyped-def]
    """a1 applied twice in the round before (one round), a2 once; a3's application there
    was withdrawn; a4 applied in a round that starts later. Declared before: a1 0, a2 1,
    a3 0, a4 2, a5 6, a6 0, a7 3 (conftest)."""
    earlier = Position.objects.get(round=report_round["previous"])
    also_earlier = PositionFactory(round=report_round["previous"])
    later_round = RoundFactory(year=2041, slug="spring-2041", start_date=dt.date(2041, 9, 1))
    later = PositionFactory(round=later_round)
    a1, a2, a3, a4 = (_applicant(report_round["round"], n) for n in (1, 2, 3, 4))
    ApplicationFactory(applicant=a1, position=earlier)
    ApplicationFactory(applicant=a1, position=also_earlier)
    ApplicationFactory(applicant=a2, position=earlier)
    ApplicationFactory(
        applicant=a3,
        position=earlier,
        status=ApplicationStatus.WITHDRAWN,
        withdrawn_at=timezone.now(),
    )
    ApplicationFactory(applicant=a4, position=later)


def f(part: float, whole: float) -> float:
    return round(part / whole, 4)


def test_earlier_rounds_count_rounds_applied_in_the_database_and_declared(report_round) -> None:  # type: ignore[no-untyped-def]
    _earlier_history(report_round)
    report = round_report_build(round_=report_round["round"], internal=True)
    # a1 0+1, a2 1+1, a3 0 (withdrawn), a4 2 (the later round does not count), a5 6, a6 0, a7 3.
    assert _cells(report, "by_earlier_rounds") == [
        ["0", 2, 1, 0.5, 0, 0.0, 2, 1.0],  # a3 (declined), a6 (no published offer)
        ["1", 1, 1, 1.0, 1, 1.0, 0, 0.0],  # a1
        ["2", 2, 2, 1.0, 2, 1.0, 0, 0.0],  # a2, a4
        ["3", 1, 1, 1.0, 0, 0.0, 0, 0.0],  # a7 (accepted, not started)
        ["5+", 1, 1, 1.0, 0, 0.0, 0, 0.0],  # a5 (open offer)
        ["All", 7, 6, f(6, 7), 3, f(3, 7), 2, 1.0],
    ]


def test_earlier_rounds_of_the_later_round_count_this_one(report_round) -> None:  # type: ignore[no-untyped-def]
    """Seen from spring 2041, spring 2040 and 2039 are earlier rounds."""
    _earlier_history(report_round)
    later_round = Round.objects.get(slug="spring-2041")
    a1 = _applicant(report_round["round"], 1)
    ApplicationFactory(applicant=a1, position=Position.objects.filter(round=later_round).get())
    rows = {g.key: g.applicants for g in queries.group_counts(
        later_round, "earlier_rounds", earlier_rounds_applied(later_round)
    )}  # fmt: skip
    # a1: 2039 and 2040, none declared; a4: 2040, two declared.
    assert rows == {2: 1, 3: 1}


def test_earlier_rounds_are_one_grouped_query(report_round) -> None:  # type: ignore[no-untyped-def]
    _earlier_history(report_round)
    round_ = report_round["round"]
    with CaptureQueriesContext(connection) as captured:
        rows = queries.group_counts(round_, "earlier_rounds", earlier_rounds_applied(round_))
    assert len(captured.captured_queries) == 1
    assert sorted((g.key, g.applicants) for g in rows) == [(0, 2), (1, 1), (2, 2), (3, 1), (6, 1)]


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


def _everything(report):  # type: ignore[no-untyped-def]
    return [(t.key, [r.cells for r in t.rows]) for t in report.tables()]


def test_closed_round_report_does_not_change_when_profiles_change(
    report_round, directorate_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = _past_answers(report_round["round"])
    with django_capture_on_commit_callbacks(execute=True):
        round_close(round_=round_, closed_by=directorate_user)
    round_.refresh_from_db()
    snapshot = ReportSnapshot.objects.get(round=round_)
    final = StoredReport.objects.get(round=round_)
    assert snapshot.format == FORMAT
    assert final.data_as_of == snapshot.data_as_of
    before = round_report_build(round_=round_, internal=True)
    assert before.data_as_of == snapshot.data_as_of

    # After the close: a1 says she is Swedish and had applied in 5 rounds before the system;
    # a3 turns out to have applied in the round before.
    a1, a3 = _applicant(round_, 1), _applicant(round_, 3)
    Applicant.objects.filter(pk=a1.pk).update(nationality="SE", rounds_before_system=5)
    ApplicationFactory(applicant=a3, position=Position.objects.get(round=report_round["previous"]))

    after = round_report_build(round_=round_, internal=True)
    assert _everything(after) == _everything(before)
    assert after.data_as_of == before.data_as_of
    assert after.table("by_nationality_country").cell("Norway", "applicants") == 4
    # Staff can still read today's data on purpose.
    live = round_report_build(round_=round_, internal=True, live=True)
    assert live.table("by_nationality_country").cell("Norway", "applicants") == 3
    assert live.table("by_earlier_rounds").cell("1", "applicants") == 2  # a2 and a3
    assert live.table("by_earlier_rounds").cell("5+", "applicants") == 2  # a1 and a5


def test_an_open_round_is_always_read_live(report_round) -> None:  # type: ignore[no-untyped-def]
    round_ = report_round["round"]
    data = queries.report_input(round_=round_)
    ReportSnapshot.objects.create(
        round=round_, format=FORMAT, data={"format": "garbage"}, data_as_of=data.data_as_of
    )
    # Not closed: the stray snapshot is not read (it would fail to load if it were).
    assert queries.report_input(round_=round_).counts == data.counts


def test_a_closed_round_without_a_snapshot_is_read_live(report_round) -> None:  # type: ignore[no-untyped-def]
    round_ = _past_answers(report_round["round"])
    Round.objects.filter(pk=round_.pk).update(closed_at=timezone.now())
    round_.refresh_from_db()
    before = queries.report_input(round_=round_)
    Applicant.objects.filter(pk=_applicant(round_, 1).pk).update(nationality="SE")
    after = queries.report_input(round_=round_)
    assert after.by_nationality != before.by_nationality
    assert not ReportSnapshot.objects.exists()


def test_command_builds_a_closed_round_from_its_snapshot_unless_live(
    report_round, directorate_user, django_capture_on_commit_callbacks, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    round_ = _past_answers(report_round["round"])
    with django_capture_on_commit_callbacks(execute=True):
        round_close(round_=round_, closed_by=directorate_user)
    Applicant.objects.filter(pk=_applicant(round_, 1).pk).update(nationality="SE")

    def norwegians(*extra: str) -> object:
        out = tmp_path / f"report{len(extra)}.json"
        call_command(
            "round_report", "--round", round_.slug, "--format", "json", "--output", str(out),
            "--internal", *extra,
        )  # fmt: skip
        tables = [t for s in json.loads(out.read_bytes())["sections"] for t in s["tables"]]
        table = next(t for t in tables if t["key"] == "by_nationality_country")
        return next(r["cells"][1] for r in table["rows"] if r["cells"][0] == "Norway")

    assert norwegians() == 4
    assert norwegians("--live") == 3
