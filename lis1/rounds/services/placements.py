"""The placement lifecycle: every write of a Placement outside a match run's own result.

    offered ──accept──▶ accepted ──withdraw (before start)──▶ withdrawn
       │                    ├─────leave (after start)──────▶ left
       │                    └─start confirmed by the employer: hired (started_on)
       ├──turn down──▶ declined
       └──deadline passes──▶ expired

- One answer function for the applicant and for staff recording an answer on the
  applicant's behalf: the same rules (a published run, before the offer's own deadline),
  the actor recorded, a receipt e-mailed to the applicant.
- An accepted doctor can withdraw before the start date or leave after it; the seat becomes
  vacant and can be filled from the position's ranked list (the directorate's proposal 5),
  also after the round is closed. Extra seats added after the round (proposal 1) are filled
  the same way. Each fill is a published run of kind "direct offer" with one placement, so
  every count of seats taken sees it.
- Municipal placement runs set the municipality of placements in an area through
  `placements_set_municipality`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lis1.dbbulk import insert_rows
from lis1.jobs.models import JobStatus
from lis1.rounds.audit import acting_user, audit_context
from lis1.rounds.calendar import OSLO, Action, calendar_check
from lis1.rounds.eligibility import matchable, needs
from lis1.rounds.enums import (
    ENDED,
    HOLDING,
    ApplicationStatus,
    MatchRunKind,
    PlacementStatus,
    RoundEventKind,
)
from lis1.rounds.errors import InputInvalid, RuleViolation
from lis1.rounds.models import (
    Application,
    EmployerRanking,
    MatchRun,
    Placement,
    Position,
    RoundEvent,
    SeatAddition,
)
from lis1.rounds.selectors import RUN_BLOBS, placements_published
from lis1.rounds.services import notices


class PlacementError(RuleViolation):
    """A placement cannot be answered, ended or offered now; the message says why."""

    default_rule = "placement"


class PlacementInputInvalid(InputInvalid, PlacementError):
    """The input itself is wrong (answered 400, not 409)."""

    default_rule = "placement_input"


def placement_can_answer(placement: Placement, *, now: dt.datetime | None = None) -> bool:
    return (
        placement.status == PlacementStatus.OFFERED
        and placement.match_run.published_at is not None
        and (now or timezone.now()) < placement.deadline
    )


def _locked(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update(of=("self",), no_key=True)
        .select_related("match_run__round", "position__employer", "applicant__user")
        .defer(*RUN_BLOBS)
        .get(pk=placement.pk)
    )


@transaction.atomic
def placement_answer(
    *,
    placement: Placement,
    accept: bool,
    actor,
    on_behalf: bool = False,
) -> Placement:
    """Accept or turn down an offer before its deadline, by the applicant or recorded by
    staff on the applicant's behalf (`on_behalf`). A refusal frees the seat for the follow-up
    and for filling from the list. The applicant is e-mailed a receipt either way."""
    placement = _locked(placement)
    if placement.match_run.published_at is None:
        raise PlacementError("not_published", _("This offer is not published."))
    if placement.status != PlacementStatus.OFFERED:
        raise PlacementError("already_answered", _("This offer has already been answered."))
    if not placement_can_answer(placement):
        raise PlacementError(
            "answer_deadline_passed", _("The answer deadline for this offer has passed.")
        )
    with audit_context(
        user=actor, action="placement_answer_on_behalf" if on_behalf else "placement_answer"
    ):
        placement.status = PlacementStatus.ACCEPTED if accept else PlacementStatus.DECLINED
        placement.answered_at = timezone.now()
        placement.answered_by = acting_user(actor)
        placement.save(update_fields=["status", "answered_at", "answered_by"])
    notices.notice_placement_answered(placement=placement, on_behalf=on_behalf)
    return placement


def placement_end_status(placement: Placement, *, now: dt.datetime | None = None) -> str:
    """Withdrawn before the position's start date (Oslo), left on or after it, or once the
    employer has confirmed that the doctor started."""
    today = timezone.localtime(now or timezone.now(), OSLO).date()
    if placement.started_on is not None or today >= placement.position.start_date:
        return PlacementStatus.LEFT
    return PlacementStatus.WITHDRAWN


def placement_start_default(placement: Placement) -> dt.date:
    """The day the form proposes: the recorded start, else the position's start date."""
    return placement.started_on or placement.position.start_date


