"""Municipality staff pages: positions whose municipal part is theirs, the employer's ranked
applicants with approve or comment, municipal places in an area and the municipal placement
run; and the placed doctor's own page to rank the area's municipalities.

Every object is fetched through scoped querysets, so another municipality's position, area
or run is not found (404)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lis1.rounds.enums import OrganisationKind
from lis1.rounds.models import MunicipalArea, Position, Round
from lis1.rounds.permissions import (
    Role,
    areas_of_municipality_staff,
    municipality_positions,
    organisations_of,
    own_placements,
    reviewing_municipalities,
    role_required,
)
from lis1.rounds.selectors import employer_ranking_entries, positions_with_counts, round_current
from lis1.rounds.services.csvio import csv_bytes
from municipalities.forms import (
    MunicipalityRankingForm,
    PlacementRunForm,
    PlacesForm,
    RankingReviewForm,
)
from municipalities.models import (
    MunicipalityPreference,
    MunicipalPlacementRun,
    MunicipalPlaces,
    NoPlaceReason,
)
from municipalities.services import (
    MunicipalError,
    area_placements,
    municipal_placement_readiness,
    municipal_placement_start,
    municipal_places_set,
    municipal_run_summary,
    municipality_preferences_set,
    ranking_review_add,
)


@role_required(Role.MUNICIPALITY)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Positions in the current round whose municipal part is this municipality's, alone or
    as part of an area."""
    municipalities = list(organisations_of(request.user, OrganisationKind.MUNICIPALITY))
    current = round_current()
    positions = positions_with_counts(
        Position.objects.filter(
            pk__in=municipality_positions(request.user).values("pk"), round=current
        )
    )
    return render(
        request,
        "municipalities/dashboard.html",
        {
            "municipalities": municipalities,
            "round": current,
            "positions": positions,
            "areas": areas_of_municipality_staff(request.user).select_related("employer"),
        },
    )


def _position(request: HttpRequest, pk: int) -> Position:
    return get_object_or_404(
        Position.objects.filter(
            pk__in=municipality_positions(request.user).values("pk")
        ).select_related(
            "round", "employer", "municipality", "municipal_area", "ranking_submitted_by"
        ),
        pk=pk,
    )


@role_required(Role.MUNICIPALITY)
@require_http_methods(["GET", "POST"])
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The employer's ranked applicants, and the municipality's approval or comment."""
    position = _position(request, pk)
    reviewers = list(reviewing_municipalities(request.user, position))
    form = RankingReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            for municipality in reviewers:
                ranking_review_add(
                    position=position,
                    municipality=municipality,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                    user=request.user,
                )
        except MunicipalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your review is recorded."))
            return redirect("municipalities:position", pk=position.pk)
    entries = list(employer_ranking_entries(position))
    for entry in entries:
        entry.masked_id = entry.applicant.national_id_masked(show_birth_date=True)
    return render(
        request,
        "municipalities/position_detail.html",
        {
            "position": position,
            "entries": entries,
            "reviews": position.ranking_reviews.select_related("municipality", "created_by"),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _area(request: HttpRequest, pk: int) -> MunicipalArea:
    return get_object_or_404(
        areas_of_municipality_staff(request.user).select_related("employer"), pk=pk
    )


def _area_start_dates(area: MunicipalArea, round_: Round | None) -> list[dt.date]:
    if round_ is None:
        return []
    return sorted(
        set(
            Position.objects.filter(municipal_area=area, round=round_).values_list(
                "start_date", flat=True
            )
        )
    )


def _area_round(area: MunicipalArea) -> Round | None:
    """The round the area's placement is about: the newest one with published results for
    its positions, else the newest with positions there, else the current round."""
    rounds = Round.objects.filter(positions__municipal_area=area).distinct().order_by("-start_date")
    return (
        rounds.filter(match_runs__published_at__isnull=False).first()
        or rounds.first()
        or round_current()
    )


def _chosen_start_date(request: HttpRequest, start_dates: list[dt.date]) -> dt.date | None:
    """The start date the page is about: the one posted to the run form, else the one asked
    for (?start_date=), else the first."""
    if request.method == "POST" and request.POST.get("form") == "run":
        wanted = request.POST.get("run-start_date", "")
    else:
        wanted = request.GET.get("start_date", "")
    for start_date in start_dates:
        if start_date.isoformat() == wanted:
            return start_date
    return start_dates[0] if start_dates else None


@role_required(Role.MUNICIPALITY)
@require_http_methods(["GET", "POST"])
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Places per municipality and start, the doctors placed in the area, what a placement
    of the chosen start date would work with, and the runs."""
    area = _area(request, pk)
    round_ = _area_round(area)
    own = list(organisations_of(request.user, OrganisationKind.MUNICIPALITY).filter(areas=area))
    area_municipalities = list(area.municipalities.order_by("name"))
    start_dates = _area_start_dates(area, round_)
    chosen = _chosen_start_date(request, start_dates)
    status = 200
    places_form = PlacesForm(
        request.POST if request.POST.get("form") == "places" else None,
        municipalities=own,
        prefix="places",
        initial={"start_date": chosen},
    )
    if request.method == "POST" and request.POST.get("form") == "places":
        status = 400
        if places_form.is_valid():
            municipality = next(m for m in own if m.pk == places_form.cleaned_data["municipality"])
            try:
                municipal_places_set(
                    area=area,
                    municipality=municipality,
                    start_date=places_form.cleaned_data["start_date"],
                    places=places_form.cleaned_data["places"],
                    user=request.user,
                )
            except MunicipalError as error:
                places_form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, _("The places are saved."))
                return redirect("municipalities:area", pk=area.pk)

    readiness = (
        municipal_placement_readiness(
            area=area, round_=round_, start_date=chosen, municipalities=area_municipalities
        )
        if round_ is not None and chosen is not None
        else None
    )
    run_form = PlacementRunForm(
        request.POST if request.POST.get("form") == "run" else None,
        start_dates=start_dates,
        readiness=readiness,
        prefix="run",
        initial={"start_date": chosen.isoformat() if chosen else None},
    )
    if request.method == "POST" and request.POST.get("form") == "run":
        status = 400
        if run_form.is_valid() and round_:
            try:
                run = municipal_placement_start(
                    area=area,
                    round_=round_,
                    start_date=dt.date.fromisoformat(run_form.cleaned_data["start_date"]),
                    seed=run_form.cleaned_data["seed"],
                    user=request.user,
                    confirm=bool(run_form.cleaned_data.get("confirm")),
                )
            except MunicipalError as error:
                run_form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, _("The municipal placement has started."))
                return redirect("municipalities:run", pk=run.pk)
    # One query for every start date, in the order of the dates.
    doctors = list(
        area_placements(area=area, round_=round_)  # type: ignore[arg-type]
        .filter(position__start_date__in=start_dates)
        .select_related("applicant", "position", "municipality")
        .prefetch_related("municipality_preferences__municipality")
        .order_by("position__start_date", "pk")
    )
    return render(
        request,
        "municipalities/area_detail.html",
        {
            "area": area,
            "round": round_,
            "area_municipalities": area_municipalities,
            "places": MunicipalPlaces.objects.filter(area=area).select_related("municipality"),
            "places_form": places_form,
            "run_form": run_form,
            "start_dates": start_dates,
            "chosen_start_date": chosen,
            "readiness": readiness,
            "doctors": doctors,
            "runs": MunicipalPlacementRun.objects.filter(area=area)
            .select_related("requested_by", "round")
            .defer("instance_json", "result_json"),
        },
        status=status,
    )


