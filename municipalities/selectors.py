"""Read-side queries of the municipal side that other pages show (the directorate's round
checklist)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from lis1.rounds.checklist import ChecklistItem
from lis1.rounds.enums import PositionStatus
from lis1.rounds.models import Position, Round
from municipalities.models import RankingReview, ReviewDecision


def checklist_municipal_reviews(round_: Round) -> ChecklistItem:
    """Positions with a municipal part whose newest municipal review approves the ranking."""
    newest = RankingReview.objects.filter(position=OuterRef("pk")).order_by("-created_at", "-pk")
    counts = (
        Position.objects.filter(round=round_, status=PositionStatus.PUBLISHED)
        .filter(Q(municipality__isnull=False) | Q(municipal_area__isnull=False))
        .annotate(decision=Subquery(newest.values("decision")[:1]))
        .aggregate(total=Count("pk"), done=Count("pk", filter=Q(decision=ReviewDecision.APPROVED)))
    )
    return ChecklistItem(
        "municipal_reviews",
        _("Rankings approved by the municipality"),
        counts["done"],
        counts["total"],
        _(
            "Positions with a municipal part whose municipality has approved the employer's "
            "ranking (taking part in selection is voluntary; the match does not need it)."
        ),
    )
