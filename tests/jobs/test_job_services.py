"""The job lifecycle (lis1.jobs.services) on real job rows: the claim, the fenced success,
failures recorded instead of raised, the sweep that fails dead jobs and re-sends lost ones,
and the heartbeat thread."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone, translation

from lis1.jobs import services
from lis1.jobs.models import JobStatus
from lis1.jobs.services import (
    RESEND_LIMIT,
    JobLost,
    job_claim,
    job_fail,
    job_progress,
    job_requeue,
    job_run,
    job_stalled,
    job_succeed,
    job_waiting_for_worker,
    jobs_sweep,
)
from lis1.notifications.models import EmailBatch
from lis1.rounds.models import MatchRun
from lis1.rounds.services.matching import MatchRunError, match_run_create

_keys = itertools.count(1)

EMAIL_BATCH_TASK = "lis1.notifications.tasks.email_batch_task"


def _batch(**fields: object) -> EmailBatch:
    """A queued e-mail batch (a real job model with no work of its own in these tests)."""
    n = next(_keys)
    return EmailBatch.objects.create(key=f"test:{n}", description=f"Test batch {n}", **fields)


def _seconds(seconds: float) -> dt.timedelta:
    return dt.timedelta(seconds=seconds)


def _resend_gap() -> dt.timedelta:
    """How long a queued job waits before the sweep sends it again, plus a second."""
    return _seconds(max(services.no_worker_seconds(), 60) + 1)


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    """Poll until `condition()` is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


# The claim ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_claim_takes_a_queued_job_once() -> None:
    batch = _batch()
    claimed = job_claim(EmailBatch, batch.pk)
    assert claimed is not None
    assert claimed.status == JobStatus.RUNNING
    assert claimed.attempt == 1
    assert claimed.started_at is not None
    assert claimed.heartbeat_at == claimed.started_at

    assert job_claim(EmailBatch, batch.pk) is None
    batch.refresh_from_db()
    assert (batch.status, batch.attempt) == (JobStatus.RUNNING, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED])
def test_claim_refuses_a_job_that_is_not_queued(status: str) -> None:
    batch = _batch(status=status, attempt=4)
    assert job_claim(EmailBatch, batch.pk) is None
    batch.refresh_from_db()
    assert (batch.status, batch.attempt, batch.started_at) == (status, 4, None)


@pytest.mark.django_db
def test_claim_of_a_missing_job_returns_none() -> None:
    assert job_claim(EmailBatch, 987654) is None


@pytest.mark.django_db(transaction=True)
def test_claim_by_concurrent_workers_gives_the_job_to_one() -> None:
    """A re-delivered message picked up by several workers at once runs the job once."""
    workers = 6
    for _ in range(3):
        batch = _batch()
        barrier = threading.Barrier(workers)

        def claim(pk: int = batch.pk, barrier: threading.Barrier = barrier) -> bool:
            try:
                barrier.wait(timeout=10)
                return job_claim(EmailBatch, pk) is not None
            finally:
                connections.close_all()  # this thread's connection

        with ThreadPoolExecutor(workers) as pool:
            results = [f.result(timeout=30) for f in [pool.submit(claim) for _ in range(workers)]]
        assert results.count(True) == 1
        batch.refresh_from_db()
        assert (batch.status, batch.attempt) == (JobStatus.RUNNING, 1)


# The fenced success ------------------------------------------------------------------------


@pytest.mark.django_db
def test_succeed_writes_the_result_while_the_job_is_ours() -> None:
    job = job_claim(EmailBatch, _batch().pk)
    assert job is not None
    with transaction.atomic():
        job_succeed(job, description="Written")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.description == "Written"
    assert job.finished_at is not None


@pytest.mark.django_db
def test_succeed_raises_job_lost_and_writes_nothing_when_the_job_was_failed() -> None:
    job = job_claim(EmailBatch, _batch().pk)
    assert job is not None
    # Meanwhile the sweep presumed the worker dead.
    assert job_fail(job, "presumed dead")
    failed = EmailBatch.objects.get(pk=job.pk)

    with pytest.raises(JobLost), transaction.atomic():
        side_effect = _batch()  # the work's other writes, in the same transaction
        job_succeed(job, description="Late result")

    row = EmailBatch.objects.get(pk=job.pk)
    assert row.status == JobStatus.FAILED
    assert row.error == "presumed dead"
    assert row.description == failed.description
    assert row.finished_at == failed.finished_at
    assert not EmailBatch.objects.filter(pk=side_effect.pk).exists()


