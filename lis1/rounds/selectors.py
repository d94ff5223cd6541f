"""Read-side queries shared by the role pages. Selectors own their joins so that pages make a
bounded number of queries whatever the size of the round."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from lis1.rounds import outcomes
from lis1.rounds.enums import ApplicationStatus, PositionStatus
from lis1.rounds.models import (
    Applicant,
    ApplicantRanking,
    Application,
    EmployerRanking,
    Placement,
    Position,
    Round,
)
from lis1.rounds.models.matching import BLOB_FIELDS

#: Nearly every page asks for the current round, so it is kept in the shared cache. Saving or
#: deleting a round forgets it (signals in lis1.rounds.apps, also after the commit), so
#: services save rounds rather than update them in bulk. The timeout bounds the rest.
ROUND_CURRENT_KEY = "round-current"
ROUND_CURRENT_TIMEOUT = 60
_NO_ROUND = "none"


def earlier_rounds_applied(round_: Round) -> Expression:
    """An `Applicant` annotation: the rounds starting before `round_` in which they were an
    applicant (a submitted application, as the report counts applicants), plus the rounds
    before this system that they declare.

    The same person across rounds is the same `Applicant` row: applicants are per user, not
    per round, and the identity number's look-up hash is unique among them (a login by
    identity number finds the user holding that hash). Counting by applicant is therefore
    counting by identity number, and it also counts applicants who have not given theirs yet.
    """
    in_system = (
        Application.objects.filter(
            applicant=OuterRef("pk"),
            status=ApplicationStatus.SUBMITTED,
            position__round__start_date__lt=round_.start_date,
        )
        .order_by()
        .values("applicant")
        .annotate(n=Count("position__round", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(in_system, output_field=IntegerField()), 0) + F("rounds_before_system")


def applicant_earlier_rounds(applicant: Applicant, round_: Round) -> int:
    """The rounds `applicant` applied in before `round_` (one query)."""
    return int(
        Applicant.objects.filter(pk=applicant.pk)
        .annotate(n=earlier_rounds_applied(round_))
        .values_list("n", flat=True)
        .get()
    )


def rounds_open(now=None) -> QuerySet[Round]:
    """Rounds under way: advertised and not closed (lis1.rounds.calendar has the phases)."""
    return Round.objects.filter(
        closed_at__isnull=True, advertising_opens__lte=now or timezone.now()
    )


def round_current() -> Round | None:
    """The round people are working in: the newest one under way (advertised, not closed),
    otherwise the newest round at all."""
    cached = cache.get(ROUND_CURRENT_KEY)
    if cached is not None:
        return None if cached == _NO_ROUND else cached
    active = rounds_open().order_by("-start_date").first()
    found = active or Round.objects.order_by("-start_date").first()
    cache.set(ROUND_CURRENT_KEY, _NO_ROUND if found is None else found, ROUND_CURRENT_TIMEOUT)
    return found


def round_current_forget() -> None:
    """Drop the cached current round now and again when the transaction commits (a request
    in between may have cached the old row)."""
    cache.delete(ROUND_CURRENT_KEY)
    transaction.on_commit(lambda: cache.delete(ROUND_CURRENT_KEY))


def _subquery_count(queryset: QuerySet, field: str = "pk") -> Subquery:
    return Subquery(
        queryset.order_by().values(field).annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


#: A round's headline counts are kept this long in the shared cache; pages show their time.
ROUND_COUNTS_TIMEOUT = 60
_ROUND_COUNT_FIELDS = (
    "position_count",
    "seat_count",
    "application_count",
    "applicant_count",
    "offered_count",
    "accepted_count",
    "hired_count",
)


def _round_counts_query(round_ids: list[int]) -> dict[int, dict[str, int]]:
    """The headline counts of these rounds: one grouped query per relation. A correlated
    subquery per round scanned the current round's 768,000 applications once for every
    round on the page (4 s for eleven rounds at 45,000 applicants)."""
    counts = {pk: dict.fromkeys(_ROUND_COUNT_FIELDS, 0) for pk in round_ids}
    for row in (
        Position.objects.filter(round_id__in=round_ids)
        .exclude(status=PositionStatus.WITHDRAWN)
        .order_by()
        .values("round_id")
        .annotate(n=Count("pk"), seats=Sum("seats"))
    ):
        counts[row["round_id"]].update(position_count=row["n"], seat_count=row["seats"] or 0)
    for row in (
        Application.objects.filter(
            position__round_id__in=round_ids, status=ApplicationStatus.SUBMITTED
        )
        .order_by()
        .values("position__round_id")
        .annotate(n=Count("pk"), applicants=Count("applicant", distinct=True))
    ):
        counts[row["position__round_id"]].update(
            application_count=row["n"], applicant_count=row["applicants"]
        )
    for row in (
        Placement.objects.filter(
            match_run__round_id__in=round_ids, match_run__published_at__isnull=False
        )
        .order_by()
        .values("match_run__round_id")
        .annotate(
            offered=Count("applicant", distinct=True),
            accepted=Count("applicant", distinct=True, filter=outcomes.ACCEPTED.condition),
            hired=Count("applicant", distinct=True, filter=outcomes.HIRED.condition),
        )
    ):
        counts[row["match_run__round_id"]].update(
            offered_count=row["offered"],
            accepted_count=row["accepted"],
            hired_count=row["hired"],
        )
    return counts


def round_counts_attach(rounds: Iterable[Round]) -> list[Round]:
    """Give each round its headline counts (`position_count`, `seat_count`,
    `application_count`, `applicant_count`, and the people `offered_count`, `accepted_count`,
    `hired_count` in the words of lis1.rounds.outcomes) and `counts_as_of`, the moment
    they were counted: from the shared cache when counted in the last minute, otherwise
    counted now for all rounds missing at once."""
    rounds = list(rounds)
    keys = {r.pk: f"round-counts:{r.pk}" for r in rounds}
    cached = cache.get_many(list(keys.values())) if keys else {}
    missing = [r.pk for r in rounds if keys[r.pk] not in cached]
    if missing:
        now = timezone.now()
        fresh = _round_counts_query(missing)
        cache.set_many(
            {keys[pk]: {**values, "as_of": now} for pk, values in fresh.items()},
            ROUND_COUNTS_TIMEOUT,
        )
        cached.update({keys[pk]: {**values, "as_of": now} for pk, values in fresh.items()})
    for round_ in rounds:
        values = cached[keys[round_.pk]]
        for field in _ROUND_COUNT_FIELDS:
            setattr(round_, field, values[field])
        round_.counts_as_of = values["as_of"]  # type: ignore[attr-defined]
    return rounds


def round_checklist_cache_key(round_: Round) -> str:
    """Where the checklist keeps its count of complete applications (lis1.rounds.checklist)."""
    return f"round-checklist-applicants:{round_.pk}"


def round_counts_forget(round_: Round) -> None:
    """Count the round again on its next page (after a decision that changes the counts),
    its checklist's count of complete applications too."""
    keys = [f"round-counts:{round_.pk}", round_checklist_cache_key(round_)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def rounds_with_counts() -> list[Round]:
    """Every round, newest first, with its headline counts (see round_counts_attach)."""
    return round_counts_attach(Round.objects.order_by("-start_date"))


def positions_with_counts(queryset: QuerySet[Position]) -> QuerySet[Position]:
    """Positions with employer, municipal part and application/ranking/placement counts for
    a table. Each count is a subquery of its own relation: counting three relations over one
    join multiplies their rows (809 × 575 × 50 for one position of the demo round)."""
    applications = Application.objects.filter(
        position=OuterRef("pk"), status=ApplicationStatus.SUBMITTED
    )
    ranked = EmployerRanking.objects.filter(position=OuterRef("pk"))
    offered = Placement.objects.filter(
        position=OuterRef("pk"), match_run__published_at__isnull=False
    )
    return (
        queryset.select_related("employer", "municipality", "municipal_area", "round")
        .prefetch_related("sites")
        .annotate(
            application_count=Coalesce(_subquery_count(applications, "position"), 0),
            ranked_count=Coalesce(_subquery_count(ranked, "position"), 0),
            offered_count=Coalesce(_subquery_count(offered, "position"), 0),
        )
        .order_by("employer__name", "reference", "pk")  # pk: the same pages every time
    )


def applications_of_applicant(applicant: Applicant) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=applicant)
        .select_related("position__employer", "position__round", "position__municipality")
        .prefetch_related("position__sites")
        .order_by("-position__round__start_date", "position__employer__name")
    )


