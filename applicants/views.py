"""The applicant's pages: overview and timeline, profile, documents, positions, applying and
withdrawing, ranking, couples, and answering an offer.

Every object is fetched through the applicant-scoped querysets of `permissions`, so another
applicant's object is simply not found (404). Every action is a plain POST form (CSRF
protected) that works without JavaScript; htmx only swaps fragments where it helps.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants.cards import position_cards
from applicants.downloads import document_file_response
from applicants.filters import PositionFilter
from applicants.forms import (
    ApplyForm,
    DocumentForm,
    DocumentReplaceForm,
    InviteForm,
    PairForm,
    ProfileForm,
)
from applicants.models import Document
from applicants.services import (
    application_documents_set,
    document_create,
    document_delete,
    document_in_use,
    document_replace,
)
from applicants.timeline import round_timeline
from lis1.rounds.eligibility import kind_refusal
from lis1.rounds.enums import ApplicationStatus, CoupleStatus
from lis1.rounds.models import (
    Applicant,
    Application,
    Couple,
    CouplePreference,
    Placement,
    Round,
)
from lis1.rounds.permissions import (
    Role,
    can_view_document,
    own_applications,
    own_couples,
    positions_open_to_applicants,
    role_required,
)
from lis1.rounds.selectors import (
    applications_of_applicant,
    placements_of_applicant,
    positions_for_applicants,
    ranking_of_applicant,
    round_current,
    round_results_published,
)
from lis1.rounds.services.applications import (
    ApplicationError,
    applicant_ranking_set,
    applicant_ranking_step,
    application_submit,
    application_withdraw,
    couple_answer,
    couple_dissolve,
    couple_invite,
    couple_pairs_set,
    round_accepts_applications,
    round_accepts_ranking,
)
from lis1.rounds.services.ordered import list_step
from lis1.rounds.services.placements import (
    PlacementError,
    placement_answer,
    placement_can_answer,
    placement_end,
    placement_end_status,
)
from lis1.ui import page_of, ranking_change_of

PAGE_SIZE = 20


def _applicant(request: HttpRequest) -> Applicant:
    return request.user.applicant  # type: ignore[union-attr]


# Overview ----------------------------------------------------------------------------------


@role_required(Role.APPLICANT)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The applicant's applications, the round's timeline and the result when published."""
    applicant = _applicant(request)
    current = round_current()
    applications = list(applications_of_applicant(applicant))
    results_published = round_results_published(current)
    # Every placement follows the main match, so before its results there is nothing to show.
    placements = (
        list(placements_of_applicant(applicant).filter(match_run__round=current))
        if results_published
        else []
    )
    timeline = None
    if current is not None:
        timeline = round_timeline(
            current,
            applied=sum(
                1
                for a in applications
                if a.position.round_id == current.pk and a.status == ApplicationStatus.SUBMITTED
            ),
            ranked=ranking_of_applicant(applicant, current).count(),
            placement=placements[0] if placements else None,
            results_published=results_published,
        )
    return render(
        request,
        "applicants/dashboard.html",
        {
            "applicant": applicant,
            # Masked as on the profile page: the birth-date part, then stars.
            "masked_id": applicant.national_id_masked(show_birth_date=True),
            "applications": applications,
            "round": current,
            "placements": placements,
            "results_published": results_published,
            "timeline": timeline,
        },
    )


# Profile -----------------------------------------------------------------------------------


@role_required(Role.APPLICANT)
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    applicant = _applicant(request)
    return render(
        request,
        "applicants/profile.html",
        {"applicant": applicant, "masked_id": applicant.national_id_masked(show_birth_date=True)},
    )


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    applicant = _applicant(request)
    form = ProfileForm(request.POST or None, instance=applicant)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("applicants:profile")
    return render(
        request,
        "applicants/profile_edit.html",
        {
            "form": form,
            "applicant": applicant,
            "masked_id": applicant.national_id_masked(show_birth_date=True),
        },
        status=400 if form.errors else 200,
    )


# Documents ---------------------------------------------------------------------------------


