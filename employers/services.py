"""Employer workflows that use the app's own records: interview notes, registering answers,
and filling a vacant seat directly from the ranked list after the round."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from employers.models import InterviewNote, VacancyFill
from lis1.rounds.audit import audit_context
from lis1.rounds.enums import (
    HOLDING,
    ApplicationStatus,
    MatchRunKind,
    MatchRunStatus,
    PlacementStatus,
)
from lis1.rounds.models import Application, EmployerRanking, MatchRun, Placement, Position
from lis1.rounds.selectors import round_results_published


class VacancyError(Exception):
    """A vacant seat cannot be offered; the message says why."""


@transaction.atomic
def interview_note_add(*, application: Application, author, text: str) -> InterviewNote:  # type: ignore[no-untyped-def]
    return InterviewNote.objects.create(application=application, author=author, text=text.strip())


def results_published(position: Position) -> bool:
    return round_results_published(position.round)


def published_placements(position: Position):  # type: ignore[no-untyped-def]
    return Placement.objects.filter(position=position, match_run__published_at__isnull=False)


def position_vacant_seats(position: Position) -> int:
    held = published_placements(position).filter(status__in=HOLDING).count()
    return max(position.seats - held, 0)


def vacancy_next_candidate(position: Position) -> EmployerRanking | None:
    """The best-ranked applicant on the position's list who still has a submitted
    application, holds no seat in the round and has not had an offer for this position."""
    round_placements = Placement.objects.filter(
        match_run__round_id=position.round_id, match_run__published_at__isnull=False
    )
    holding = round_placements.filter(status__in=HOLDING).values("applicant_id")
    had_this = round_placements.filter(position=position).values("applicant_id")
    submitted = Application.objects.filter(
        position=position, status=ApplicationStatus.SUBMITTED
    ).values("applicant_id")
    return (
        EmployerRanking.objects.filter(position=position, applicant_id__in=submitted)
        .exclude(Q(applicant_id__in=holding) | Q(applicant_id__in=had_this))
        .select_related("applicant")
        .order_by("rank")
        .first()
    )


@transaction.atomic
def vacancy_fill(*, position: Position, user, answer_deadline: dt.datetime) -> VacancyFill:  # type: ignore[no-untyped-def]
    """Offer a vacant seat of a position to the next acceptable unplaced applicant on its list.

    The offer is a Placement in a published match run of its own (kind direct offer), so
    every page that counts placements, seats taken and answers sees it, and a later
    follow-up match will not give the seat away twice."""
    position = Position.objects.select_for_update().select_related("round").get(pk=position.pk)
    now = timezone.now()
    if not results_published(position):
        raise VacancyError(_("Seats can be filled from the list only after results are published."))
    if answer_deadline <= now:
        raise VacancyError(_("The answer deadline must be in the future."))
    if position_vacant_seats(position) < 1:
        raise VacancyError(_("The position has no vacant seat."))
    candidate = vacancy_next_candidate(position)
    if candidate is None:
        raise VacancyError(_("Nobody left on the ranked list can be offered the seat."))
    with audit_context(user=user, action="vacancy_fill", position=position.pk):
        run = MatchRun.objects.create(
            round=position.round,
            kind=MatchRunKind.DIRECT_OFFER,
            seed=0,
            status=MatchRunStatus.SUCCEEDED,
            statistics={"direct_offer": True, "position": position.reference},
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
        return VacancyFill.objects.create(
            position=position,
            applicant=candidate.applicant,
            placement=placement,
            list_rank=candidate.rank,
            offered_by=user,
            offered_at=now,
            answer_deadline=answer_deadline,
        )


@transaction.atomic
def placement_register_answer(*, placement: Placement, status: str, user) -> Placement:  # type: ignore[no-untyped-def]
    """The employer registers the doctor's answer to an open offer (accepted or declined)."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if status not in (PlacementStatus.ACCEPTED, PlacementStatus.DECLINED):
        raise VacancyError(_("An answer is accepted or declined."))
    if placement.status != PlacementStatus.OFFERED:
        raise VacancyError(_("This offer has already been answered."))
    with audit_context(user=user, action="placement_answer", placement=placement.pk):
        placement.status = status
        placement.answered_at = timezone.now()
        placement.save(update_fields=["status", "answered_at"])
    return placement
