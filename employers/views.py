"""Employer staff pages: the trust's positions (create, edit, publish, CSV), the applicants of
each position (filters, documents, private interview notes), the ranking, and after the
match the placed doctors, their answers and direct offers of vacant seats.

Every object is fetched through the scoped querysets of `lis1.rounds.permissions`, so another
trust's position or applicant is not found (404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from employers.filters import applicant_filter
from employers.forms import (
    CsvUploadForm,
    InterviewNoteForm,
    PlacementEndForm,
    PlacementStartForm,
    PositionForm,
    RankingPlaceForm,
    VacancyFillForm,
)
from employers.models import InterviewNote, VacancyFill
from employers.services import interview_note_add, published_placements, vacancy_fill
from lis1.rounds.enums import EMPLOYER_KINDS
from lis1.rounds.models import Organisation, Position, Round
from lis1.rounds.permissions import (
    Role,
    employer_applications,
    employer_positions,
    organisations_of,
    role_required,
)
from lis1.rounds.selectors import (
    applicant_earlier_rounds,
    applications_unranked,
    employer_ranking_entries,
    positions_with_counts,
    round_current,
    round_results_published,
)
from lis1.rounds.services.csvio import CsvImportError
from lis1.rounds.services.placements import (
    PlacementError,
    placement_answer,
    placement_can_answer,
    placement_end,
    placement_end_status,
    placement_start,
    placement_start_default,
    position_vacant_seats,
    vacancy_next_candidate,
)
from lis1.rounds.services.positions import (
    PositionError,
    position_publish,
    position_save,
    position_withdraw,
    positions_export_csv,
    positions_import_csv,
    round_open_for_positions,
    rounds_open_for_positions,
)
from lis1.rounds.services.rankings import (
    RankingError,
    RankingPlaceInvalid,
    employer_ranking_move,
    employer_ranking_set,
    employer_ranking_step,
    ranking_add,
    ranking_add_many,
    ranking_export_csv,
    ranking_import_csv,
    ranking_open,
    ranking_remove,
    ranking_reorder,
    ranking_submit,
)
from lis1.ui import page_of, ranking_change_of


def _employer(request: HttpRequest) -> Organisation:
    """The trust the user works for (the first, when several)."""
    employer = organisations_of(request.user, *EMPLOYER_KINDS).order_by("name").first()
    if employer is None:
        raise Http404
    return employer


def _position(request: HttpRequest, pk: int) -> Position:
    return get_object_or_404(
        employer_positions(request.user).select_related(
            "round", "employer", "municipality", "municipal_area", "ranking_submitted_by"
        ),
        pk=pk,
    )


def _download(export: tuple[str, str, bytes]) -> HttpResponse:
    filename, content_type, content = export
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _selected_round(request: HttpRequest) -> Round | None:
    slug = request.GET.get("round")
    if slug:
        return get_object_or_404(Round, slug=slug)
    return round_current()


#: Rows of a positions table per page: a trust has hundreds of positions in a round of
#: NRMP size, and rendering 600 rows with their counts took 250-550 ms.
POSITIONS_PER_PAGE = 50


def _positions_page(request: HttpRequest, positions: QuerySet[Position]) -> dict[str, object]:
    """A page of a positions table and the query that keeps the round in its page links."""
    page, query = page_of(request, positions, POSITIONS_PER_PAGE)
    return {"positions": page, "page_query": query}


@role_required(Role.EMPLOYER)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The trust's positions in the current round, with application and ranking counts."""
    employers = list(organisations_of(request.user, *EMPLOYER_KINDS))
    current = round_current()
    positions = positions_with_counts(
        Position.objects.filter(employer__in=employers, round=current)
    )
    return render(
        request,
        "employers/dashboard.html",
        {
            "employers": employers,
            "round": current,
            "positions_url": reverse("employers:dashboard"),
            **_positions_page(request, positions),
        },
    )


