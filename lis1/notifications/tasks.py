"""Thin Celery tasks for e-mail: ids in, load, return quietly if gone, call one service."""

from __future__ import annotations

from celery import shared_task

from lis1.notifications.models import EmailBatch, Outbox
from lis1.notifications.services import (
    email_batch_run,
    notification_send,
    notification_send_many,
    notifications_retry_unsent,
)


@shared_task(acks_late=True)
def notification_send_task(*, outbox_id: int) -> None:
    message = Outbox.objects.filter(pk=outbox_id).first()
    if message is None:
        return
    notification_send(message=message)


@shared_task(acks_late=True)
def notification_send_many_task(*, outbox_ids: list[int]) -> None:
    # Rows already sent or gone are skipped by the service; failures stay for the retry.
    notification_send_many(ids=outbox_ids)


@shared_task(acks_late=True)
def notifications_retry_task() -> None:
    notifications_retry_unsent()


@shared_task(acks_late=True)
def email_batch_task(*, batch_id: int) -> None:
    batch = EmailBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    email_batch_run(batch=batch)
