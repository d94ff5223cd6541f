"""The match run in the application: instance from the database, placements in one
transaction, reproducible, verifiable, published, and matched again in the follow-up."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from lis1.jobs.models import JobStatus
from lis1.rounds.enums import (
    AuthorisationStatus,
    CoupleStatus,
    MatchRunKind,
    PlacementStatus,
    PositionKind,
)
from lis1.rounds.models import (
    ApplicantRanking,
    Couple,
    CouplePreference,
    MatchRun,
    Placement,
)
from lis1.rounds.services import matching as service
from lis1.rounds.services.rounds import round_follow_up_open
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    PositionFactory,
    RoundFactory,
    matching_round,
    pass_answer_deadline,
)
from tests.factories import (
    employer_list as _employer_list,
)
from tests.factories import (
    rank_positions as _rank,
)

pytestmark = pytest.mark.django_db


def _run(round_, seed=7, kind=MatchRunKind.MAIN):  # type: ignore[no-untyped-def]
    run = service.match_run_create(round_=round_, kind=kind, seed=seed)
    return service.round_run_match(match_run=run)


def _publish(run, **kwargs):  # type: ignore[no-untyped-def]
    """Verify, then publish (the test rounds have no submitted rankings: confirm it)."""
    assert service.match_run_verify(match_run=run) == []
    return service.match_run_publish(
        match_run=run, confirm=True, reason="test rankings are not submitted", **kwargs
    )


def _placements(run):  # type: ignore[no-untyped-def]
    return {(p.applicant_id, p.position_id, p.choice_rank) for p in run.placements.all()}


def test_match_run_places_the_applicant_optimal_stable_matching(small_round) -> None:  # type: ignore[no-untyped-def]
    s = small_round
    run = _run(s["round"])
    assert run.status == JobStatus.SUCCEEDED
    assert run.stable is True
    assert _placements(run) == {(s["b"].pk, s["p1"].pk, 1), (s["a"].pk, s["p2"].pk, 2)}
    assert run.statistics["matched"] == 2
    assert run.statistics["unmatched"] == 1
    assert run.statistics["choice_histogram"] == {"1": 1, "2": 1}
    trust = s["p1"].employer.name
    assert run.statistics["by_trust"][trust] == {"seats": 1, "placed": 1, "unfilled": 0}


def test_match_run_stores_instance_hash_seed_and_engine(small_round) -> None:  # type: ignore[no-untyped-def]
    run = _run(small_round["round"], seed=12345)
    assert hashlib.sha256(run.instance_json.encode()).hexdigest() == run.input_sha256
    document = json.loads(run.instance_json)
    assert document["seed"] == 12345
    assert run.seed == 12345
    assert run.engine_version.startswith("lis1-matching/")
    assert json.loads(run.result_json)["input_sha256"] == run.input_sha256


def test_same_input_and_seed_reproduce_identical_placements(small_round) -> None:  # type: ignore[no-untyped-def]
    first = _run(small_round["round"], seed=3)
    second = _run(small_round["round"], seed=3)
    assert first.input_sha256 == second.input_sha256
    assert first.result_json == second.result_json
    assert _placements(first) == _placements(second)


def test_instance_keeps_only_complete_eligible_applications() -> None:
    round_ = RoundFactory()
    full = PositionFactory(round=round_, seats=1)
    hospital_only = PositionFactory(
        round=round_, seats=1, kind=PositionKind.HOSPITAL_ONLY, municipality=None
    )
    withdrawn = PositionFactory(round=round_, seats=1)
    eligible = ApplicantFactory()
    unauthorised = ApplicantFactory(authorisation=AuthorisationStatus.NONE)
    needs_hospital = ApplicantFactory(prior_municipal_months=6)
    _rank(round_, eligible, full, hospital_only, withdrawn)
    eligible.applications.filter(position=withdrawn).update(
        status="withdrawn", withdrawn_at=timezone.now()
    )
    _rank(round_, unauthorised, full)
    _rank(round_, needs_hospital, full, hospital_only)
    for position in (full, hospital_only, withdrawn):
        _employer_list(position, eligible, unauthorised, needs_hospital)

    document = service.match_instance_build(round_=round_, kind=MatchRunKind.MAIN, seed=1)

    lists = {a["id"]: a["ranking"] for a in document["applicants"]}
    assert lists == {
        f"A{eligible.pk}": [f"P{full.pk}"],
        f"A{needs_hospital.pk}": [f"P{hospital_only.pk}"],
    }
    programs = {p["id"]: p["ranking"] for p in document["programs"]}
    assert programs[f"P{full.pk}"] == [f"A{eligible.pk}"]
    assert programs[f"P{hospital_only.pk}"] == [f"A{needs_hospital.pk}"]
    assert programs[f"P{withdrawn.pk}"] == []


def test_couples_are_matched_as_couples_only() -> None:
    round_ = matching_round()
    p1, p2 = PositionFactory(round=round_, seats=1), PositionFactory(round=round_, seats=1)
    first, second = ApplicantFactory(), ApplicantFactory()
    for applicant in (first, second):
        for position in (p1, p2):
            ApplicationFactory(applicant=applicant, position=position)
    # A stray single list of a couple member must not make it a single as well.
    ApplicantRanking.objects.create(round=round_, applicant=first, position=p1, rank=1)
    couple = Couple.objects.create(
        round=round_,
        first=first,
        second=second,
        status=CoupleStatus.ACCEPTED,
        accepted_at=timezone.now(),
    )
    CouplePreference.objects.create(couple=couple, rank=1, first_position=p1, second_position=p2)
    _employer_list(p1, first, second)
    _employer_list(p2, second, first)

    run = _run(round_)

    document = json.loads(run.instance_json)
    assert document["applicants"] == []
    assert document["couples"] == [
        {
            "id": f"C{couple.pk}",
            "members": [f"A{first.pk}", f"A{second.pk}"],
            "ranking": [[f"P{p1.pk}", f"P{p2.pk}"]],
        }
    ]
    assert _placements(run) == {(first.pk, p1.pk, 1), (second.pk, p2.pk, 1)}
    assert run.statistics["couples_placed_together"] == 1


def test_crash_leaves_failed_run_without_placements(small_round, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def explode(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    # Fault injection after the placements are written, inside the transaction.
    monkeypatch.setattr(service, "match_statistics", explode)
    run = service.match_run_create(round_=small_round["round"], seed=1)
    service.round_run_match(match_run=run)  # the job records the failure, not the worker
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED
    assert run.error == "disk full"
    assert Placement.objects.count() == 0
    assert run.result_json == ""


def test_verify_passes_and_detects_tampering(small_round) -> None:  # type: ignore[no-untyped-def]
    run = _run(small_round["round"])
    assert service.match_run_verify(match_run=run) == []
    run.refresh_from_db()
    assert run.verified_ok is True
    placement = run.placements.get(applicant=small_round["a"])
    placement.applicant = small_round["c"]
    placement.save()
    with translation.override("en"):
        problems = service.match_run_verify(match_run=run)
    assert problems == ["The placements in the database differ from the stored result."]
    run.refresh_from_db()
    assert run.verified_ok is False


def test_publish_once_and_round_phase(small_round) -> None:  # type: ignore[no-untyped-def]
    run = _run(small_round["round"])
    _publish(run)
    run.refresh_from_db()
    assert run.published_at is not None
    small_round["round"].refresh_from_db()
    assert small_round["round"].published_at == run.published_at
    with pytest.raises(service.MatchRunError) as refused:
        service.match_run_publish(match_run=run)
    assert refused.value.rule == "already_published"
    with pytest.raises(service.MatchRunError) as refused:
        service.match_run_create(round_=small_round["round"], seed=2)
    assert refused.value.rule == "results_published"


def test_main_run_refused_before_the_ranking_deadline() -> None:
    round_ = RoundFactory(
        applications_close=timezone.now() - dt.timedelta(days=1),
        ranking_deadline=timezone.now() + dt.timedelta(days=2),
    )
    with pytest.raises(service.MatchRunError) as refused:
        service.match_run_create(round_=round_, seed=1)
    assert refused.value.rule == "ranking_deadline_not_passed"
    assert not MatchRun.objects.exists()


def test_follow_up_fills_declined_seat_from_the_same_lists(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    s = small_round
    main = _run(s["round"])
    _publish(main)
    # a turns P2 down and b accepts P1; the answer deadline passes.
    main.placements.filter(applicant=s["a"]).update(
        status=PlacementStatus.DECLINED, answered_at=timezone.now()
    )
    main.placements.filter(applicant=s["b"]).update(
        status=PlacementStatus.ACCEPTED, answered_at=timezone.now()
    )
    round_ = pass_answer_deadline(s["round"])
    round_follow_up_open(round_=round_, opened_by=directorate_user)

    follow_up = _run(round_, kind=MatchRunKind.FOLLOW_UP)

    document = json.loads(follow_up.instance_json)
    assert {p["id"]: p["capacity"] for p in document["programs"]} == {
        f"P{s['p1'].pk}": 0,
        f"P{s['p2'].pk}": 1,
    }
    assert [a["id"] for a in document["applicants"]] == [f"A{s['c'].pk}"]
    assert _placements(follow_up) == {(s["c"].pk, s["p2"].pk, 1)}
    assert follow_up.kind == MatchRunKind.FOLLOW_UP


def test_follow_up_refused_without_published_main(small_round) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(service.MatchRunError) as refused:
        service.match_run_create(round_=small_round["round"], kind=MatchRunKind.FOLLOW_UP, seed=1)
    assert refused.value.rule == "follow_up_not_open"


def test_start_runs_the_task_after_commit(small_round, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        run = service.match_run_start(round_=small_round["round"], seed=5)
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED
    assert run.placements.count() == 2


def test_run_match_command(small_round, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command(
        "run_match",
        "--round",
        small_round["round"].slug,
        "--seed",
        "9",
        "--publish",
        "--reason",
        "test rankings are not submitted",
    )
    out = capsys.readouterr().out
    assert "2 placed, 1 unplaced" in out
    assert "Verified and published." in out
    assert MatchRun.objects.get().published_at is not None


def test_run_match_command_unknown_round() -> None:
    with pytest.raises(CommandError, match="No round with slug 'nope'"):
        call_command("run_match", "--round", "nope")


def test_publish_sends_each_applicant_the_result_once(
    small_round, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from lis1.notifications.models import EmailBatch, Outbox
    from lis1.notifications.tasks import email_batch_task

    run = _run(small_round["round"])
    with django_capture_on_commit_callbacks(execute=True):
        _publish(run)
    recipients = sorted(Outbox.objects.values_list("to", flat=True))
    expected = sorted(small_round[k].user.email for k in ("a", "b", "c"))
    assert recipients == expected
    batch = EmailBatch.objects.get(key=f"results:{run.pk}")
    assert (batch.status, batch.progress_done, batch.progress_total) == (JobStatus.SUCCEEDED, 3, 3)
    email_batch_task(batch_id=batch.pk)  # a re-delivered task adds nothing
    EmailBatch.objects.filter(pk=batch.pk).update(status=JobStatus.QUEUED)
    email_batch_task(batch_id=batch.pk)  # nor does writing the batch again
    assert Outbox.objects.count() == 3
