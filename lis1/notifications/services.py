"""Queue and send e-mails through the outbox.

`notification_queue` writes the row inside the caller's transaction and hands it to a worker
only once that transaction commits; `notification_send` is idempotent (a sent row is never
sent again), so a re-delivered task or the periodic retry cannot send twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from lis1.dbbulk import insert_rows
from lis1.dbstats import analyze_tables
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
    return notification_send_many(ids=[message.pk]) == 1


#: Messages rendered, and sent over one connection, per worker batch.
SEND_BATCH = 500


def notification_send_many(*, ids: Sequence[int]) -> int:
    """Send the unsent messages among `ids` over one connection to the mail server, rendering
    first those queued unrendered. Each message's attempt is recorded: sent, or kept with the
    error for the periodic retry (a message that cannot be rendered is kept the same way).
    Rows another worker holds are skipped. Returns the number sent."""
    with transaction.atomic():
        rows = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(ids), sent_at__isnull=True)
            .order_by("pk")
        )
        if not rows:
            return 0
        unrendered = [row for row in rows if not row.rendered]
        failed = _render_rows(unrendered)
        _save_texts([row for row in unrendered if row.rendered])
        sendable = [row for row in rows if row.rendered and row.pk not in failed]
        sent = _send_rows(sendable)
        Outbox.objects.filter(pk__in=sent).update(
            sent_at=timezone.now(), last_error="", attempts=F("attempts") + 1
        )
        for row in rows:
            if row.pk not in sent:
                row.last_error = failed.get(row.pk, "")[:2000] or row.last_error
        _save_failures([row for row in rows if row.pk not in sent])
    if len(sent) < len(rows):
        logger.warning("%s of %s e-mails not sent", len(rows) - len(sent), len(rows))
    return len(sent)


def _save_texts(rows: list[Outbox]) -> None:
    """Store rendered subjects and bodies. On PostgreSQL one UPDATE joined to the new values
    as arrays: Django's bulk_update builds a CASE of every row for every field, which took
    most of the time of rendering and sending a batch (2.0 of 3.0 s for 1,200 e-mails)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Outbox.objects.bulk_update(rows, ["subject", "body", "rendered"])
        return
    table = connection.ops.quote_name(Outbox._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS o SET subject = v.subject, body = v.body, rendered = true "  # noqa: S608 (the table's own name)
            "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, subject, body) "
            "WHERE o.id = v.id",
            [[r.pk for r in rows], [r.subject for r in rows], [r.body for r in rows]],
        )


def _save_failures(rows: list[Outbox]) -> None:
    """Count the attempt of each row not sent and keep its error: one UPDATE per distinct
    error (a mail server that is down gives them all the same one)."""
    by_error: dict[str, list[int]] = {}
    for row in rows:
        by_error.setdefault(row.last_error, []).append(row.pk)
    for error, ids in by_error.items():
        Outbox.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1, last_error=error)


def _send_rows(rows: list[Outbox]) -> set[int]:
    """Send over one connection (not one per message); returns the ids sent. A message the
    server refuses, or a connection that cannot be opened, leaves the error on the row."""
    if not rows:
        return set()
    sent: set[int] = set()
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # the server is down: every row keeps the error for the retry
        logger.warning("e-mail connection failed: %s", type(error).__name__)
        for row in rows:
            row.last_error = str(error)[:2000]
        return sent
    try:
        for row in rows:
            message = EmailMessage(
                subject=row.subject,
                body=row.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[row.to],
                connection=connection,
            )
            try:
                message.send()
            except Exception as error:  # SMTP errors of every kind: keep the row for the retry
                logger.warning("e-mail %s not sent: %s", row.pk, type(error).__name__)
                row.last_error = str(error)[:2000]
            else:
                sent.add(row.pk)
    finally:
        connection.close()
    return sent


