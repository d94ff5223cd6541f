"""The match run: build the instance from the database, run the engine, write placements.

Everything the engine sees is stored on the MatchRun (canonical instance JSON, its SHA-256,
the seed and the engine version), so anyone can download the instance, re-run the engine
and compare. Placements are written in the same transaction as the run's result: a crash
leaves a failed run with no placements, never half a result.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from lis1 import matching
from lis1.matching.instance import canonical_json_bytes
from lis1.rounds.enums import (
    HOLDING,
    ApplicationStatus,
    AuthorisationStatus,
    CoupleStatus,
    MatchRunKind,
    MatchRunStatus,
    PlacementStatus,
    PositionKind,
    PositionStatus,
    RoundStatus,
)
from lis1.rounds.models import (
    Applicant,
    ApplicantRanking,
    Application,
    Couple,
    CouplePreference,
    EmployerRanking,
    MatchRun,
    Placement,
    Position,
    Round,
)
from lis1.rounds.selectors import round_results_published

logger = logging.getLogger(__name__)


class MatchRunError(Exception):
    """A match run cannot be started, published or verified; the message says why."""


def applicant_id(pk: int) -> str:
    return f"A{pk}"


def program_id(pk: int) -> str:
    return f"P{pk}"


def _pk(engine_id: str) -> int:
    return int(engine_id[1:])


def part_needed(*, prior_hospital_months: int, prior_municipal_months: int) -> str | None:
    """The kind of position an applicant can still be placed in, or None when LIS1 is done.

    Doctors who have completed one part are offered only the part they miss."""
    hospital_done = prior_hospital_months >= 12
    municipal_done = prior_municipal_months >= 6
    if hospital_done and municipal_done:
        return None
    if hospital_done:
        return PositionKind.MUNICIPALITY_ONLY
    if municipal_done:
        return PositionKind.HOSPITAL_ONLY
    return PositionKind.FULL


@dataclass
class _RoundData:
    """Everything the instance is built from, loaded in a fixed number of queries."""

    capacity: dict[int, int]
    position_kind: dict[int, str]
    applicant_kind: dict[int, str]  # eligible applicants only
    applied: set[tuple[int, int]]
    applicant_lists: dict[int, list[int]] = field(default_factory=dict)
    employer_lists: dict[int, list[int]] = field(default_factory=dict)
    couples: list[tuple[int, int, int, list[tuple[int | None, int | None]]]] = field(
        default_factory=list
    )


def _seats_taken(round_: Round) -> Counter[int]:
    """Seats held by offers and acceptances from the round's published runs."""
    return Counter(
        Placement.objects.filter(
            match_run__round=round_, match_run__published_at__isnull=False, status__in=HOLDING
        ).values_list("position_id", flat=True)
    )


