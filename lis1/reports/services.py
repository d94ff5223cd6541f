"""Report workflows: build a round's report, request a stored one, generate it (the task)."""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone, translation

from lis1.reports import queries
from lis1.reports.build import Report, report_build
from lis1.reports.enums import ReportStatus, ReportTrigger
from lis1.reports.models import StoredReport, StoredReportFile
from lis1.reports.render import FORMATS, Export, report_render
from lis1.rounds.models import Round

logger = logging.getLogger(__name__)


def round_report_build(*, round_: Round, internal: bool = False) -> Report:
    """The report of one round from live data: queries -> pure builder."""
    return report_build(queries.report_input(round_=round_), internal=internal)


def round_report_render_all(report: Report) -> list[tuple[str, Export]]:
    """Every format, charts drawn once for HTML and PDF alike."""
    from lis1.reports.render.charts import report_charts

    charts = report_charts(report)
    return [(fmt, report_render(report, fmt, charts=charts)) for fmt in FORMATS]


def stored_report_request(
    *,
    round_: Round,
    requested_by=None,  # type: ignore[no-untyped-def]
    internal: bool = False,
    trigger: str = ReportTrigger.ON_DEMAND,
    language: str | None = None,
) -> StoredReport:
    """Record a requested report and hand it to a worker once the row is committed."""
    from lis1.reports.tasks import report_generate_task

    report = StoredReport.objects.create(
        round=round_,
        requested_by=requested_by,
        internal=internal,
        trigger=trigger,
        language=language or translation.get_language() or "nb",
    )
    transaction.on_commit(lambda: report_generate_task.delay(stored_report_id=report.pk))
    return report


def stored_report_generate(*, stored_report: StoredReport) -> StoredReport:
    """Build and render every format from one snapshot and store them with the data time.

    Idempotent: a re-delivered task finds the report ready and returns; a failure is recorded
    on the report (the page shows it) rather than raised into the worker."""
    claimed = StoredReport.objects.filter(
        pk=stored_report.pk, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
    ).update(status=ReportStatus.RUNNING, error="")
    stored = StoredReport.objects.select_related("round").get(pk=stored_report.pk)
    if not claimed:
        return stored
    began = time.perf_counter()
    try:
        with translation.override(stored.language):
            report = round_report_build(round_=stored.round, internal=stored.internal)
            files = round_report_render_all(report)
        with transaction.atomic():
            StoredReportFile.objects.filter(report=stored).delete()
            StoredReportFile.objects.bulk_create(
                [
                    StoredReportFile(
                        report=stored,
                        format=fmt,
                        filename=filename,
                        content_type=content_type,
                        size=len(content),
                        content=content,
                    )
                    for fmt, (filename, content_type, content) in files
                ]
            )
            stored.status = ReportStatus.READY
            stored.data_as_of = report.data_as_of
            stored.finished_at = timezone.now()
            stored.duration_ms = round((time.perf_counter() - began) * 1000)
            stored.save(update_fields=["status", "data_as_of", "finished_at", "duration_ms"])
    except Exception as error:
        logger.exception("report %s failed", stored.pk)
        StoredReport.objects.filter(pk=stored.pk).update(
            status=ReportStatus.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        stored.refresh_from_db()
    return stored
