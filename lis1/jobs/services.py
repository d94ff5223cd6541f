"""The job lifecycle, shared by every kind of background job.

    queued ──claim──▶ running ──succeed──▶ succeeded
       │                 │ (heartbeat every few seconds)
       │                 └──fail / heartbeat stops──▶ failed
       └──no worker takes it──▶ re-sent by the sweep, then failed

- `job_enqueue` hands a job to a worker when the caller's transaction commits.
- `job_run` claims a queued job (an atomic UPDATE, so a re-delivered message never runs a job
  twice), keeps a heartbeat going from a thread while the work runs, and records a failure
  with its message instead of raising it into the worker.
- The work ends with `job_succeed` inside its last transaction: an UPDATE fenced by the
  claimed attempt, so a worker presumed dead can never write over a failure or a re-run.
- `jobs_sweep` (celery beat, every minute) fails running jobs whose heartbeat stopped (a
  killed worker) or that run longer than LIS1_JOB_MAX_SECONDS (stuck), and re-sends queued
  jobs that no worker took (a lost broker message).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.db import Error as DBError
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lis1.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

J = TypeVar("J", bound=Job)


class JobLost(Exception):
    """The job was failed or claimed again while this worker ran it: its result is dropped."""


def heartbeat_seconds() -> float:
    return float(getattr(settings, "LIS1_JOB_HEARTBEAT_SECONDS", 10))


def stale_seconds() -> float:
    """A running job whose heartbeat is older than this is presumed dead."""
    return float(getattr(settings, "LIS1_JOB_STALE_SECONDS", 120))


def max_running_seconds() -> float:
    """A job running longer than this is failed even though its worker still beats: it is
    stuck (a lock never granted, a hung connection), and a stuck job must not look busy for
    ever. Its late result, if it ever comes, is dropped by the fence."""
    return float(getattr(settings, "LIS1_JOB_MAX_SECONDS", 3 * 60 * 60))


def no_worker_seconds() -> float:
    """A queued job older than this is shown as waiting for a worker."""
    return float(getattr(settings, "LIS1_JOB_NO_WORKER_SECONDS", 60))


#: How often the sweep re-sends a queued job before it gives up on it.
RESEND_LIMIT = 3


def job_models() -> list[type[Job]]:
    return [m for m in apps.get_models() if issubclass(m, Job)]


def _task(name: str):
    app = current_app
    if name not in app.tasks:
        # A process that has not imported the task modules yet (a shell, a web worker).
        app.loader.import_default_modules()
    return app.tasks[name]


def _send(model: type[Job], pk: int) -> None:
    model._default_manager.filter(pk=pk).update(
        enqueued_at=timezone.now(), enqueue_count=F("enqueue_count") + 1
    )
    _task(model.job_task_name).apply_async(kwargs={model.job_task_kwarg: pk})


def job_enqueue(job: Job) -> None:
    """Hand the job to a worker once the current transaction commits (at once outside one)."""
    model, pk = type(job), job.pk
    transaction.on_commit(lambda: _send(model, pk))


def job_claim(model: type[J], pk: int) -> J | None:
    """Take a queued job: the one atomic step from queued to running. None when it is not
    queued (done, failed, or taken by another worker)."""
    now = timezone.now()
    claimed = model._default_manager.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        error="",
        attempt=F("attempt") + 1,
    )
    if not claimed:
        return None
    return model._default_manager.get(pk=pk)


def job_progress(job: Job, *, done: int, total: int | None = None) -> None:
    """Record progress (and a heartbeat). Call it outside the job's write transaction."""
    fields: dict[str, object] = {"progress_done": done, "heartbeat_at": timezone.now()}
    if total is not None:
        fields["progress_total"] = total
    type(job)._default_manager.filter(
        pk=job.pk, status=JobStatus.RUNNING, attempt=job.attempt
    ).update(**fields)
    job.progress_done = done
    if total is not None:
        job.progress_total = total