#: A run's canonical instance and result are megabytes in a national round. Pages that show a
#: placement together with its run never need them: defer them wherever a run is joined in.
RUN_BLOBS = tuple(f"match_run__{name}" for name in BLOB_FIELDS)


def placements_published() -> QuerySet[Placement]:
    """Placements anyone but the directorate may see: those of published runs."""
    return Placement.objects.filter(match_run__published_at__isnull=False)


def round_results_published(round_: Round | None) -> bool:
    """The round's results are out once its main match is published (the round records the
    moment in the same transaction)."""
    return round_ is not None and round_.published_at is not None


def positions_without_submitted_ranking(round_: Round) -> QuerySet[Position]:
    """Published positions of the round whose employer has not submitted a ranking."""
    return Position.objects.filter(
        round=round_, status=PositionStatus.PUBLISHED, ranking_submitted_at__isnull=True
    )


# The applicant's pages. Each selector owns its joins so that a page's query count does not
# grow with the number of positions, applications or sites.


def positions_for_applicants(round_: Round | None) -> QuerySet[Position]:
    """The round's published positions with everything the browser shows."""
    if round_ is None:
        return Position.objects.none()
    return (
        Position.objects.filter(round=round_, status=PositionStatus.PUBLISHED)
        .select_related("employer__region", "municipality", "municipal_area", "round")
        .prefetch_related("sites", "municipal_area__municipalities")
        .order_by("employer__name", "reference")
    )