@transaction.atomic
def placement_start(
    *,
    placement: Placement,
    started_on: dt.date,
    actor,
) -> Placement:
    """The employer confirms the day an accepted doctor started: from then on the doctor
    counts as hired. The same call corrects a recorded day. Refused for a doctor who has not
    accepted, for a day in the future and for a day before the acceptance."""
    placement = _locked(placement)
    if placement.status not in (PlacementStatus.ACCEPTED, PlacementStatus.LEFT):
        raise PlacementError(
            "start_not_accepted", _("Only a doctor who accepted the position can start in it.")
        )
    today = timezone.localtime(timezone.now(), OSLO).date()
    if started_on > today:
        raise PlacementError(
            "start_in_future", _("The start cannot be confirmed before the day has come.")
        )
    accepted_on = timezone.localtime(placement.answered_at, OSLO).date()
    if started_on < accepted_on:
        raise PlacementError(
            "start_before_acceptance",
            _("The doctor cannot have started before accepting the position."),
        )
    if (
        placement.ended_at is not None
        and started_on > timezone.localtime(placement.ended_at, OSLO).date()
    ):
        raise PlacementError(
            "start_after_end", _("The doctor cannot have started after leaving the position.")
        )
    with audit_context(user=actor, action="placement_start"):
        placement.started_on = started_on
        placement.start_recorded_at = timezone.now()
        placement.start_recorded_by = acting_user(actor)
        placement.save(update_fields=["started_on", "start_recorded_at", "start_recorded_by"])
    return placement


@transaction.atomic
def placement_end(
    *,
    placement: Placement,
    actor,
    reason: str,
    on_behalf: bool = False,
) -> Placement:
    """An accepted doctor withdraws (before the start date) or leaves (after it). The seat
    becomes vacant; the applicant gets a receipt. Staff must give the reason."""
    placement = _locked(placement)
    if placement.status != PlacementStatus.ACCEPTED:
        raise PlacementError("not_accepted", _("Only an accepted position can be given up."))
    reason = reason.strip()
    if on_behalf and not reason:
        raise PlacementInputInvalid(
            "reason_required", _("Give the reason; it is kept with the placement.")
        )
    with audit_context(user=actor, action="placement_end"):
        placement.status = placement_end_status(placement)
        placement.ended_at = timezone.now()
        placement.ended_by = acting_user(actor)
        placement.end_reason = reason[:2000]
        placement.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
    notices.notice_placement_ended(placement=placement)
    return placement


def _overdue() -> Q:
    now = timezone.now()
    return Q(status=PlacementStatus.OFFERED) & (
        Q(answer_deadline__lt=now)
        | Q(answer_deadline__isnull=True, match_run__answer_deadline__lt=now)
        | Q(
            answer_deadline__isnull=True,
            match_run__answer_deadline__isnull=True,
            match_run__round__answer_deadline__lt=now,
        )
    )


@transaction.atomic
def placements_expire_overdue(*, round_id: int | None = None) -> int:
    """Offers not answered by their deadline lapse and free their seats (beat, and before a
    follow-up match is built)."""
    overdue = placements_published().filter(_overdue())
    if round_id is not None:
        overdue = overdue.filter(match_run__round_id=round_id)
    with audit_context(action="placements_expire"):
        return overdue.update(status=PlacementStatus.EXPIRED)