def _load(round_: Round, kind: str) -> _RoundData:
    rows = Position.objects.filter(round=round_, status=PositionStatus.PUBLISHED).values_list(
        "pk", "seats", "kind"
    )
    capacity: dict[int, int] = {}
    position_kind: dict[int, str] = {}
    for pk, seats, position_kind_ in rows:
        capacity[pk] = seats
        position_kind[pk] = position_kind_
    excluded: set[int] = set()
    if kind == MatchRunKind.FOLLOW_UP:
        # Vacant seats only; nobody who holds or has turned down a seat in this round.
        for position, taken in _seats_taken(round_).items():
            if position in capacity:
                capacity[position] = max(capacity[position] - taken, 0)
        excluded = set(
            Placement.objects.filter(
                match_run__round=round_, match_run__published_at__isnull=False
            ).values_list("applicant_id", flat=True)
        )

    applied = set(
        Application.objects.filter(
            position__round=round_, status=ApplicationStatus.SUBMITTED
        ).values_list("applicant_id", "position_id")
    )
    applicant_ids = {a for a, _ in applied} - excluded
    applicant_kind: dict[int, str] = {}
    for pk, hospital, municipal, authorisation, has_id in Applicant.objects.filter(
        pk__in=applicant_ids
    ).values_list(
        "pk",
        "prior_hospital_months",
        "prior_municipal_months",
        "authorisation",
        "national_id_hash",
    ):
        needed = part_needed(prior_hospital_months=hospital, prior_municipal_months=municipal)
        if needed and authorisation != AuthorisationStatus.NONE and has_id:
            applicant_kind[pk] = needed

    data = _RoundData(capacity, position_kind, applicant_kind, applied)
    for applicant, position in (
        ApplicantRanking.objects.filter(round=round_)
        .order_by("applicant_id", "rank")
        .values_list("applicant_id", "position_id")
    ):
        data.applicant_lists.setdefault(applicant, []).append(position)
    for position, applicant in (
        EmployerRanking.objects.filter(position__round=round_)
        .order_by("position_id", "rank")
        .values_list("position_id", "applicant_id")
    ):
        data.employer_lists.setdefault(position, []).append(applicant)

    preferences: dict[int, list[tuple[int | None, int | None]]] = defaultdict(list)
    for couple, first, second in (
        CouplePreference.objects.filter(couple__round=round_, couple__status=CoupleStatus.ACCEPTED)
        .order_by("couple_id", "rank")
        .values_list("couple_id", "first_position_id", "second_position_id")
    ):
        preferences[couple].append((first, second))
    for pk, first, second in (
        Couple.objects.filter(round=round_, status=CoupleStatus.ACCEPTED)
        .order_by("pk")
        .values_list("pk", "first_id", "second_id")
    ):
        data.couples.append((pk, first, second, preferences.get(pk, [])))
    return data


def _acceptable(data: _RoundData, applicant: int, position: int) -> bool:
    """A complete, eligible application to a published position of the kind the applicant needs."""
    return (
        position in data.capacity
        and (applicant, position) in data.applied
        and data.position_kind[position] == data.applicant_kind.get(applicant)
    )


def match_instance_build(*, round_: Round, kind: str, seed: int) -> dict[str, object]:
    """The lis1-match/1 document for a round: programs with the employers' lists, singles
    with their lists, couples with their pairs; every entry filtered to acceptable pairs."""
    data = _load(round_, kind)
    couple_members = {m for _, first, second, _ in data.couples for m in (first, second)}
    couples = []
    for pk, first, second, pairs in data.couples:
        if first not in data.applicant_kind or second not in data.applicant_kind:
            continue
        ranking = [
            [program_id(a) if a else None, program_id(b) if b else None]
            for a, b in pairs
            if (a is None or _acceptable(data, first, a))
            and (b is None or _acceptable(data, second, b))
        ]
        couples.append(
            {
                "id": f"C{pk}",
                "members": [applicant_id(first), applicant_id(second)],
                "ranking": ranking,
            }
        )
    placed_as_couple = {m for c in couples for m in c["members"]}  # type: ignore[union-attr]
    applicants = [
        {
            "id": applicant_id(applicant),
            "ranking": [
                program_id(p)
                for p in data.applicant_lists.get(applicant, [])
                if _acceptable(data, applicant, p)
            ],
        }
        for applicant in sorted(data.applicant_kind)
        if applicant not in couple_members
    ]
    programs = [
        {
            "id": program_id(position),
            "capacity": data.capacity[position],
            "ranking": [
                applicant_id(a)
                for a in data.employer_lists.get(position, [])
                if _acceptable(data, a, position)
                and (a not in couple_members or applicant_id(a) in placed_as_couple)
            ],
        }
        for position in sorted(data.capacity)
    ]
    return {
        "format": "lis1-match/1",
        "seed": seed,
        "meta": {"round": round_.slug, "kind": kind},
        "programs": programs,
        "applicants": applicants,
        "couples": couples,
    }


