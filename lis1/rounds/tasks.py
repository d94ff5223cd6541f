"""Thin Celery tasks: ids in, load, return quietly if gone, call one service."""

from __future__ import annotations

from celery import shared_task

from lis1.rounds.models import MatchRun, MatchRunCheck
from lis1.rounds.services.matching import match_run_check_execute, round_run_match
from lis1.rounds.services.notices import deadline_reminders_send
from lis1.rounds.services.placements import placements_expire_overdue


@shared_task(acks_late=True)
def match_run_task(*, match_run_id: int) -> None:
    run = MatchRun.objects.filter(pk=match_run_id).without_blobs().first()
    if run is None:
        return
    round_run_match(match_run=run)


@shared_task(acks_late=True)
def match_run_check_task(*, check_id: int) -> None:
    check = MatchRunCheck.objects.filter(pk=check_id).first()
    if check is None:
        return
    match_run_check_execute(check=check)


@shared_task(acks_late=True)
def placements_expire_task() -> None:
    """Offers whose own deadline has passed lapse (beat, every 15 minutes)."""
    placements_expire_overdue()


@shared_task(acks_late=True)
def deadline_reminders_task() -> None:
    """Reminders of the round's deadlines (beat, hourly; one per applicant and deadline). The
    reminders are about rounds, so the task lives here: lis1.notifications only sends."""
    deadline_reminders_send()