@pytest.mark.django_db
def test_succeed_raises_job_lost_when_the_job_was_claimed_again(
    sent, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    first = job_claim(EmailBatch, _batch().pk)
    assert first is not None
    assert job_fail(first, "presumed dead")
    with django_capture_on_commit_callbacks(execute=True):
        assert job_requeue(first)
    assert sent == [(EMAIL_BATCH_TASK, {"batch_id": first.pk})]
    second = job_claim(EmailBatch, first.pk)
    assert second is not None
    assert second.attempt == first.attempt + 1

    # The first worker comes back: none of its writes reach the second attempt.
    with pytest.raises(JobLost), transaction.atomic():
        job_succeed(first, description="Result of attempt 1")
    assert not job_fail(first, "attempt 1 gave up")
    job_progress(first, done=99, total=100)

    row = EmailBatch.objects.get(pk=first.pk)
    assert (row.status, row.attempt, row.error) == (JobStatus.RUNNING, second.attempt, "")
    assert row.description != "Result of attempt 1"
    assert row.progress_done is None

    job_progress(second, done=1, total=2)
    with transaction.atomic():
        job_succeed(second, description="Result of attempt 2")
    row.refresh_from_db()
    assert (row.status, row.description, row.progress_done) == (
        JobStatus.SUCCEEDED,
        "Result of attempt 2",
        1,
    )


# job_run -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_marks_the_job_succeeded_when_the_work_succeeds() -> None:
    seen: list[int] = []

    def work(job: EmailBatch) -> None:
        seen.append(job.attempt)
        with transaction.atomic():
            job_succeed(job, description="Done")

    done = job_run(EmailBatch, _batch().pk, work)
    assert done is not None
    assert (done.status, done.description, done.error) == (JobStatus.SUCCEEDED, "Done", "")
    assert seen == [1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "message"),
    [(ValueError("the engine broke"), "the engine broke"), (RuntimeError(), "RuntimeError")],
)
def test_run_records_the_failure_instead_of_raising(error: Exception, message: str) -> None:
    def work(job: EmailBatch) -> None:
        raise error

    done = job_run(EmailBatch, _batch().pk, work)
    assert done is not None
    assert done.status == JobStatus.FAILED
    assert done.error == message
    assert done.finished_at is not None


@pytest.mark.django_db
def test_run_drops_the_result_of_a_job_failed_while_it_ran(english) -> None:  # type: ignore[no-untyped-def]
    """A worker presumed dead that comes back never overwrites the sweep's failure."""

    def work(job: EmailBatch) -> None:
        later = timezone.now() + _seconds(services.stale_seconds() + 1)
        assert jobs_sweep(now=later)["failed_stale"] == 1
        with transaction.atomic():
            _batch(description="Written by the lost worker")
            job_succeed(job, description="Late result")

    batch = _batch()
    done = job_run(EmailBatch, batch.pk, work)
    assert done is not None
    assert done.status == JobStatus.FAILED
    assert "stopped responding" in done.error
    assert done.description == batch.description
    assert not EmailBatch.objects.filter(description="Written by the lost worker").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED])
def test_run_of_a_job_that_is_not_queued_does_not_run_the_work(status: str) -> None:
    batch = _batch(status=status)
    calls: list[EmailBatch] = []
    done = job_run(EmailBatch, batch.pk, calls.append)
    assert calls == []
    assert done is not None
    assert (done.pk, done.status, done.attempt) == (batch.pk, status, 0)


@pytest.mark.django_db
def test_run_of_a_missing_job_returns_none() -> None:
    calls: list[EmailBatch] = []
    assert job_run(EmailBatch, 987654, calls.append) is None
    assert calls == []


# The sweep: running jobs -------------------------------------------------------------------