def placements_write_run_result(
    *,
    run: MatchRun,
    matches: Mapping[str, str],
    document: dict,
) -> None:
    """A match run's placements, with each one's rank on the applicant's (or couple's) list.
    Called inside the run's own write transaction."""
    choice: dict[str, int] = {}
    for entry in document["applicants"]:
        for rank, program in enumerate(entry["ranking"], start=1):
            if matches.get(entry["id"]) == program:
                choice[entry["id"]] = rank
    for couple in document["couples"]:
        first, second = couple["members"]
        pair = [matches.get(first), matches.get(second)]
        for rank, option in enumerate(couple["ranking"], start=1):
            if option == pair:
                choice[first] = choice[second] = rank
                break
    rows = [
        (int(applicant[1:]), int(program[1:]), choice.get(applicant))
        for applicant, program in sorted(matches.items())
    ]
    if connection.vendor != "postgresql":
        placements_bulk_insert(
            [
                Placement(
                    match_run=run,
                    applicant_id=applicant,
                    position_id=position,
                    choice_rank=rank,
                    status=PlacementStatus.OFFERED,
                )
                for applicant, position, rank in rows
            ]
        )
        return
    # PostgreSQL: one INSERT from arrays, no model objects (at 38,000 offers building and
    # preparing the objects took longer than the insert).
    with _keys_checked_immediately():
        insert_rows(
            Placement(match_run=run, status=PlacementStatus.OFFERED),
            ("applicant", "position", "choice_rank"),
            rows,
        )


def placements_bulk_insert(placements: list[Placement]) -> None:
    """Insert many placements with their audit events at a constant cost per row.

    Placement's foreign keys are DEFERRABLE INITIALLY DEFERRED (Django's default), and its
    pghistory insert trigger opens and aborts a subtransaction per row; each abort scans the
    transaction's growing list of deferred foreign-key events, so the trigger cost grew with
    the number of rows already written (0.29 ms a row at 4,000, 2.08 ms at 38,000). Checking
    the keys immediately while inserting keeps that list empty; the previous mode is restored
    afterwards (the rows refer to rows that exist, so nothing else changes)."""
    with _keys_checked_immediately():
        Placement.objects.bulk_create(placements, batch_size=2000)


@contextlib.contextmanager
def _keys_checked_immediately() -> Iterator[None]:
    """Foreign keys checked per row inside the block (see `placements_bulk_insert`)."""
    immediate = connection.vendor == "postgresql" and connection.in_atomic_block
    if immediate:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    # (After a failed insert the transaction is aborted and the mode ends with it.)
    if immediate:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# Vacant seats ------------------------------------------------------------------------------


def position_vacant_seats(position: Position) -> int:
    held = placements_published().filter(position=position, status__in=HOLDING).count()
    return max(position.seats - held, 0)


def vacancy_candidates(position: Position) -> QuerySet[EmployerRanking]:
    """The position's list, best first, cut to those who can be offered a vacant seat: a
    submitted application, placeable by the match and needing this kind of position, no seat
    held in this round or a later one, no earlier offer of this position, and no position
    given up this round."""
    round_ = position.round
    published = placements_published()
    holding_now = published.filter(
        status__in=HOLDING, match_run__round__start_date__gte=round_.start_date
    ).values("applicant_id")
    had_this = published.filter(position=position).values("applicant_id")
    gave_up = published.filter(match_run__round=round_, status__in=ENDED).values("applicant_id")
    submitted = Application.objects.filter(
        position=position, status=ApplicationStatus.SUBMITTED
    ).values("applicant_id")
    return (
        EmployerRanking.objects.filter(position=position, applicant_id__in=submitted)
        .filter(matchable("applicant__"), needs(position.kind, "applicant__"))
        .exclude(
            Q(applicant_id__in=holding_now)
            | Q(applicant_id__in=had_this)
            | Q(applicant_id__in=gave_up)
        )
        .select_related("applicant")
        .order_by("rank")
    )