@role_required(Role.EMPLOYER)
@require_GET
def position_list(request: HttpRequest) -> HttpResponse:
    round_ = _selected_round(request)
    positions = positions_with_counts(employer_positions(request.user).filter(round=round_))
    return render(
        request,
        "employers/position_list.html",
        {
            "round": round_,
            "rounds": Round.objects.order_by("-start_date"),
            "positions_url": reverse("employers:positions"),
            **_positions_page(request, positions),
            "can_post": rounds_open_for_positions().exists(),
            "round_open": bool(round_) and round_open_for_positions(round_),  # type: ignore[arg-type]
        },
    )


@role_required(Role.EMPLOYER)
@require_http_methods(["GET", "POST"])
def position_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    employer = _employer(request)
    position = _position(request, pk) if pk else None
    if position is not None:
        employer = position.employer
        if not round_open_for_positions(position.round):
            messages.error(
                request,
                _("The application deadline has passed: the position can no longer change."),
            )
            return redirect("employers:position", pk=position.pk)
    form = PositionForm(request.POST or None, instance=position, employer=employer)
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data[name]
            for name in form.cleaned_data
            if name not in ("round", "sites")
        }
        try:
            saved = position_save(
                position=position,
                round_=position.round if position else form.cleaned_data["round"],
                employer=employer,
                data=data,
                sites=list(form.cleaned_data["sites"]),
            )
        except PositionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The position is saved."))
            return redirect("employers:position", pk=saved.pk)
    return render(
        request,
        "employers/position_form.html",
        {"form": form, "position": position, "employer": employer},
        status=400 if form.errors else 200,
    )