@pytest.mark.django_db
def test_sweep_fails_a_running_job_whose_heartbeat_stopped(english, sent) -> None:  # type: ignore[no-untyped-def]
    job = job_claim(EmailBatch, _batch().pk)
    assert job is not None
    later = job.heartbeat_at + _seconds(services.stale_seconds() + 1)

    done = jobs_sweep(now=later)

    assert done == {"failed_stale": 1, "failed_too_long": 0, "resent": 0, "failed_unclaimed": 0}
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.finished_at == later
    assert job.error.startswith("The worker running this job stopped responding (last sign of")
    assert "Nothing it was writing was kept" in job.error
    assert sent == []


@pytest.mark.django_db
def test_sweep_fails_a_job_that_runs_too_long_although_it_beats(english, sent) -> None:  # type: ignore[no-untyped-def]
    job = job_claim(EmailBatch, _batch().pk)
    assert job is not None
    later = job.started_at + _seconds(services.max_running_seconds() + 1)
    EmailBatch.objects.filter(pk=job.pk).update(heartbeat_at=later)  # still beating

    done = jobs_sweep(now=later)

    assert done == {"failed_stale": 0, "failed_too_long": 1, "resent": 0, "failed_unclaimed": 0}
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The job ran longer than 3 hours and was stopped")
    # Its worker, if it ever finishes, finds the job no longer its own.
    with pytest.raises(JobLost):
        job_succeed(job)


@pytest.mark.django_db
def test_sweep_leaves_a_running_job_with_a_fresh_heartbeat_alone(sent) -> None:  # type: ignore[no-untyped-def]
    job = job_claim(EmailBatch, _batch().pk)
    assert job is not None
    soon = job.heartbeat_at + _seconds(services.stale_seconds() - 1)

    assert jobs_sweep(now=soon) == {
        "failed_stale": 0,
        "failed_too_long": 0,
        "resent": 0,
        "failed_unclaimed": 0,
    }
    job.refresh_from_db()
    assert (job.status, job.error, job.finished_at) == (JobStatus.RUNNING, "", None)

    # A heartbeat keeps it alive past the first beat's staleness.
    beat = job.heartbeat_at + _seconds(services.stale_seconds())
    EmailBatch.objects.filter(pk=job.pk).update(heartbeat_at=beat)
    assert jobs_sweep(now=beat + _seconds(1))["failed_stale"] == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert sent == []


@pytest.mark.django_db
def test_sweep_frees_the_round_of_a_match_run_whose_worker_died(small_round, english) -> None:  # type: ignore[no-untyped-def]
    round_ = small_round["round"]
    run = match_run_create(round_=round_, seed=3)
    assert job_claim(MatchRun, run.pk) is not None
    with pytest.raises(MatchRunError) as refused:
        match_run_create(round_=round_, seed=4)
    assert refused.value.rule == "match_run_active"

    assert jobs_sweep(now=timezone.now() + _seconds(services.stale_seconds() + 1)) == {
        "failed_stale": 1,
        "failed_too_long": 0,
        "resent": 0,
        "failed_unclaimed": 0,
    }
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED
    assert "stopped responding" in run.error
    assert match_run_create(round_=round_, seed=4).status == JobStatus.QUEUED


# The sweep: queued jobs --------------------------------------------------------------------


@pytest.mark.django_db
def test_sweep_resends_a_queued_job_no_worker_took_then_fails_it(english, sent) -> None:  # type: ignore[no-untyped-def]
    batch = _batch()
    moment = timezone.now()
    assert jobs_sweep(now=moment)["resent"] == 0  # just requested: not lost yet
    assert sent == []

    for count in range(1, RESEND_LIMIT + 1):
        done = jobs_sweep(now=moment + count * _resend_gap())
        assert done == {"failed_stale": 0, "failed_too_long": 0, "resent": 1, "failed_unclaimed": 0}
        batch.refresh_from_db()
        assert (batch.status, batch.enqueue_count) == (JobStatus.QUEUED, count)
        assert batch.enqueued_at is not None
        assert len(sent) == count
        # Just sent (enqueued_at is the real clock's): not sent again at once.
        assert jobs_sweep()["resent"] == 0
    assert sent == [(EMAIL_BATCH_TASK, {"batch_id": batch.pk})] * RESEND_LIMIT

    # Nothing has a fresh heartbeat anywhere: no worker is processing jobs.
    last = moment + (RESEND_LIMIT + 1) * _resend_gap()
    assert jobs_sweep(now=last) == {
        "failed_stale": 0,
        "failed_too_long": 0,
        "resent": 0,
        "failed_unclaimed": 1,
    }
    batch.refresh_from_db()
    assert batch.status == JobStatus.FAILED
    assert batch.finished_at == last
    assert batch.error.startswith(f"No worker took this job after it was sent {RESEND_LIMIT}")
    assert "no worker is processing jobs" in batch.error
    assert len(sent) == RESEND_LIMIT


