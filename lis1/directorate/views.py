"""Directorate pages for match runs: progress, statistics, downloads, verification (a
background check), publication with the round's checklist, and running a failed run again."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis1.directorate.forms import PublishForm
from lis1.directorate.selectors import round_checklist_items, run_context
from lis1.jobs.models import ACTIVE
from lis1.rounds.errors import RuleViolation
from lis1.rounds.models import MatchRun
from lis1.rounds.permissions import Role, role_required
from lis1.rounds.selectors import positions_without_submitted_ranking
from lis1.rounds.services.matching import (
    match_run_publish,
    match_run_rerun,
    match_run_verify_start,
)


def _run_or_404(pk: int) -> MatchRun:
    """The run without its instance and result, which only the downloads read."""
    runs = MatchRun.objects.select_related("round", "requested_by", "published_by")
    return get_object_or_404(runs.without_blobs(), pk=pk)


def _histogram_rows(histogram: dict[str, int]) -> list[tuple[int, int]]:
    return sorted((int(choice), count) for choice, count in histogram.items())


def verdict_words(run: MatchRun) -> list[str]:
    """Whether the run's matching is stable and whether a stable one exists at all, in words
    (the exact check's verdict, lis1.matching.exact, stored with the statistics)."""
    stats = run.statistics or {}
    verdict = stats.get("verdict")
    exact = stats.get("exact") or {}
    source = exact.get("matching_source")
    if run.stable is None:
        return []
    if run.stable:
        words = [_("Stable: no applicant and position would both rather be matched together.")]
        if source == "sat_stable":
            words.append(
                _(
                    "The engine's own matching was not stable; the exact check found a stable "
                    "matching, and this is the one in the result."
                )
            )
        return words
    count = exact.get("blocking_agents")
    if verdict == "none_exists":
        words = [_("No stable matching exists for this round: the exact check proved it.")]
        if source == "maxsat_fewest_blocking_agents" or (source == "engine_fewest_blocking_agents"):
            words.append(
                ngettext(
                    "The result has the fewest applicants or couples in a blocking pair that "
                    "any matching can have: %(count)s.",
                    "The result has the fewest applicants or couples in blocking pairs that "
                    "any matching can have: %(count)s.",
                    count or 0,
                )
                % {"count": count}
            )
        elif source == "maxsat_fewer_blocking_agents":
            words.append(
                _(
                    "The result has fewer applicants or couples in blocking pairs than the "
                    "engine's matching (%(count)s), but the check ran out of budget before "
                    "proving that no matching has fewer."
                )
                % {"count": count}
            )
        else:
            words.append(
                _(
                    "The result is the engine's matching: the check ran out of budget looking "
                    "for one with fewer applicants or couples in blocking pairs."
                )
            )
        return words
    if verdict == "unknown":
        return [
            _(
                "Not stable, and the exact check could not decide within its budget whether a "
                "stable matching exists."
            )
        ]
    if verdict == "skipped":
        return [
            _(
                "Not stable. The round is larger than the exact check takes, so it did not "
                "decide whether a stable matching exists."
            )
        ]
    return [_("Not stable: the matching has blocking pairs.")]


def _run_page(request: HttpRequest, run: MatchRun, *, status: int = 200) -> HttpResponse:
    stats = run.statistics or {}
    return render(
        request,
        "directorate/match_run.html",
        {
            **run_context(run),
            "stats": stats,
            "choices": _histogram_rows(stats.get("choice_histogram", {})),
            "couple_choices": _histogram_rows(stats.get("couple_choice_histogram", {})),
            # Stored on the run when it was written: the result document is never read here.
            "blocking_pairs": run.blocking_pairs_preview if run.stable is False else [],
            "verdict": verdict_words(run),
        },
        status=status,
    )


@role_required(Role.DIRECTORATE)
@require_GET
def match_run(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_page(request, _run_or_404(pk))


def _refused(request: HttpRequest, run: MatchRun, error: RuleViolation) -> HttpResponse:
    """The run's page with the rule's message, answering 409 (nothing was changed)."""
    messages.error(request, error.message)
    return _run_page(request, run, status=409)


@role_required(Role.DIRECTORATE)
@require_GET
def match_run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The polled status fragment; tells htmx to reload the page once nothing runs."""
    run = _run_or_404(pk)
    context = run_context(run)
    response = render(request, "directorate/_run_status.html", context)
    if not context["busy"]:
        response["HX-Refresh"] = "true"
    return response


@role_required(Role.DIRECTORATE)
@require_GET
def match_run_download(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    # The one document asked for, not both (megabytes each) nor the run's other fields.
    field = "instance_json" if part == "instance" else "result_json"
    row = MatchRun.objects.filter(pk=pk).values_list(field, "round__slug").first()
    if row is None:
        raise Http404
    text, slug = row
    if not text:
        return HttpResponse(_("Not available for this run."), status=404, content_type="text/plain")
    response = HttpResponse(text.encode(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{slug}-run{pk}-{part}.json"'

    return response


@role_required(Role.DIRECTORATE)
@require_POST
def match_run_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the background check: re-run the engine on the stored instance and compare."""
    run = _run_or_404(pk)
    try:
        match_run_verify_start(match_run=run, requested_by=request.user)
    except RuleViolation as error:
        return _refused(request, run, error)
    messages.success(request, _("The run is being verified; the page updates by itself."))
    return redirect("directorate:match_run", pk=run.pk)


@role_required(Role.DIRECTORATE)
@require_POST
def match_run_rerun_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    try:
        again = match_run_rerun(match_run=run, requested_by=request.user)
    except RuleViolation as error:
        return _refused(request, run, error)
    messages.success(request, _("The run is started again with the same seed."))
    return redirect("directorate:match_run", pk=again.pk)


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def match_run_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing is irreversible: the round's checklist and a confirmation first. Positions
    without a submitted ranking need an explicit confirmation with a reason."""
    run = _run_or_404(pk)
    unranked = positions_without_submitted_ranking(run.round).select_related("employer")
    unranked_count = unranked.count()
    unstable = run.stable is False
    form = PublishForm(
        request.POST if request.method == "POST" else None,
        unstable=unstable,
        unranked=bool(unranked_count),
    )
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            match_run_publish(
                match_run=run,
                published_by=request.user,
                confirm=form.cleaned_data["confirm"],
                reason=form.cleaned_data["reason"],
            )
        except RuleViolation as exc:
            error = exc.message
            status = 409
        else:
            messages.success(
                request,
                _(
                    "The results are published to applicants and employers. The results "
                    "e-mails are being written; the page shows their progress."
                ),
            )
            return redirect("directorate:match_run", pk=run.pk)
    return render(
        request,
        "directorate/match_run_publish.html",
        {
            "run": run,
            "form": form,
            "error": error,
            "checklist": round_checklist_items(run.round),
            "unranked": unranked[:100],
            "unranked_count": unranked_count,
            "unstable": unstable,
            "verdict": verdict_words(run),
            "checking": run.checks.filter(status__in=ACTIVE).exists(),
        },
        status=status,
    )
