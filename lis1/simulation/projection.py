"""Queue projection over rounds: who applies, who is placed, who waits, with intervals.

A replication follows every doctor through ``rounds`` rounds. Round 1 holds the snapshot's
applicants; each later round the season's new graduates arrive and every doctor still without
a position applies again with the probability for their group and earlier rounds, or leaves.
The round is matched by ``lis1.matching``'s deferred acceptance on the synthetic market of
:mod:`lis1.simulation.market`; a share of the placed withdraw before the start and their seats
stay empty, unless the scenario fills them from the same lists.

Every random draw of a replication is tied to a doctor and a round (arrays drawn up front, the
same whatever the scenario), so a scenario and its baseline on the same seed differ only by
the policy. With more seats the doctors without a position in every round are then a subset of
the baseline's: deferred acceptance leaves every applicant at least as well off when seats are
added or competitors removed.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lis1.matching.compiled import NONE
from lis1.matching.deferred_acceptance import deferred_acceptance
from lis1.simulation.market import Market, apportion, build_market, graduates_by_group
from lis1.simulation.model import (
    FULL_POSITION_MONTHS,
    GROUPS,
    MAX_EARLIER,
    SEASONS,
    Assumptions,
    MarketSnapshot,
    Scenario,
    ScenarioError,
    check_range,
    field_error,
    gettext_noop,
)

Progress = Callable[[int, int], None]

QUEUE_KEYS = (*(str(k) for k in range(1, MAX_EARLIER)), f"{MAX_EARLIER}+")
"""The queue by rounds waited (rounds applied without a position, this one included)."""

METRICS = (
    "applicants",
    "seats",
    "placed",
    "without_position",
    "unfilled",
    "withdrawn",
    "refilled",
    "part_only_placed",
    "track_placed",
    "rural_unfilled",
)
MAX_ROUNDS = 40
MAX_REPLICATIONS = 5000


@dataclass(frozen=True)
class Estimate:
    """A mean over replications with its 5th and 95th percentiles."""

    mean: float
    low: float
    high: float

    def to_json(self, digits: int = 1) -> dict[str, float]:
        return {
            "mean": round(self.mean, digits),
            "low": round(self.low, digits),
            "high": round(self.high, digits),
        }


@dataclass(frozen=True)
class RoundSummary:
    index: int
    season: str
    year: int
    values: dict[str, Estimate]  # METRICS
    queue: dict[str, Estimate]  # QUEUE_KEYS: doctors without a position by rounds waited
    placed_share: dict[str, Estimate]  # GROUPS: placed / applicants of the group


@dataclass(frozen=True)
class Projection:
    rounds: tuple[RoundSummary, ...]
    replications: int
    seed: int
    # Raw figures per replication and round, for comparisons: samples[metric][rep][round].
    samples: dict[str, list[list[float]]]


@dataclass(frozen=True)
class Comparison:
    baseline: Projection
    scenario: Projection


@dataclass(frozen=True)
class SeatsNeeded:
    extra_seats: int | None  # None: not reached below the search's ceiling
    queue: float | None  # the mean queue at the best round with that many seats
    round_index: int | None  # the first round where the queue is under the target
    evaluations: int
    ceiling: int


def calendar(snapshot: MarketSnapshot, rounds: int) -> list[tuple[str, int]]:
    season, year = snapshot.season, snapshot.year
    out = []
    for _ in range(rounds):
        out.append((season, year))
        if season == SEASONS[1]:
            year += 1
        season = SEASONS[1 - SEASONS.index(season)]
    return out


def _doctors(snapshot: MarketSnapshot, assumptions: Assumptions, rounds: int):
    """Everyone who can appear, in arrival order: (group index, earlier rounds, arrival round)."""
    group: list[int] = []
    earlier: list[int] = []
    arrival: list[int] = []
    for cohort in snapshot.cohorts:
        group += [GROUPS.index(cohort.group)] * cohort.count
        earlier += [cohort.earlier_rounds] * cohort.count
        arrival += [0] * cohort.count
    for t, (season, _) in enumerate(calendar(snapshot, rounds)):
        if t == 0:
            continue  # the snapshot's applicants include round 1's graduates
        for g, count in enumerate(graduates_by_group(assumptions, season)):
            group += [g] * count
            earlier += [0] * count
            arrival += [t] * count
    return np.array(group, dtype=np.int64), np.array(earlier), np.array(arrival)


def seat_plan(snapshot: MarketSnapshot, scenario: Scenario) -> list[int]:
    """Seats per snapshot program with the scenario's extra seats spread by existing seats."""
    seats = [p.seats for p in snapshot.programs]
    weights = [float(s) for s in seats]

    def spread(total: int, members: list[int]) -> None:
        for i, extra in zip(members, apportion(total, [weights[i] for i in members]), strict=True):
            seats[i] += extra

    spread(scenario.extra_seats, list(range(len(seats))))
    for region, extra in sorted(scenario.extra_seats_by_region.items()):
        spread(extra, [i for i, p in enumerate(snapshot.programs) if p.region == region])
    for trust, extra in sorted(scenario.extra_seats_by_trust.items()):
        spread(extra, [i for i, p in enumerate(snapshot.programs) if p.trust == trust])
    return seats


