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


class _Model:
    """One snapshot and its assumptions over ``rounds`` rounds: the market, built once."""

    def __init__(
        self, snapshot: MarketSnapshot, assumptions: Assumptions, rounds: int, seed: int
    ) -> None:
        snapshot.validate()
        assumptions.validate()
        if not 1 <= rounds <= MAX_ROUNDS:
            raise ScenarioError(f"rounds must be from 1 to {MAX_ROUNDS}.")
        self.snapshot = snapshot
        self.assumptions = assumptions
        self.rounds = rounds
        self.seed = seed
        self.calendar = calendar(snapshot, rounds)
        self.group, self.earlier0, self.arrival = _doctors(snapshot, assumptions, rounds)
        per_group = [int((self.group == g).sum()) for g in range(len(GROUPS))]
        self.market: Market = build_market(snapshot, assumptions, per_group, seed)
        self.reapply = np.array(
            [list(assumptions.reapply[g]) for g in GROUPS], dtype=float
        )  # [group, min(earlier, MAX_EARLIER)]

    def replicate(self, scenario: Scenario, rep: int) -> dict[str, list[float]]:
        """The figures of every round of one replication (keys: METRICS, q:…, share:…)."""
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
        slots = slot.tolist()
        groups = self.group.tolist()
        score = m.score
        one_part = m.one_part
        rural = m.rural
        compiled = m.compiled if scenario.foreign_track_share else m.compiled_without_track
        base = seat_plan(self.snapshot, scenario)
        # The track's seats: the share of all seats, spread over the programs by their seats.
        track = apportion(round(sum(base) * scenario.foreign_track_share), [float(b) for b in base])

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
            active_mask = again | (self.arrival == t)
            active = np.flatnonzero(active_mask).tolist()
            seats_total = sum(base)
            capacity = [b - k for b, k in zip(base, track, strict=True)] + track

            part_only: list[int] = []
            if scenario.part_only_months:
                part_only = [d for d in active if one_part[slots[d]]]
                places = seats_total * FULL_POSITION_MONTHS // scenario.part_only_months
                part_only = part_only[:places]
                converted = math.ceil(
                    len(part_only) * scenario.part_only_months / FULL_POSITION_MONTHS
                )
                # The converted seats come from the normal seats, largest programs first.
                cut = apportion(converted, [float(c) for c in capacity[:n_prog]])
                for p in range(n_prog):
                    take = min(cut[p], capacity[p])
                    capacity[p] -= take
                    converted -= take
                for p in range(n_prog, 2 * n_prog):  # then the track, if anything is left
                    take = min(converted, capacity[p])
                    capacity[p] -= take
                    converted -= take
            skip = set(part_only)
            matched = [d for d in active if d not in skip]
            singles = sorted((slots[d] for d in matched), key=score.__getitem__, reverse=True)
            state = deferred_acceptance(
                dataclasses.replace(compiled, singles=singles, capacity=capacity)
            )
            assigned = state.assigned
            withdrawn = 0
            vacated = [0] * (2 * n_prog)
            holders = [0] * (2 * n_prog)
            placed_set: set[int] = set(part_only)
            unplaced: list[int] = []
            rate = self.assumptions.withdrawal_rate
            u_w = u_withdraw[t]
            for d in matched:
                p = assigned[slots[d]]
                if p == NONE:
                    unplaced.append(d)
                elif u_w[d] < rate:
                    withdrawn += 1
                    vacated[p] += 1
                else:
                    holders[p] += 1
                    placed_set.add(d)
            refilled = 0
            if scenario.fill_from_last_lists and unplaced and any(vacated):
                singles = sorted((slots[d] for d in unplaced), key=score.__getitem__, reverse=True)
                again_state = deferred_acceptance(
                    dataclasses.replace(compiled, singles=singles, capacity=vacated)
                )
                still: list[int] = []
                for d in unplaced:
                    p = again_state.assigned[slots[d]]
                    if p == NONE:
                        still.append(d)
                    else:
                        holders[p] += 1
                        placed_set.add(d)
                        refilled += 1
                unplaced = still

            unfilled_per = [c - h for c, h in zip(capacity, holders, strict=True)]
            out["applicants"].append(len(active))
            out["seats"].append(seats_total)
            out["placed"].append(len(placed_set))
            out["without_position"].append(len(unplaced))
            out["unfilled"].append(sum(unfilled_per))
            out["withdrawn"].append(withdrawn)
            out["refilled"].append(refilled)
            out["part_only_placed"].append(len(part_only))
            out["track_placed"].append(sum(holders[n_prog:]))
            out["rural_unfilled"].append(
                sum(u for u, r in zip(unfilled_per, rural, strict=True) if r)
            )
            queue = [0] * len(QUEUE_KEYS)
            for d in unplaced:
                queue[min(int(earlier[d]) + 1, MAX_EARLIER) - 1] += 1
            for key, value in zip(QUEUE_KEYS, queue, strict=True):
                out[f"q:{key}"].append(value)
            applied = [0] * len(GROUPS)
            got = [0] * len(GROUPS)
            for d in active:
                applied[groups[d]] += 1
            for d in placed_set:
                got[groups[d]] += 1
            for g, name in enumerate(GROUPS):
                out[f"share:{name}"].append(got[g] / applied[g] if applied[g] else 0.0)

            # Who may come back: the unplaced of this round; everyone else has left the queue.
            waiting[:] = False
            if unplaced:
                idx = np.array(unplaced, dtype=np.int64)
                waiting[idx] = True
                earlier[idx] += 1
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
    if not 1 <= replications <= MAX_REPLICATIONS:
        raise ScenarioError(f"replications must be from 1 to {MAX_REPLICATIONS}.")


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
    if waited_rounds < 0 or waited_rounds >= MAX_EARLIER:
        raise ScenarioError(f"waited rounds must be from 0 to {MAX_EARLIER - 1}.")
    if target < 0:
        raise ScenarioError("the target must be 0 or more.")
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
