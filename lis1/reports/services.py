"""Report workflows: build a round's report, request a stored one, generate it (the task)."""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import translation

from lis1.jobs.services import job_enqueue, job_run, job_succeed
from lis1.reports import queries
from lis1.reports.build import Report, report_build
from lis1.reports.enums import ReportTrigger
from lis1.reports.models import ReportSnapshot, StoredReport, StoredReportFile
from lis1.reports.render import FORMATS, Export, report_render
from lis1.reports.snapshot import FORMAT, input_dump
from lis1.rounds.models import Round

logger = logging.getLogger(__name__)


def round_report_build(*, round_: Round, internal: bool = False, live: bool = False) -> Report:
    """The report of one round: queries -> pure builder. A closed round's is built from the
    input frozen when it closed, unless `live`."""
    return report_build(queries.report_input(round_=round_, live=live), internal=internal)


def report_input_freeze(*, round_: Round) -> ReportSnapshot:
    """Freeze the round's report input, once: a closed round's reports are built from it
    from then on. A round frozen already keeps its snapshot."""
    existing = ReportSnapshot.objects.filter(round=round_).first()
    if existing is not None:
        return existing
    data = queries.report_input(round_=round_, live=True)
    snapshot, _created = ReportSnapshot.objects.get_or_create(
        round=round_,
        defaults={"format": FORMAT, "data": input_dump(data), "data_as_of": data.data_as_of},
    )
    return snapshot


def round_report_render_all(report: Report) -> list[tuple[str, Export]]:
    """Every format, charts drawn once for HTML and PDF alike."""
    from lis1.reports.render.charts import report_charts

    charts = report_charts(report)
    return [(fmt, report_render(report, fmt, charts=charts)) for fmt in FORMATS]


def stored_report_request(
    *,
    round_: Round,
    requested_by=None,
    internal: bool = False,
    trigger: str = ReportTrigger.ON_DEMAND,
    language: str | None = None,
) -> StoredReport:
    """Record a requested report and hand it to a worker once the row is committed."""
    report = StoredReport.objects.create(
        round=round_,
        requested_by=requested_by,
        internal=internal,
        trigger=trigger,
        language=language or translation.get_language() or "nb",
    )
    job_enqueue(report)
    return report


def stored_report_generate(*, stored_report: StoredReport) -> StoredReport:
    """Build and render every format from one snapshot and store them with the data time,
    as a job (lis1.jobs): a re-delivered task finds the report taken or done and returns; a
    failure is recorded on the report (the page shows it) rather than raised into the worker."""

    def work(stored: StoredReport) -> None:
        began = time.perf_counter()
        if stored.trigger == ReportTrigger.ROUND_CLOSED and stored.round.closed_at is not None:
            # The final report freezes the data it is built from (the round closed moments
            # ago), and every later report of the round is built from the same input.
            report_input_freeze(round_=stored.round)
        with translation.override(stored.language):
            report = round_report_build(round_=stored.round, internal=stored.internal)
            files = round_report_render_all(report)
        with transaction.atomic():
            StoredReportFile.replace_all(stored, files)
            job_succeed(
                stored,
                data_as_of=report.data_as_of,
                duration_ms=round((time.perf_counter() - began) * 1000),
            )

    done = job_run(StoredReport, stored_report.pk, work)
    return done if done is not None else stored_report
