"""Municipal workflows: review an employer's ranking, define places in an area, the placed
doctors' lists of the area's municipalities, and the municipal placement by random serial
dictatorship with a recorded seed (drawn by lis1.rounds.services.municipal_draw, the layer
that drives the matching engine)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lis1.jobs.services import job_enqueue, job_run, job_succeed
from lis1.rounds.enums import HOLDING
from lis1.rounds.errors import InputInvalid, RuleViolation
from lis1.rounds.models import MunicipalArea, Organisation, Placement, Position, Round
from lis1.rounds.selectors import employer_ranking_entries
from lis1.rounds.services.municipal_draw import municipal_draw
from lis1.rounds.services.placements import placements_set_municipality
from municipalities.models import (
    MunicipalAssignment,
    MunicipalityPreference,
    MunicipalPlacementRun,
    MunicipalPlaces,
    NoPlaceReason,
    RankingReview,
    ReviewDecision,
)

logger = logging.getLogger(__name__)


class MunicipalError(RuleViolation):
    """A municipal action is refused: `rule` names the rule, the message says why."""

    default_rule = "municipal"


class MunicipalInputInvalid(InputInvalid, MunicipalError):
    """The input itself is wrong (answered 400, not 409)."""

    default_rule = "municipal_input"


@transaction.atomic
def ranking_review_add(
    *,
    position: Position,
    municipality: Organisation,
    decision: str,
    comment: str,
    user,
) -> RankingReview:
    """Record the municipality's approval of, or comment on, the employer's current ranking."""
    if decision not in ReviewDecision.values:
        raise MunicipalInputInvalid("decision_invalid", _("Approve or comment."))
    if decision == ReviewDecision.COMMENTED and not comment.strip():
        raise MunicipalInputInvalid("comment_required", _("Write the comment."))
    snapshot = list(employer_ranking_entries(position).values_list("applicant_id", flat=True))
    if decision == ReviewDecision.APPROVED and not snapshot:
        raise MunicipalError("nothing_to_approve", _("There is no ranking to approve yet."))
    return RankingReview.objects.create(
        position=position,
        municipality=municipality,
        decision=decision,
        comment=comment.strip(),
        ranking_snapshot=snapshot,
        created_by=user,
    )


def area_placements(*, area: MunicipalArea, round_: Round, start_date: dt.date | None = None):
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
    user,
) -> MunicipalPlaces:
    if not area.municipalities.filter(pk=municipality.pk).exists():
        raise MunicipalInputInvalid(
            "municipality_not_in_area", _("The municipality is not part of the area.")
        )
    if not 0 <= places <= 100:
        raise MunicipalInputInvalid("places_out_of_range", _("Places must be between 0 and 100."))
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
        raise MunicipalError(
            "nothing_to_rank",
            _("This position has one municipality: there is nothing to rank."),
        )
    allowed = set(area.municipalities.values_list("pk", flat=True))
    if len(set(municipality_ids)) != len(municipality_ids) or not set(municipality_ids) <= allowed:
        raise MunicipalError(
            "ranking_invalid", _("Rank each of the area's municipalities at most once.")
        )
    MunicipalityPreference.objects.filter(placement=placement).delete()
    MunicipalityPreference.objects.bulk_create(
        [
            MunicipalityPreference(placement=placement, municipality_id=m, rank=rank)
            for rank, m in enumerate(municipality_ids, start=1)
        ]
    )


@dataclass(frozen=True, slots=True)
class MunicipalityPlaces:
    """One municipality of the area and its places for a start date (0 when not defined)."""

    municipality: Organisation
    places: int


@dataclass(frozen=True, slots=True)
class PlacementReadiness:
    """What a municipal placement of one area and start date would work with, before it runs:
    the doctors holding a seat there, how many have a wish list, and the places."""

    start_date: dt.date
    doctors: int
    with_wish_list: int
    places: tuple[MunicipalityPlaces, ...]  # every municipality of the area, by name

    @property
    def without_wish_list(self) -> int:
        return self.doctors - self.with_wish_list

    @property
    def places_total(self) -> int:
        return sum(row.places for row in self.places)

    @property
    def without_places(self) -> list[Organisation]:
        return [row.municipality for row in self.places if not row.places]

    @property
    def short_of_places(self) -> int:
        """How many doctors at least get no place for want of places."""
        return max(0, self.doctors - self.places_total)

    @property
    def needs_confirmation(self) -> bool:
        """Doctors without a wish list, or fewer places than doctors: some get no municipality
        whatever the draw, so running needs an explicit confirmation."""
        return bool(self.without_wish_list or self.short_of_places)

    def problems(self) -> list[str]:
        """The reasons a confirmation is needed, one sentence each."""
        found = []
        if self.without_wish_list:
            found.append(
                ngettext(
                    "%(count)s of %(doctors)s doctors has no wish list.",
                    "%(count)s of %(doctors)s doctors have no wish list.",
                    self.without_wish_list,
                )
                % {"count": self.without_wish_list, "doctors": self.doctors}
            )
        if self.short_of_places:
            found.append(
                ngettext(
                    "There is %(places)s place for %(doctors)s doctors.",
                    "There are %(places)s places for %(doctors)s doctors.",
                    self.places_total,
                )
                % {"places": self.places_total, "doctors": self.doctors}
            )
        return found


def _places_by_municipality(
    area: MunicipalArea, start_date: dt.date, municipality_ids: list[int]
) -> dict[int, int]:
    """Municipality id -> places defined for the start date (a municipality without a row has
    none: 0). The one reading of the places, for the readiness and for the run's instance."""
    defined = dict(
        MunicipalPlaces.objects.filter(
            area=area, start_date=start_date, municipality_id__in=municipality_ids
        ).values_list("municipality_id", "places")
    )
    return {pk: defined.get(pk, 0) for pk in municipality_ids}


