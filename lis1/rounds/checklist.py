"""The round's checklist before matching and before publishing: what is not ready, counted
by the database in one query per item (subqueries, never a join that multiplies rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lis1.rounds.eligibility import matchable, needs_some_part
from lis1.rounds.enums import (
    ApplicationStatus,
    CoupleStatus,
    PositionStatus,
)
from lis1.rounds.models import (
    Applicant,
    Application,
    Couple,
    CouplePreference,
    EmployerRanking,
    Position,
    Round,
)
from lis1.rounds.selectors import ROUND_COUNTS_TIMEOUT, round_checklist_cache_key


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the checklist: `done` of `total` is ready; `ok` when nothing is missing.
    `blocks_publication` items need a confirmation with a reason to publish anyway."""

    key: str
    label: str
    done: int
    total: int
    explanation: str
    blocks_publication: bool = False
    # When the numbers were counted, for an item read from the shared cache (None: now).
    as_of: dt.datetime | None = None

    @property
    def missing(self) -> int:
        return self.total - self.done

    @property
    def ok(self) -> bool:
        return self.done >= self.total


def _published(round_: Round):
    return Position.objects.filter(round=round_, status=PositionStatus.PUBLISHED)


def checklist_rankings(round_: Round) -> ChecklistItem:
    counts = _published(round_).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(ranking_submitted_at__isnull=False))
    )
    return ChecklistItem(
        "rankings_submitted",
        _("Rankings submitted"),
        counts["done"],
        counts["total"],
        _("Positions whose employer has submitted the ranking (of all published positions)."),
        blocks_publication=True,
    )


def checklist_ranked_seats(round_: Round) -> ChecklistItem:
    listed = EmployerRanking.objects.filter(position=OuterRef("pk"))
    counts = (
        _published(round_)
        .annotate(listed=Exists(listed))
        .aggregate(total=Sum("seats"), done=Sum("seats", filter=Q(listed=True)))
    )
    return ChecklistItem(
        "seats_ranked",
        _("Seats with a ranking"),
        counts["done"] or 0,
        counts["total"] or 0,
        _(
            "Seats in positions whose employer has ranked at least one applicant; the others "
            "cannot be filled by the match."
        ),
    )


def checklist_complete_applicants(round_: Round) -> ChecklistItem:
    """Applicants with a submitted application who can be matched: an identity number, an
    authorisation or licence (or applied for), and a part of LIS1 still to do.

    Counted at most once a minute (kept in the shared cache as long as the round's headline
    counts, and forgotten with them): the count reads every application of the round, 0.3-0.4
    s at 768,000 applications, most of the round page's time."""
    key = round_checklist_cache_key(round_)
    counted = cache.get(key)
    if counted is None:
        counted = {**_complete_applicants(round_), "as_of": timezone.now()}
        cache.set(key, counted, ROUND_COUNTS_TIMEOUT)
    return ChecklistItem(
        "applications_complete",
        _("Complete applications"),
        counted["total"] - counted["missing"],
        counted["total"],
        _(
            "Applicants whose profile lets them be matched: identity number, authorisation or "
            "licence, and a part of LIS1 still to do. The others are left out of the match."
        ),
        as_of=counted["as_of"],
    )


def _complete_applicants(round_: Round) -> dict[str, int]:
    applied = Application.objects.filter(
        applicant=OuterRef("pk"),
        position__round=round_,
        status=ApplicationStatus.SUBMITTED,
    )
    # The match's own rules: placeable, and a part of LIS1 still to do.
    complete = matchable() & needs_some_part()
    incomplete = ~complete
    counts: dict[str, int] = Applicant.objects.filter(Exists(applied)).aggregate(
        total=Count("pk"), missing=Count("pk", filter=incomplete)
    )
    return counts


def checklist_couples(round_: Round) -> ChecklistItem:
    listed = CouplePreference.objects.filter(couple=OuterRef("pk"))
    couples = Couple.objects.filter(round=round_).exclude(status=CoupleStatus.DISSOLVED)
    counts = couples.annotate(listed=Exists(listed)).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=CoupleStatus.ACCEPTED, listed=True)),
    )
    return ChecklistItem(
        "couples_listed",
        _("Couples with a joint list"),
        counts["done"],
        counts["total"],
        _(
            "Couples whose partner has accepted and who have listed pairs of positions. An "
            "accepted couple without a joint list is not placed at all; an invitation never "
            "accepted leaves both to be matched on their own lists."
        ),
    )


def round_checklist(round_: Round) -> list[ChecklistItem]:
    return [
        checklist_rankings(round_),
        checklist_ranked_seats(round_),
        checklist_complete_applicants(round_),
        checklist_couples(round_),
    ]
