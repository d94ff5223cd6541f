"""Directorate pages for running a round without the admin: the list of rounds, a new round
(its calendar proposed from the same season a year before), the calendar, the round's phase
and next step, its checklist, the follow-up, extra seats, closing, and its log.

Every rule is the services' (lis1.rounds.services.rounds, .matching, .placements, with the
calendar module): a refusal is shown with its message and the page answers 409; a form with
bad input answers 400. Nothing is changed by a refused request."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.contrib import messages
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from lis1.directorate.forms import (
    CalendarForm,
    ReasonForm,
    RoundCreateForm,
    SeatAdditionForm,
    StartMatchRunForm,
)
from lis1.directorate.selectors import round_checklist_items
from lis1.rounds.calendar import (
    CALENDAR_FIELDS,
    FROZEN_AFTER_PUBLICATION,
    Action,
    CalendarInvalid,
    calendar_allows,
    calendar_changes,
    calendar_prefill,
    round_milestones,
    round_next_step,
)
from lis1.rounds.enums import HOLDING, MatchRunKind, PositionStatus, Season
from lis1.rounds.errors import RuleViolation
from lis1.rounds.models import Placement, Position, Round, RoundEvent, SeatAddition
from lis1.rounds.permissions import Role, role_required
from lis1.rounds.selectors import round_counts_attach, rounds_with_counts
from lis1.rounds.services.matching import match_run_start
from lis1.rounds.services.placements import position_seats_add
from lis1.rounds.services.rounds import (
    round_calendar_update,
    round_close,
    round_create,
    round_follow_up_open,
)
from lis1.ui import page_of


def _with_ratio(rounds: list[Round]) -> list[Round]:
    for round_ in rounds:
        seats = round_.seat_count  # type: ignore[attr-defined]
        round_.applicants_per_seat = round_.applicant_count / seats if seats else None  # type: ignore[attr-defined]
    return rounds


def _next_season() -> tuple[str, int]:
    """The round after the newest one (spring → autumn of the same year → next spring)."""
    newest = Round.objects.order_by("-start_date").first()
    if newest is None:
        today = timezone.localdate()
        return (Season.SPRING, today.year + 1) if today.month >= 3 else (Season.SPRING, today.year)
    if newest.season == Season.SPRING:
        return Season.AUTUMN, newest.year
    return Season.SPRING, newest.year + 1


@role_required(Role.DIRECTORATE)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every round with its phase and headline counts."""
    season, year = _next_season()
    return render(
        request,
        "directorate/dashboard.html",
        {
            "rounds": _with_ratio(rounds_with_counts()),
            "next_season": season,
            "next_year": year,
        },
    )


def _refused(request: HttpRequest, error: RuleViolation) -> None:
    messages.error(request, error.message)


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    """A new round: season and year, and a calendar proposed from the same season a year
    before (choose the season and year and press "Propose dates" to see it)."""
    season, year = _next_season()
    season = request.GET.get("season", season)
    with contextlib.suppress(ValueError):
        year = int(request.GET.get("year", year))
    if season not in Season.values or not 2000 <= year <= 2100:
        season, year = _next_season()
    initial = {"season": season, "year": year, **calendar_prefill(season, year)}
    form = RoundCreateForm(request.POST if request.method == "POST" else None, initial=initial)

    def create() -> HttpResponse:
        round_ = round_create(
            season=form.cleaned_data["season"],
            year=form.cleaned_data["year"],
            calendar=form.calendar(),
            created_by=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("%(round)s is created.") % {"round": round_})
        return redirect("directorate:round", slug=round_.slug)

    return _calendar_form_page(
        request, form, create, {"season": season, "year": year, "creating": True}
    )