def municipal_placement_readiness(
    *,
    area: MunicipalArea,
    round_: Round,
    start_date: dt.date,
    municipalities: list[Organisation] | None = None,
) -> PlacementReadiness:
    """The numbers a placement of the area and start date would run with, in two queries
    (three without `municipalities`, the area's municipalities by name). A wish list counts
    when it names at least one municipality of the area, as in `municipal_instance_build`."""
    if municipalities is None:
        municipalities = list(area.municipalities.order_by("name"))
    ids = [m.pk for m in municipalities]
    counts = (
        area_placements(area=area, round_=round_, start_date=start_date)
        .alias(
            has_list=Exists(
                MunicipalityPreference.objects.filter(
                    placement=OuterRef("pk"), municipality_id__in=ids
                )
            )
        )
        .aggregate(doctors=Count("pk"), with_list=Count("pk", filter=Q(has_list=True)))
    )
    places = _places_by_municipality(area, start_date, ids)
    return PlacementReadiness(
        start_date=start_date,
        doctors=counts["doctors"],
        with_wish_list=counts["with_list"],
        places=tuple(MunicipalityPlaces(m, places[m.pk]) for m in municipalities),
    )


def municipal_instance_build(*, run: MunicipalPlacementRun) -> dict[str, object]:
    """The run's lis1-rsd/1 document. Every municipality of the area is in `places` (0 when
    none are defined), so a doctor's ranking is their whole wish list within the area: an
    empty ranking means no wish list, and an unassigned doctor with a ranking found every
    listed municipality full."""
    ids = list(run.area.municipalities.values_list("pk", flat=True))
    places = {
        f"M{pk}": count
        for pk, count in _places_by_municipality(run.area, run.start_date, ids).items()
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
    user,
    confirm: bool = False,
) -> MunicipalPlacementRun:
    """Record a run and hand it to a worker once committed.

    Rules: placed doctors and some places are needed ("no_placed_doctors", "no_places");
    with doctors lacking a wish list or fewer places than doctors, some get no municipality
    whatever the draw, so the run needs `confirm` ("confirmation_required")."""
    if not 0 <= seed < 2**63:
        raise MunicipalError(
            "seed_out_of_range", _("The seed must be a whole number between 0 and 2^63 − 1.")
        )
    readiness = municipal_placement_readiness(area=area, round_=round_, start_date=start_date)
    if not readiness.doctors:
        raise MunicipalError(
            "no_placed_doctors", _("No placed doctors in this area for that start date yet.")
        )
    if not readiness.places_total:
        raise MunicipalError(
            "no_places", _("Define the municipal places for that start date first.")
        )
    if readiness.needs_confirmation and not confirm:
        raise MunicipalError(
            "confirmation_required",
            " ".join(
                [
                    _(
                        "A placement with doctors who have no wish list, or with fewer places "
                        "than doctors, runs only when confirmed: some doctors get no "
                        "municipality whatever the draw."
                    ),
                    *readiness.problems(),
                    _("Confirm to run it anyway."),
                ]
            ),
        )
    run = MunicipalPlacementRun.objects.create(
        area=area, round=round_, start_date=start_date, seed=seed, requested_by=user
    )
    job_enqueue(run)
    return run


@dataclass(frozen=True, slots=True)
class RunSummary:
    """The outcome of a finished run: who got a municipality, and why the others did not."""

    placed: int
    without_wish_list: int
    choices_full: int
    reasons: dict[int, str]  # placement id -> NoPlaceReason, for those without a place

    @property
    def without_place(self) -> int:
        return self.without_wish_list + self.choices_full


def municipal_run_summary(run: MunicipalPlacementRun) -> RunSummary | None:
    """Read from the run's recorded instance and result (no query), so the reasons are the
    ones the engine worked with. None until the run has succeeded."""
    if not run.instance_json or not run.result_json:
        return None
    instance = json.loads(run.instance_json)
    result = json.loads(run.result_json)
    listed = {doctor["id"]: bool(doctor["ranking"]) for doctor in instance["doctors"]}
    reasons = {
        int(doctor[1:]): NoPlaceReason.CHOICES_FULL
        if listed.get(doctor)
        else NoPlaceReason.NO_WISH_LIST
        for doctor in result["unassigned"]
    }
    no_list = sum(1 for r in reasons.values() if r == NoPlaceReason.NO_WISH_LIST)
    return RunSummary(
        placed=len(result["assignment"]),
        without_wish_list=no_list,
        choices_full=len(reasons) - no_list,
        reasons={k: str(v) for k, v in reasons.items()},
    )


def municipal_placement_execute(*, run: MunicipalPlacementRun) -> MunicipalPlacementRun:
    """Solve a recorded run as a job (lis1.jobs) and write where each doctor goes, with the
    placements' municipality (audited), in one transaction."""

    def work(job: MunicipalPlacementRun) -> None:
        draw = municipal_draw(municipal_instance_build(run=job))
        chosen = {
            int(doctor[1:]): int(draw.assignment[doctor][1:]) if doctor in draw.assignment else None
            for doctor in draw.order
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
                    for order, doctor in enumerate(draw.order, start=1)
                ]
            )
            placements_set_municipality(
                municipalities=chosen, actor=job.requested_by, run_id=job.pk
            )
            job_succeed(
                job,
                instance_json=draw.instance_json,
                input_sha256=draw.input_sha256,
                result_json=draw.result_json,
                engine_version=draw.engine_version,
            )

    done = job_run(MunicipalPlacementRun, run.pk, work)
    return done if done is not None else run