def job_succeed(job: Job, **fields: object) -> None:
    """Mark the job done, with its result fields, inside the work's last transaction. Raises
    JobLost (rolling that transaction back) when the job is no longer this worker's."""
    now = timezone.now()
    updated = (
        type(job)
        ._default_manager.filter(pk=job.pk, status=JobStatus.RUNNING, attempt=job.attempt)
        .update(status=JobStatus.SUCCEEDED, finished_at=now, heartbeat_at=now, **fields)
    )
    if not updated:
        raise JobLost(f"{type(job).__name__} {job.pk} attempt {job.attempt} is no longer running")
    job.status = JobStatus.SUCCEEDED
    job.finished_at = now


def job_fail(job: Job, message: str) -> bool:
    """Record the failure of this attempt (no effect when the job is no longer ours)."""
    return bool(
        type(job)
        ._default_manager.filter(pk=job.pk, status=JobStatus.RUNNING, attempt=job.attempt)
        .update(status=JobStatus.FAILED, finished_at=timezone.now(), error=message[:2000])
    )


@contextlib.contextmanager
def job_heartbeat(job: Job) -> Iterator[None]:
    """Beat from a thread while the block runs, so that a long computation (the engine on a
    national round) still shows that its worker is alive. A killed worker stops beating."""
    stop = threading.Event()
    model, pk, attempt = type(job), job.pk, job.attempt

    def beat() -> None:
        try:
            while not stop.wait(heartbeat_seconds()):
                try:
                    model._default_manager.filter(
                        pk=pk, status=JobStatus.RUNNING, attempt=attempt
                    ).update(heartbeat_at=timezone.now())
                except DBError as error:  # DatabaseError and InterfaceError
                    # A busy SQLite file, or a dropped connection (a database restart or
                    # failover): the broken connection raises InterfaceError on every later
                    # use, which would end this thread and get a live job failed. Close it;
                    # the next beat reconnects.
                    logger.warning("heartbeat of %s %s: %s", model.__name__, pk, error)
                    connections.close_all()  # this thread's connections only
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=beat, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def job_run(model: type[J], pk: int, work: Callable[[J], None]) -> J | None:
    """Claim the job, run `work(job)` with a heartbeat, and record a failure instead of
    raising it. `work` must call `job_succeed` in its last transaction. Returns the job as it
    ends (or as found, when it was not queued), None when it does not exist."""
    job = job_claim(model, pk)
    if job is None:
        return model._default_manager.filter(pk=pk).first()
    with job_heartbeat(job):
        try:
            work(job)
        except JobLost as lost:
            logger.warning("dropped the result of a job no longer ours: %s", lost)
        except Exception as error:
            logger.exception("%s %s failed", model.__name__, pk)
            job_fail(job, str(error) or type(error).__name__)
    return model._default_manager.filter(pk=pk).first()


def job_requeue(job: Job) -> bool:
    """Put a failed job back in the queue (reports and e-mail batches; match runs are run
    again as a new run so that the failed one stays in the record)."""
    updated = (
        type(job)
        ._default_manager.filter(pk=job.pk, status=JobStatus.FAILED)
        .update(status=JobStatus.QUEUED, error="", finished_at=None, enqueue_count=0)
    )
    if updated:
        job_enqueue(job)
    return bool(updated)


def job_waiting_for_worker(job: Job, *, now: dt.datetime | None = None) -> bool:
    """A queued job that no worker has taken for a while: the page says so."""
    if job.status != JobStatus.QUEUED:
        return False
    since = job.enqueued_at or job.created_at
    now = now or timezone.now()
    return since is not None and (now - since).total_seconds() > no_worker_seconds()


def job_stalled(job: Job, *, now: dt.datetime | None = None) -> bool:
    """A running job whose heartbeat is late (the sweep will fail it)."""
    if job.status != JobStatus.RUNNING or job.heartbeat_at is None:
        return False
    now = now or timezone.now()
    return (now - job.heartbeat_at).total_seconds() > 3 * heartbeat_seconds()


