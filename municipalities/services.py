"""Municipal workflows: review an employer's ranking, define places in an area, the placed
doctors' lists of the area's municipalities, and the municipal placement by random serial
dictatorship (lis1.matching.rsd) with a recorded seed."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from lis1.jobs.services import job_enqueue, job_run, job_succeed
from lis1.matching.instance import canonical_json_bytes
from lis1.matching.rsd import parse_rsd_instance, rsd_result_json, solve_rsd
from lis1.rounds.enums import HOLDING
from lis1.rounds.errors import RuleViolation
from lis1.rounds.models import MunicipalArea, Organisation, Placement, Position, Round
from lis1.rounds.selectors import employer_ranking_entries
from lis1.rounds.services.placements import placements_set_municipality
from municipalities.models import (
    MunicipalAssignment,
    MunicipalityPreference,
    MunicipalPlacementRun,
    MunicipalPlaces,
    RankingReview,
    ReviewDecision,
)

logger = logging.getLogger(__name__)


class MunicipalError(RuleViolation):
    """A municipal action is refused; the message says why."""


@transaction.atomic
def ranking_review_add(
    *,
    position: Position,
    municipality: Organisation,
    decision: str,
    comment: str,
    user,  # type: ignore[no-untyped-def]
) -> RankingReview:
    """Record the municipality's approval of, or comment on, the employer's current ranking."""
    if decision not in ReviewDecision.values:
        raise MunicipalError(_("Approve or comment."))
    if decision == ReviewDecision.COMMENTED and not comment.strip():
        raise MunicipalError(_("Write the comment."))
    snapshot = list(employer_ranking_entries(position).values_list("applicant_id", flat=True))
    if decision == ReviewDecision.APPROVED and not snapshot:
        raise MunicipalError(_("There is no ranking to approve yet."))
    return RankingReview.objects.create(
        position=position,
        municipality=municipality,
        decision=decision,
        comment=comment.strip(),
        ranking_snapshot=snapshot,
        created_by=user,
    )


def area_placements(*, area: MunicipalArea, round_: Round, start_date: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Doctors holding a seat (offered or accepted, published) in the area's positions, of
    one start date or of all."""
    placements = Placement.objects.filter(
        position__municipal_area=area,
        position__round=round_,
        match_run__published_at__isnull=False,
        status__in=HOLDING,
    )
    return placements if start_date is None else placements.filter(position__start_date=start_date)


@transaction.atomic
def municipal_places_set(
    *,
    area: MunicipalArea,
    municipality: Organisation,
    start_date: dt.date,
    places: int,
    user,  # type: ignore[no-untyped-def]
) -> MunicipalPlaces:
    if not area.municipalities.filter(pk=municipality.pk).exists():
        raise MunicipalError(_("The municipality is not part of the area."))
    if not 0 <= places <= 100:
        raise MunicipalError(_("Places must be between 0 and 100."))
    row, _created = MunicipalPlaces.objects.update_or_create(
        area=area,
        municipality=municipality,
        start_date=start_date,
        defaults={"places": places, "updated_by": user},
    )
    return row


@transaction.atomic
def municipality_preferences_set(*, placement: Placement, municipality_ids: list[int]) -> None:
    """The placed doctor's list of the area's municipalities, best first."""
    area = placement.position.municipal_area
    if area is None:
        raise MunicipalError(_("This position has one municipality: there is nothing to rank."))
    allowed = set(area.municipalities.values_list("pk", flat=True))
    if len(set(municipality_ids)) != len(municipality_ids) or not set(municipality_ids) <= allowed:
        raise MunicipalError(_("Rank each of the area's municipalities at most once."))
    MunicipalityPreference.objects.filter(placement=placement).delete()
    MunicipalityPreference.objects.bulk_create(
        [
            MunicipalityPreference(placement=placement, municipality_id=m, rank=rank)
            for rank, m in enumerate(municipality_ids, start=1)
        ]
    )


def municipal_instance_build(*, run: MunicipalPlacementRun) -> dict[str, object]:
    places = {
        f"M{row.municipality_id}": row.places
        for row in MunicipalPlaces.objects.filter(area=run.area, start_date=run.start_date)
    }
    placements = area_placements(area=run.area, round_=run.round, start_date=run.start_date)
    lists: dict[int, list[str]] = {p: [] for p in placements.values_list("pk", flat=True)}
    for placement_id, municipality_id in (
        MunicipalityPreference.objects.filter(placement_id__in=list(lists))
        .order_by("placement_id", "rank")
        .values_list("placement_id", "municipality_id")
    ):
        key = f"M{municipality_id}"
        if key in places:
            lists[placement_id].append(key)
    return {
        "format": "lis1-rsd/1",
        "seed": run.seed,
        "meta": {
            "area": run.area_id,
            "round": run.round.slug,
            "start_date": run.start_date.isoformat(),
        },
        "places": dict(sorted(places.items())),
        "doctors": [{"id": f"D{pk}", "ranking": lists[pk]} for pk in sorted(lists)],
    }


@transaction.atomic
def municipal_placement_start(
    *,
    area: MunicipalArea,
    round_: Round,
    start_date: dt.date,
    seed: int,
    user,  # type: ignore[no-untyped-def]
) -> MunicipalPlacementRun:
    """Record a run and hand it to a worker once committed."""
    if not 0 <= seed < 2**63:
        raise MunicipalError(_("The seed must be a whole number between 0 and 2^63 − 1."))
    if not area_placements(area=area, round_=round_, start_date=start_date).exists():
        raise MunicipalError(_("No placed doctors in this area for that start date yet."))
    if not MunicipalPlaces.objects.filter(area=area, start_date=start_date, places__gt=0).exists():
        raise MunicipalError(_("Define the municipal places for that start date first."))
    run = MunicipalPlacementRun.objects.create(
        area=area, round=round_, start_date=start_date, seed=seed, requested_by=user
    )
    job_enqueue(run)
    return run


def municipal_placement_execute(*, run: MunicipalPlacementRun) -> MunicipalPlacementRun:
    """Solve a recorded run as a job (lis1.jobs) and write where each doctor goes, with the
    placements' municipality (audited), in one transaction."""

    def work(job: MunicipalPlacementRun) -> None:
        document = municipal_instance_build(run=job)
        instance = parse_rsd_instance(json.loads(canonical_json_bytes(document)))
        result = solve_rsd(instance)
        result_doc = rsd_result_json(instance, result)
        chosen = {
            int(doctor[1:]): int(result.assignment[doctor][1:])
            if doctor in result.assignment
            else None
            for doctor in result.order
        }
        with transaction.atomic():
            MunicipalAssignment.objects.bulk_create(
                [
                    MunicipalAssignment(
                        run=job,
                        placement_id=int(doctor[1:]),
                        municipality_id=chosen[int(doctor[1:])],
                        order=order,
                    )
                    for order, doctor in enumerate(result.order, start=1)
                ]
            )
            placements_set_municipality(
                municipalities=chosen, actor=job.requested_by, run_id=job.pk
            )
            job_succeed(
                job,
                instance_json=canonical_json_bytes(document).decode(),
                input_sha256=instance.input_sha256,
                result_json=json.dumps(result_doc, sort_keys=True),
                engine_version=str(result_doc["engine"]),
            )

    done = job_run(MunicipalPlacementRun, run.pk, work)
    return done if done is not None else run
