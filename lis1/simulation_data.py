"""The policy lab's Django side: the one place that reads the database for lis1.simulation.

* :func:`market_snapshot`, :func:`estimated_assumptions`: a round's market and the assumptions,
  from the database where it holds them, else from the published figures, else defaults; each
  assumption carries its source;
* :func:`round_instance`: the round's own ``lis1-match/1`` document for the offer waves;
* :func:`form_inputs`: the same estimate for the scenario form, cached for five minutes;
* :func:`scenario_defaults`, :func:`scenario_json`, :func:`offer_waves_json`,
  :func:`seats_needed_json`: what the pages and the commands call. Bad parameters raise
  ``ValueError`` with a one-line English message.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Field, QuerySet

from lis1.reports.groups import GROUP_EEA, GROUP_NORWAY, country_group
from lis1.reports.history import published_rounds
from lis1.rounds.enums import (
    ApplicationStatus,
    MatchRunKind,
    PlacementStatus,
    PositionStatus,
)
from lis1.rounds.models import Applicant, Application, EmployerRanking, Placement, Position, Round
from lis1.rounds.services.matching import match_instance_build
from lis1.simulation import documents, projection
from lis1.simulation import waves as offer_waves
from lis1.simulation.calibration import (
    SeriesRound,
    new_graduates_from_series,
    reapply_from_counts,
)
from lis1.simulation.documents import (
    SOURCE_DATABASE,
    SOURCE_DEFAULT,
    SOURCE_PUBLISHED,
    SOURCE_PUBLISHED_SCALED,
    Inputs,
)
from lis1.simulation.model import (
    EEA,
    GROUPS,
    MAX_EARLIER,
    NORWAY,
    OUTSIDE,
    Assumptions,
    Cohort,
    MarketSnapshot,
    Program,
    ScenarioError,
    gettext_noop,
)
from lis1.simulation.national import national_snapshot

Progress = projection.Progress
RURAL_REGION_CODE = "nord"
"""Rural fill counts the positions of Helse Nord (the sparsest region, hardest to fill)."""
LONG_FOREIGN_YEARS = 5


def _group(code: str | None) -> str:
    group = country_group(code)
    if group == GROUP_NORWAY:
        return NORWAY
    if group == GROUP_EEA:
        return EEA
    return OUTSIDE  # outside the EU/EEA, or not stated: employers treat both alike


ApplicantRow = tuple[int, str, int, int | None, int, int]
"""(pk, education country, earlier rounds applied, education year, hospital months,
municipal months) of one applicant of a round."""


class _RoundsHistory:
    """The rounds up to one round, with who applied in each and who holds a seat from each
    round's published runs: three queries however many rounds the database holds.

    Earlier rounds are counted as :func:`lis1.rounds.selectors.earlier_rounds_applied`
    counts them (rounds starting before, with a submitted application, plus the rounds before
    this system the applicant declares), from the same (applicant, round) pairs, so that the
    count is not a correlated subquery per applicant per round."""

    def __init__(self, round_: Round) -> None:
        self.rounds = list(
            Round.objects.filter(start_date__lte=round_.start_date).order_by("start_date", "pk")
        )
        starts = {r.pk: r.start_date for r in self.rounds}
        submitted = Application.objects.filter(
            status=ApplicationStatus.SUBMITTED, position__round__in=list(starts)
        )
        self.applied: dict[int, set[int]] = defaultdict(set)  # round -> applicants
        dates: dict[int, list[dt.date]] = defaultdict(list)  # applicant -> round starts
        self._people: dict[int, tuple[str, int, int | None, int, int]] = {}
        for applicant_id, round_id, *person in _pairs_with_people(submitted):
            self.applied[round_id].add(applicant_id)
            dates[applicant_id].append(starts[round_id])
            self._people[applicant_id] = tuple(person)
        for found in dates.values():
            found.sort()
        self._dates = dates
        self._rows: dict[int, list[ApplicantRow]] = {}
        self.placed: dict[int, set[int]] = defaultdict(set)  # round -> applicants
        for round_id, applicant_id in (
            Placement.objects.filter(
                match_run__round__in=list(starts), match_run__published_at__isnull=False
            )
            .exclude(status__in=(PlacementStatus.DECLINED, PlacementStatus.EXPIRED))
            .values_list("match_run__round_id", "applicant_id")
        ):
            self.placed[round_id].add(applicant_id)

    def rows(self, round_: Round) -> list[ApplicantRow]:
        """The round's applicants (a submitted application), each once."""
        if round_.pk not in self._rows:
            out = []
            for pk in self.applied.get(round_.pk, ()):
                country, before_system, year, hospital, municipal = self._people[pk]
                earlier = bisect.bisect_left(self._dates[pk], round_.start_date) + before_system
                out.append((pk, country, earlier, year, hospital, municipal))
            self._rows[round_.pk] = out
        return self._rows[round_.pk]


