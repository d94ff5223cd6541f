"""Read-side queries of stored reports for pages and the API."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from lis1.reports.models import StoredReport, StoredReportFile
from lis1.rounds.models import Round


def stored_reports(round_: Round | None = None) -> QuerySet[StoredReport]:
    """Stored reports with their files' names and sizes (never the contents)."""
    queryset = StoredReport.objects.select_related("round", "requested_by").prefetch_related(
        Prefetch(
            "files",
            queryset=StoredReportFile.objects.only(
                "pk", "report_id", "format", "filename", "content_type", "size"
            ).order_by("format"),
        )
    )
    if round_ is not None:
        queryset = queryset.filter(round=round_)
    return queryset.order_by("-created_at", "-pk")


def stored_report_file(*, report_id: int, fmt: str) -> StoredReportFile | None:
    return StoredReportFile.objects.filter(report_id=report_id, format=fmt).first()
