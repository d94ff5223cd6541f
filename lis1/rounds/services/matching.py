"""The match run: build the instance from the database, run the engine, write placements.

Everything the engine sees is stored on the MatchRun (canonical instance JSON, its SHA-256,
the seed and the engine version), so anyone can download the instance, re-run the engine
and compare. A run is a background job (lis1.jobs): placements are written in the same
transaction as the run's result, committed only while the run is still its worker's, so a
crash or a killed worker leaves a failed run with no placements, never half a result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from lis1 import matching
from lis1.dbstats import analyze_tables
from lis1.jobs.models import JobStatus
from lis1.jobs.services import job_enqueue, job_run, job_succeed
from lis1.matching.instance import canonical_json_bytes
from lis1.notifications.services import email_batch_start
from lis1.rounds.audit import acting_user
from lis1.rounds.calendar import Action, calendar_check
from lis1.rounds.eligibility import is_matchable, part_needed
from lis1.rounds.enums import (
    HOLDING,
    ApplicationStatus,
    CoupleStatus,
    MatchRunKind,
    PositionStatus,
    RoundEventKind,
)
from lis1.rounds.errors import RuleViolation
from lis1.rounds.models import (
    Applicant,
    ApplicantRanking,
    Application,
    Couple,
    CouplePreference,
    EmployerRanking,
    MatchRun,
    MatchRunCheck,
    Placement,
    Position,
    Round,
    RoundEvent,
)
from lis1.rounds.models.matching import BLOCKING_PAIRS_PREVIEW
from lis1.rounds.selectors import positions_without_submitted_ranking, round_counts_forget
from lis1.rounds.services.placements import (
    placements_expire_overdue,
    placements_write_run_result,
)

logger = logging.getLogger(__name__)


class MatchRunError(RuleViolation):
    """A match run cannot be started, published or verified; the message says why."""

    default_rule = "match_run"


def applicant_id(pk: int) -> str:
    return f"A{pk}"


def program_id(pk: int) -> str:
    return f"P{pk}"


def _pk(engine_id: str) -> int:
    return int(engine_id[1:])


@dataclass
class _RoundData:
    """Everything the instance is built from, loaded in a fixed number of queries."""

    capacity: dict[int, int]
    position_kind: dict[int, str]
    applicant_kind: dict[int, str]  # eligible applicants only
    # The positions each eligible applicant is acceptable for: a complete application to a
    # published position of the kind the applicant needs.
    acceptable: dict[int, set[int]]
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
    # Unordered where the order does not matter: the models' default orderings would sort
    # hundreds of thousands of rows on the server for nothing.
    rows = (
        Position.objects.filter(round=round_, status=PositionStatus.PUBLISHED)
        .order_by()
        .values_list("pk", "seats", "kind")
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

    submitted = Application.objects.filter(
        position__round=round_, status=ApplicationStatus.SUBMITTED
    ).order_by()
    applied: defaultdict[int, list[int]] = defaultdict(list)
    for applicant, position in submitted.values_list("applicant_id", "position_id"):
        applied[applicant].append(position)
    applicant_kind: dict[int, str] = {}
    # The applicants as a subquery: tens of thousands of ids as parameters cost more to send.
    for pk, hospital, municipal, authorisation, has_id in (
        Applicant.objects.filter(pk__in=submitted.values("applicant_id")).order_by()
    ).values_list(
        "pk",
        "prior_hospital_months",
        "prior_municipal_months",
        "authorisation",
        "national_id_hash",
    ):
        needed = part_needed(prior_hospital_months=hospital, prior_municipal_months=municipal)
        if (
            needed
            and is_matchable(authorisation=authorisation, has_identity_number=has_id is not None)
            and pk not in excluded
        ):
            applicant_kind[pk] = needed

    acceptable = {
        applicant: {p for p in applied[applicant] if position_kind.get(p) == needed}
        for applicant, needed in applicant_kind.items()
    }
    data = _RoundData(capacity, position_kind, applicant_kind, acceptable)
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


def match_instance_build(*, round_: Round, kind: str, seed: int) -> dict[str, object]:
    """The lis1-match/1 document for a round: programs with the employers' lists, singles
    with their lists, couples with their pairs; every entry filtered to acceptable pairs.
    Built from plain tuples (one query per relation, no model objects) with set and dict
    look-ups only: the national round has ~770,000 applications and ~1.3 million list
    entries."""
    data = _load(round_, kind)
    ok = data.acceptable
    nothing: frozenset[int] = frozenset()
    pid = {p: program_id(p) for p in data.capacity}
    aid = {a: applicant_id(a) for a in data.applicant_kind}
    couple_members = {m for _, first, second, _ in data.couples for m in (first, second)}
    couples = []
    placed_as_couple: set[int] = set()
    for pk, first, second, pairs in data.couples:
        if first not in data.applicant_kind or second not in data.applicant_kind:
            continue
        ranking = [
            [pid[a] if a else None, pid[b] if b else None]
            for a, b in pairs
            if (a is None or a in ok[first]) and (b is None or b in ok[second])
        ]
        couples.append({"id": f"C{pk}", "members": [aid[first], aid[second]], "ranking": ranking})
        placed_as_couple.update((first, second))
    # Couple members whose couple is not in the instance are in it as nobody at all.
    left_out = couple_members - placed_as_couple
    applicants = [
        {
            "id": aid[applicant],
            "ranking": [pid[p] for p in data.applicant_lists.get(applicant, ()) if p in allowed],
        }
        for applicant in sorted(data.applicant_kind)
        if applicant not in couple_members and (allowed := ok[applicant]) is not None
    ]
    programs = [
        {
            "id": pid[position],
            "capacity": data.capacity[position],
            "ranking": [
                aid[a]
                for a in data.employer_lists.get(position, ())
                if position in ok.get(a, nothing) and a not in left_out
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


@transaction.atomic
def match_run_create(
    *,
    round_: Round,
    kind: str = MatchRunKind.MAIN,
    seed: int,
    requested_by=None,
    rerun_of: MatchRun | None = None,
) -> MatchRun:
    """Record a requested run after checking that the round is ready for it: the main match
    after the ranking deadline and before publication, a follow-up match once the follow-up
    is open. One queued or running run per round, enforced by the database."""
    # The decisions as they are now, locked: closing the round waits for this run's row,
    # and this run waits for a closing in progress.
    round_ = Round.objects.select_for_update(no_key=True).get(pk=round_.pk)
    if kind == MatchRunKind.MAIN:
        calendar_check(round_, Action.START_MAIN_MATCH, error=MatchRunError)
    elif kind == MatchRunKind.FOLLOW_UP:
        calendar_check(round_, Action.FOLLOW_UP_MATCH, error=MatchRunError)
    else:
        raise MatchRunError("bad_kind", _("A match run is a main or a follow-up match."))
    if not 0 <= seed < 2**63:
        raise MatchRunError(
            "bad_seed", _("The seed must be a whole number between 0 and 2^63 − 1.")
        )
    user = acting_user(requested_by)
    try:
        with transaction.atomic():
            run = MatchRun.objects.create(
                round=round_, kind=kind, seed=seed, requested_by=user, rerun_of=rerun_of
            )
    except IntegrityError as error:
        if "match_run_one_active_per_round" not in str(error):
            raise
        raise MatchRunError(
            "match_run_active",
            _("Another match run of this round is queued or running: wait for it to finish."),
        ) from error
    RoundEvent.objects.create(
        round=round_,
        kind=RoundEventKind.MATCH_STARTED,
        actor=user,
        details={
            "match_run": run.pk,
            "kind": kind,
            "seed": seed,
            "rerun_of": rerun_of and rerun_of.pk,
        },
    )
    return run


@transaction.atomic
def match_run_start(
    *,
    round_: Round,
    kind: str = MatchRunKind.MAIN,
    seed: int,
    requested_by=None,
    rerun_of: MatchRun | None = None,
) -> MatchRun:
    """Create the run and hand it to a worker once the row is committed."""
    run = match_run_create(
        round_=round_, kind=kind, seed=seed, requested_by=requested_by, rerun_of=rerun_of
    )
    job_enqueue(run)
    return run


def match_run_rerun(*, match_run: MatchRun, requested_by=None) -> MatchRun:
    """Run a failed run again as a new run with the same kind and seed (the failed one stays
    in the record); the same input gives byte-identical results."""
    run = MatchRun.objects.select_related("round").without_blobs().get(pk=match_run.pk)
    if run.status != JobStatus.FAILED:
        raise MatchRunError("not_failed", _("Only a failed match run is run again."))
    return match_run_start(
        round_=run.round, kind=run.kind, seed=run.seed, requested_by=requested_by, rerun_of=run
    )


def round_run_match(*, match_run: MatchRun) -> MatchRun:
    """Execute a recorded run as a job: build and solve outside any transaction (the lists are
    frozen after the ranking deadline), then write placements, result and statistics in one
    transaction that commits only while the run is still this worker's. A crash or a kill
    leaves no placements; the sweep marks the run failed."""
    done = job_run(MatchRun, match_run.pk, _execute)
    return done if done is not None else match_run


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a run builds, solves and writes: it allocates
    millions of small lists, sets and tuples, none of them in cycles, and the collector's
    passes over them cost a third of the build's CPU at 10,000 applicants. Restores the
    collector as it was, also when the run fails (a decorator: a fresh guard each call)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_gc_paused()
def _execute(run: MatchRun) -> None:
    started = time.perf_counter()
    if run.kind == MatchRunKind.FOLLOW_UP:
        placements_expire_overdue(round_id=run.round_id)
    document = match_instance_build(round_=run.round, kind=run.kind, seed=run.seed)
    instance = matching.parse_instance(document)
    # The parser encoded the document canonically for its digest; store those same bytes.
    instance_bytes = instance.canonical or canonical_json_bytes(document)
    loaded = time.perf_counter()
    result = matching.solve(instance)
    solved = time.perf_counter()
    with transaction.atomic():
        placements_write_run_result(run=run, matches=result.matches, document=document)
        # Fresh planner statistics once committed (lis1.dbstats): the rows came in one go.
        events = Placement.pgh_event_model  # type: ignore[attr-defined]
        analyze_tables(Placement, events, rows=len(result.matches))
        job_succeed(
            run,
            instance_json=instance_bytes.decode(),
            input_sha256=instance.input_sha256,
            result_json=matching.result_to_json(result),
            engine_version=result.engine,
            stable=result.stable,
            blocking_pairs_count=len(result.blocking_pairs),
            blocking_pairs_preview=[
                pair.to_json() for pair in result.blocking_pairs[:BLOCKING_PAIRS_PREVIEW]
            ],
            statistics=match_statistics(run=run, result=result),
            load_ms=round((loaded - started) * 1000),
            engine_ms=round((solved - loaded) * 1000),
            write_ms=round((time.perf_counter() - solved) * 1000),
        )


def match_statistics(*, run: MatchRun, result: matching.Result) -> dict[str, object]:
    """The engine's counts plus seats, placed and unfilled per trust and per region."""
    stats = result.statistics.to_json()
    filled: Counter[int] = Counter(_pk(p) for p in result.matches.values())
    by_trust: dict[str, dict[str, int]] = {}
    by_region: dict[str, dict[str, int]] = {}
    unfilled = {_pk(k): v for k, v in stats["unfilled_seats_by_program"].items()}
    # Plain values (thousands of positions in a national round), the run's round as a join.
    for pk, trust, region in (
        Position.objects.filter(round_id=run.round_id, pk__in=unfilled.keys())
        .order_by()
        .values_list("pk", "employer__name", "employer__region__name")
    ):
        seats = filled[pk] + unfilled[pk]
        for table, key in ((by_trust, trust), (by_region, region or "–")):
            row = table.setdefault(key, {"seats": 0, "placed": 0, "unfilled": 0})
            row["seats"] += seats
            row["placed"] += filled[pk]
            row["unfilled"] += unfilled[pk]
    stats["by_trust"] = dict(sorted(by_trust.items()))
    stats["by_region"] = dict(sorted(by_region.items()))
    # Whether a stable matching exists at all (lis1.matching.exact), for the page and publishing.
    stats["verdict"] = result.verdict
    stats["exact"] = dict(result.exact) if result.exact is not None else None
    return stats


