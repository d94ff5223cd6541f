"""Directorate pages for round reports: request one (a Celery job), watch it finish, download
the stored formats. Directorate staff only; everyone else gets 403."""

from __future__ import annotations

from csp.decorators import csp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis1.jobs.models import JobStatus
from lis1.jobs.services import job_requeue
from lis1.reports.enums import ReportFormat
from lis1.reports.models import StoredReport
from lis1.reports.selectors import stored_report_file, stored_reports
from lis1.reports.services import stored_report_request
from lis1.rounds.models import Round
from lis1.rounds.permissions import Role, role_required
from lis1.ui import DesignSystemFormMixin

# The stored HTML report is a self-contained document, meant to be saved, mailed and opened
# offline, so its CSS and its matplotlib charts (SVG with style attributes) are inline. It is
# served under a policy of its own, stricter than the site's in all but that: no script at all
# (script-src falls back to 'none'), nothing fetched from anywhere (images only as data:), no
# forms, no framing. (Not `sandbox`: it would add nothing against scripts that may not run
# anyway, and it stops the browser tests' accessibility check from running in the page.)
REPORT_DOCUMENT_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["data:"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
    "report-uri": [settings.CSP_REPORT_PATH],
}


class ReportRequestForm(DesignSystemFormMixin, forms.Form):
    internal = forms.BooleanField(
        label=gettext_lazy("Internal version: show counts below 5 (not for publication)"),
        required=False,
    )


def _reports_context(round_: Round) -> dict[str, object]:
    reports = list(stored_reports(round_))
    return {
        "round": round_,
        "reports": reports,
        "in_progress": any(r.in_progress for r in reports),
        "formats": ReportFormat,
    }


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def round_reports(request: HttpRequest, slug: str) -> HttpResponse:
    """The round's stored reports and the form that requests a new one."""
    round_ = get_object_or_404(Round, slug=slug)
    form = ReportRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        stored_report_request(
            round_=round_,
            requested_by=request.user,
            internal=form.cleaned_data["internal"],
            language=request.LANGUAGE_CODE,
        )
        messages.success(request, _("The report is being generated; this page updates by itself."))
        return redirect("directorate:round_reports", slug=round_.slug)
    context = _reports_context(round_)
    context["form"] = form
    return render(request, "directorate/round_reports.html", context)


@role_required(Role.DIRECTORATE)
@require_GET
def round_reports_status(request: HttpRequest, slug: str) -> HttpResponse:
    """The polled list; tells htmx to reload the page once nothing is being generated."""
    round_ = get_object_or_404(Round, slug=slug)
    context = _reports_context(round_)
    response = render(request, "directorate/_report_list.html", context)
    if not context["in_progress"]:
        response["HX-Refresh"] = "true"
    return response


@role_required(Role.DIRECTORATE)
@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a failed report back in the queue (the failure stays in the log until it runs)."""
    report = get_object_or_404(StoredReport.objects.select_related("round"), pk=pk)
    if job_requeue(report):
        messages.success(request, _("The report is queued again."))
    else:
        messages.error(request, _("Only a failed report can be tried again."))
    return redirect("directorate:round_reports", slug=report.round.slug)


@role_required(Role.DIRECTORATE)
@require_GET
@csp(REPORT_DOCUMENT_POLICY)  # type: ignore[arg-type]  # typed for (request) views only
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A stored format: the HTML opens in the browser, the others download."""
    report = get_object_or_404(StoredReport, pk=pk, status=JobStatus.SUCCEEDED)
    stored = stored_report_file(report_id=report.pk, fmt=fmt)
    if stored is None:
        raise Http404
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    disposition = "inline" if fmt == ReportFormat.HTML else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{stored.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