def _own_document(request: HttpRequest, pk: int) -> Document:
    return get_object_or_404(Document, pk=pk, applicant=_applicant(request))


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest) -> HttpResponse:
    """The library, and the upload form."""
    applicant = _applicant(request)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document_create(
            applicant=applicant,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        )
        messages.success(request, _("The document has been uploaded."))
        return redirect("applicants:documents")
    return render(
        request,
        "applicants/documents.html",
        {"form": form, "documents": Document.objects.filter(applicant=applicant)},
        status=400 if form.errors else 200,
    )


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def document_replace_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = _own_document(request, pk)
    form = DocumentReplaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document_replace(document=document, upload=form.cleaned_data["file"])
        messages.success(request, _("The document has been replaced."))
        return redirect("applicants:documents")
    return render(
        request,
        "applicants/document_replace.html",
        {"form": form, "document": document},
        status=400 if form.errors else 200,
    )


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def document_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = _own_document(request, pk)
    in_use = document_in_use(document)
    if request.method == "POST":
        try:
            document_delete(document=document)
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The document has been deleted."))
        return redirect("applicants:documents")
    return render(
        request, "applicants/document_delete.html", {"document": document, "in_use": in_use}
    )


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, to its owner or to staff of an employer it was sent to; 404 to anyone else."""
    document = get_object_or_404(Document.objects.select_related("applicant"), pk=pk)
    if not can_view_document(request.user, document):
        raise Http404
    return document_file_response(document)


# Positions and applications ---------------------------------------------------------------


@role_required(Role.APPLICANT)
@require_GET
def positions(request: HttpRequest) -> HttpResponse:
    """Browse the current round's positions: filters, text search, pages."""
    applicant = _applicant(request)
    current = round_current()
    everything = positions_for_applicants(current)
    filterset = PositionFilter(request.GET or None, queryset=everything)
    queryset = filterset.qs if filterset.is_valid() else everything
    # The page needs only keys; the cards come from the cache (see applicants.cards).
    rows = queryset.values_list("pk", "updated_at")
    page, query = page_of(request, rows, PAGE_SIZE)
    applied = set(
        own_applications(request.user)
        .filter(status=ApplicationStatus.SUBMITTED, position__round=current)
        .values_list("position_id", flat=True)
    )
    context = {
        "round": current,
        "filter": filterset,
        "page": page,
        "cards": position_cards(page.object_list, everything),  # type: ignore[arg-type]
        "applied": applied,
        "query": query,
        "accepts_applications": bool(current) and round_accepts_applications(current),  # type: ignore[arg-type]
        "applicant": applicant,
    }
    template = "applicants/_positions_results.html" if request.htmx else "applicants/positions.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _open_position(pk: int):
    return get_object_or_404(
        positions_open_to_applicants()
        .select_related("employer__region", "municipality", "municipal_area", "round")
        .prefetch_related("sites", "municipal_area__municipalities"),
        pk=pk,
    )


@role_required(Role.APPLICANT)
@require_GET
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    position = _open_position(pk)
    application = own_applications(request.user).filter(position=position).first()
    return render(
        request,
        "applicants/position_detail.html",
        {
            "position": position,
            "application": application,
            "accepts_applications": round_accepts_applications(position.round),
        },
    )


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = _applicant(request)
    position = _open_position(pk)
    existing = own_applications(request.user).filter(
        position=position, status=ApplicationStatus.SUBMITTED
    )
    if existing.exists():
        return redirect("applicants:application", pk=existing.get().pk)
    form = ApplyForm(request.POST if request.method == "POST" else None, applicant=applicant)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                application = application_submit(
                    applicant=applicant,
                    position=position,
                    motivation=form.cleaned_data["motivation"],
                    user=request.user,
                )
                application_documents_set(
                    application=application, documents=form.cleaned_data["documents"]
                )
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your application has been sent. A receipt is on its way by e-mail.")
            )
            return redirect("applicants:application", pk=application.pk)
    return render(
        request,
        "applicants/apply.html",
        {
            "form": form,
            "position": position,
            "accepts_applications": round_accepts_applications(position.round),
            # Said before the applicant writes a motivation, in the words of the refusal.
            "kind_refusal": kind_refusal(
                prior_hospital_months=applicant.prior_hospital_months,
                prior_municipal_months=applicant.prior_municipal_months,
                kind=position.kind,
            ),
        },
        status=400 if form.errors else 200,
    )


def _own_application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        own_applications(request.user)
        .select_related("position__employer", "position__round", "position__municipality")
        .prefetch_related("attachments__document", "position__sites"),
        pk=pk,
    )


