"""Employer workflows on the app's own records: interview notes, and the record of each
vacant seat offered from the trust's ranked list. The offer itself, like every write of a
placement, is made by lis1.rounds.services.placements; `published_placements` is what the
pages and the API show of a position's placements."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from employers.models import InterviewNote, VacancyFill
from lis1.rounds.models import Application, Placement, Position
from lis1.rounds.selectors import RUN_BLOBS, placements_published
from lis1.rounds.services.placements import vacancy_offer


def published_placements(position: Position) -> QuerySet[Placement]:
    """The position's placements from published runs (others are not found), with what the
    pages and the API show of them."""
    return (
        placements_published()
        .filter(position=position)
        .select_related("applicant", "match_run__round", "municipality", "position")
        .defer(*RUN_BLOBS)
    )


@transaction.atomic
def interview_note_add(*, application: Application, author, text: str) -> InterviewNote:
    return InterviewNote.objects.create(application=application, author=author, text=text.strip())


@transaction.atomic
def vacancy_fill(*, position: Position, user, answer_deadline: dt.datetime) -> VacancyFill:
    """Offer a vacant seat to the next candidate on the position's list (the rules are the
    placement lifecycle's) and keep the trust's record of who offered it to whom."""
    placement, candidate = vacancy_offer(
        position=position, actor=user, answer_deadline=answer_deadline
    )
    return VacancyFill.objects.create(
        position=position,
        applicant=placement.applicant,
        placement=placement,
        list_rank=candidate.rank,
        offered_by=user,
        offered_at=placement.match_run.published_at or timezone.now(),
        answer_deadline=answer_deadline,
    )
