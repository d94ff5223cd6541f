"""Queue and send e-mails through the outbox.

`notification_queue` writes the row inside the caller's transaction and hands it to a worker
only once that transaction commits; `notification_send` is idempotent (a sent row is never
sent again), so a re-delivered task or the periodic retry cannot send twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from lis1.jobs.services import job_enqueue, job_progress, job_run, job_succeed
from lis1.notifications.models import EmailBatch, Outbox

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


def notification_render(*, template: str, context: dict[str, object]) -> tuple[str, str]:
    """Subject and body of `templates/emails/<template>_subject.txt` and `_body.txt`, in the
    active language."""
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    body = render_to_string(f"emails/{template}_body.txt", context).strip() + "\n"
    return subject[:200], body


def notification_queue(
    *, to: str, subject: str, body: str, dedupe_key: str | None = None
) -> Outbox | None:
    """Write the message to the outbox and send it after commit. With a `dedupe_key` already
    used, nothing is queued and None is returned."""
    if not to:
        return None
    if dedupe_key is not None:
        try:
            with transaction.atomic():
                message = Outbox.objects.create(
                    to=to, subject=subject, body=body, dedupe_key=dedupe_key
                )
        except IntegrityError:
            return None
    else:
        message = Outbox.objects.create(to=to, subject=subject, body=body)

    from lis1.notifications.tasks import notification_send_task

    transaction.on_commit(lambda: notification_send_task.delay(outbox_id=message.pk))
    return message


def notification_send(*, message: Outbox) -> bool:
    """Send one queued message unless already sent; record the failure otherwise."""
    with transaction.atomic():
        row = Outbox.objects.select_for_update(skip_locked=True).filter(pk=message.pk).first()
        if row is None or row.sent_at is not None:
            return False
        row.attempts += 1
        try:
            EmailMessage(
                subject=row.subject,
                body=row.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[row.to],
            ).send()
        except Exception as error:  # SMTP errors of every kind: keep the row for the retry
            logger.warning("e-mail %s not sent: %s", row.pk, type(error).__name__)
            row.last_error = str(error)[:2000]
            row.save(update_fields=["attempts", "last_error"])
            return False
        row.sent_at = timezone.now()
        row.last_error = ""
        row.save(update_fields=["attempts", "last_error", "sent_at"])
        return True


def notifications_retry_unsent(*, limit: int = 500) -> int:
    """Send what is still in the outbox (broker down, SMTP errors); returns the number sent."""
    sent = 0
    for message in Outbox.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS).order_by(
        "created_at"
    )[:limit]:
        sent += notification_send(message=message)
    return sent


# E-mail batches: many e-mails written by a background job with progress ---------------------

#: Writes the e-mails of a batch chunk by chunk, yielding (done, total) after each chunk.
BatchWriter = Callable[[EmailBatch], Iterator[tuple[int, int]]]
_BATCH_WRITERS: dict[str, BatchWriter] = {}


def email_batch_writer(prefix: str) -> Callable[[BatchWriter], BatchWriter]:
    """Register the writer of batches whose key starts with `prefix:`. The app that knows
    what to write registers it (lis1.rounds: the results e-mails of a match run), so this
    layer never imports it."""

    def register(writer: BatchWriter) -> BatchWriter:
        _BATCH_WRITERS[prefix] = writer
        return writer

    return register


def email_batch_start(*, key: str, description: str) -> EmailBatch:
    """Record a batch (once per key) and hand it to a worker after commit."""
    batch, created = EmailBatch.objects.get_or_create(
        key=key, defaults={"description": description[:200]}
    )
    if created:
        job_enqueue(batch)
    return batch


def email_batch_run(*, batch: EmailBatch) -> EmailBatch | None:
    """The task's work: run the batch's writer with progress, as a job (lis1.jobs)."""

    def work(job: EmailBatch) -> None:
        writer = _BATCH_WRITERS.get(job.key.split(":", 1)[0])
        if writer is None:
            raise LookupError(f"No writer is registered for e-mail batch {job.key!r}.")
        for done, total in writer(job):
            job_progress(job, done=done, total=total)
        with transaction.atomic():
            job_succeed(job)

    return job_run(EmailBatch, batch.pk, work)
