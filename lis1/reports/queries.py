"""The report's reads: every figure aggregated by the database (GROUP BY through
values().annotate()), returned as the plain rows of `lis1.reports.rows`.

A round of 45,000 applicants comes back as a few hundred grouped rows; nothing here loops
over applicants in Python. On PostgreSQL all queries run in one REPEATABLE READ snapshot, so
the report is consistent as of `data_as_of` even while answers keep arriving.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Exists, Expression, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from lis1.reports.history import published_rounds, published_series_rows, series_merge
from lis1.reports.models import ReportSnapshot
from lis1.reports.rows import (
    SOURCE_LIVE,
    ChoiceCount,
    CoupleCount,
    FollowUpCounts,
    GroupCount,
    HeadlineCounts,
    MatchRunRow,
    MunicipalPartRow,
    NationalityEducationCount,
    PositionRow,
    ReportInput,
    RoundInfo,
    SeriesRow,
)
from lis1.reports.snapshot import input_load
from lis1.rounds import outcomes
from lis1.rounds.enums import (
    HOLDING,
    ApplicationStatus,
    CoupleStatus,
    MatchRunKind,
    PlacementStatus,
    PositionKind,
    PositionStatus,
    Season,
)
from lis1.rounds.models import (
    Applicant,
    Application,
    Couple,
    MatchRun,
    MunicipalArea,
    Placement,
    Position,
    Round,
    SeatAddition,
)
from lis1.rounds.selectors import earlier_rounds_applied

ACCEPTED = outcomes.ACCEPTED.condition  # answered yes (also if given up later)
HIRED = outcomes.HIRED.condition  # the employer has confirmed the start
WITH_POSITION = outcomes.WITH_POSITION


def _published_placements(round_: Round) -> QuerySet[Placement]:
    return Placement.objects.filter(match_run__round=round_, match_run__published_at__isnull=False)


def _submitted(round_: Round) -> QuerySet[Application]:
    return Application.objects.filter(position__round=round_, status=ApplicationStatus.SUBMITTED)


def _positions(round_: Round) -> QuerySet[Position]:
    return Position.objects.filter(round=round_, status=PositionStatus.PUBLISHED)


def round_info(round_: Round) -> RoundInfo:
    return RoundInfo(
        slug=round_.slug,
        name=str(round_),
        season=round_.season,
        year=round_.year,
        start_date=round_.start_date,
        phase=round_.phase,
        answer_deadline=round_.answer_deadline,
    )


def position_rows(round_: Round) -> list[PositionRow]:
    published = Q(placements__match_run__published_at__isnull=False)
    rows = (
        _positions(round_)
        .order_by()
        .values("pk", "seats", "employer__name", "employer__region__name")
        .annotate(
            holding=Count("placements", filter=published & Q(placements__status__in=HOLDING)),
        )
    )
    return [
        PositionRow(
            region=r["employer__region__name"] or "–",
            trust=r["employer__name"],
            seats=r["seats"],
            holding=r["holding"],
        )
        for r in rows
    ]


def headline_counts(round_: Round, positions: list[PositionRow] | None = None) -> HeadlineCounts:
    if positions is None:
        positions = position_rows(round_)
    applications = _submitted(round_).aggregate(
        applications=Count("pk"), applicants=Count("applicant", distinct=True)
    )
    people = {
        term.key: Count("applicant", distinct=True, filter=term.condition)
        for term in outcomes.TERMS
    }
    placements = _published_placements(round_).aggregate(
        **people, with_position=Count("applicant", distinct=True, filter=WITH_POSITION)
    )
    return HeadlineCounts(
        advertisements=len(positions),
        seats=sum(p.seats for p in positions),
        applicants=applications["applicants"],
        applications=applications["applications"],
        offered=placements["offered"],
        accepted=placements["accepted"],
        declined=placements["declined"],
        expired=placements["expired"],
        withdrawn=placements["withdrawn"],
        hired=placements["hired"],
        with_position=placements["with_position"],
        unfilled_seats=sum(max(p.seats - p.holding, 0) for p in positions),
    )


def _distinct_applicants_by(round_: Round, field: str) -> dict[str, int]:
    return {
        (row[field] or "–"): row["n"]
        for row in _submitted(round_)
        .order_by()
        .values(field)
        .annotate(n=Count("applicant", distinct=True))
    }


def _offered_and_hired_by(round_: Round, field: str) -> tuple[dict[str, int], dict[str, int]]:
    """People offered a position, and people hired, per value of a placement field, in one
    grouped query (a person offered positions of two trusts counts once for each)."""
    offered: dict[str, int] = {}
    hired: dict[str, int] = {}
    for row in (
        _published_placements(round_)
        .order_by()
        .values(field)
        .annotate(
            offered=Count("applicant", distinct=True),
            hired=Count("applicant", distinct=True, filter=HIRED),
        )
    ):
        name = row[field] or "–"
        offered[name] = row["offered"]
        if row["hired"]:
            hired[name] = row["hired"]
    return offered, hired


def _applicants_with_outcome(round_: Round) -> QuerySet[Applicant]:
    """The round's applicants (a submitted application) with whether each was offered a
    position, hired, or has a position (lis1.rounds.outcomes): EXISTS per applicant, no join
    fan-out."""
    placements = _published_placements(round_).filter(applicant=OuterRef("pk"))
    return Applicant.objects.filter(
        Exists(_submitted(round_).filter(applicant=OuterRef("pk")))
    ).annotate(
        is_offered=Exists(placements),
        is_hired=Exists(placements.filter(HIRED)),
        has_position=Exists(placements.filter(WITH_POSITION)),
    )


_OUTCOME_COUNTS = {
    "applicants": Count("pk"),
    "offered": Count("pk", filter=Q(is_offered=True)),
    "hired": Count("pk", filter=Q(is_hired=True)),
    "with_position": Count("pk", filter=Q(has_position=True)),
}


def group_counts(
    round_: Round, field: str, expression: Expression | None = None
) -> list[GroupCount]:
    """Applicants offered a position, hired and with a position per value of one applicant
    field, or of an `expression` computed per applicant under that name."""
    applicants = _applicants_with_outcome(round_)
    if expression is not None:
        applicants = applicants.annotate(**{field: expression})
    rows = applicants.order_by().values(field).annotate(**_OUTCOME_COUNTS)
    return [
        GroupCount(
            key=r[field],
            applicants=r["applicants"],
            offered=r["offered"],
            hired=r["hired"],
            with_position=r["with_position"],
        )
        for r in rows
    ]


def nationality_education_counts(round_: Round) -> list[NationalityEducationCount]:
    """Applicants, placed and accepted per pair of nationality and country of education."""
    rows = (
        _applicants_with_outcome(round_)
        .order_by()
        .values("nationality", "education_country")
        .annotate(**_OUTCOME_COUNTS)
    )
    return [
        NationalityEducationCount(
            nationality=r["nationality"],
            education_country=r["education_country"],
            applicants=r["applicants"],
            offered=r["offered"],
            hired=r["hired"],
            with_position=r["with_position"],
        )
        for r in rows
    ]


def choice_counts(round_: Round) -> list[ChoiceCount]:
    rows = (
        _published_placements(round_)
        .order_by()
        .values("match_run__kind", "choice_rank")
        .annotate(offers=Count("pk"), accepted=Count("pk", filter=ACCEPTED))
    )
    return [
        ChoiceCount(r["match_run__kind"], r["choice_rank"], r["offers"], r["accepted"])
        for r in rows
    ]


def couple_counts(round_: Round) -> list[CoupleCount]:
    placements = _published_placements(round_)
    rows = (
        Couple.objects.filter(round=round_, status=CoupleStatus.ACCEPTED)
        .annotate(
            first_offered=Exists(placements.filter(applicant=OuterRef("first"))),
            second_offered=Exists(placements.filter(applicant=OuterRef("second"))),
        )
        .order_by()
        .values("first_offered", "second_offered")
        .annotate(couples=Count("pk"))
    )
    return [CoupleCount(r["first_offered"], r["second_offered"], r["couples"]) for r in rows]


def municipal_rows(round_: Round) -> tuple[int, list[MunicipalPartRow]]:
    """The municipalities taking part, and seats and placements per municipal part."""
    positions = _positions(round_).exclude(kind=PositionKind.HOSPITAL_ONLY)
    key_fields = ("municipality_id", "municipal_area_id")
    seats = {
        (r["municipality_id"], r["municipal_area_id"]): r
        for r in positions.order_by()
        .values(*key_fields, "municipality__name", "municipality__county_name")
        .annotate(advertisements=Count("pk"), seats=Sum("seats"))
    }
    placed: dict[tuple[int | None, int | None], dict[str, int]] = {
        (r["position__municipality_id"], r["position__municipal_area_id"]): r
        for r in _published_placements(round_)
        .filter(position__in=positions)
        .order_by()
        .values("position__municipality_id", "position__municipal_area_id")
        .annotate(
            offered=Count("applicant", distinct=True),
            hired=Count("applicant", distinct=True, filter=HIRED),
        )
    }
    area_ids = {area for _, area in seats if area}
    areas = {
        area.pk: area
        for area in MunicipalArea.objects.filter(pk__in=area_ids).annotate(
            n=Count("municipalities")
        )
    }
    area_counties: dict[int, set[str]] = defaultdict(set)
    area_members: set[int] = set()
    for area, municipality, county in MunicipalArea.municipalities.through.objects.filter(
        municipalarea_id__in=area_ids
    ).values_list("municipalarea_id", "organisation_id", "organisation__county_name"):
        area_counties[area].add(county)
        area_members.add(municipality)
    single = {m for m, _ in seats if m}
    rows = []
    for key, row in seats.items():
        municipality, area = key
        counts = placed.get(key, {"offered": 0, "hired": 0})
        if area:
            name = areas[area].name
            county = ", ".join(sorted(area_counties[area]))
            members = areas[area].n
        else:
            name = row["municipality__name"]
            county = row["municipality__county_name"]
            members = 1
        rows.append(
            MunicipalPartRow(
                name=name,
                is_area=bool(area),
                county=county,
                municipalities=members,
                advertisements=row["advertisements"],
                seats=row["seats"],
                offered=counts["offered"],
                hired=counts["hired"],
            )
        )
    return len(single | area_members), rows


def run_rows(round_: Round) -> list[MatchRunRow]:
    """One row per published main or follow-up run, and one for all direct offers from the
    ranked lists together (each offer is a run of one placement)."""
    runs = list(
        MatchRun.objects.filter(round=round_, published_at__isnull=False)
        .exclude(kind=MatchRunKind.DIRECT_OFFER)
        .without_blobs()
        .order_by("published_at")
    )
    outcome = {
        "offers": Count("pk"),
        "accepted": Count("pk", filter=ACCEPTED),
        "declined": Count("pk", filter=Q(status=PlacementStatus.DECLINED)),
        "expired": Count("pk", filter=Q(status=PlacementStatus.EXPIRED)),
    }
    counts = {
        r["match_run"]: r
        for r in Placement.objects.filter(match_run__in=runs)
        .order_by()
        .values("match_run")
        .annotate(**outcome)
    }
    empty = {"offers": 0, "accepted": 0, "declined": 0, "expired": 0}
    rows = [
        MatchRunRow(
            kind=run.kind,
            published_at=run.published_at,
            applicants_in_match=int((run.statistics or {}).get("applicants", 0)),
            seats_in_match=int((run.statistics or {}).get("seats", 0)),
            offers=counts.get(run.pk, empty)["offers"],
            accepted=counts.get(run.pk, empty)["accepted"],
            declined=counts.get(run.pk, empty)["declined"],
            expired=counts.get(run.pk, empty)["expired"],
        )
        for run in runs
    ]
    direct = _published_placements(round_).filter(match_run__kind=MatchRunKind.DIRECT_OFFER)
    totals = direct.aggregate(
        first=Min("match_run__published_at"),
        last=Max("match_run__published_at"),
        runs=Count("match_run", distinct=True),
        **outcome,
    )
    if totals["offers"]:
        rows.append(
            MatchRunRow(
                kind=MatchRunKind.DIRECT_OFFER,
                published_at=totals["first"],
                applicants_in_match=totals["offers"],
                seats_in_match=totals["offers"],
                offers=totals["offers"],
                accepted=totals["accepted"],
                declined=totals["declined"],
                expired=totals["expired"],
                runs=totals["runs"],
                last_published_at=totals["last"],
            )
        )
    return rows


def follow_up_counts(round_: Round, positions: list[PositionRow]) -> FollowUpCounts:
    """Extra seats, accepted positions given up, direct offers: three grouped queries."""
    placements = _published_placements(round_).aggregate(
        withdrawn=Count("pk", filter=Q(status=PlacementStatus.WITHDRAWN)),
        left=Count("pk", filter=Q(status=PlacementStatus.LEFT)),
        direct=Count("pk", filter=Q(match_run__kind=MatchRunKind.DIRECT_OFFER)),
        direct_accepted=Count("pk", filter=Q(match_run__kind=MatchRunKind.DIRECT_OFFER) & ACCEPTED),
        direct_open=Count(
            "pk",
            filter=Q(match_run__kind=MatchRunKind.DIRECT_OFFER, status=PlacementStatus.OFFERED),
        ),
    )
    extra = SeatAddition.objects.filter(
        position__round=round_, position__status=PositionStatus.PUBLISHED
    ).aggregate(n=Sum("seats"))["n"]
    return FollowUpCounts(
        extra_seats=extra or 0,
        withdrawn_before_start=placements["withdrawn"],
        left_after_start=placements["left"],
        direct_offers=placements["direct"],
        direct_accepted=placements["direct_accepted"],
        direct_open=placements["direct_open"],
        vacant_seats=sum(max(p.seats - p.holding, 0) for p in positions),
    )


def _live_series_rows() -> list[SeriesRow]:
    """Seats, applicants, offered, accepted and hired people for every round with published results
    and applicants, in four grouped queries. A round without published results has nothing
    to show yet, and one without applicants would draw zeros."""
    seats = dict(
        Position.objects.filter(status=PositionStatus.PUBLISHED)
        .order_by()
        .values("round")
        .annotate(s=Sum("seats"))
        .values_list("round", "s")
    )
    applicants = dict(
        Application.objects.filter(status=ApplicationStatus.SUBMITTED)
        .order_by()
        .values("position__round")
        .annotate(n=Count("applicant", distinct=True))
        .values_list("position__round", "n")
    )
    outcome = {
        r["match_run__round"]: r
        for r in Placement.objects.filter(match_run__published_at__isnull=False)
        .order_by()
        .values("match_run__round")
        .annotate(
            offered=Count("applicant", distinct=True),
            accepted=Count("applicant", distinct=True, filter=ACCEPTED),
            hired=Count("applicant", distinct=True, filter=HIRED),
        )
    }
    today = timezone.localdate()
    published_run = MatchRun.objects.filter(round=OuterRef("pk"), published_at__isnull=False)
    rounds = Round.objects.filter(Q(published_at__isnull=False) | Exists(published_run))
    return [
        SeriesRow(
            slug=r.slug,
            name=str(r),
            season=r.season,
            year=r.year,
            seats=seats.get(r.pk, 0) or 0,
            applicants=applicants[r.pk],
            offered=outcome.get(r.pk, {}).get("offered", 0),
            accepted=outcome.get(r.pk, {}).get("accepted", 0),
            hired=_hired_or_unknown(outcome.get(r.pk, {}).get("hired", 0), r.start_date, today),
            source=SOURCE_LIVE,
        )
        for r in rounds.order_by("year", "season")
        if applicants.get(r.pk)
    ]


def _hired_or_unknown(hired: int, start: dt.date, today: dt.date) -> int | None:
    """Before its start date a round has nobody hired yet: not known, rather than 0."""
    return None if hired == 0 and start > today else hired


def series_rows() -> list[SeriesRow]:
    """The series over rounds: the directorate's published rounds and the rounds in the
    database together, a live round replacing the published one of its season and year."""
    published = published_series_rows(
        published_rounds(), lambda season, year: f"{Season(season).label} {year}"
    )
    return series_merge(_live_series_rows(), published)


def previous_round(round_: Round) -> Round | None:
    """The round of the same season a year before."""
    return Round.objects.filter(season=round_.season, year=round_.year - 1).first()


def _collect(round_: Round) -> ReportInput:
    data_as_of = timezone.now()
    positions = position_rows(round_)
    previous = previous_round(round_)
    municipalities, parts = municipal_rows(round_)
    by_region = _offered_and_hired_by(round_, "position__employer__region__name")
    by_trust = _offered_and_hired_by(round_, "position__employer__name")
    return ReportInput(
        round=round_info(round_),
        data_as_of=data_as_of,
        counts=headline_counts(round_, positions),
        previous_round=round_info(previous) if previous else None,
        previous_counts=headline_counts(previous) if previous else None,
        positions=positions,
        applicants_by_region=_distinct_applicants_by(round_, "position__employer__region__name"),
        applicants_by_trust=_distinct_applicants_by(round_, "position__employer__name"),
        offered_by_region=by_region[0],
        offered_by_trust=by_trust[0],
        hired_by_region=by_region[1],
        hired_by_trust=by_trust[1],
        by_nationality=group_counts(round_, "nationality"),
        by_education_country=group_counts(round_, "education_country"),
        by_education_year=group_counts(round_, "education_year"),
        by_gender=group_counts(round_, "gender"),
        by_birth_date=group_counts(round_, "birth_date"),
        # Rounds applied in before this one: a correlated subquery inside the grouped query.
        by_earlier_rounds=group_counts(round_, "earlier_rounds", earlier_rounds_applied(round_)),
        by_nationality_education=nationality_education_counts(round_),
        choices=choice_counts(round_),
        couples=couple_counts(round_),
        municipalities_taking_part=municipalities,
        municipal_parts=parts,
        runs=run_rows(round_),
        follow_up=follow_up_counts(round_, positions),
        series=series_rows(),
    )


def report_input(*, round_: Round, live: bool = False) -> ReportInput:
    """All rows of one round's report. A closed round's come from the input frozen with its
    final report (`ReportSnapshot`), so that later edits of profiles and later rounds do not
    change it; `live` reads today's data instead (for staff checking what changed). Otherwise
    read from one consistent snapshot where possible."""
    if not live and round_.closed_at is not None:
        frozen = ReportSnapshot.objects.filter(round=round_).only("data").first()
        if frozen is not None:
            return input_load(frozen.data)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return _collect(round_)
    return _collect(round_)