@pytest.mark.django_db
def test_sweep_keeps_a_queued_job_waiting_while_another_job_runs(english, sent) -> None:  # type: ignore[no-untyped-def]
    """A busy worker (another job beating) means the queued job waits its turn."""
    waiting = _batch()
    EmailBatch.objects.filter(pk=waiting.pk).update(
        enqueue_count=RESEND_LIMIT,
        enqueued_at=timezone.now() - 10 * _resend_gap(),
        created_at=timezone.now() - 12 * _resend_gap(),
    )
    busy = job_claim(EmailBatch, _batch().pk)
    assert busy is not None

    assert jobs_sweep(now=busy.heartbeat_at) == {
        "failed_stale": 0,
        "failed_too_long": 0,
        "resent": 0,
        "failed_unclaimed": 0,
    }
    waiting.refresh_from_db()
    assert (waiting.status, waiting.enqueue_count) == (JobStatus.QUEUED, RESEND_LIMIT)
    assert sent == []

    # Once that heartbeat stops too, nothing runs: both are failed.
    later = busy.heartbeat_at + _seconds(services.stale_seconds() + 1)
    assert jobs_sweep(now=later) == {
        "failed_stale": 1,
        "failed_too_long": 0,
        "resent": 0,
        "failed_unclaimed": 1,
    }
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.FAILED
    assert "no worker is processing jobs" in waiting.error


@pytest.mark.django_db
def test_sweep_resends_a_lost_job_while_another_job_runs(sent) -> None:  # type: ignore[no-untyped-def]
    """Below the limit a lost message is sent again whether or not a worker is busy."""
    lost = _batch()
    EmailBatch.objects.filter(pk=lost.pk).update(
        enqueue_count=1, enqueued_at=timezone.now() - 2 * _resend_gap()
    )
    busy = job_claim(EmailBatch, _batch().pk)
    assert busy is not None

    assert jobs_sweep(now=busy.heartbeat_at)["resent"] == 1
    lost.refresh_from_db()
    assert (lost.status, lost.enqueue_count) == (JobStatus.QUEUED, 2)
    assert sent == [(EMAIL_BATCH_TASK, {"batch_id": lost.pk})]