def vacancy_next_candidate(position: Position) -> EmployerRanking | None:
    return vacancy_candidates(position).first()


@transaction.atomic
def vacancy_offer(
    *,
    position: Position,
    actor,
    answer_deadline: dt.datetime,
) -> tuple[Placement, EmployerRanking]:
    """Offer a vacant seat to the next candidate on the position's list: a published run of
    kind direct offer with one placement and its own answer deadline. Allowed once the
    round's results are published, also after the round is closed."""
    position = (
        Position.objects.select_for_update(of=("self",), no_key=True)
        .select_related("round")
        .get(pk=position.pk)
    )
    calendar_check(position.round, Action.FILL_VACANCY, error=PlacementError)
    now = timezone.now()
    if answer_deadline <= now:
        raise PlacementInputInvalid(
            "deadline_in_past", _("The answer deadline must be in the future.")
        )
    if position_vacant_seats(position) < 1:
        raise PlacementError("no_vacant_seat", _("The position has no vacant seat."))
    candidate = vacancy_next_candidate(position)
    if candidate is None:
        raise PlacementError(
            "list_exhausted", _("Nobody left on the ranked list can be offered the seat.")
        )
    user = acting_user(actor)
    with audit_context(user=actor, action="vacancy_fill", position=position.pk):
        run = MatchRun.objects.create(
            round=position.round,
            kind=MatchRunKind.DIRECT_OFFER,
            seed=0,
            status=JobStatus.SUCCEEDED,
            statistics={
                "direct_offer": True,
                "position": position.reference,
                "list_rank": candidate.rank,
            },
            requested_by=user,
            started_at=now,
            finished_at=now,
            published_at=now,
            published_by=user,
        )
        placement = Placement.objects.create(
            match_run=run,
            applicant=candidate.applicant,
            position=position,
            status=PlacementStatus.OFFERED,
            answer_deadline=answer_deadline,
        )
    notices.notice_direct_offer(placement=placement)
    return placement, candidate


@transaction.atomic
def position_seats_add(
    *,
    position: Position,
    seats: int,
    reason: str,
    actor,
) -> SeatAddition:
    """Extra seats for a position after its round's results are published (proposal 1):
    filled from the position's ranked list like any vacant seat, or by a follow-up match."""
    position = (
        Position.objects.select_for_update(of=("self",), no_key=True)
        .select_related("round")
        .get(pk=position.pk)
    )
    calendar_check(position.round, Action.ADD_SEATS, error=PlacementError)
    if not 1 <= seats <= 50:
        raise PlacementInputInvalid(
            "seats_out_of_range", _("Add between 1 and 50 seats at a time.")
        )
    if not reason.strip():
        raise PlacementInputInvalid("reason_required", _("Give the reason for the extra seats."))
    user = acting_user(actor)
    Position.objects.filter(pk=position.pk).update(seats=F("seats") + seats)
    addition = SeatAddition.objects.create(
        position=position, seats=seats, reason=reason.strip(), added_by=user
    )
    RoundEvent.objects.create(
        round=position.round,
        kind=RoundEventKind.SEATS_ADDED,
        actor=user,
        reason=reason.strip(),
        details={"position": position.pk, "reference": position.reference, "seats": seats},
    )
    return addition


@transaction.atomic
def placements_set_municipality(
    *,
    municipalities: Mapping[int, int | None],
    actor,
    run_id: int,
) -> int:
    """Where each placed doctor of an area does the municipal part (a municipal placement
    run's result): placement id → municipality id (None: no place was free)."""
    placements = list(Placement.objects.filter(pk__in=list(municipalities)).only("pk"))
    for placement in placements:
        placement.municipality_id = municipalities[placement.pk]
    with audit_context(user=actor, action="municipal_placement", run=run_id):
        Placement.objects.bulk_update(placements, ["municipality"], batch_size=1000)
    return len(placements)