def _pairs_with_people(submitted: QuerySet[Application]) -> list[tuple[Any, ...]]:
    """(applicant, round, country, rounds before the system, education year, hospital months,
    municipal months) for each applicant and round of ``submitted``: the distinct pairs first,
    joined to the applicant afterwards (one scan of the applications; a DISTINCT over the wide
    rows, or a second pass to find the applicants, costs twice as long at national scale)."""
    pairs, params = (
        submitted.order_by().values_list("applicant_id", "position__round_id").distinct()
    ).query.sql_with_params()
    table = connection.ops.quote_name(Applicant._meta.db_table)
    columns = ", ".join(
        f"a.{connection.ops.quote_name(cast(Field, Applicant._meta.get_field(name)).column)}"
        for name in (
            "education_country",
            "rounds_before_system",
            "education_year",
            "prior_hospital_months",
            "prior_municipal_months",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.applicant_id, p.round_id, {columns} "  # noqa: S608 (names from the models)
            f"FROM ({pairs}) AS p(applicant_id, round_id) "
            f"JOIN {table} AS a ON a.id = p.applicant_id",
            params,
        )
        return cursor.fetchall()


def _snapshot_from_database(
    round_: Round, history: _RoundsHistory | None = None
) -> MarketSnapshot | None:
    positions = list(
        Position.objects.filter(round=round_, status=PositionStatus.PUBLISHED)
        .order_by("pk")
        .values_list(
            "pk", "seats", "employer__name", "employer__region__name", "employer__region__code"
        )
    )
    if not positions:
        return None  # before reading every round's applications for the applicants
    # Counted per position on their own: a count over the join grouped by every column of
    # the position, its employer and region costs seconds at national scale.
    submitted = dict(
        Application.objects.filter(position__round=round_, status=ApplicationStatus.SUBMITTED)
        .order_by()
        .values("position_id")
        .annotate(n=Count("pk"))
        .values_list("position_id", "n")
    )
    rows = (history or _RoundsHistory(round_)).rows(round_)
    if not rows:
        return None
    programs = tuple(
        Program(
            id=f"P{pk}",
            trust=employer,
            region=region or "",
            seats=seats,
            # Applications per seat says how sought after a position is.
            popularity=max(submitted.get(pk, 0), 1) / max(seats, 1),
            rural=code == RURAL_REGION_CODE,
        )
        for pk, seats, employer, region, code in positions
    )
    cohorts: Counter[tuple[str, int]] = Counter()
    abroad = long_ago = one_part = 0
    for _, country, earlier, year, hospital, municipal in rows:
        group = _group(country)
        cohorts[(group, min(int(earlier or 0), MAX_EARLIER))] += 1
        if group != NORWAY:
            abroad += 1
            if year is not None and round_.year - year >= LONG_FOREIGN_YEARS:
                long_ago += 1
        if (hospital >= 12) != (municipal >= 6):
            one_part += 1
    applications = sum(submitted.get(pk, 0) for pk, *_ in positions)
    ranked = EmployerRanking.objects.filter(position__round=round_).count()
    return MarketSnapshot(
        season=round_.season,
        year=round_.year,
        programs=programs,
        cohorts=tuple(
            Cohort(group=g, earlier_rounds=k, count=n) for (g, k), n in sorted(cohorts.items())
        ),
        list_length=max(1.0, applications / len(rows)),
        ranked_share=min(1.0, ranked / applications) if ranked and applications else 1.0,
        one_part_share=one_part / len(rows),
        long_foreign_share=long_ago / abroad if abroad else 0.15,
    )


def _series() -> list[SeriesRound]:
    return [
        SeriesRound(
            season=r.season,
            year=r.year,
            applicants=r.applicants,
            positions=r.positions,
            hired=r.hired,
            without_position=r.without_position,
        )
        for r in published_rounds()
    ]


def _seat_scale(round_: Round, snapshot: MarketSnapshot) -> float:
    """The round's seats over the positions of the latest published round of its season
    (1.0 within 10 %, where the round is national-sized and the published figure stands)."""
    national = _published_snapshot(round_).seats
    scale = snapshot.seats / national if national else 1.0
    return 1.0 if abs(scale - 1.0) <= 0.1 else scale


def _published_snapshot(round_: Round) -> MarketSnapshot:
    same = [r for r in _series() if r.season == round_.season and r.applicants and r.positions]
    latest = max(same, key=lambda r: r.year) if same else None
    return national_snapshot(
        season=round_.season,
        year=round_.year,
        positions=latest.positions if latest and latest.positions else 590,
        applicants=latest.applicants if latest and latest.applicants else 1190,
    )


def market_snapshot(round_: Round) -> MarketSnapshot:
    """The round's market from the database; when it has no positions or applicants yet, a
    national market of the latest published round of the same season."""
    return _snapshot_from_database(round_) or _published_snapshot(round_)


def _reapply_counts(history: _RoundsHistory) -> dict[tuple[str, int], tuple[int, int]]:
    """(group, earlier rounds) -> (without a position, applied again in the next round), over
    consecutive pairs of the history's rounds."""
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for before, after in itertools.pairwise(history.rounds):
        placed = history.placed.get(before.pk)
        if not placed:
            continue  # no published result: nobody is known to be without a position
        applied_after = history.applied.get(after.pk, set())
        for pk, country, earlier, *_ in history.rows(before):
            if pk in placed:
                continue
            cell = counts[(_group(country), min(int(earlier or 0), MAX_EARLIER))]
            cell[0] += 1
            cell[1] += pk in applied_after
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _new_graduates_from_database(history: _RoundsHistory) -> dict[str, int]:
    """First-time applicants per season, the mean over the history's rounds."""
    found: dict[str, list[int]] = defaultdict(list)
    for other in history.rounds:
        rows = history.rows(other)
        if rows:
            found[other.season].append(sum(1 for r in rows if not r[2]))
    return {season: round(sum(v) / len(v)) for season, v in found.items() if v}


def estimated_assumptions(round_: Round) -> Inputs:
    """The snapshot and assumptions, each assumption with its source: ``database`` when the
    database holds what it takes (several rounds for re-applying and new graduates),
    ``published`` from the directorate's published series, else ``default``."""
    defaults = Assumptions()
    sources: dict[str, str] = {}
    history = _RoundsHistory(round_)
    from_db = _snapshot_from_database(round_, history)
    snapshot = from_db or _published_snapshot(round_)
    sources["market"] = SOURCE_DATABASE if from_db else SOURCE_PUBLISHED
    for name in ("list_length", "ranked_share", "one_part_share", "long_foreign_share"):
        sources[name] = SOURCE_DATABASE if from_db else SOURCE_DEFAULT

    reapply, used = reapply_from_counts(_reapply_counts(history), defaults.reapply)
    for g in GROUPS:
        sources[f"reapply_{g}"] = SOURCE_DATABASE if g in used else SOURCE_DEFAULT

    new_graduates = dict(defaults.new_graduates)
    published = new_graduates_from_series(_series())
    if published:
        # The published figures are national; a round from the database with fewer (or more)
        # seats than the national round takes them in proportion to its seats, so a regional
        # or trial round does not receive the whole country's new doctors.
        scale = _seat_scale(round_, snapshot) if from_db else 1.0
        scaled = scale != 1.0
        for season, count in published.items():
            new_graduates[season] = max(1, round(count * scale)) if scaled else count
            sources[f"new_graduates_{season}"] = (
                SOURCE_PUBLISHED_SCALED if scaled else SOURCE_PUBLISHED
            )
    in_db = _new_graduates_from_database(history)
    if len(in_db) == 2 and Round.objects.count() >= 3:
        new_graduates.update(in_db)
        for season in in_db:
            sources[f"new_graduates_{season}"] = SOURCE_DATABASE

    mix = dict(defaults.group_mix)
    if from_db:
        counts: Counter[str] = Counter()
        for cohort in from_db.cohorts:
            if cohort.earlier_rounds == 0:
                counts[cohort.group] += cohort.count
        if sum(counts.values()) >= 20:
            total = sum(counts.values())
            mix = {g: counts[g] / total for g in GROUPS}
            for g in GROUPS:
                sources[f"share_{g}"] = SOURCE_DATABASE

    assumptions = Assumptions(
        new_graduates=new_graduates,
        group_mix=mix,
        reapply=reapply,
        group_advantage=defaults.group_advantage,
        employer_noise=defaults.employer_noise,
        withdrawal_rate=defaults.withdrawal_rate,
    )
    return Inputs(snapshot=snapshot, assumptions=assumptions, sources=sources)


def round_instance(round_: Round, seed: int = 1) -> dict[str, Any]:
    """The round's ``lis1-match/1`` document (its real lists), for the offer waves."""
    return match_instance_build(round_=round_, kind=MatchRunKind.MAIN, seed=seed)


def rural_programs(round_: Round) -> set[str]:
    return {
        f"P{pk}"
        for pk in Position.objects.filter(
            round=round_, employer__region__code=RURAL_REGION_CODE
        ).values_list("pk", flat=True)
    }


# The interface of the pages and the commands.


INPUTS_CACHE_SECONDS = 300
"""How long the scenario form reuses a round's estimate (see :func:`form_inputs`)."""


def form_inputs(round_: Round) -> Inputs:
    """:func:`estimated_assumptions` for the scenario form, kept in the cache for
    :data:`INPUTS_CACHE_SECONDS`. The estimate reads every round's applications (1.0 s at
    45,000 applicants and ten earlier rounds), and the form needs it on every visit and again
    to check what is posted. The job estimates afresh when it runs: its result lists the
    assumptions it used, so a default at most five minutes old is never reported as used."""
    key = f"lis1:scenario-inputs:{round_.pk}:{round_.start_date.isoformat()}"
    inputs = cache.get(key)
    if not isinstance(inputs, Inputs):
        inputs = estimated_assumptions(round_)
        cache.set(key, inputs, INPUTS_CACHE_SECONDS)
    return inputs


def scenario_defaults(round_: Round, *, cached: bool = False) -> dict[str, Any]:
    """The scenario form's defaults: JSON-able, with every assumption, its source and label
    (``cached``: from :func:`form_inputs`)."""
    inputs = form_inputs(round_) if cached else estimated_assumptions(round_)
    return documents.defaults_document(inputs)


def _inputs_and_run(round_: Round, params: Mapping[str, Any]) -> tuple[Inputs, documents.Run]:
    if not isinstance(params, Mapping):
        raise ScenarioError(gettext_noop("The parameters must be an object."))
    inputs = estimated_assumptions(round_)
    inputs = documents.with_assumptions(inputs, params.get("assumptions") or {})
    run = documents.parse_run(params, inputs.snapshot)
    return inputs, run


def scenario_json(
    round_: Round, params: Mapping[str, Any], progress: Progress | None = None
) -> dict[str, Any]:
    """The ``lis1-scenario/1`` document: the scenario's rounds and the baseline's on the same
    seeds. ``progress(done, total)`` is called as replications finish."""
    inputs, run = _inputs_and_run(round_, params)
    comparison = projection.compare(
        inputs.snapshot,
        inputs.assumptions,
        run.scenario,
        rounds=run.rounds,
        replications=run.replications,
        seed=run.seed,
        progress=progress,
    )
    return documents.scenario_document(
        round_slug=round_.slug, inputs=inputs, run=run, comparison=comparison
    )


def seats_needed_json(
    round_: Round,
    params: Mapping[str, Any],
    waited_rounds: int = 2,
    target: float = 100.0,
    within: int = 10,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The ``lis1-seats-needed/1`` document: the fewest extra seats per round (on top of the
    scenario's) that bring the queue of doctors who have waited more than ``waited_rounds``
    rounds under ``target`` within ``within`` rounds."""
    inputs, run = _inputs_and_run(round_, params)
    waited = documents._integer("waited_rounds", waited_rounds, 0, MAX_EARLIER - 1)
    goal = documents._number("target", target)
    horizon = documents._integer("within", within, 1, projection.MAX_ROUNDS)
    found = projection.seats_needed(
        inputs.snapshot,
        inputs.assumptions,
        run.scenario,
        waited_rounds=waited,
        target=goal,
        within=horizon,
        replications=run.replications,
        seed=run.seed,
        progress=progress,
    )
    return documents.seats_needed_document(
        round_slug=round_.slug,
        inputs=inputs,
        run=run,
        waited_rounds=waited,
        target=goal,
        within=horizon,
        found=found,
    )


def offer_waves_json(round_: Round, waves: int = 5, seed: int = 1) -> dict[str, Any]:
    """The ``lis1-offer-waves/1`` document: today's offer waves against the central match on
    the round's own lists (a synthetic national round when the round has none)."""
    count = documents._integer("waves", waves, 1, 20)
    number = documents._integer("seed", seed, 0, 2**31 - 1)
    document = round_instance(round_, seed=number)
    rural = rural_programs(round_)
    source = SOURCE_DATABASE
    if not document["programs"] or (not document["applicants"] and not document["couples"]):
        from_db = _snapshot_from_database(round_)  # once: it reads every round's applications
        snapshot = from_db or _published_snapshot(round_)
        document, rural = offer_waves.synthetic_round(snapshot, seed=number)
        source = SOURCE_DEFAULT if from_db else SOURCE_PUBLISHED
    answer_days = (round_.answer_deadline - round_.results_published).days
    return offer_waves.offer_waves_document(
        document,
        waves=count,
        rural=rural,
        round_slug=round_.slug,
        source=source,
        central_answer_days=answer_days if answer_days > 0 else offer_waves.CENTRAL_ANSWER_DAYS,
    )
