"""The e-mail outbox: every message is written here first, in the same transaction as the
change it reports, so that none is lost when the broker or the mail server is down."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lis1.jobs.models import Job


class Outbox(models.Model):
    """One e-mail to send. A worker sends it after commit; a periodic task retries the rest.

    Most messages are rendered when queued. Messages queued by the thousand (the results
    e-mails of a match run) are inserted unrendered in one statement, with the template and
    the ids it needs, and rendered by a worker in batches before they are sent."""

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    # False until the worker has rendered the subject and body from `template` and `context`.
    rendered = models.BooleanField(_("rendered"), default=True)
    template = models.CharField(_("template"), max_length=100, blank=True)
    # Plain ids (never personal data): what the template's renderer loads.
    context = models.JSONField(_("context"), default=dict, blank=True)
    # The batch that queued it, whose job renders it (None for messages queued one by one).
    batch = models.ForeignKey(
        "notifications.EmailBatch",
        verbose_name=_("e-mail batch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    # Makes a message idempotent (e.g. one reminder per applicant per deadline): queueing the
    # same key twice keeps the first row. NULL for ordinary messages.
    dedupe_key = models.CharField(  # noqa: DJ001
        _("de-duplication key"), max_length=200, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="outbox_dedupe_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class EmailBatch(Job):
    """Writing a batch of e-mails to the outbox (the results e-mails of a published match
    run: one per applicant), as a background job with progress. Each e-mail has its own
    de-duplication key, so a batch that is run again writes only what is missing."""

    job_task_name = "lis1.notifications.tasks.email_batch_task"
    job_task_kwarg = "batch_id"

    # What the batch writes, as the task that owns it understands it, e.g. "results:<run id>".
    key = models.CharField(_("key"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=200)

    class Meta:
        verbose_name = _("e-mail batch")
        verbose_name_plural = _("e-mail batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.description