#: What a verification can find, by code (stored on the check), in the reader's language.
PROBLEMS = {
    "hash_mismatch": gettext_lazy("The stored instance does not match its SHA-256."),
    "result_differs": gettext_lazy("Re-running the engine gives a different result."),
    "blocking_pairs": ngettext_lazy(
        "The verifier finds %(count)s blocking pair in a run marked stable.",
        "The verifier finds %(count)s blocking pairs in a run marked stable.",
        "count",
    ),
    "placements_differ": gettext_lazy(
        "The placements in the database differ from the stored result."
    ),
}


def problem_message(problem: dict[str, object]) -> str:
    """One stored problem ({"code": ..., params}) as text in the active language."""
    template = PROBLEMS.get(str(problem.get("code")))
    if template is None:
        return str(problem.get("code"))
    params = {k: v for k, v in problem.items() if k != "code"}
    # A plural message (ngettext_lazy with a named number) picks its form from the params.
    return str(template % params) if params else str(template)


def match_run_problems(*, match_run: MatchRun) -> list[dict[str, object]]:
    """Re-run the engine on the stored instance and check everything a sceptic would:
    the hash, a byte-identical result, the verifier, and the placements in the database.
    Returns the problems found, by code (empty when the run verifies)."""
    run = MatchRun.objects.get(pk=match_run.pk)
    if run.status != JobStatus.SUCCEEDED or run.kind == MatchRunKind.DIRECT_OFFER:
        raise MatchRunError("not_verifiable", _("Only a successful match run can be verified."))
    problems: list[dict[str, object]] = []
    instance = matching.instance_from_json(run.instance_json)
    if instance.input_sha256 != run.input_sha256:
        problems.append({"code": "hash_mismatch"})
    result = matching.solve(instance)
    if matching.result_to_json(result) != run.result_json:
        problems.append({"code": "result_differs"})
    stored = json.loads(run.result_json)["matches"]
    blocking = matching.verify(instance, stored)
    if blocking and run.stable:
        problems.append({"code": "blocking_pairs", "count": len(blocking)})
    placed = {
        applicant_id(a): program_id(p)
        for a, p in run.placements.values_list("applicant_id", "position_id")
    }
    if placed != stored:
        problems.append({"code": "placements_differ"})
    return problems


