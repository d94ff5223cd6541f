"""The sweep that keeps jobs from getting stuck (celery beat, every minute)."""

from __future__ import annotations

import logging

from celery import shared_task

from lis1.jobs.services import jobs_sweep

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def jobs_sweep_task() -> None:
    done = jobs_sweep()
    if any(done.values()):
        logger.warning("job sweep: %s", done)
