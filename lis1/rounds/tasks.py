"""Thin Celery tasks: ids in, load, return quietly if gone, call one service."""

from __future__ import annotations

from celery import shared_task

from lis1.rounds.models import MatchRun
from lis1.rounds.services.matching import round_run_match


@shared_task(acks_late=True)
def results_published_task(*, match_run_id: int) -> None:
    """Write the results e-mails of a published run (idempotent per run and applicant)."""
    from lis1.rounds.services.notices import notifications_results_published

    run = MatchRun.objects.filter(pk=match_run_id, published_at__isnull=False).first()
    if run is None:
        return
    notifications_results_published(match_run=run)


@shared_task(acks_late=True)
def match_run_task(*, match_run_id: int) -> None:
    run = MatchRun.objects.filter(pk=match_run_id).first()
    if run is None:
        return
    round_run_match(match_run=run)
