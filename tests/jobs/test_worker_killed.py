"""A real Celery worker killed with SIGKILL in the middle of a match run's write transaction
leaves no placements; the sweep fails the run once its heartbeat is stale, and running it
again gives the byte-identical result of an undisturbed run.

The worker is made to stop at a known point, inside its write transaction, by a lock this
test holds on the placements table: the run is running, its INSERT waits on the lock, and
then the worker process is killed. No sleeps decide anything; every wait is bounded."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import psycopg2
import pytest
from celery import Celery
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from lis1.jobs.models import JobStatus
from lis1.jobs.services import jobs_sweep, stale_seconds
from lis1.rounds.models import MatchRun, Placement
from lis1.rounds.services.matching import match_run_create, match_run_rerun, round_run_match
from tests import factories

PlacementEvent = apps.get_model("rounds", "PlacementEvent")

#: The worker's broker: a Redis database of its own (not the suite's eager one).
WORKER_BROKER_URL = os.environ.get("LIS1_TEST_WORKER_BROKER_URL", "redis://127.0.0.1:6379/7")
MATCH_RUN_TASK = "lis1.rounds.tasks.match_run_task"
#: The worker's database connections carry this name, so the test can tell them apart.
WORKER_APPLICATION_NAME = "lis1-test-killed-worker"
SEED = 20260417
WORKER_START_SECONDS = 90  # importing Django and the apps on a loaded machine
WAIT_SECONDS = 30


def _wait_for(
    condition: Callable[[], Any], *, timeout: float, what: str, log: Path | None = None
) -> Any:
    """Poll until `condition()` is truthy; fail with `what` (and the worker's log)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}" + _tail(log))
        time.sleep(0.1)


def _poll(condition: Callable[[], Any], *, timeout: float) -> bool:
    """Like _wait_for, but say whether it happened instead of failing (for clean-up)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _tail(log: Path | None, lines: int = 40) -> str:
    if log is None or not log.exists():
        return ""
    text = log.read_text(errors="replace").splitlines()[-lines:]
    return "\n--- worker log (last lines) ---\n" + "\n".join(text)


def _test_database_url() -> str:
    """DATABASE_URL of the test database pytest-django created (test_<name>), with the
    worker's connections named."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "localhost"
    port = f":{s['PORT']}" if s["PORT"] else ""
    options = {k: v for k, v in (s.get("OPTIONS") or {}).items() if isinstance(v, str)}
    query = urlencode({**options, "application_name": WORKER_APPLICATION_NAME})
    return f"postgres://{auth}@{host}{port}/{quote(s['NAME'])}" + (f"?{query}" if query else "")


def _psycopg2_connect():  # type: ignore[no-untyped-def]
    s = connection.settings_dict
    return psycopg2.connect(
        dbname=s["NAME"],
        user=s["USER"] or None,
        password=s["PASSWORD"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        connect_timeout=10,
    )


def _rows(sql: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _worker_backends() -> set[int]:
    """The worker's backends (its task's connection and its heartbeat thread's)."""
    return {
        pid
        for (pid,) in _rows(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s",
            [WORKER_APPLICATION_NAME],
        )
    }


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    queue: str
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None


def _redis_or_skip(url: str):  # type: ignore[no-untyped-def]
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"the worker's Redis broker {url} is unreachable: {error}")
    return client


def _forget_queue(client, queue: str) -> None:  # type: ignore[no-untyped-def]
    """Remove what this test left in the broker: its queue and the killed worker's
    unacknowledged message (kombu would restore it to the queue after the visibility
    timeout, where nobody listens)."""
    import json

    for key in client.scan_iter(match=f"{queue}*"):
        client.delete(key)
    client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.zrem("_kombu.binding_deadlines", queue)
    for tag, payload in client.hgetall("unacked").items():
        try:
            _, exchange, routing_key = json.loads(payload)
        except (ValueError, TypeError):
            continue
        if queue in (exchange, routing_key):
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    """A real `celery -A lis1.celery worker` (solo pool, one process: the task runs in the
    process this test kills) on the test database and a queue of its own."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs the test database on a server (PostgreSQL)")
    client = _redis_or_skip(WORKER_BROKER_URL)
    queue = f"lis1-test-killed-worker-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lis1.settings",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": WORKER_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LIS1_JOB_HEARTBEAT_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "lis1.celery",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        f"--queues={queue}",
        f"--hostname={queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield Worker(process, queue, log)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        _forget_queue(client, queue)
        client.close()


def _send_to_worker(worker: Worker, run: MatchRun) -> None:
    """What `job_enqueue` does, through the worker's broker: the test process runs its own
    tasks eagerly, so it sends with an app of its own (not made the current app)."""
    sender = Celery("lis1-test-sender", set_as_current=False)
    sender.conf.update(task_serializer="json", accept_content=["json"])
    # An explicit connection: Celery prefers the CELERY_BROKER_URL environment variable (the
    # suite's own broker) to a broker given to the app.
    try:
        with sender.connection_for_write(WORKER_BROKER_URL) as broker:
            sender.send_task(
                MATCH_RUN_TASK,
                kwargs={"match_run_id": run.pk},
                queue=worker.queue,
                connection=broker,
            )
    finally:
        sender.close()


def _generated_round(rng: random.Random):  # type: ignore[no-untyped-def]
    """A round of 8 positions (2 seats each) and 30 applicants with random lists on both
    sides: enough that the result is not trivial, small enough to build in a second or two."""
    round_ = factories.matching_round()
    positions = [factories.PositionFactory(round=round_, seats=2) for _ in range(8)]
    applied: dict[int, list[Any]] = {p.pk: [] for p in positions}
    for _ in range(30):
        applicant = factories.ApplicantFactory()
        choices = rng.sample(positions, rng.randint(1, 5))
        factories.rank_positions(round_, applicant, *choices)
        for position in choices:
            applied[position.pk].append(applicant)
    for position in positions:
        applicants = applied[position.pk]
        rng.shuffle(applicants)
        factories.employer_list(position, *applicants[: max(1, len(applicants) - 1)])
    return round_


def _placements(run: MatchRun) -> set[tuple[int, int, int | None]]:
    return set(run.placements.values_list("applicant_id", "position_id", "choice_rank"))


@pytest.mark.django_db(transaction=True)
def test_match_run_worker_killed_during_its_write_leaves_no_placements(worker: Worker) -> None:
    round_ = _generated_round(random.Random(SEED))

    # The control: the same run, undisturbed, in this process.
    control = round_run_match(match_run=match_run_create(round_=round_, seed=SEED))
    control.refresh_from_db()
    assert control.status == JobStatus.SUCCEEDED, control.error
    expected = _placements(control)
    assert len(expected) >= 8  # a real result, not an empty one

    run = match_run_create(round_=round_, seed=SEED)
    audit_events = PlacementEvent.objects.count()
    lock = _psycopg2_connect()
    lock_pid = lock.get_backend_pid()
    try:
        with lock.cursor() as cursor:
            cursor.execute("SET lock_timeout = '10s'")
            cursor.execute(f'LOCK TABLE "{Placement._meta.db_table}" IN SHARE MODE')
        _send_to_worker(worker, run)

        def claimed() -> bool:
            if not worker.alive():
                pytest.fail(
                    f"the worker exited with {worker.process.returncode}" + _tail(worker.log)
                )
            return MatchRun.objects.filter(pk=run.pk, status=JobStatus.RUNNING).exists()

        _wait_for(
            claimed,
            timeout=WORKER_START_SECONDS,
            what="the worker to claim the run",
            log=worker.log,
        )

        def blocked_insert() -> list[tuple[Any, ...]]:
            return _rows(
                "SELECT pid, application_name, query FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND %s = ANY(pg_blocking_pids(pid))",
                [lock_pid],
            )

        ((blocked_pid, application, query),) = _wait_for(
            blocked_insert,
            timeout=WAIT_SECONDS,
            what="the worker's INSERT of placements to wait on the lock",
            log=worker.log,
        )
        assert application == WORKER_APPLICATION_NAME
        assert query.startswith(f'INSERT INTO "{Placement._meta.db_table}"'), query
        started = MatchRun.objects.get(pk=run.pk)
        assert started.attempt == 1

        # A slow but living worker keeps beating (from its heartbeat thread): not failed.
        _wait_for(
            lambda: MatchRun.objects.filter(
                pk=run.pk, heartbeat_at__gt=started.started_at
            ).exists(),
            timeout=WAIT_SECONDS,
            what="a heartbeat from the blocked worker",
            log=worker.log,
        )
        assert jobs_sweep()["failed_stale"] == 0
        backends = _worker_backends()
        assert len(backends) == 2  # the task's connection and the heartbeat thread's
        assert blocked_pid in backends

        os.kill(worker.process.pid, signal.SIGKILL)
        assert worker.process.wait(timeout=WAIT_SECONDS) == -signal.SIGKILL
    finally:
        if worker.alive():  # a failed wait above: nothing may write once the lock is gone
            worker.process.kill()
            worker.process.wait(timeout=WAIT_SECONDS)
        lock.rollback()  # the INSERT the dead worker sent can go ahead now, and fail
        lock.close()
        ended = _poll(lambda: not _worker_backends(), timeout=WAIT_SECONDS)
        # Never leave a backend behind that would block the database flush.
        _rows(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [WORKER_APPLICATION_NAME],
        )
    assert ended, "the killed worker's database backends did not end"

    # Nothing of the killed run was kept, and nobody has noticed yet.
    killed = MatchRun.objects.get(pk=run.pk)
    assert not Placement.objects.filter(match_run=run).exists()
    assert PlacementEvent.objects.count() == audit_events  # nor in the audit history
    assert killed.status == JobStatus.RUNNING
    assert (killed.result_json, killed.finished_at) == ("", None)
    assert jobs_sweep()["failed_stale"] == 0  # its last heartbeat is recent

    # The sweep, once the heartbeat is stale.
    with translation.override("en"):
        later = timezone.now() + dt.timedelta(seconds=stale_seconds() + 1)
        assert jobs_sweep(now=later)["failed_stale"] == 1
    killed.refresh_from_db()
    assert killed.status == JobStatus.FAILED
    assert "stopped responding" in killed.error

    # Run again (the same kind and seed), in this process: the undisturbed run's result.
    rerun = match_run_rerun(match_run=killed)
    rerun = round_run_match(match_run=rerun)  # the suite runs the task eagerly: found done
    rerun.refresh_from_db()
    assert rerun.status == JobStatus.SUCCEEDED, rerun.error
    assert rerun.rerun_of_id == killed.pk
    assert rerun.seed == control.seed
    assert rerun.input_sha256 == control.input_sha256
    assert rerun.instance_json == control.instance_json
    assert rerun.result_json == control.result_json
    assert _placements(rerun) == expected
    assert not Placement.objects.filter(match_run=killed).exists()