@role_required(Role.APPLICANT)
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    return render(
        request,
        "applicants/application_detail.html",
        {
            "application": application,
            "can_withdraw": application.status == ApplicationStatus.SUBMITTED
            and round_accepts_applications(application.position.round),
        },
    )


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def application_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for confirmation, then withdraw (irreversible; a receipt is e-mailed)."""
    application = _own_application(request, pk)
    error = None
    if request.method == "POST":
        try:
            application_withdraw(application=application, user=request.user)
        except ApplicationError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Your application has been withdrawn. A receipt is on its way by e-mail."),
            )
            return redirect("applicants:dashboard")
    return render(
        request,
        "applicants/application_withdraw.html",
        {"application": application, "error": error},
        status=400 if error else 200,
    )


# Ranking -----------------------------------------------------------------------------------


def _ranking_context(request: HttpRequest, round_: Round | None, **extra: Any) -> dict[str, Any]:
    applicant = _applicant(request)
    return {
        "round": round_,
        "entries": list(ranking_of_applicant(applicant, round_)),
        "can_rank": bool(round_) and round_accepts_ranking(round_),  # type: ignore[arg-type]
        **extra,
    }


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def ranking(request: HttpRequest) -> HttpResponse:
    """The applicant's ordered list. Without JavaScript each row's up/down buttons post the
    whole form; with it (static/js/ranking.js) the same form is posted in the background with
    an HX-Request header and only the list is swapped. Drag and drop reorders the rows and
    posts the new `order` (the one protocol of ranked lists: `lis1.ui.RankingChange`)."""
    applicant = _applicant(request)
    current = round_current()
    status_message, error, moved = "", "", None
    if request.method == "POST":
        if current is None:
            raise Http404
        try:
            change = ranking_change_of(request.POST)
            if change.verb in ("up", "down"):
                moved = int(change.key)
                order = applicant_ranking_step(
                    applicant=applicant,
                    round_=current,
                    position_id=moved,
                    offset=change.step,
                    user=request.user,
                )
            elif change.verb == "order":
                order = applicant_ranking_set(
                    applicant=applicant,
                    round_=current,
                    position_ids=[int(v) for v in change.order],
                    user=request.user,
                )
                moved = int(change.moved) if change.moved else None
            else:
                raise ValueError(change.verb)
        except (ApplicationError, ValueError) as exc:
            error = str(exc) if isinstance(exc, ApplicationError) else _("Invalid ranking.")
        else:
            status_message = _("Your ranking has been saved.")
            if moved in order:
                status_message = _("Moved to place %(n)d. Your ranking has been saved.") % {
                    "n": order.index(moved) + 1
                }
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, status_message)
                return redirect("applicants:ranking")
    context = _ranking_context(
        request, current, status_message=status_message, error=error, moved=moved
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request, "applicants/_ranking_list.html", context, status=400 if error else 200
        )
    if error:
        messages.error(request, error)
    return render(request, "applicants/ranking.html", context)


# Offers ------------------------------------------------------------------------------------


def _own_placement(request: HttpRequest, pk: int) -> Placement:
    return get_object_or_404(placements_of_applicant(_applicant(request)), pk=pk)


@role_required(Role.APPLICANT)
@require_GET
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _own_placement(request, pk)
    return render(
        request,
        "applicants/offer.html",
        {
            "placement": placement,
            "deadline": placement.deadline,
            "can_answer": placement_can_answer(placement),
            "end_status": placement_end_status(placement),
        },
    )


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def offer_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up an accepted position: withdraw before the start date, or leave after it
    (confirmation first; final; the seat goes to the next on the employer's list)."""
    placement = _own_placement(request, pk)
    error = None
    if request.method == "POST":
        try:
            placement_end(
                placement=placement,
                actor=request.user,
                reason=request.POST.get("reason", "")[:2000],
            )
        except PlacementError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Recorded. A receipt is on its way by e-mail."))
            return redirect("applicants:offer", pk=placement.pk)
    return render(
        request,
        "applicants/offer_end.html",
        {"placement": placement, "end_status": placement_end_status(placement), "error": error},
        status=409 if error else 200,
    )


ANSWERS = {"godta": True, "avsla": False}


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def offer_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    """Confirm, then accept or decline (irreversible; a receipt is e-mailed)."""
    if answer not in ANSWERS:
        raise Http404
    placement = _own_placement(request, pk)
    accept = ANSWERS[answer]
    error = None
    if request.method == "POST":
        try:
            placement_answer(placement=placement, accept=accept, actor=request.user)
        except PlacementError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("You accepted the offer. A receipt is on its way by e-mail.")
                if accept
                else _("You turned down the offer. A receipt is on its way by e-mail."),
            )
            return redirect("applicants:offer", pk=placement.pk)
    return render(
        request,
        "applicants/offer_answer.html",
        {
            "placement": placement,
            "accept": accept,
            "answer": answer,
            "deadline": placement.deadline,
            "can_answer": placement_can_answer(placement),
            "error": error,
        },
        status=400 if error else 200,
    )


# Couples -----------------------------------------------------------------------------------