MAX_MARKET_CELLS = 20_000_000
"""Doctors over all rounds times programs the synthetic market may hold. Building it takes
about 50 bytes a cell (each doctor's draw over every program), so this is ~1 GB; a national
LIS1 round over 10 rounds is ~7,000 doctors x 31 programs (0.2 M cells)."""


def market_doctors(snapshot: MarketSnapshot, assumptions: Assumptions, rounds: int) -> int:
    """Everyone the projection's market holds: the round's applicants and each later
    round's new graduates."""
    later = calendar(snapshot, rounds)[1:]
    return snapshot.applicants + sum(int(assumptions.new_graduates[s]) for s, _ in later)


def check_market_size(snapshot: MarketSnapshot, assumptions: Assumptions, rounds: int) -> None:
    """Refuse, naming the sizes, a market too large to build (see :data:`MAX_MARKET_CELLS`)."""
    doctors = market_doctors(snapshot, assumptions, rounds)
    programs = 2 * len(snapshot.programs)  # each program and its foreign-experience track
    if doctors * programs > MAX_MARKET_CELLS:
        raise ScenarioError(
            gettext_noop(
                "The round is too large for the policy lab: %(doctors)s doctors over the "
                "rounds and %(programs)s positions, more than %(limit)s doctor and position "
                "pairs. Project fewer rounds, or a round of national LIS1 size."
            ),
            doctors=doctors,
            programs=len(snapshot.programs),
            limit=MAX_MARKET_CELLS // 2,
        )


