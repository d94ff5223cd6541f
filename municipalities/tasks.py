"""Thin Celery tasks: ids in, load, return quietly if gone, call one service."""

from __future__ import annotations

from celery import shared_task

from municipalities.models import MunicipalPlacementRun
from municipalities.services import municipal_placement_execute


@shared_task(acks_late=True)
def municipal_placement_task(*, run_id: int) -> None:
    run = MunicipalPlacementRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    municipal_placement_execute(run=run)