def notifications_retry_unsent(*, limit: int = 5000) -> int:
    """Send what is still in the outbox (broker down, SMTP errors, batches not yet rendered),
    oldest first in batches; returns the number sent."""
    ids = list(
        Outbox.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(
        notification_send_many(ids=ids[start : start + SEND_BATCH])
        for start in range(0, len(ids), SEND_BATCH)
    )


# Messages queued by the thousand, rendered later by a worker --------------------------------

#: Renders unrendered messages of one template family: rows in (each with its `template` and
#: `context`), {row id: (subject, body)} out, loading what it needs in a few queries.
Renderer = Callable[[list[Outbox]], dict[int, tuple[str, str]]]
_RENDERERS: dict[str, Renderer] = {}


def outbox_renderer(family: str) -> Callable[[Renderer], Renderer]:
    """Register the renderer of messages whose template is `family` or starts with
    `family_`. The app that knows the data registers it (lis1.rounds: the results e-mails),
    so this layer never imports it."""

    def register(renderer: Renderer) -> Renderer:
        _RENDERERS[family] = renderer
        return renderer

    return register


def outbox_renderer_for(template: str) -> Renderer:
    family = template.split("_", 1)[0]
    renderer = _RENDERERS.get(template) or _RENDERERS.get(family)
    if renderer is None:
        raise LookupError(f"No renderer is registered for e-mail template {template!r}.")
    return renderer


def template_filler(
    template: str, context: dict[str, object]
) -> Callable[[Iterable[tuple[str, str]]], tuple[str, str]]:
    """Render a template once, with marks where each message's own values go (the caller's
    marks in `context`: a NUL-delimited text, which PostgreSQL never stores, or an unlikely
    number where a URL needs one), and return what fills them in: (mark, value) pairs in,
    the same subject and body as `notification_render` with the values in the context out.
    The template, its translations and dates are rendered once for a group of messages
    instead of once per message (1-2 ms each: most of a national round's publish job)."""
    subject_text = get_template(f"emails/{template}_subject.txt").render(context)
    body_text = get_template(f"emails/{template}_body.txt").render(context)

    def fill(values: Iterable[tuple[str, str]]) -> tuple[str, str]:
        subject, body = subject_text, body_text
        for mark, value in values:
            subject = subject.replace(mark, value)
            body = body.replace(mark, value)
        return " ".join(subject.split())[:200], body.strip() + "\n"

    return fill


def _render_rows(rows: list[Outbox], *, strict: bool = False) -> dict[int, str]:
    """Render unrendered rows in place (subject, body, rendered); returns the errors of the
    rows that could not be rendered, by id. With `strict` a renderer's exception is raised."""
    failed: dict[int, str] = {}
    by_renderer: dict[Renderer, list[Outbox]] = {}
    for row in rows:
        try:
            by_renderer.setdefault(outbox_renderer_for(row.template), []).append(row)
        except LookupError as error:
            failed[row.pk] = str(error)
    with translation.override(settings.LANGUAGE_CODE):
        for renderer, group in by_renderer.items():
            try:
                texts = renderer(group)
            except Exception as error:
                if strict:
                    raise
                logger.error("e-mails not rendered: %s", type(error).__name__)
                failed.update((row.pk, f"not rendered: {error}") for row in group)
                continue
            for row in group:
                if row.pk in texts:
                    row.subject, row.body = texts[row.pk]
                    row.rendered = True
                else:
                    failed[row.pk] = "not rendered: its data is gone"
    return failed


#: A message to render later: (to, template, context of plain ids, de-duplication key).
Unrendered = tuple[str, str, dict[str, object], str | None]


def notifications_queue_many(
    *, messages: Iterable[Unrendered], batch: EmailBatch | None = None
) -> int:
    """Insert many unrendered messages in one statement (on PostgreSQL from arrays, without
    model objects); a de-duplication key already used is skipped. Nothing is sent until the
    messages are rendered and handed to `notification_send_many`. Returns the number
    inserted."""
    rows = [m for m in messages if m[0]]
    if connection.vendor == "postgresql":
        return insert_rows(
            Outbox(rendered=False, batch=batch),
            ("to", "template", "context", "dedupe_key"),
            [(to, template, json.dumps(context), key) for to, template, context, key in rows],
            ignore_conflicts=True,
        )
    created = Outbox.objects.bulk_create(
        [
            Outbox(
                to=to,
                template=template,
                context=context,
                dedupe_key=key,
                rendered=False,
                batch=batch,
            )
            for to, template, context, key in rows
        ],
        ignore_conflicts=True,
    )
    return len(created)


def notifications_render_and_send(*, rows: QuerySet[Outbox]) -> int:
    """Render the given unrendered messages, SEND_BATCH at a time and each chunk in its own
    transaction, handing each chunk to a worker to send once committed. A chunk that cannot
    be rendered raises (a batch's job fails with the reason, which its page shows) and leaves
    the rest for the periodic retry. Returns the number rendered."""
    done = 0
    for chunk_done, _total in _render_chunks(rows):
        done = chunk_done
    return done


def _render_chunks(pending: QuerySet[Outbox]) -> Iterator[tuple[int, int]]:
    from lis1.notifications.tasks import notification_send_many_task

    pending = pending.filter(rendered=False, sent_at__isnull=True)
    # The ids once, then each chunk by its ids: a chunk query that filters the batch's rows
    # anew reads those rendered already, more of them at every chunk.
    ids = list(pending.order_by("pk").values_list("pk", flat=True))
    total = len(ids)
    done = 0
    failed: dict[int, str] = {}
    for start in range(0, total, SEND_BATCH):
        with transaction.atomic():
            # Rows the periodic retry holds are left to it (it renders what it sends).
            rows = list(
                Outbox.objects.filter(
                    pk__in=ids[start : start + SEND_BATCH], rendered=False, sent_at__isnull=True
                )
                .select_for_update(skip_locked=True)
                .order_by("pk")
            )
            # A renderer that fails raises here, failing the batch at once; a message whose
            # data is gone is kept with the reason and counted below.
            errors = _render_rows(rows, strict=True)
            for row in rows:
                if row.pk in errors:
                    row.last_error = errors[row.pk]
            failed.update(errors)
            _save_texts([row for row in rows if row.pk not in errors])
            _save_failures([row for row in rows if row.pk in errors])
            ready = [row.pk for row in rows if row.pk not in errors]
            transaction.on_commit(
                lambda ready=ready: notification_send_many_task.delay(outbox_ids=ready)  # type: ignore[misc]
            )
        done = min(start + SEND_BATCH, total)
        yield done, total
    if failed:
        raise RuntimeError(
            f"{len(failed)} of {done} e-mails could not be rendered: {next(iter(failed.values()))}"
        )
    if not done:
        yield 0, total


def notifications_render_pending(*, batch: EmailBatch) -> Iterator[tuple[int, int]]:
    """Render a batch's unrendered messages in chunks (`notifications_render_and_send`);
    yields (done, total) after each."""
    return _render_chunks(Outbox.objects.filter(batch=batch))


# E-mail batches: many e-mails written by a background job with progress ---------------------

#: Queues the e-mails of a batch, unrendered, in one insert (`notifications_queue_many`);
#: returns how many.
BatchWriter = Callable[[EmailBatch], int]
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
    """The task's work, as a job (lis1.jobs): the batch's writer queues its messages in one
    insert, then they are rendered in chunks with progress, each chunk sent by a worker."""

    def work(job: EmailBatch) -> None:
        writer = _BATCH_WRITERS.get(job.key.split(":", 1)[0])
        if writer is None:
            raise LookupError(f"No writer is registered for e-mail batch {job.key!r}.")
        with transaction.atomic():
            queued = writer(job)
            # Tens of thousands of new rows: planned as such from the first chunk on.
            analyze_tables(Outbox, rows=queued)
        for done, total in notifications_render_pending(batch=job):
            job_progress(job, done=done, total=total)
        with transaction.atomic():
            job_succeed(job)

    return job_run(EmailBatch, batch.pk, work)