def ranking_of_applicant(applicant: Applicant, round_: Round | None) -> QuerySet[ApplicantRanking]:
    if round_ is None:
        return ApplicantRanking.objects.none()
    return (
        ApplicantRanking.objects.filter(applicant=applicant, round=round_)
        .select_related("position__employer", "position__municipality", "position__municipal_area")
        .prefetch_related("position__sites")
        .order_by("rank")
    )


def placements_of_applicant(applicant: Applicant) -> QuerySet[Placement]:
    """The applicant's placements from published runs, newest first."""
    return (
        placements_published()
        .filter(applicant=applicant)
        .select_related(
            "position__employer",
            "position__municipality",
            "position__municipal_area",
            "match_run__round",
            "municipality",
        )
        .defer(*RUN_BLOBS)
        .prefetch_related("position__sites")
        .order_by("-match_run__published_at")
    )


def applications_for_review(position: Position) -> QuerySet[Application]:
    """A position's submitted applications with the applicant and its place on the employer's
    list (None when not ranked): one query whatever the number of applicants."""
    # order_by(): the model's default order (by position, i.e. round and employer) would
    # join three tables into the subquery of every row.
    rank = (
        EmployerRanking.objects.filter(position=position, applicant=OuterRef("applicant"))
        .order_by()
        .values("rank")[:1]
    )
    return (
        Application.objects.filter(position=position, status=ApplicationStatus.SUBMITTED)
        .select_related("applicant")
        .annotate(list_rank=Subquery(rank, output_field=IntegerField()))
        .order_by("applicant__family_name", "applicant__given_name", "pk")
    )


def employer_ranking_entries(position: Position, *, with_application: bool = False):
    """The employer's list for a position, best first, with the applicants; with
    `with_application`, each entry's `application_id` too (for a link to the applicant's
    page), from a subquery rather than a join."""
    entries = (
        EmployerRanking.objects.filter(position=position)
        .select_related("applicant")
        .order_by("rank")
    )
    if with_application:
        application = (
            Application.objects.filter(position=position, applicant=OuterRef("applicant"))
            .order_by()
            .values("pk")[:1]
        )
        entries = entries.annotate(
            application_id=Subquery(application, output_field=IntegerField())
        )
    return entries


def applications_unranked(position: Position) -> QuerySet[Application]:
    """The position's submitted applications whose applicant is not on the employer's list,
    by name."""
    ranked = EmployerRanking.objects.filter(position=position, applicant=OuterRef("applicant"))
    return (
        Application.objects.filter(position=position, status=ApplicationStatus.SUBMITTED)
        .exclude(Exists(ranked))
        .select_related("applicant")
        .order_by("applicant__family_name", "applicant__given_name", "pk")
    )