@transaction.atomic
def match_run_verify_start(*, match_run: MatchRun, requested_by=None) -> MatchRunCheck:
    """Verify a run in the background (re-running the engine grows with the round)."""
    run = MatchRun.objects.select_for_update(no_key=True).without_blobs().get(pk=match_run.pk)
    if run.status != JobStatus.SUCCEEDED or run.kind == MatchRunKind.DIRECT_OFFER:
        raise MatchRunError("not_verifiable", _("Only a successful match run can be verified."))
    user = acting_user(requested_by)
    try:
        with transaction.atomic():
            check = MatchRunCheck.objects.create(match_run=run, requested_by=user)
    except IntegrityError as error:  # the database's one active check per run
        if "match_run_check_one_active_per_run" not in str(error):
            raise
        raise MatchRunError("check_active", _("This run is being verified already.")) from error
    job_enqueue(check)
    return check


def _record_verification(run_id: int, problems: list[dict[str, object]]) -> None:
    """The run's verdict, which publishing asks for."""
    MatchRun.objects.filter(pk=run_id).update(verified_at=timezone.now(), verified_ok=not problems)


def match_run_check_execute(*, check: MatchRunCheck) -> MatchRunCheck:
    def work(job: MatchRunCheck) -> None:
        problems = match_run_problems(match_run=job.match_run)
        with transaction.atomic():
            _record_verification(job.match_run_id, problems)
            job_succeed(job, problems=problems)

    done = job_run(MatchRunCheck, check.pk, work)
    return done if done is not None else check