def match_run_create(
    *,
    round_: Round,
    kind: str = MatchRunKind.MAIN,
    seed: int,
    requested_by=None,  # type: ignore[no-untyped-def]
) -> MatchRun:
    """Record a requested run after checking that the round is ready for it."""
    if kind == MatchRunKind.MAIN:
        if round_results_published(round_):
            raise MatchRunError("The round's main match is already published.")
        if timezone.now() < round_.applications_close:
            raise MatchRunError("The application deadline has not passed yet.")
    else:
        if not round_results_published(round_):
            raise MatchRunError("A follow-up match needs a published main match.")
        if timezone.now() < round_.answer_deadline:
            raise MatchRunError("A follow-up match runs after the answer deadline.")
    if round_.match_runs.filter(
        status__in=[MatchRunStatus.QUEUED, MatchRunStatus.RUNNING]
    ).exists():
        raise MatchRunError("Another match run of this round is still running.")
    if not 0 <= seed < 2**63:
        raise MatchRunError("The seed must be a whole number between 0 and 2^63 − 1.")
    return MatchRun.objects.create(round=round_, kind=kind, seed=seed, requested_by=requested_by)


def match_run_start(
    *, round_: Round, kind: str = MatchRunKind.MAIN, seed: int, requested_by=None
) -> MatchRun:  # type: ignore[no-untyped-def]
    """Create the run and hand it to a worker once the row is committed."""
    from lis1.rounds.tasks import match_run_task

    run = match_run_create(round_=round_, kind=kind, seed=seed, requested_by=requested_by)
    transaction.on_commit(lambda: match_run_task.delay(match_run_id=run.pk))
    return run


def _expire_unanswered(round_: Round) -> int:
    """Offers not answered by the deadline lapse and free their seats."""
    return Placement.objects.filter(
        match_run__round=round_,
        status=PlacementStatus.OFFERED,
        answer_deadline__lt=timezone.now(),
    ).update(status=PlacementStatus.EXPIRED)