@role_required(Role.EMPLOYER)
@require_GET
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_object_or_404(
        positions_with_counts(employer_positions(request.user)).select_related(
            "ranking_submitted_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "employers/position_detail.html",
        {
            "position": position,
            "editable": round_open_for_positions(position.round),
            "ranking_open": ranking_open(position),
            "results_published": round_results_published(position.round),
            "reviews": position.ranking_reviews.select_related("municipality", "created_by")[:10],
        },
    )


@role_required(Role.EMPLOYER)
@require_POST
def position_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position(request, pk)
    try:
        position_publish(position=position)
    except PositionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The position is published: applicants can apply."))
    return redirect("employers:position", pk=position.pk)


@role_required(Role.EMPLOYER)
@require_POST
def position_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a published position back to draft (only while nobody has applied)."""
    position = _position(request, pk)
    try:
        position_withdraw(position=position)
    except PositionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The position is withdrawn from the round and back to draft."))
    return redirect("employers:position", pk=position.pk)


@role_required(Role.EMPLOYER)
@require_GET
def positions_export(request: HttpRequest) -> HttpResponse:
    round_ = _selected_round(request)
    if round_ is None:
        raise Http404
    return _download(
        positions_export_csv(
            positions=employer_positions(request.user).filter(round=round_).order_by("reference"),
            round_=round_,
        )
    )


@role_required(Role.EMPLOYER)
@require_http_methods(["GET", "POST"])
def positions_import(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    rounds = rounds_open_for_positions()
    round_ = (
        get_object_or_404(rounds, slug=request.GET.get("round") or request.POST.get("round") or "")
        if (request.GET.get("round") or request.POST.get("round"))
        else rounds.order_by("applications_close").first()
    )
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid() and round_ is not None:
        try:
            saved = positions_import_csv(
                round_=round_, employer=employer, data=form.cleaned_data["file"].read()
            )
        except CsvImportError as error:
            errors = error.errors
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s position imported.", "%(count)s positions imported.", len(saved)
                )
                % {"count": len(saved)},
            )
            return redirect(f"{reverse('employers:positions')}?round={round_.slug}")
    return render(
        request,
        "employers/positions_import.html",
        {"form": form, "round": round_, "errors": errors, "employer": employer},
        status=400 if errors or form.errors else 200,
    )


#: Rows per page of the applicant list and of the ranking. A page of the ranking is about
#: 2.5 kB of HTML per row (its forms), so 50 rows keep a page well under 300 kB.
APPLICANTS_PAGE_SIZE = 50
RANKING_PAGE_SIZE = 50
#: The ranking page lists this many unranked applicants; the rest are found (searched,
#: filtered) and added from the applicant list.
UNRANKED_SHOWN = 20


def _position_counted(request: HttpRequest, pk: int) -> Position:
    """The position with its application and ranking counts (subqueries, one query)."""
    return get_object_or_404(positions_with_counts(employer_positions(request.user)), pk=pk)


def _ranking_page_of(rank: int) -> int:
    return (rank - 1) // RANKING_PAGE_SIZE + 1


def _ranking_url(position: Position, page: int = 1, applicant_id: int | None = None) -> str:
    url = reverse("employers:ranking", args=[position.pk])
    if page > 1:
        url += f"?page={page}"
    if applicant_id:
        url += f"#entry-{applicant_id}"
    return url


def _list_query(request: HttpRequest, *, page: int | None = None) -> str:
    """The list's search, filters and sort from the query string, without empty values
    (a submitted filter form sends every field), and the page when given and not the first."""
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        kept = [value for value in values if value]
        if kept and key != "page":
            query.setlist(key, kept)
    if page and page > 1:
        query["page"] = str(page)
    return query.urlencode()


def _applicant_list_page(
    request: HttpRequest, position: Position, *, error: str | None = None, status: int = 200
) -> HttpResponse:
    filterset = applicant_filter(position, request.GET)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset
    page = Paginator(queryset, APPLICANTS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        if row.list_rank:
            row.ranking_url = _ranking_url(
                position, _ranking_page_of(row.list_rank), row.applicant_id
            )
    editable = ranking_open(position)
    return render(
        request,
        "employers/applicant_list.html",
        {
            "position": position,
            "form": filterset.form,
            "page": page,
            "applications": rows,
            "total": position.application_count,  # type: ignore[attr-defined]
            "narrowed": filterset.narrowed(),
            "unranked_count": (queryset.filter(list_rank__isnull=True).count() if editable else 0),
            "editable": editable,
            "query": _list_query(request),
            "here": _list_query(request, page=page.number),
            "error": error,
        },
        status=status,
    )


@role_required(Role.EMPLOYER)
@require_GET
def applicant_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The position's applicants: search (name, HPR number), filters, sort and pages."""
    return _applicant_list_page(request, _position_counted(request, pk))


@role_required(Role.EMPLOYER)
@require_POST
def applicant_list_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add one applicant (`applicant`), or every unranked applicant of the list as filtered
    by the query string (`all`), to the end of the ranking. Back to the same list; a refusal
    is shown on the list with status 409 and changes nothing."""
    position = _position_counted(request, pk)
    back = reverse("employers:applicants", args=[position.pk])
    if request.GET:
        back += f"?{request.GET.urlencode()}"  # as the list's forms sent it (already kept)
    try:
        if request.POST.get("all"):
            filterset = applicant_filter(position, request.GET)
            if not filterset.is_valid():
                return _applicant_list_page(request, position, status=400)
            wanted = list(
                filterset.qs.filter(list_rank__isnull=True).values_list("applicant_id", flat=True)
            )
            # Every one of them is on the list afterwards (at the end, in this order).
            ranking_add_many(position=position, applicant_ids=wanted, user=request.user)
            added = len(wanted)
            if not added:
                messages.info(request, _("Everybody in the list is already on our ranking."))
                return redirect(back)
            messages.success(
                request,
                ngettext(
                    "%(count)s applicant is added to the end of our ranking.",
                    "%(count)s applicants are added to the end of our ranking.",
                    added,
                )
                % {"count": added},
            )
            return redirect(back)
        applicant = _int(request.POST.get("applicant"))
        ids = ranking_add(position=position, applicant_id=applicant, user=request.user)
    except RankingError as error:
        return _applicant_list_page(request, position, error=error.message, status=409)
    name = (
        position.applications.filter(applicant_id=applicant)
        .values_list("applicant__given_name", "applicant__family_name")
        .first()
    )
    messages.success(
        request,
        _("%(name)s is number %(rank)s on our ranking.")
        % {"name": " ".join(name or ()), "rank": ids.index(applicant) + 1},
    )
    return redirect(f"{back}#applicant-{applicant}")


def _document_url(document) -> str | None:
    """The applicant app's download view, when it exists (it checks `can_view_document`)."""
    try:
        return reverse("applicants:document_download", args=[document.pk])
    except NoReverseMatch:
        return None


@role_required(Role.EMPLOYER)
@require_http_methods(["GET", "POST"])
def applicant_detail(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    position = _position(request, pk)
    application = get_object_or_404(
        employer_applications(request.user).filter(position=position).select_related("applicant"),
        pk=application_pk,
    )
    form = InterviewNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        interview_note_add(
            application=application, author=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("The note is saved."))
        return redirect("employers:applicant", pk=position.pk, application_pk=application.pk)
    documents = [
        (attachment.document, _document_url(attachment.document))
        for attachment in application.attachments.select_related("document")
    ]
    return render(
        request,
        "employers/applicant_detail.html",
        {
            "position": position,
            "application": application,
            "applicant": application.applicant,
            "masked_id": application.applicant.national_id_masked(show_birth_date=True),
            "earlier_rounds": applicant_earlier_rounds(application.applicant, position.round),
            "notes": InterviewNote.objects.filter(application=application).select_related("author"),
            "documents": documents,
            "form": form,
            "list_rank": employer_ranking_entries(position)
            .filter(applicant=application.applicant)
            .values_list("rank", flat=True)
            .first(),
        },
        status=400 if form.errors else 200,
    )


# --- ranking ----------------------------------------------------------------------------


def _ranking_context(
    position: Position,
    *,
    page_number: int | str | None = None,
    moved: int | None = None,
    error: str | None = None,
    place_error: tuple[int, str, str] | None = None,
) -> dict[str, object]:
    """One page of the ranking (the page showing the field of `place_error` when it is on
    the list) and the first unranked applicants."""
    entries = employer_ranking_entries(position, with_application=True)
    paginator = Paginator(entries, RANKING_PAGE_SIZE)
    if place_error:
        rank = entries.filter(applicant_id=place_error[0]).values_list("rank", flat=True).first()
        if rank is not None:
            page_number = _ranking_page_of(rank)
    page = paginator.get_page(page_number)
    rows = list(page.object_list)
    unranked = applications_unranked(position)
    shown = list(unranked[:UNRANKED_SHOWN])
    return {
        "position": position,
        "page": page,
        "entries": rows,
        "count": paginator.count,
        "unranked": shown,
        "unranked_count": unranked.count(),
        "editable": ranking_open(position),
        "moved": moved,
        "moved_entry": next((e for e in rows if e.applicant_id == moved), None),
        "error": error,
        "place_error": place_error,
        "place_entry": next(
            (e for e in rows if place_error and e.applicant_id == place_error[0]), None
        ),
        "page_url": _ranking_url(position, page.number),
    }


def _ranking_page(
    request: HttpRequest, position: Position, status: int = 200, **context: object
) -> HttpResponse:
    template = "employers/_ranking.html" if request.htmx else "employers/ranking.html"  # type: ignore[attr-defined]
    return render(request, template, _ranking_context(position, **context), status=status)  # type: ignore[arg-type]


@role_required(Role.EMPLOYER)
@require_GET
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position(request, pk)
    return _ranking_page(request, position, page_number=request.GET.get("page"))


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


@role_required(Role.EMPLOYER)
@require_POST
def ranking_change(request: HttpRequest, pk: int) -> HttpResponse:
    """One change from a plain form (or from static/js/ranking.js): up, down, to a place,
    add, remove, or the order of one page (`offset`, from drag and drop) or of the whole list.

    Then the page showing the moved applicant: a redirect, or for the script the list's
    fragment. A place that is not on the list is a form error (400), a refusal of the rules
    (the ranking deadline, ...) is shown with status 409; neither changes anything."""
    position = _position(request, pk)
    page_number = request.GET.get("page")
    moved = None
    try:
        change = ranking_change_of(request.POST)
    except ValueError:
        raise Http404 from None
    try:
        if change.verb == "order":
            ids = [_int(x) for x in change.order]
            if change.offset:
                ids = ranking_reorder(
                    position=position,
                    offset=_int(change.offset),
                    applicant_ids=ids,
                    user=request.user,
                )
            else:
                ids = employer_ranking_set(position=position, applicant_ids=ids, user=request.user)
            moved = _int(change.moved) if change.moved else None
        else:
            applicant = _int(change.key)
            moved = applicant
            if change.verb == "to":
                form = RankingPlaceForm(request.POST)
                if not form.is_valid():
                    raise RankingPlaceInvalid(str(form.errors["to"][0]))
                ids = employer_ranking_move(
                    position=position,
                    applicant_id=applicant,
                    place=form.cleaned_data["to"],
                    user=request.user,
                )
            elif change.verb in ("up", "down"):
                ids = employer_ranking_step(
                    position=position, applicant_id=applicant, offset=change.step, user=request.user
                )
            elif change.verb == "add":
                ids = ranking_add(position=position, applicant_id=applicant, user=request.user)
            else:
                ids = ranking_remove(position=position, applicant_id=applicant, user=request.user)
                moved = None
    except RankingPlaceInvalid as error:
        return _ranking_page(
            request,
            position,
            status=400,
            page_number=page_number,
            error=error.message,
            place_error=(moved, error.message, request.POST.get("to", "")) if moved else None,
        )
    except RankingError as error:
        return _ranking_page(
            request, position, status=409, page_number=page_number, error=error.message
        )
    # The moved applicant's place, in the list the service answered with.
    rank = ids.index(moved) + 1 if moved is not None and moved in ids else None
    if request.htmx:  # type: ignore[attr-defined]
        shown = _ranking_page_of(rank) if rank else page_number
        return _ranking_page(request, position, page_number=shown, moved=moved)
    if moved is None:
        number = page_number or ""
        return redirect(_ranking_url(position, int(number) if number.isdigit() else 1))
    return redirect(_ranking_url(position, _ranking_page_of(rank or 1), moved))


@role_required(Role.EMPLOYER)
@require_POST
def ranking_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position(request, pk)
    try:
        ranking_submit(position=position, user=request.user)
    except RankingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The ranking is submitted."))
    return redirect("employers:ranking", pk=position.pk)


@role_required(Role.EMPLOYER)
@require_GET
def ranking_export(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(ranking_export_csv(position=_position(request, pk)))


@role_required(Role.EMPLOYER)
@require_http_methods(["GET", "POST"])
def ranking_import(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position(request, pk)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            ids = ranking_import_csv(
                position=position, data=form.cleaned_data["file"].read(), user=request.user
            )
        except CsvImportError as error:
            errors = error.errors
        else:
            messages.success(
                request,
                ngettext(
                    "The ranking is imported: %(count)s applicant.",
                    "The ranking is imported: %(count)s applicants.",
                    len(ids),
                )
                % {"count": len(ids)},
            )
            return redirect("employers:ranking", pk=position.pk)
    return render(
        request,
        "employers/ranking_import.html",
        {"form": form, "position": position, "errors": errors, "editable": ranking_open(position)},
        status=400 if errors or form.errors else 200,
    )


# --- after the match ---------------------------------------------------------------------


@role_required(Role.EMPLOYER)
@require_GET
def placements(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position(request, pk)
    published = round_results_published(position.round)
    rows = (
        list(
            published_placements(position).order_by(
                "match_run__published_at", "applicant__family_name"
            )
        )
        if published
        else []
    )
    for row in rows:
        row.can_answer = placement_can_answer(row)  # type: ignore[attr-defined]
    fills = VacancyFill.objects.filter(position=position).select_related(
        "applicant", "offered_by", "placement"
    )
    vacant = position_vacant_seats(position) if published else 0
    return render(
        request,
        "employers/placements.html",
        {
            "position": position,
            "published": published,
            "placements": rows,
            "fills": fills,
            "vacant": vacant,
            "candidate": vacancy_next_candidate(position) if vacant else None,
            "fill_form": VacancyFillForm(),
        },
    )


@role_required(Role.EMPLOYER)
@require_POST
def vacancy_fill_view(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position(request, pk)
    form = VacancyFillForm(request.POST)
    if form.is_valid():
        try:
            fill = vacancy_fill(
                position=position,
                user=request.user,
                answer_deadline=form.cleaned_data["answer_deadline"],
            )
        except PlacementError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The seat is offered to %(name)s (number %(rank)s on the list).")
                % {"name": fill.applicant.full_name, "rank": fill.list_rank},
            )
    else:
        messages.error(request, _("Give a valid answer deadline."))
    return redirect("employers:placements", pk=position.pk)


ANSWERS = {"godtatt": True, "takket-nei": False}


@role_required(Role.EMPLOYER)
@require_http_methods(["GET", "POST"])
def placement_answer_view(
    request: HttpRequest, pk: int, placement_pk: int, answer: str
) -> HttpResponse:
    """Record the doctor's answer on the doctor's behalf: a confirmation page, then the same
    answer function (and rules) as the applicant's own; the doctor gets the receipt."""
    if answer not in ANSWERS:
        raise Http404
    position = _position(request, pk)
    placement = get_object_or_404(published_placements(position), pk=placement_pk)
    accept = ANSWERS[answer]
    error = None
    if request.method == "POST":
        try:
            placement_answer(placement=placement, accept=accept, actor=request.user, on_behalf=True)
        except PlacementError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("The answer is recorded. %(name)s gets a receipt by e-mail.")
                % {"name": placement.applicant.full_name},
            )
            return redirect("employers:placements", pk=position.pk)
    return render(
        request,
        "employers/placement_answer.html",
        {
            "position": position,
            "placement": placement,
            "accept": accept,
            "deadline": placement.deadline,
            "can_answer": placement_can_answer(placement),
            "error": error,
        },
        status=409 if error else 200,
    )


@role_required(Role.EMPLOYER)
@require_http_methods(["GET", "POST"])
def placement_end_view(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    """Record that an accepted doctor withdraws before the start or has left after it: the
    seat becomes vacant and can be offered from the list."""
    position = _position(request, pk)
    placement = get_object_or_404(published_placements(position), pk=placement_pk)
    form = PlacementEndForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            placement_end(
                placement=placement,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                on_behalf=True,
            )
        except PlacementError as exc:
            error = str(exc)
        else:
            messages.success(
                request, _("Recorded. The seat is vacant and can be offered from the list.")
            )
            return redirect("employers:placements", pk=position.pk)
    return render(
        request,
        "employers/placement_end.html",
        {
            "position": position,
            "placement": placement,
            "form": form,
            "end_status": placement_end_status(placement),
            "error": error,
        },
        status=409 if error else 400 if form.errors else 200,
    )


@role_required(Role.EMPLOYER)
@require_http_methods(["GET", "POST"])
def placement_start_view(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    """Confirm (or correct) the day an accepted doctor started: the doctor is then hired."""
    position = _position(request, pk)
    placement = get_object_or_404(published_placements(position), pk=placement_pk)
    form = PlacementStartForm(
        request.POST if request.method == "POST" else None,
        initial={"started_on": placement_start_default(placement)},
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            placement_start(
                placement=placement,
                started_on=form.cleaned_data["started_on"],
                actor=request.user,
            )
        except PlacementError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Recorded: %(name)s started on %(day)s.")
                % {
                    "name": placement.applicant.full_name,
                    "day": date_format(form.cleaned_data["started_on"], "DATE_FORMAT"),
                },
            )
            return redirect("employers:placements", pk=position.pk)
    return render(
        request,
        "employers/placement_start.html",
        {"position": position, "placement": placement, "form": form, "error": error},
        status=409 if error else 400 if form.errors else 200,
    )