def match_run_verify(*, match_run: MatchRun) -> list[str]:
    """Verify now, in the caller's process (the command line and tests); records the result
    on the run like the background check does. Returns the problems in words."""
    problems = match_run_problems(match_run=match_run)
    _record_verification(match_run.pk, problems)
    return [problem_message(p) for p in problems]


#: Follow-up offers get a week to answer from publication.
FOLLOW_UP_ANSWER_DAYS = 7


def publish_confirmations(run: MatchRun, unranked: int) -> list[str]:
    """What publishing ``run`` needs an explicit confirmation with a reason for, in words:
    positions without a submitted ranking, and a matching with blocking pairs."""
    needs = []
    if unranked:
        needs.append(
            ngettext(
                "%(count)s position has no submitted ranking: confirm and give a reason to "
                "publish anyway.",
                "%(count)s positions have no submitted ranking: confirm and give a reason to "
                "publish anyway.",
                unranked,
            )
            % {"count": unranked}
        )
    if run.stable is False:
        needs.append(
            _(
                "The matching is not stable (it has blocking pairs): confirm and give a reason "
                "to publish anyway."
            )
        )
    return needs


@transaction.atomic
def match_run_publish(
    *,
    match_run: MatchRun,
    published_by=None,
    confirm: bool = False,
    reason: str = "",
) -> MatchRun:
    """Make a verified run's placements visible to applicants and employers and start its
    results e-mails in the background. The main match publishes only after the ranking
    deadline; publishing while positions lack a submitted ranking, or a matching that is not
    stable, needs `confirm` and a `reason`, both kept on the run and in the round's log."""
    run = MatchRun.objects.select_for_update(no_key=True).without_blobs().get(pk=match_run.pk)
    round_ = Round.objects.select_for_update(no_key=True).get(pk=run.round_id)
    run.round = round_
    if run.kind == MatchRunKind.DIRECT_OFFER:
        raise MatchRunError("direct_offer", _("A direct offer is published when it is made."))
    if run.published_at:
        raise MatchRunError("already_published", _("This match run is already published."))
    if run.status != JobStatus.SUCCEEDED:
        raise MatchRunError("not_succeeded", _("Only a successful match run can be published."))
    if run.kind == MatchRunKind.MAIN:
        calendar_check(round_, Action.PUBLISH_MAIN, error=MatchRunError)
    else:
        calendar_check(round_, Action.FOLLOW_UP_MATCH, error=MatchRunError)
    if not run.verified_ok:
        raise MatchRunError(
            "not_verified",
            _("Only a verified run can be published: verify it first (it re-runs the engine)."),
        )
    unranked = positions_without_submitted_ranking(round_).count()
    reason = reason.strip()
    needs = publish_confirmations(run, unranked)
    if needs and not (confirm and reason):
        raise MatchRunError("confirmation_required", " ".join(needs))
    now = timezone.now()
    user = acting_user(published_by)
    run.published_at = now
    run.published_by = user
    run.publish_reason = reason
    if run.kind == MatchRunKind.FOLLOW_UP:
        run.answer_deadline = now + dt.timedelta(days=FOLLOW_UP_ANSWER_DAYS)
    run.save(update_fields=["published_at", "published_by", "publish_reason", "answer_deadline"])
    if run.kind == MatchRunKind.MAIN:
        # Saved, not updated in bulk: the round's post_save forgets the cached current round.
        round_.published_at = now
        round_.save(update_fields=["published_at"])
    round_counts_forget(round_)  # the placed count changes now
    RoundEvent.objects.create(
        round=round_,
        kind=RoundEventKind.PUBLISHED,
        actor=user,
        reason=reason,
        details={
            "match_run": run.pk,
            "kind": run.kind,
            "placements": (run.statistics or {}).get("matched"),
            "positions_without_submitted_ranking": unranked,
            "stable": run.stable,
            "verdict": (run.statistics or {}).get("verdict"),
        },
    )
    email_batch_start(
        key=f"results:{run.pk}",
        description=_("Results e-mails of %(run)s") % {"run": run},
    )
    return run
