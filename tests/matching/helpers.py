"""Hypothesis strategies and brute-force references written straight from the definitions.

The references work on the plain ``lis1-match/1`` dicts, share no code with the engine, and
are only fast enough for tiny instances.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping
from typing import Any

from hypothesis import strategies as st

Doc = dict[str, Any]
Matches = dict[str, str | None]


@st.composite
def instances(
    draw: st.DrawFn,
    *,
    max_singles: int = 4,
    max_programs: int = 3,
    max_couples: int = 0,
    max_capacity: int = 2,
) -> Doc:
    n_programs = draw(st.integers(1, max_programs))
    n_singles = draw(st.integers(0, max_singles))
    n_couples = draw(st.integers(0, max_couples))
    pids = [f"P{i + 1}" for i in range(n_programs)]
    singles = [f"A{i + 1}" for i in range(n_singles)]
    members = [(f"M{2 * j + 1}", f"M{2 * j + 2}") for j in range(n_couples)]
    everyone = singles + [m for pair in members for m in pair]
    programs = [
        {
            "id": pid,
            "capacity": draw(st.integers(0, max_capacity)),
            "ranking": draw(st.lists(st.sampled_from(everyone), unique=True)) if everyone else [],
        }
        for pid in pids
    ]
    applicants = [
        {"id": a, "ranking": draw(st.lists(st.sampled_from(pids), unique=True))} for a in singles
    ]
    slot = st.one_of(st.none(), st.sampled_from(pids))
    pair = st.tuples(slot, slot).filter(lambda p: p != (None, None))
    couples = [
        {
            "id": f"C{j + 1}",
            "members": list(m),
            "ranking": [list(p) for p in draw(st.lists(pair, unique=True, max_size=5))],
        }
        for j, m in enumerate(members)
    ]
    seed = draw(st.integers(0, 2**32))
    return {
        "format": "lis1-match/1",
        "seed": seed,
        "programs": programs,
        "applicants": applicants,
        "couples": couples,
    }


def _ranks(doc: Doc) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    rank = {p["id"]: {a: r for r, a in enumerate(p["ranking"])} for p in doc["programs"]}
    capacity = {p["id"]: p["capacity"] for p in doc["programs"]}
    return rank, capacity


def _program_takes(
    rank: dict[str, int], capacity: int, stay: list[str], newcomers: list[str]
) -> bool:
    """Newcomers are all ranked and all among the `capacity` best of stay + newcomers."""
    if any(m not in rank for m in newcomers):
        return False
    kept = sorted(stay + newcomers, key=lambda x: rank[x])[:capacity]
    return all(m in kept for m in newcomers)


def reference_blocking_pairs(doc: Doc, matches: Mapping[str, str | None]) -> list[dict[str, Any]]:
    rank, capacity = _ranks(doc)
    held: dict[str, list[str]] = {p: [] for p in rank}
    for a, p in matches.items():
        if p is not None:
            held[p].append(a)
    singles = []
    for applicant in doc["applicants"]:
        a, lst = applicant["id"], applicant["ranking"]
        current = matches.get(a)
        better = lst if current is None else lst[: lst.index(current)]
        for p in better:
            if _program_takes(rank[p], capacity[p], held[p], [a]):
                singles.append({"applicant": a, "program": p})
    couples = []
    for couple in doc["couples"]:
        m1, m2 = couple["members"]
        options = [tuple(o) for o in couple["ranking"]]
        pair = (matches.get(m1), matches.get(m2))
        better = options if pair == (None, None) else options[: options.index(pair)]
        for p1, p2 in better:
            target = {m1: p1, m2: p2}
            ok = True
            for p in {p1, p2} - {None}:
                stay = [x for x in held[p] if x not in (m1, m2)]
                newcomers = [m for m in (m1, m2) if target[m] == p]
                ok = ok and _program_takes(rank[p], capacity[p], stay, newcomers)
            if ok:
                couples.append({"couple": couple["id"], "programs": [p1, p2]})
    singles.sort(key=lambda b: (b["applicant"], b["program"]))
    couples.sort(key=lambda b: (b["couple"], b["programs"][0] or "", b["programs"][1] or ""))
    return singles + couples


def feasible_matchings(doc: Doc) -> Iterator[Matches]:
    """Every matching respecting capacities and mutual acceptability (tiny instances only)."""
    rank, capacity = _ranks(doc)
    agents: list[list[Matches]] = []
    for applicant in doc["applicants"]:
        a = applicant["id"]
        agents.append([{a: None}] + [{a: p} for p in applicant["ranking"] if a in rank[p]])
    for couple in doc["couples"]:
        m1, m2 = couple["members"]
        choices: list[Matches] = [{m1: None, m2: None}]
        for p1, p2 in couple["ranking"]:
            if (p1 is None or m1 in rank[p1]) and (p2 is None or m2 in rank[p2]):
                choices.append({m1: p1, m2: p2})
        agents.append(choices)
    for combo in itertools.product(*agents):
        matches: Matches = {}
        for part in combo:
            matches.update(part)
        fill: dict[str, int] = {}
        for p in matches.values():
            if p is not None:
                fill[p] = fill.get(p, 0) + 1
        if all(n <= capacity[p] for p, n in fill.items()):
            yield matches


def stable_matchings(doc: Doc) -> list[Matches]:
    return [m for m in feasible_matchings(doc) if not reference_blocking_pairs(doc, m)]


def only_matched(matches: Matches) -> dict[str, str]:
    return {a: p for a, p in sorted(matches.items()) if p is not None}


def check_feasible(doc: Doc, matches: dict[str, str]) -> None:
    """Capacities and mutual acceptability, asserted from the definitions."""
    rank, capacity = _ranks(doc)
    fill: dict[str, int] = {}
    for a, p in matches.items():
        fill[p] = fill.get(p, 0) + 1
        assert a in rank[p], (a, p)
    for p, n in fill.items():
        assert n <= capacity[p], (p, n)
    for applicant in doc["applicants"]:
        if applicant["id"] in matches:
            assert matches[applicant["id"]] in applicant["ranking"]
    for couple in doc["couples"]:
        m1, m2 = couple["members"]
        pair = [matches.get(m1), matches.get(m2)]
        assert pair == [None, None] or pair in couple["ranking"], (couple["id"], pair)


def random_instance(
    rng: random.Random,
    *,
    max_singles: int = 4,
    max_programs: int = 3,
    max_couples: int = 2,
    max_capacity: int = 2,
    max_pairs: int = 5,
) -> Doc:
    """A tiny random document from a seeded ``random.Random`` (a fixed sample, unlike
    hypothesis, for tests that assert a rate over many instances)."""
    pids = [f"P{i + 1}" for i in range(rng.randint(1, max_programs))]
    singles = [f"A{i + 1}" for i in range(rng.randint(0, max_singles))]
    members = [(f"M{2 * j + 1}", f"M{2 * j + 2}") for j in range(rng.randint(1, max_couples))]
    everyone = singles + [m for pair in members for m in pair]
    slots: list[str | None] = [None, *pids]
    pairs = [(x, y) for x in slots for y in slots if (x, y) != (None, None)]
    return {
        "format": "lis1-match/1",
        "seed": rng.randrange(2**32),
        "programs": [
            {
                "id": p,
                "capacity": rng.randint(0, max_capacity),
                "ranking": rng.sample(everyone, rng.randint(0, len(everyone))),
            }
            for p in pids
        ],
        "applicants": [
            {"id": a, "ranking": rng.sample(pids, rng.randint(0, len(pids)))} for a in singles
        ],
        "couples": [
            {
                "id": f"C{j + 1}",
                "members": list(m),
                "ranking": [
                    list(p) for p in rng.sample(pairs, rng.randint(0, min(max_pairs, len(pairs))))
                ],
            }
            for j, m in enumerate(members)
        ],
    }


def _up_conflict(clauses: list[list[int]], assumed: list[int]) -> bool:
    """Unit propagation from ``assumed`` over ``clauses`` reaches a falsified clause."""
    value: dict[int, bool] = {}
    for lit in assumed:
        if value.get(abs(lit)) == (lit < 0):
            return True
        value[abs(lit)] = lit > 0
    changed = True
    while changed:
        changed = False
        for clause in clauses:
            free = None
            count = 0
            for lit in clause:
                held = value.get(abs(lit))
                if held is None:
                    free, count = lit, count + 1
                elif held == (lit > 0):
                    break
            else:
                if count == 0:
                    return True
                if count == 1 and free is not None:
                    value[abs(free)] = free > 0
                    changed = True
    return False


def rup_refutes(dimacs: str, proof: list[str]) -> bool:
    """A small DRUP checker, independent of the solver: every lemma the proof adds must follow
    from the formula and the earlier lemmas by unit propagation (reverse unit propagation),
    and the proof must end in the empty clause. Deletions are ignored, which is sound (every
    clause kept is implied by the formula). For tiny formulas only: propagation is naive."""
    clauses = [
        [int(x) for x in line.split()[:-1]]
        for line in dimacs.splitlines()
        if line and not line.startswith(("c", "p"))
    ]
    for line in proof:
        parts = line.split()
        if not parts or parts[0] == "d":
            continue
        lemma = [int(x) for x in parts[:-1]]
        if not _up_conflict(clauses, [-lit for lit in lemma]):
            return False
        if not lemma:
            return True
        clauses.append(lemma)
    return False
