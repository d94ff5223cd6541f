"""Directorate pages of the policy lab ("Scenarier"): saved seat scenarios, the form for a new
one (run as a background job whose progress the page shows), a scenario's results as charts
beside their tables against the baseline and the round's offer waves against the central
match, scenarios side by side, and exports through the report renderers. Directorate staff
only; everyone else gets 403."""

from __future__ import annotations

import base64
import hashlib

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis1 import simulation_data
from lis1.directorate.scenario_forms import RoundChoiceForm, ScenarioForm
from lis1.jobs.models import JobStatus
from lis1.jobs.services import job_requeue
from lis1.reports.build import Report
from lis1.reports.models import Scenario, ScenarioFile
from lis1.reports.render.html import display_table
from lis1.reports.render.text import label
from lis1.reports.scenarios import (
    EXPORT_FORMATS,
    scenario_charts,
    scenario_report,
    scenario_request,
    scenarios_compare_tables,
    tables_charts,
)
from lis1.rounds.models import Round
from lis1.rounds.permissions import Role, role_required

# The result blobs: the list loads none of them, the status fragment none either.
BLOBS = ("result", "offer_waves", "seats_needed", "parameters", "charts")
# A bar chart has six colours: the baseline and five scenarios.
COMPARE_MAX = 5


def _chart_uri(svg: str) -> str:
    """A chart as an image (data: URI): its SVG keeps matplotlib's style attributes inside
    the image, where the page's Content-Security-Policy does not reach."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _uris(charts: dict[str, str]) -> dict[str, str]:
    return {key: _chart_uri(svg) for key, svg in charts.items()}


def _display(report: Report, charts: dict[str, str]) -> list[dict[str, object]]:
    return [
        {
            "key": section.key,
            "title": label(section.title),
            "tables": [display_table(t, charts) for t in section.tables],
        }
        for section in report.sections
    ]


@role_required(Role.DIRECTORATE)
@require_GET
def scenario_list(request: HttpRequest) -> HttpResponse:
    """The saved scenarios, newest first; tick some to compare them."""
    scenarios = list(Scenario.objects.select_related("round", "requested_by").defer(*BLOBS))
    return render(
        request,
        "directorate/scenario_list.html",
        {
            "scenarios": scenarios,
            "in_progress": any(s.in_progress for s in scenarios),
            "compare_max": COMPARE_MAX,
        },
    )


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def scenario_new(request: HttpRequest) -> HttpResponse:
    """The form, with the defaults and assumptions of the chosen round (the latest unless
    `?runde=` names another)."""
    rounds = RoundChoiceForm(request.GET if "runde" in request.GET else None)
    round_ = None
    if rounds.is_bound and rounds.is_valid():
        round_ = rounds.cleaned_data["runde"]
    elif not rounds.is_bound:
        round_ = Round.objects.order_by("-year", "-season").first()
        rounds = RoundChoiceForm(initial={"runde": round_})
    if round_ is None:
        status = 400 if rounds.is_bound else 200
        return render(
            request,
            "directorate/scenario_form.html",
            {"rounds": rounds, "form": None},
            status=status,
        )
    defaults = simulation_data.scenario_defaults(round_, cached=True)
    data = request.POST if request.method == "POST" else None
    form = ScenarioForm(data, round_=round_, defaults=defaults)
    if request.method == "POST" and form.is_valid():
        scenario = scenario_request(
            round_=round_,
            name=form.cleaned_data["name"],
            parameters=form.parameters(),
            seats_needed_question=form.seats_needed_question(),
            requested_by=request.user,
            language=request.LANGUAGE_CODE,
        )
        messages.success(request, _("The scenario is running; this page updates by itself."))
        return redirect("directorate:scenario", pk=scenario.pk)
    context = {"rounds": rounds, "form": form, "round": round_}
    return render(
        request,
        "directorate/scenario_form.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )


def _scenario(pk: int) -> Scenario:
    return get_object_or_404(Scenario.objects.select_related("round", "requested_by"), pk=pk)


@role_required(Role.DIRECTORATE)
@require_GET
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(pk)
    context: dict[str, object] = {"scenario": scenario, "formats": EXPORT_FORMATS}
    if scenario.status == JobStatus.SUCCEEDED:
        report = scenario_report(scenario)
        context["sections"] = _display(report, _uris(scenario_charts(scenario, report)))
        context["notes"] = [label(n) for n in report.notes]
    return render(request, "directorate/scenario_detail.html", context)


@role_required(Role.DIRECTORATE)
@require_GET
def scenario_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The polled state; tells htmx to reload the page once the job has ended."""
    scenario = get_object_or_404(Scenario.objects.defer(*BLOBS), pk=pk)
    response = render(request, "directorate/_scenario_status.html", {"scenario": scenario})
    if not scenario.in_progress:
        response["HX-Refresh"] = "true"
    return response


