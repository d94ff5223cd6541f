"""The fields every background job shares. Concrete jobs (match runs, their checks, municipal
placement runs, stored reports, e-mail batches) inherit them, so one sweep, one progress
fragment and one set of rules serve them all."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    """A unit of background work with a lifecycle and a heartbeat.

    `attempt` is a fencing token: each claim increments it, and a worker writes its result
    only while the row is still running under the attempt it claimed. A worker that was
    presumed dead (its heartbeat stopped) and comes back can therefore never overwrite a
    failure or a later attempt."""

    #: The Celery task that executes the job, called with `{job_task_kwarg: pk}`. The sweep
    #: re-sends it by name, so this package never imports the apps that own jobs.
    job_task_name: ClassVar[str] = ""
    job_task_kwarg: ClassVar[str] = "job_id"

    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("handed to a worker"), null=True, blank=True)
    enqueue_count = models.PositiveSmallIntegerField(_("times handed to a worker"), default=0)
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(_("progress"), null=True, blank=True)
    progress_total = models.PositiveIntegerField(_("progress total"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        abstract = True

    @property
    def in_progress(self) -> bool:
        return self.status in ACTIVE

    @property
    def progress_percent(self) -> int | None:
        if not self.progress_total or self.progress_done is None:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))
