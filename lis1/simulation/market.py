"""The synthetic market a projection matches in: one compiled ``lis1.matching`` instance holding
every doctor who can take part over the projected rounds, built once and reused by every round,
replication and scenario.

Each doctor who will ever appear (the snapshot's applicants and every round's new graduates) is
a *slot*: a score (their employers' common view of them, by education group), the programs
they rank (as many as the real round's lists, chosen by the programs' popularity) and each
employer's ranking of the slots that listed it (the score plus that employer's own noise). A
round only decides which slots take part (the ``singles`` of the compiled instance) and how many
seats each program has; the matching itself is ``lis1.matching``'s deferred acceptance. Slots
are handed to doctors at random in every replication, so replications differ while the
instance does not.

Proposal 7's separate track is a twin program per program ("T…" beside "P…") that ranks only
the doctors with long foreign experience, listed just before its twin by those doctors; it has
no seats unless a scenario gives it some.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from lis1.matching import Applicant, Instance, Program
from lis1.matching.compiled import Compiled, compile_instance, with_pref_ranks
from lis1.simulation.model import GROUPS, NORWAY, Assumptions, MarketSnapshot


@dataclass(frozen=True)
class Market:
    """The compiled pool and what the projection needs to know about each slot and program."""

    instance: Instance
    compiled: Compiled
    # The same instance without the track's twins on anyone's list, for scenarios without the
    # track: a twin with no seats costs deferred acceptance a proposal from every such doctor.
    compiled_without_track: Compiled
    programs: int  # programs in the snapshot; compiled programs 0..n-1, tracks n..2n-1
    slots_by_group: dict[str, list[int]]  # compiled applicant indices per education group
    group_of: list[int]  # per slot: index into GROUPS
    score: list[float]  # per slot: the common score (deferred acceptance proposes in its order)
    long_foreign: list[bool]
    one_part: list[bool]
    rural: list[bool]  # per compiled program


def apportion(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to ``weights`` summing to ``total`` (largest remainder, ties to the
    lower index); all-zero weights share equally."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    out = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (out[i] - exact[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def graduates_by_group(assumptions: Assumptions, season: str) -> list[int]:
    total = int(assumptions.new_graduates[season])
    return apportion(total, [float(assumptions.group_mix[g]) for g in GROUPS])


def build_market(
    snapshot: MarketSnapshot, assumptions: Assumptions, slots_per_group: list[int], seed: int
) -> Market:
    rng = np.random.default_rng([seed, 0x51])
    n = len(snapshot.programs)
    total = sum(slots_per_group)
    group_of = np.repeat(np.arange(len(GROUPS)), slots_per_group)
    advantage = np.array([float(assumptions.group_advantage[g]) for g in GROUPS])
    score = advantage[group_of] + rng.standard_normal(total)
    abroad = group_of != GROUPS.index(NORWAY)
    long_foreign = abroad & (rng.random(total) < snapshot.long_foreign_share)
    one_part = rng.random(total) < snapshot.one_part_share

    # Each doctor's list: Gumbel top-k over the programs' popularity is exactly a draw without
    # replacement in proportion to popularity, in the order drawn (the doctor's preference).
    popularity = np.array([p.popularity for p in snapshot.programs], dtype=float)
    keys = np.log(popularity)[None, :] + rng.gumbel(size=(total, n))
    order = np.argsort(-keys, axis=1)
    lengths = np.clip(1 + rng.poisson(max(snapshot.list_length - 1, 0.0), total), 1, n)
    listed = np.zeros((total, n), dtype=bool)
    rows = np.repeat(np.arange(total), lengths)
    cols = (
        np.concatenate([order[i, : lengths[i]] for i in range(total)])
        if total
        else np.zeros(0, dtype=np.int64)
    )
    listed[rows, cols] = True

    view = score[:, None] + assumptions.employer_noise * rng.standard_normal((total, n))
    accepted = np.zeros((total, n), dtype=bool)
    rankings: list[list[int]] = []
    for p in range(n):
        who = np.flatnonzero(listed[:, p])
        ranked = who[np.argsort(-view[who, p], kind="stable")]
        ranked = ranked[: math.ceil(len(ranked) * snapshot.ranked_share)]
        accepted[ranked, p] = True
        rankings.append(ranked.tolist())

    width = max(6, len(str(total)))
    aid = [f"A{i:0{width}d}" for i in range(total)]
    pid = [f"P{p:04d}" for p in range(n)]
    tid = [f"T{p:04d}" for p in range(n)]
    long_list = long_foreign.tolist()
    programs = [
        Program(id=pid[p], capacity=snapshot.programs[p].seats, ranking=tuple(aid[a] for a in r))
        for p, r in enumerate(rankings)
    ] + [
        Program(id=tid[p], capacity=0, ranking=tuple(aid[a] for a in r if long_list[a]))
        for p, r in enumerate(rankings)
    ]
    applicants = []
    for i in range(total):
        mine = [int(p) for p in order[i, : lengths[i]] if accepted[i, p]]
        if long_list[i]:
            ranking = tuple(x for p in mine for x in (tid[p], pid[p]))
        else:
            ranking = tuple(pid[p] for p in mine)
        applicants.append(Applicant(id=aid[i], ranking=ranking))
    instance = Instance(
        seed=seed,
        programs=tuple(programs),
        applicants=tuple(applicants),
        couples=(),
        input_sha256="",  # never serialised: the pool lives for one projection
    )
    groups = group_of.tolist()
    compiled = compile_instance(instance)
    without_track = dataclasses.replace(
        compiled, prefs=[[p for p in prefs if p < n] for prefs in compiled.prefs]
    )
    # Every round of every replication matches this pool: the ranks are looked up once.
    compiled, without_track = with_pref_ranks(compiled), with_pref_ranks(without_track)
    return Market(
        instance=instance,
        compiled=compiled,
        compiled_without_track=without_track,
        programs=n,
        slots_by_group={
            g: [i for i in range(total) if groups[i] == k] for k, g in enumerate(GROUPS)
        },
        group_of=groups,
        score=score.tolist(),
        long_foreign=long_list,
        one_part=one_part.tolist(),
        rural=[p.rural for p in snapshot.programs] * 2,
    )