def round_run_match(*, match_run: MatchRun) -> MatchRun:
    """Execute a recorded run: build, solve, write placements and statistics atomically."""
    run = MatchRun.objects.select_related("round").get(pk=match_run.pk)
    if run.status not in (MatchRunStatus.QUEUED, MatchRunStatus.FAILED):
        return run  # already done (a re-delivered task must not run twice)
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRunStatus.RUNNING, started_at=timezone.now(), error=""
    )
    try:
        with transaction.atomic():
            run = MatchRun.objects.select_for_update().select_related("round").get(pk=run.pk)
            started = time.perf_counter()
            if run.kind == MatchRunKind.FOLLOW_UP:
                _expire_unanswered(run.round)
            document = match_instance_build(round_=run.round, kind=run.kind, seed=run.seed)
            instance_bytes = canonical_json_bytes(document)
            instance = matching.parse_instance(document)
            loaded = time.perf_counter()
            result = matching.solve(instance)
            solved = time.perf_counter()
            _write_placements(run, result.matches, document)
            run.instance_json = instance_bytes.decode()
            run.input_sha256 = instance.input_sha256
            run.result_json = matching.result_to_json(result)
            run.engine_version = result.engine
            run.stable = result.stable
            run.statistics = match_statistics(run=run, result=result)
            run.status = MatchRunStatus.SUCCEEDED
            run.finished_at = timezone.now()
            run.load_ms = round((loaded - started) * 1000)
            run.engine_ms = round((solved - loaded) * 1000)
            run.write_ms = round((time.perf_counter() - solved) * 1000)
            run.save()
    except Exception as error:
        logger.exception("match run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRunStatus.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        raise
    return run


def _write_placements(
    run: MatchRun,
    matches: Mapping[str, str],
    document: dict,  # type: ignore[type-arg]
) -> None:
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
    Placement.objects.bulk_create(
        [
            Placement(
                match_run=run,
                applicant_id=_pk(applicant),
                position_id=_pk(program),
                choice_rank=choice.get(applicant),
                status=PlacementStatus.OFFERED,
                answer_deadline=run.round.answer_deadline
                if run.kind == MatchRunKind.MAIN
                else None,
            )
            for applicant, program in sorted(matches.items())
        ],
        batch_size=2000,
    )


def match_statistics(*, run: MatchRun, result: matching.Result) -> dict[str, object]:
    """The engine's counts plus seats, placed and unfilled per trust and per region."""
    stats = result.statistics.to_json()
    filled: Counter[int] = Counter(_pk(p) for p in result.matches.values())
    by_trust: dict[str, dict[str, int]] = {}
    by_region: dict[str, dict[str, int]] = {}
    unfilled = {_pk(k): v for k, v in stats["unfilled_seats_by_program"].items()}  # type: ignore[attr-defined]
    for position in Position.objects.filter(pk__in=unfilled.keys()).select_related(
        "employer__region"
    ):
        seats = filled[position.pk] + unfilled[position.pk]
        for table, key in (
            (by_trust, position.employer.name),
            (by_region, position.employer.region.name if position.employer.region else "–"),
        ):
            row = table.setdefault(key, {"seats": 0, "placed": 0, "unfilled": 0})
            row["seats"] += seats
            row["placed"] += filled[position.pk]
            row["unfilled"] += unfilled[position.pk]
    stats["by_trust"] = dict(sorted(by_trust.items()))
    stats["by_region"] = dict(sorted(by_region.items()))
    return stats


def match_run_verify(*, match_run: MatchRun) -> list[str]:
    """Re-run the engine on the stored instance and check everything a sceptic would:
    the hash, a byte-identical result, the verifier, and the placements in the database.
    Returns the problems found (empty when the run verifies)."""
    run = MatchRun.objects.get(pk=match_run.pk)
    if run.status != MatchRunStatus.SUCCEEDED or run.kind == MatchRunKind.DIRECT_OFFER:
        raise MatchRunError("Only a successful match run can be verified.")
    problems: list[str] = []
    instance = matching.instance_from_json(run.instance_json)
    if instance.input_sha256 != run.input_sha256:
        problems.append("The stored instance does not match its SHA-256.")
    result = matching.solve(instance)
    if matching.result_to_json(result) != run.result_json:
        problems.append("Re-running the engine gives a different result.")
    stored = json.loads(run.result_json)["matches"]
    blocking = matching.verify(instance, stored)
    if blocking and run.stable:
        problems.append(
            f"The verifier finds {len(blocking)} blocking pairs in a run marked stable."
        )
    placed = {
        applicant_id(a): program_id(p)
        for a, p in run.placements.values_list("applicant_id", "position_id")
    }
    if placed != stored:
        problems.append("The placements in the database differ from the stored result.")
    MatchRun.objects.filter(pk=run.pk).update(verified_at=timezone.now(), verified_ok=not problems)
    return problems


@transaction.atomic
def match_run_publish(*, match_run: MatchRun, published_by=None) -> MatchRun:  # type: ignore[no-untyped-def]
    """Make a run's placements visible to applicants and employers."""
    run = MatchRun.objects.select_for_update().select_related("round").get(pk=match_run.pk)
    if run.status != MatchRunStatus.SUCCEEDED:
        raise MatchRunError("Only a successful match run can be published.")
    if run.published_at:
        raise MatchRunError("This match run is already published.")
    if run.kind == MatchRunKind.MAIN and round_results_published(run.round):
        raise MatchRunError("Another main match of this round is already published.")
    now = timezone.now()
    run.published_at = now
    run.published_by = published_by
    run.save(update_fields=["published_at", "published_by"])
    if run.kind == MatchRunKind.FOLLOW_UP:
        # Follow-up offers get a week to answer from publication.
        run.placements.update(answer_deadline=now + dt.timedelta(days=7))
    # Saved, not updated in bulk: the round's post_save forgets the cached current round.
    run.round.status = (
        RoundStatus.FOLLOW_UP if run.kind == MatchRunKind.FOLLOW_UP else RoundStatus.MATCHED
    )
    run.round.save(update_fields=["status"])
    from lis1.rounds.tasks import results_published_task

    transaction.on_commit(lambda: results_published_task.delay(match_run_id=run.pk))
    return run