@pytest.mark.django_db
def test_sweep_keeps_a_job_queued_when_the_broker_is_down(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    class BrokerDown:
        def apply_async(self, **kwargs: object) -> None:
            raise ConnectionError("broker unreachable")

    monkeypatch.setattr(services, "_task", lambda name: BrokerDown())
    batch = _batch()
    done = jobs_sweep(now=timezone.now() + _resend_gap())
    assert done == {"failed_stale": 0, "failed_too_long": 0, "resent": 0, "failed_unclaimed": 0}
    batch.refresh_from_db()
    assert batch.status == JobStatus.QUEUED


# What the progress pages show --------------------------------------------------------------


@pytest.mark.django_db
def test_waiting_for_worker_when_a_queued_job_is_not_taken() -> None:
    batch = _batch()
    sent_at = timezone.now()
    EmailBatch.objects.filter(pk=batch.pk).update(enqueued_at=sent_at)
    batch.refresh_from_db()
    wait = services.no_worker_seconds()

    assert not job_waiting_for_worker(batch, now=sent_at + _seconds(wait - 1))
    assert job_waiting_for_worker(batch, now=sent_at + _seconds(wait + 1))
    # Never sent (enqueued_at empty): measured from the request.
    never_sent = _batch()
    assert job_waiting_for_worker(never_sent, now=never_sent.created_at + _seconds(wait + 1))
    assert not job_waiting_for_worker(never_sent, now=never_sent.created_at)

    running = job_claim(EmailBatch, batch.pk)
    assert running is not None
    assert not job_waiting_for_worker(running, now=sent_at + _seconds(wait + 1))


@pytest.mark.django_db
def test_stalled_when_a_running_job_misses_three_heartbeats() -> None:
    job = job_claim(EmailBatch, _batch().pk)
    assert job is not None
    late = 3 * services.heartbeat_seconds()

    assert not job_stalled(job, now=job.heartbeat_at + _seconds(late - 1))
    assert job_stalled(job, now=job.heartbeat_at + _seconds(late + 1))

    queued = _batch()
    assert not job_stalled(queued, now=timezone.now() + _seconds(late + 1))
    with transaction.atomic():
        job_succeed(job)
    job.refresh_from_db()
    assert not job_stalled(job, now=job.heartbeat_at + _seconds(late + 1))


# The heartbeat thread ----------------------------------------------------------------------


def _heartbeat_backends() -> list[int]:
    """Other backends of this database whose last statement was a heartbeat."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND query LIKE 'UPDATE %%SET \"heartbeat_at\"%%'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def _beat_after(pk: int, moment: dt.datetime) -> dt.datetime | None:
    """The job's heartbeat if it is later than `moment` (read on this test's connection)."""
    value = EmailBatch.objects.values_list("heartbeat_at", flat=True).get(pk=pk)
    return value if value is not None and value > moment else None


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
def test_heartbeat_beats_during_a_long_job_and_closes_its_connection(settings) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("watches the heartbeat's backend in pg_stat_activity (PostgreSQL)")
    settings.LIS1_JOB_HEARTBEAT_SECONDS = 1
    seen: dict[str, object] = {}

    def work(job: EmailBatch) -> None:
        # A long computation: the work itself never touches the row while it "computes".
        first = _wait_for(
            lambda: _beat_after(job.pk, job.started_at), timeout=15, what="the first heartbeat"
        )
        second = _wait_for(
            lambda: _beat_after(job.pk, first), timeout=15, what="a second heartbeat"
        )
        seen["beats"] = (job.started_at, first, second)
        seen["backends"] = _heartbeat_backends()
        with transaction.atomic():
            job_succeed(job)

    batch = _batch()
    # No garbage collection meanwhile: only an explicit close ends the thread's connection.
    gc.disable()
    try:
        done = job_run(EmailBatch, batch.pk, work)
        assert done is not None
        assert done.status == JobStatus.SUCCEEDED
        started, first, second = seen["beats"]  # type: ignore[misc]
        assert started < first < second
        backends = seen["backends"]
        assert len(backends) == 1, f"expected one heartbeat connection, saw {backends}"
        _wait_for(
            lambda: not _backend_alive(backends[0]),
            timeout=10,
            what=f"the heartbeat's database connection (backend {backends[0]}) to close",
        )
    finally:
        gc.enable()


@pytest.mark.django_db(transaction=True)
def test_heartbeat_survives_a_dropped_database_connection(settings) -> None:  # type: ignore[no-untyped-def]
    """A database restart or failover under a long job must not silence its heartbeat for
    good: the sweep would then fail a worker that is still computing and drop its result."""
    if connection.vendor != "postgresql":
        pytest.skip("ends the heartbeat's backend with pg_terminate_backend (PostgreSQL)")
    settings.LIS1_JOB_HEARTBEAT_SECONDS = 1
    seen: dict[str, object] = {}

    def work(job: EmailBatch) -> None:
        _wait_for(lambda: _beat_after(job.pk, job.started_at), timeout=15, what="a heartbeat")
        (dropped,) = _heartbeat_backends()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [dropped])
        _wait_for(lambda: not _backend_alive(dropped), timeout=10, what="the backend to end")
        after = timezone.now()
        _wait_for(
            lambda: _beat_after(job.pk, after),
            timeout=15,
            what="a heartbeat on a new connection after the old one was dropped",
        )
        seen["backends"] = (dropped, _heartbeat_backends())
        with transaction.atomic():
            job_succeed(job)

    done = job_run(EmailBatch, _batch().pk, work)
    assert done is not None
    assert done.status == JobStatus.SUCCEEDED, done.error
    dropped, now_beating = seen["backends"]  # type: ignore[misc]
    assert dropped not in now_beating