def _run(request: HttpRequest, pk: int) -> MunicipalPlacementRun:
    return get_object_or_404(
        MunicipalPlacementRun.objects.filter(
            area__in=areas_of_municipality_staff(request.user).values("pk")
        ).select_related("area", "round", "requested_by"),
        pk=pk,
    )


def _assignments(run: MunicipalPlacementRun):
    return run.assignments.select_related(
        "placement__applicant", "placement__position", "municipality"
    ).order_by("order")


def _with_reasons(run: MunicipalPlacementRun):
    """The run's summary, and its assignments each with `no_place_reason` (a NoPlaceReason
    value, "" for a doctor who got a municipality)."""
    summary = municipal_run_summary(run)
    reasons = summary.reasons if summary else {}
    assignments = list(_assignments(run))
    for a in assignments:
        a.no_place_reason = reasons.get(a.placement_id, "")
    return summary, assignments


@role_required(Role.MUNICIPALITY)
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who comes when: the drawn order and the municipality each doctor got, and plainly who
    got none and why."""
    run = _run(request, pk)
    summary, assignments = _with_reasons(run)
    labels = dict(NoPlaceReason.choices)
    for a in assignments:
        a.no_place_label = labels.get(a.no_place_reason, "")
    return render(
        request,
        "municipalities/run_detail.html",
        {
            "run": run,
            "summary": summary,
            "assignments": assignments,
            "without_place": [a for a in assignments if a.municipality_id is None],
        },
    )


@role_required(Role.MUNICIPALITY)
@require_GET
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The drawn order as CSV; `reason` is empty for a doctor who got a municipality, else
    "no_wish_list" or "choices_full" (the reasons the run page gives)."""
    run = _run(request, pk)
    _summary, assignments = _with_reasons(run)
    rows = (
        (
            a.order,
            a.placement.applicant.full_name,
            a.placement.position.reference,
            a.municipality.name if a.municipality else "",
            run.start_date.isoformat(),
            a.no_place_reason,
        )
        for a in assignments
    )
    content = csv_bytes(
        ("order", "doctor", "position", "municipality", "start_date", "reason"), rows
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="municipal-placement-{run.pk}.csv"'
    return response


# --- the placed doctor's side --------------------------------------------------------------


def _own_area_placements(request: HttpRequest):
    return own_placements(request.user).filter(position__municipal_area__isnull=False)


@login_required
@require_GET
def my_area_placements(request: HttpRequest) -> HttpResponse:
    """A placed doctor's positions whose municipality is allocated later within an area."""
    placements = _own_area_placements(request).select_related(
        "position__municipal_area", "position__employer", "municipality"
    )
    return render(request, "municipalities/my_placements.html", {"placements": placements})


@login_required
@require_http_methods(["GET", "POST"])
def my_municipality_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The placed doctor ranks the municipalities of the area (until a placement has run)."""
    placement = get_object_or_404(
        _own_area_placements(request).select_related("position__municipal_area", "municipality"),
        pk=pk,
    )
    area = placement.position.municipal_area
    if area is None:
        raise Http404
    municipalities = list(area.municipalities.order_by("name"))
    current = dict(
        MunicipalityPreference.objects.filter(placement=placement).values_list(
            "municipality_id", "rank"
        )
    )
    locked = placement.municipality_id is not None
    form = MunicipalityRankingForm(
        request.POST or None, municipalities=municipalities, current=current
    )
    if request.method == "POST" and not locked and form.is_valid():
        try:
            municipality_preferences_set(placement=placement, municipality_ids=form.ordered_ids())
        except MunicipalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your list of municipalities is saved."))
            return redirect("municipalities:my_ranking", pk=placement.pk)
    return render(
        request,
        "municipalities/my_ranking.html",
        {"placement": placement, "area": area, "form": form, "locked": locked},
        status=400 if form.errors else 200,
    )