def _calendar_form_page(
    request: HttpRequest,
    form: CalendarForm,
    save,
    context: dict[str, object],
) -> HttpResponse:
    """A calendar form's POST through its service: the calendar's per-field errors on the
    form (400), a broken rule as the form's error (409), else the service's redirect."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                return save()
            except CalendarInvalid as invalid:
                for field, problems in invalid.errors.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            except RuleViolation as error:
                form.add_error(None, error.message)
                status = 409
    return render(request, "directorate/round_form.html", {"form": form, **context}, status=status)


def _frozen(round_: Round) -> tuple[str, ...]:
    if round_.closed_at:
        return CALENDAR_FIELDS
    return FROZEN_AFTER_PUBLICATION if round_.published_at else ()


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def round_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """Change the round's calendar. Dates that have passed or are moved into the past need a
    reason; after publication the dates before it cannot move; a closed round's cannot."""
    round_ = get_object_or_404(Round, slug=slug)
    frozen = _frozen(round_)
    initial = {field: getattr(round_, field) for field in CALENDAR_FIELDS}
    form = CalendarForm(
        request.POST if request.method == "POST" else None, initial=initial, frozen=frozen
    )

    def save() -> HttpResponse:
        changed = calendar_changes(round_, form.calendar())
        round_calendar_update(
            round_=round_,
            calendar=form.calendar(),
            changed_by=request.user,
            reason=form.cleaned_data["reason"],
        )
        if changed:
            messages.success(request, _("The calendar is changed."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("directorate:round", slug=round_.slug)

    return _calendar_form_page(
        request, form, save, {"round": round_, "creating": False, "frozen": frozen}
    )


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def round_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A round's phase and next step, calendar, checklist, counts, match runs and log, and
    the actions its phase allows (start a match, open the follow-up, close)."""
    round_ = get_object_or_404(Round, slug=slug)
    counted = _with_ratio(round_counts_attach([round_]))[0]
    can_main = calendar_allows(round_, Action.START_MAIN_MATCH)
    can_follow_up = calendar_allows(round_, Action.FOLLOW_UP_MATCH)
    kind = MatchRunKind.FOLLOW_UP if can_follow_up and not can_main else MatchRunKind.MAIN
    form = StartMatchRunForm(
        request.POST if request.method == "POST" else None, initial={"kind": kind}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = match_run_start(
                    round_=round_,
                    kind=form.cleaned_data["kind"],
                    seed=form.cleaned_data["seed"],
                    requested_by=request.user,
                )
            except RuleViolation as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, _("The match run has started."))
                return redirect("directorate:match_run", pk=run.pk)
        else:
            status = 400
    runs = (
        round_.match_runs.exclude(kind=MatchRunKind.DIRECT_OFFER)
        .select_related("requested_by", "published_by")
        .without_blobs()
        .order_by("-created_at")
    )
    direct_offers = round_.match_runs.filter(kind=MatchRunKind.DIRECT_OFFER).count()
    return render(
        request,
        "directorate/round_detail.html",
        {
            "round": counted,
            "phase": round_.phase,
            "next_step": round_next_step(round_),
            "milestones": round_milestones(round_),
            "checklist": round_checklist_items(round_),
            "runs": runs,
            "direct_offers": direct_offers,
            "form": form,
            "can_start": can_main or can_follow_up,
            "start_refusal": _refusal_text(round_),
            "can_open_follow_up": calendar_allows(round_, Action.OPEN_FOLLOW_UP),
            "can_close": calendar_allows(round_, Action.CLOSE),
            "can_add_seats": calendar_allows(round_, Action.ADD_SEATS),
            "events": event_rows(round_.events.select_related("actor")[:50]),
        },
        status=status,
    )


def _refusal_text(round_: Round) -> str:
    """Why no match can start now, in words (the calendar's own message): the main match's
    rule before publication, the follow-up's after it."""
    from lis1.rounds.calendar import calendar_check

    action = Action.FOLLOW_UP_MATCH if round_.published_at else Action.START_MAIN_MATCH
    try:
        calendar_check(round_, action)
    except RuleViolation as error:
        return error.message
    return ""


def _decision_page(
    request: HttpRequest,
    slug: str,
    *,
    template: str,
    action: Action,
    run,
    done_message: str,
) -> HttpResponse:
    """A confirmation page for an irreversible decision, then the service."""
    round_ = get_object_or_404(Round, slug=slug)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    status = 200
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            run(round_=round_, user=request.user, reason=form.cleaned_data["reason"])
        except RuleViolation as exc:
            error = exc.message
            status = 409
        else:
            messages.success(request, done_message)
            return redirect("directorate:round", slug=round_.slug)
    return render(
        request,
        template,
        {
            "round": round_,
            "form": form,
            "error": error,
            "allowed": calendar_allows(round_, action),
            "checklist": round_checklist_items(round_),
            "open_offers": Placement.objects.filter(
                match_run__round=round_,
                match_run__published_at__isnull=False,
                status="offered",
            ).count(),
        },
        status=status,
    )


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def round_follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    return _decision_page(
        request,
        slug,
        template="directorate/round_follow_up.html",
        action=Action.OPEN_FOLLOW_UP,
        run=lambda round_, user, reason: round_follow_up_open(round_=round_, opened_by=user),
        done_message=_("The follow-up is open: vacant seats can be matched again."),
    )


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def round_close_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _decision_page(
        request,
        slug,
        template="directorate/round_close.html",
        action=Action.CLOSE,
        run=lambda round_, user, reason: round_close(round_=round_, closed_by=user, reason=reason),
        done_message=_("The round is closed. Its final report is being made."),
    )


def positions_with_seats(round_: Round) -> QuerySet[Position]:
    """The round's published positions with seats held and extra seats added: one subquery
    per count, never a join that multiplies rows."""
    held = (
        Placement.objects.filter(
            position=OuterRef("pk"), match_run__published_at__isnull=False, status__in=HOLDING
        )
        .order_by()
        .values("position")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    added = (
        SeatAddition.objects.filter(position=OuterRef("pk"))
        .order_by()
        .values("position")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        Position.objects.filter(round=round_, status=PositionStatus.PUBLISHED)
        .select_related("employer")
        .annotate(
            held=Coalesce(Subquery(held, output_field=IntegerField()), 0),
            additions=Coalesce(Subquery(added, output_field=IntegerField()), 0),
        )
        .order_by("employer__name", "reference")
    )


@role_required(Role.DIRECTORATE)
@require_http_methods(["GET", "POST"])
def round_seats(request: HttpRequest, slug: str) -> HttpResponse:
    """Seats after publication: held and vacant per position, and extra seats (the
    directorate's proposal 1), filled from the position's list by its employer or by a
    follow-up match."""
    round_ = get_object_or_404(Round, slug=slug)
    positions = positions_with_seats(round_)
    query = request.GET.get("q", "").strip()
    if query:
        positions = positions.filter(
            Q(reference__icontains=query)
            | Q(title__icontains=query)
            | Q(employer__name__icontains=query)
        )
    vacant_only = request.GET.get("ledige") == "1"
    positions = positions.annotate(vacant=Greatest(F("seats") - F("held"), 0))
    if vacant_only:
        positions = positions.filter(vacant__gt=0)
    vacant_total = positions.aggregate(n=Sum("vacant"))["n"] or 0
    # 6,000 positions in a national round: a page of them at a time.
    page, page_query = page_of(request, positions, 50)
    rows = list(page.object_list)
    status = 200
    form = SeatAdditionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        position = get_object_or_404(Position, round=round_, pk=request.POST.get("position"))
        if form.is_valid():
            try:
                position_seats_add(
                    position=position,
                    seats=form.cleaned_data["seats"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except RuleViolation as error:
                messages.error(request, error.message)
                status = 409
            else:
                seats = form.cleaned_data["seats"]
                messages.success(
                    request,
                    ngettext(
                        "%(seats)s extra seat added to %(position)s.",
                        "%(seats)s extra seats added to %(position)s.",
                        seats,
                    )
                    % {"seats": seats, "position": position.reference},
                )
                return redirect(request.get_full_path())
        else:
            status = 400
    return render(
        request,
        "directorate/round_seats.html",
        {
            "round": round_,
            "rows": rows,
            "form": form,
            "query": query,
            "vacant_only": vacant_only,
            "can_add": calendar_allows(round_, Action.ADD_SEATS),
            "additions": SeatAddition.objects.filter(position__round=round_).select_related(
                "position", "added_by"
            )[:50],
            "vacant_total": vacant_total,
            "page": page,
            "page_query": page_query,
        },
        status=status,
    )


def event_rows(events: QuerySet[RoundEvent]) -> list[RoundEvent]:
    """Round events with their details in words for the log tables."""
    rows = list(events)
    for event in rows:
        event.summary = _event_summary(event)  # type: ignore[attr-defined]
    return rows


def _event_summary(event: RoundEvent) -> str:
    from lis1.rounds.calendar import LABELS

    details = event.details or {}
    if event.kind == "calendar_changed":
        label = LABELS.get(details.get("field", ""), details.get("field", ""))
        return _("%(field)s: %(old)s → %(new)s") % {
            "field": label,
            "old": _short(details.get("old")),
            "new": _short(details.get("new")),
        }
    if event.kind == "published":
        missing = details.get("positions_without_submitted_ranking", 0)
        return ngettext(
            "Run #%(run)s; %(missing)s position without a submitted ranking",
            "Run #%(run)s; %(missing)s positions without a submitted ranking",
            missing,
        ) % {"run": details.get("match_run"), "missing": missing}
    if event.kind == "match_started":
        return _("Run #%(run)s, seed %(seed)s") % {
            "run": details.get("match_run"),
            "seed": details.get("seed"),
        }
    if event.kind == "seats_added":
        return (
            ngettext(
                "%(reference)s: %(seats)s extra seat",
                "%(reference)s: %(seats)s extra seats",
                details.get("seats", 0),
            )
            % details
        )
    if "offers_expired" in details:
        expired = details["offers_expired"]
        return ngettext(
            "%(count)s unanswered offer expired",
            "%(count)s unanswered offers expired",
            expired,
        ) % {"count": expired}
    return ""


def _short(value: object) -> str:
    if not isinstance(value, str):
        return "–"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    from lis1.rounds.calendar import when

    if "T" not in value:
        return when(moment.date())
    return when(moment)
