"""Thin Celery tasks: ids in, load, return quietly if gone, call one service."""

from __future__ import annotations

from celery import shared_task

from lis1.reports.models import Scenario, StoredReport
from lis1.reports.scenarios import scenario_run
from lis1.reports.services import stored_report_generate


@shared_task(acks_late=True)
def report_generate_task(*, stored_report_id: int) -> None:
    report = StoredReport.objects.filter(pk=stored_report_id).first()
    if report is None:
        return
    stored_report_generate(stored_report=report)


@shared_task(acks_late=True)
def scenario_run_task(*, scenario_id: int) -> None:
    scenario = Scenario.objects.filter(pk=scenario_id).first()
    if scenario is None:
        return
    scenario_run(scenario=scenario)