class _Model:
    """One snapshot and its assumptions over ``rounds`` rounds: the market, built once."""

    def __init__(
        self, snapshot: MarketSnapshot, assumptions: Assumptions, rounds: int, seed: int
    ) -> None:
        snapshot.validate()
        assumptions.validate()
        check_range("rounds", rounds, 1, MAX_ROUNDS)
        check_market_size(snapshot, assumptions, rounds)
        self.snapshot = snapshot
        self.assumptions = assumptions
        self.rounds = rounds
        self.seed = seed
        self.calendar = calendar(snapshot, rounds)
        self.group, self.earlier0, self.arrival = _doctors(snapshot, assumptions, rounds)
        per_group = [int((self.group == g).sum()) for g in range(len(GROUPS))]
        self.market: Market = build_market(snapshot, assumptions, per_group, seed)
        self.by_score = np.argsort(-np.asarray(self.market.score), kind="stable")
        self.one_part = np.asarray(self.market.one_part, dtype=bool)
        self.rural = np.asarray(self.market.rural, dtype=bool)
        self.reapply = np.array(
            [list(assumptions.reapply[g]) for g in GROUPS], dtype=float
        )  # [group, min(earlier, MAX_EARLIER)]

    def replicate(self, scenario: Scenario, rep: int) -> dict[str, list[float]]:
        """The figures of every round of one replication (keys: METRICS, q:…, share:…).

        Deferred acceptance gives the same matching in any proposal order; the slots propose
        best score first (``by_score``), which only makes it faster. Everything per doctor is
        counted with numpy: the matching is the only Python loop over doctors.
        """
        m = self.market
        n_prog = m.programs
        rng = np.random.default_rng([self.seed, rep, 0xD0C])
        n_doc = len(self.group)
        # Which slot each doctor is: a random slot of their group.
        slot = np.empty(n_doc, dtype=np.int64)
        for g, name in enumerate(GROUPS):
            who = np.flatnonzero(self.group == g)
            slot[who] = rng.permutation(np.array(m.slots_by_group[name], dtype=np.int64))[
                : len(who)
            ]
        u_reapply = rng.random((self.rounds, n_doc))
        u_withdraw = rng.random((self.rounds, n_doc))
        one_part = self.one_part[slot]
        compiled = m.compiled if scenario.foreign_track_share else m.compiled_without_track
        base = seat_plan(self.snapshot, scenario)
        # The track's seats: the share of all seats, spread over the programs by their seats.
        track = apportion(round(sum(base) * scenario.foreign_track_share), [float(b) for b in base])
        n_seats = 2 * n_prog
        n_groups = len(GROUPS)

        def proposing(doctors: np.ndarray) -> list[int]:
            taking_part = np.zeros(len(self.by_score), dtype=bool)
            taking_part[slot[doctors]] = True
            return self.by_score[taking_part[self.by_score]].tolist()

        earlier = self.earlier0.copy()
        waiting = np.zeros(n_doc, dtype=bool)  # without a position, may apply again
        out: dict[str, list[float]] = {k: [] for k in METRICS}
        for key in QUEUE_KEYS:
            out[f"q:{key}"] = []
        for name in GROUPS:
            out[f"share:{name}"] = []

        for t in range(self.rounds):
            probs = self.reapply[self.group, np.minimum(earlier, MAX_EARLIER)]
            again = waiting & (u_reapply[t] < probs)
            active = np.flatnonzero(again | (self.arrival == t))
            seats_total = sum(base)
            capacity = [b - k for b, k in zip(base, track, strict=True)] + track

            part_only = active[:0]
            if scenario.part_only_months:
                places = seats_total * FULL_POSITION_MONTHS // scenario.part_only_months
                part_only = active[one_part[active]][:places]
                converted = math.ceil(
                    len(part_only) * scenario.part_only_months / FULL_POSITION_MONTHS
                )
                # The converted seats come from the normal seats, largest programs first.
                cut = apportion(converted, [float(c) for c in capacity[:n_prog]])
                for p in range(n_prog):
                    take = min(cut[p], capacity[p])
                    capacity[p] -= take
                    converted -= take
                for p in range(n_prog, n_seats):  # then the track, if anything is left
                    take = min(converted, capacity[p])
                    capacity[p] -= take
                    converted -= take
            matched = np.setdiff1d(active, part_only, assume_unique=True)
            state = deferred_acceptance(
                dataclasses.replace(compiled, singles=proposing(matched), capacity=capacity)
            )
            got_seat = np.asarray(state.assigned, dtype=np.int64)[slot[matched]]
            withdrew = (got_seat != NONE) & (
                u_withdraw[t][matched] < self.assumptions.withdrawal_rate
            )
            holds = (got_seat != NONE) & ~withdrew
            vacated = np.bincount(got_seat[withdrew], minlength=n_seats)
            holders = np.bincount(got_seat[holds], minlength=n_seats)
            placed = [part_only, matched[holds]]
            unplaced = matched[got_seat == NONE]
            refilled = 0
            if scenario.fill_from_last_lists and len(unplaced) and vacated.any():
                again_state = deferred_acceptance(
                    dataclasses.replace(
                        compiled, singles=proposing(unplaced), capacity=vacated.tolist()
                    )
                )
                second = np.asarray(again_state.assigned, dtype=np.int64)[slot[unplaced]]
                refill = second != NONE
                holders += np.bincount(second[refill], minlength=n_seats)
                placed.append(unplaced[refill])
                refilled = int(refill.sum())
                unplaced = unplaced[~refill]

            unfilled_per = np.asarray(capacity, dtype=np.int64) - holders
            placed_all = np.concatenate(placed)
            out["applicants"].append(len(active))
            out["seats"].append(seats_total)
            out["placed"].append(len(placed_all))
            out["without_position"].append(len(unplaced))
            out["unfilled"].append(int(unfilled_per.sum()))
            out["withdrawn"].append(int(withdrew.sum()))
            out["refilled"].append(refilled)
            out["part_only_placed"].append(len(part_only))
            out["track_placed"].append(int(holders[n_prog:].sum()))
            out["rural_unfilled"].append(int(unfilled_per[self.rural].sum()))
            queue = np.bincount(
                np.minimum(earlier[unplaced] + 1, MAX_EARLIER) - 1, minlength=len(QUEUE_KEYS)
            )
            for key, value in zip(QUEUE_KEYS, queue.tolist(), strict=True):
                out[f"q:{key}"].append(value)
            applied = np.bincount(self.group[active], minlength=n_groups).tolist()
            got = np.bincount(self.group[placed_all], minlength=n_groups).tolist()
            for g, name in enumerate(GROUPS):
                out[f"share:{name}"].append(got[g] / applied[g] if applied[g] else 0.0)

            # Who may come back: the unplaced of this round; everyone else has left the queue.
            waiting[:] = False
            waiting[unplaced] = True
            earlier[unplaced] += 1
        return out


def _estimate(values: list[float]) -> Estimate:
    arr = np.asarray(values, dtype=float)
    low, high = np.percentile(arr, [5, 95])
    return Estimate(float(arr.mean()), float(low), float(high))


def _summarise(model: _Model, runs: list[dict[str, list[float]]], seed: int) -> Projection:
    keys = list(runs[0])
    samples = {k: [run[k] for run in runs] for k in keys}
    rounds = []
    for t, (season, year) in enumerate(model.calendar):

        def est(key: str, t: int = t) -> Estimate:
            return _estimate([run[key][t] for run in runs])

        rounds.append(
            RoundSummary(
                index=t + 1,
                season=season,
                year=year,
                values={k: est(k) for k in METRICS},
                queue={k: est(f"q:{k}") for k in QUEUE_KEYS},
                placed_share={g: est(f"share:{g}") for g in GROUPS},
            )
        )
    return Projection(rounds=tuple(rounds), replications=len(runs), seed=seed, samples=samples)