@role_required(Role.DIRECTORATE)
@require_POST
def scenario_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a failed scenario back in the queue."""
    scenario = get_object_or_404(Scenario.objects.defer(*BLOBS), pk=pk)
    if job_requeue(scenario):
        messages.success(request, _("The scenario is queued again."))
    else:
        messages.error(request, _("Only a failed scenario can be tried again."))
    return redirect("directorate:scenario", pk=scenario.pk)


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete (a worker still running it drops its result: the row is gone)."""
    scenario = get_object_or_404(Scenario.objects.select_related("round").defer(*BLOBS), pk=pk)
    if request.method == "POST":
        name = scenario.name
        scenario.delete()
        messages.success(request, _("The scenario “%(name)s” is deleted.") % {"name": name})
        return redirect("directorate:scenarios")
    return render(request, "directorate/scenario_delete.html", {"scenario": scenario})


@role_required(Role.DIRECTORATE)
@require_GET
def scenario_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """An export of a finished scenario (XLSX, CSV zip, JSON or PDF) as its job rendered it."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    stored = get_object_or_404(
        ScenarioFile, scenario_id=pk, scenario__status=JobStatus.SUCCEEDED, format=fmt
    )
    filename, content_type, content = stored.filename, stored.content_type, bytes(stored.content)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _compare_error(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "directorate/scenario_compare.html", {"error": message}, status=400)


@role_required(Role.DIRECTORATE)
@require_GET
def scenario_compare(request: HttpRequest) -> HttpResponse:
    """Finished scenarios side by side (`?s=1&s=2`)."""
    raw = request.GET.getlist("s")
    try:
        ids = list(dict.fromkeys(int(value) for value in raw))
    except ValueError:
        return _compare_error(request, _("Choose scenarios by their numbers."))
    if not 2 <= len(ids) <= COMPARE_MAX:
        return _compare_error(
            request,
            ngettext(
                "Choose from 2 to %(max)s scenarios to compare; you chose %(count)s.",
                "Choose from 2 to %(max)s scenarios to compare; you chose %(count)s.",
                len(ids),
            )
            % {"max": COMPARE_MAX, "count": len(ids)},
        )
    found = {
        s.pk: s
        for s in Scenario.objects.select_related("round")
        .defer("charts")
        .filter(pk__in=ids, status=JobStatus.SUCCEEDED)
    }
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        return _compare_error(
            request,
            _("These scenarios do not exist or have not finished: %(ids)s.")
            % {"ids": ", ".join(missing)},
        )
    scenarios = [found[pk] for pk in ids]
    tables = scenarios_compare_tables(scenarios)
    key = hashlib.sha256("|".join(f"{s.pk}:{s.attempt}" for s in scenarios).encode()).hexdigest()[
        :16
    ]
    charts = _uris(tables_charts(f"compare:{key}", tables))
    return render(
        request,
        "directorate/scenario_compare.html",
        {"scenarios": scenarios, "tables": [display_table(t, charts) for t in tables]},
    )
