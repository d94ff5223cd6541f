"""Directorate pages: rounds, match runs (start, progress, statistics, downloads, verify,
publish)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis1.directorate.forms import StartMatchRunForm
from lis1.rounds.enums import MatchRunStatus
from lis1.rounds.models import MatchRun, Round
from lis1.rounds.permissions import Role, role_required
from lis1.rounds.selectors import rounds_with_counts
from lis1.rounds.services.matching import (
    MatchRunError,
    match_run_publish,
    match_run_start,
    match_run_verify,
)


def _with_ratio(rounds: list[Round]) -> list[Round]:
    for round_ in rounds:
        seats = round_.seat_count  # type: ignore[attr-defined]
        round_.applicants_per_seat = round_.applicant_count / seats if seats else None  # type: ignore[attr-defined]
    return rounds


@role_required(Role.DIRECTORATE)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every round with its headline counts."""
    return render(
        request, "directorate/dashboard.html", {"rounds": _with_ratio(list(rounds_with_counts()))}
    )


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def round_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A round's calendar and counts, its match runs, and the form that starts a run."""
    round_ = get_object_or_404(Round, slug=slug)
    counted = _with_ratio(list(rounds_with_counts().filter(pk=round_.pk)))[0]
    form = StartMatchRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = match_run_start(
                round_=round_,
                kind=form.cleaned_data["kind"],
                seed=form.cleaned_data["seed"],
                requested_by=request.user,
            )
        except MatchRunError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The match run has started."))
            return redirect("directorate:match_run", pk=run.pk)
    runs = round_.match_runs.select_related("requested_by", "published_by").order_by("-created_at")
    return render(
        request,
        "directorate/round_detail.html",
        {"round": counted, "runs": runs, "form": form},
        status=400 if form.errors else 200,
    )


def _run_or_404(pk: int) -> MatchRun:
    return get_object_or_404(
        MatchRun.objects.select_related("round", "requested_by", "published_by"), pk=pk
    )


def _histogram_rows(histogram: dict[str, int]) -> list[tuple[int, int]]:
    return sorted((int(choice), count) for choice, count in histogram.items())


@role_required(Role.DIRECTORATE)
@require_GET
def match_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    stats = run.statistics or {}
    return render(
        request,
        "directorate/match_run.html",
        {
            "run": run,
            "stats": stats,
            "choices": _histogram_rows(stats.get("choice_histogram", {})),
            "couple_choices": _histogram_rows(stats.get("couple_choice_histogram", {})),
            "running": run.status in (MatchRunStatus.QUEUED, MatchRunStatus.RUNNING),
            "blocking_pairs": json.loads(run.result_json)["blocking_pairs"][:50]
            if run.result_json
            else [],
        },
    )


@role_required(Role.DIRECTORATE)
@require_GET
def match_run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The polled status fragment; tells htmx to reload the page once the run has finished."""
    run = _run_or_404(pk)
    response = render(request, "directorate/_run_status.html", {"run": run})
    if run.status not in (MatchRunStatus.QUEUED, MatchRunStatus.RUNNING):
        response["HX-Refresh"] = "true"
    return response


@role_required(Role.DIRECTORATE)
@require_GET
def match_run_download(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    run = _run_or_404(pk)
    text = run.instance_json if part == "instance" else run.result_json
    if not text:
        return HttpResponse(_("Not available for this run."), status=404, content_type="text/plain")
    response = HttpResponse(text.encode(), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="{run.round.slug}-run{run.pk}-{part}.json"'
    )
    return response


@role_required(Role.DIRECTORATE)
@require_POST
def match_run_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    try:
        problems = match_run_verify(match_run=run)
    except MatchRunError as error:
        messages.error(request, str(error))
    else:
        if problems:
            for problem in problems:
                messages.error(request, problem)
        else:
            messages.success(
                request,
                _(
                    "Verified: the engine gives the same result from the stored instance, the verifier "  # noqa: E501
                    "finds what the run reported, and the placements match."
                ),
            )
    return redirect("directorate:match_run", pk=run.pk)


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def match_run_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing is irreversible: a confirmation page first, then the POST."""
    run = _run_or_404(pk)
    if request.method == "POST":
        try:
            match_run_publish(match_run=run, published_by=request.user)
        except MatchRunError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The results are published to applicants and employers."))
        return redirect("directorate:match_run", pk=run.pk)
    return render(request, "directorate/match_run_publish.html", {"run": run})