def _check(replications: int) -> None:
    check_range("replications", replications, 1, MAX_REPLICATIONS)


def _run(
    model: _Model,
    scenarios: list[Scenario],
    replications: int,
    progress: Progress | None,
) -> list[Projection]:
    _check(replications)
    for scenario in scenarios:
        scenario.validate(model.snapshot)
    total = replications * len(scenarios)
    done = 0
    results: list[list[dict[str, list[float]]]] = [[] for _ in scenarios]
    for rep in range(replications):
        for k, scenario in enumerate(scenarios):
            results[k].append(model.replicate(scenario, rep))
            done += 1
            if progress is not None:
                progress(done, total)
    return [_summarise(model, runs, model.seed) for runs in results]


def project(
    snapshot: MarketSnapshot,
    assumptions: Assumptions,
    scenario: Scenario | None = None,
    *,
    rounds: int = 10,
    replications: int = 200,
    seed: int = 1,
    progress: Progress | None = None,
) -> Projection:
    """The scenario (default: the baseline) projected over ``rounds`` rounds."""
    model = _Model(snapshot, assumptions, rounds, seed)
    return _run(model, [scenario or Scenario()], replications, progress)[0]


def compare(
    snapshot: MarketSnapshot,
    assumptions: Assumptions,
    scenario: Scenario,
    *,
    rounds: int = 10,
    replications: int = 200,
    seed: int = 1,
    progress: Progress | None = None,
) -> Comparison:
    """The scenario and the baseline on the same market and the same seeds."""
    model = _Model(snapshot, assumptions, rounds, seed)
    baseline, projected = _run(model, [Scenario(), scenario], replications, progress)
    return Comparison(baseline=baseline, scenario=projected)


def queue_waited_more_than(projection: Projection, waited_rounds: int) -> list[float]:
    """Per round: the mean number of doctors without a position who have applied in more than
    ``waited_rounds`` rounds (this one included)."""
    out = []
    for summary in projection.rounds:
        total = 0.0
        for key, estimate in summary.queue.items():
            waited = int(key.rstrip("+"))
            if waited > waited_rounds:
                total += estimate.mean
        out.append(total)
    return out


def seats_needed(
    snapshot: MarketSnapshot,
    assumptions: Assumptions,
    scenario: Scenario | None = None,
    *,
    waited_rounds: int,
    target: float,
    within: int,
    replications: int = 50,
    seed: int = 1,
    ceiling: int | None = None,
    progress: Progress | None = None,
) -> SeatsNeeded:
    """The smallest number of extra seats per round (on top of the scenario's, spread over
    all programs) that brings the queue of doctors who have waited more than
    ``waited_rounds`` rounds under ``target`` in some round within ``within`` rounds.

    The queue never grows with more seats on the same seeds (see the module note), so a
    doubling search for a ceiling and then bisection find it in a few projections."""
    check_range("waited_rounds", waited_rounds, 0, MAX_EARLIER - 1)
    if target < 0:
        raise field_error("target", gettext_noop("%(name)s must be 0 or more."))
    _check(replications)
    scenario = scenario or Scenario()
    model = _Model(snapshot, assumptions, within, seed)
    limit = ceiling if ceiling is not None else max(snapshot.applicants, 1) * 4
    evaluations = 0

    def reached(extra: int) -> tuple[bool, float, int]:
        nonlocal evaluations
        evaluations += 1
        tried = dataclasses.replace(scenario, extra_seats=scenario.extra_seats + extra)
        projection = _run(model, [tried], replications, None)[0]
        queue = queue_waited_more_than(projection, waited_rounds)
        for t, value in enumerate(queue):
            if value <= target:
                return True, value, t + 1
        return False, min(queue), 0

    def tick() -> None:
        if progress is not None:
            progress(evaluations, evaluations + 1)

    ok, value, first = reached(0)
    tick()
    if ok:
        return SeatsNeeded(0, value, first, evaluations, limit)
    low, high = 0, 1
    while True:
        ok, value, first = reached(high)
        tick()
        if ok:
            best = (high, value, first)
            break
        if high >= limit:
            return SeatsNeeded(None, None, None, evaluations, limit)
        low, high = high, min(high * 2, limit)
    while high - low > 1:
        mid = (low + high) // 2
        ok, value, first = reached(mid)
        tick()
        if ok:
            high, best = mid, (mid, value, first)
        else:
            low = mid
    return SeatsNeeded(best[0], best[1], best[2], evaluations, limit)