def _hours_message(seconds: float) -> str:
    """Why a job that ran too long was stopped: whole hours as "3", others as "1.5"."""
    hours = round(seconds / 3600, 1)
    shown = int(hours) if hours == int(hours) else hours
    return ngettext(
        "The job ran longer than %(hours)s hour and was stopped; it can be started again.",
        "The job ran longer than %(hours)s hours and was stopped; it can be started again.",
        1 if shown == 1 else 2,
    ) % {"hours": formats.localize(shown)}


def _when(moment: dt.datetime) -> str:
    """Oslo time (the project's time zone) in the active language's named format."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def jobs_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Fail running jobs whose heartbeat stopped, re-send queued jobs that no worker took, and
    fail those re-sent too often while no worker runs anything. Returns what it did."""
    now = now or timezone.now()
    stale_cutoff = now - dt.timedelta(seconds=stale_seconds())
    resend_cutoff = now - dt.timedelta(seconds=max(no_worker_seconds(), 60))
    done = {"failed_stale": 0, "failed_too_long": 0, "resent": 0, "failed_unclaimed": 0}
    models = job_models()
    # Workers are alive when some job has beaten recently; a queued job then waits its turn.
    workers_alive = any(
        m._default_manager.filter(status=JobStatus.RUNNING, heartbeat_at__gte=stale_cutoff).exists()
        for m in models
    )
    for model in models:
        stale = model._default_manager.filter(status=JobStatus.RUNNING).filter(
            Q(heartbeat_at__lt=stale_cutoff)
            | Q(heartbeat_at__isnull=True, started_at__lt=stale_cutoff)
        )
        for job in stale.only("pk", "heartbeat_at", "started_at"):
            last = job.heartbeat_at or job.started_at
            message = _(
                "The worker running this job stopped responding (last sign of life %(when)s). "
                "Nothing it was writing was kept; it can be started again."
            ) % {"when": _when(last) if last else "–"}
            done["failed_stale"] += (
                model._default_manager.filter(pk=job.pk, status=JobStatus.RUNNING)
                .filter(Q(heartbeat_at__lt=stale_cutoff) | Q(heartbeat_at__isnull=True))
                .update(status=JobStatus.FAILED, finished_at=now, error=message)
            )
        too_long = now - dt.timedelta(seconds=max_running_seconds())
        done["failed_too_long"] += model._default_manager.filter(
            status=JobStatus.RUNNING, started_at__lt=too_long
        ).update(
            status=JobStatus.FAILED,
            finished_at=now,
            error=_hours_message(max_running_seconds()),
        )
        waiting = model._default_manager.filter(status=JobStatus.QUEUED).filter(
            Q(enqueued_at__lt=resend_cutoff)
            | Q(enqueued_at__isnull=True, created_at__lt=resend_cutoff)
        )
        for job in waiting.only("pk", "enqueue_count", "created_at"):
            if job.enqueue_count >= RESEND_LIMIT and not workers_alive:
                message = ngettext(
                    "No worker took this job after it was sent %(count)s time since "
                    "%(when)s: no worker is processing jobs. Start one and try again.",
                    "No worker took this job after it was sent %(count)s times since "
                    "%(when)s: no worker is processing jobs. Start one and try again.",
                    job.enqueue_count,
                ) % {"count": job.enqueue_count, "when": _when(job.created_at)}
                done["failed_unclaimed"] += model._default_manager.filter(
                    pk=job.pk, status=JobStatus.QUEUED
                ).update(status=JobStatus.FAILED, finished_at=now, error=message)
            elif job.enqueue_count < RESEND_LIMIT:
                try:
                    _send(model, job.pk)
                    done["resent"] += 1
                except Exception:  # the broker is down: try again at the next sweep
                    logger.exception("could not re-send %s %s", model.__name__, job.pk)
    return done