def _couple_context(request: HttpRequest, couple: Couple | None, **extra: Any) -> dict[str, Any]:
    applicant = _applicant(request)
    context: dict[str, Any] = {"couple": couple, "applicant": applicant, **extra}
    if couple is not None and couple.status == CoupleStatus.ACCEPTED:
        context["pairs"] = list(
            couple.preferences.select_related("first_position", "second_position").order_by("rank")
        )
        context.setdefault("pair_form", _pair_form(couple))
    return context


def _pair_form(couple: Couple, data: Any = None) -> PairForm:
    """The form of a new pair: each member's choices are the positions they applied to."""
    applied = {
        member: [
            a.position
            for a in Application.objects.filter(
                applicant_id=member,
                position__round=couple.round,
                status=ApplicationStatus.SUBMITTED,
            ).select_related("position")
        ]
        for member in (couple.first_id, couple.second_id)
    }
    return PairForm(
        data,
        first_label=couple.first.full_name,
        second_label=couple.second.full_name,
        first_positions=applied[couple.first_id],
        second_positions=applied[couple.second_id],
    )


def _my_couple(request: HttpRequest, round_: Round | None) -> Couple | None:
    if round_ is None:
        return None
    return (
        own_couples(request.user)
        .filter(round=round_)
        .select_related("first__user", "second__user", "round")
        .first()
    )


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def couple(request: HttpRequest) -> HttpResponse:
    """Invite a partner, see the invitation's state, and edit the couple's list of pairs."""
    applicant = _applicant(request)
    current = round_current()
    current_couple = _my_couple(request, current)
    form = InviteForm(request.POST or None) if current_couple is None else None
    if request.method == "POST" and form is not None and form.is_valid() and current:
        try:
            couple_invite(
                inviter=applicant, round_=current, partner_email=form.cleaned_data["email"]
            )
        except ApplicationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("The invitation has been sent."))
            return redirect("applicants:couple")
    return render(
        request,
        "applicants/couple.html",
        _couple_context(
            request,
            current_couple,
            form=form,
            round=current,
            can_rank=bool(current) and round_accepts_ranking(current),  # type: ignore[arg-type]
        ),
        status=400 if form is not None and form.errors else 200,
    )


def _own_couple(request: HttpRequest, pk: int) -> Couple:
    return get_object_or_404(
        own_couples(request.user).select_related("first__user", "second__user", "round"), pk=pk
    )


@role_required(Role.APPLICANT)
@require_POST
def couple_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    couple_ = _own_couple(request, pk)
    accept = request.POST.get("answer") == "accept"
    try:
        couple_answer(couple=couple_, applicant=_applicant(request), accept=accept)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You are now a couple in this round.")
            if accept
            else _("You declined the invitation."),
        )
    return redirect("applicants:couple")


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def couple_dissolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    couple_ = _own_couple(request, pk)
    if request.method == "POST":
        try:
            couple_dissolve(couple=couple_, applicant=_applicant(request), user=request.user)
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The couple has been dissolved."))
        return redirect("applicants:couple")
    return render(request, "applicants/couple_dissolve.html", {"couple": couple_})


@role_required(Role.APPLICANT)
@require_POST
def couple_pairs_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add, move or remove a pair on the couple's list, or save a new order: the one protocol
    of ranked lists (`lis1.ui.RankingChange`), keyed by `CouplePreference.key`."""
    applicant = _applicant(request)
    couple_ = _own_couple(request, pk)
    pairs = [
        (p.first_position_id, p.second_position_id) for p in couple_.preferences.order_by("rank")
    ]
    try:
        change = ranking_change_of(request.POST)
        if change.verb in ("up", "down"):
            pairs = list_step(pairs, CouplePreference.pair_of_key(change.key), change.step)
        elif change.verb == "remove":
            pairs.remove(CouplePreference.pair_of_key(change.key))
        elif change.verb == "add":
            pair_form = _pair_form(couple_, request.POST)
            if not pair_form.is_valid():
                raise ApplicationError(
                    "; ".join(str(e) for errors in pair_form.errors.values() for e in errors)
                )
            pairs.append((pair_form.cleaned_data["first"], pair_form.cleaned_data["second"]))
        elif change.verb == "order":
            pairs = [CouplePreference.pair_of_key(key) for key in change.order]
        else:
            raise ValueError(change.verb)
        couple_pairs_set(couple=couple_, applicant=applicant, pairs=pairs, user=request.user)
    except (ApplicationError, ValueError) as error:
        messages.error(
            request, str(error) if isinstance(error, ApplicationError) else _("Invalid request.")
        )
    else:
        messages.success(request, _("The couple's list has been saved."))
    return redirect("applicants:couple")
