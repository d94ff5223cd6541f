"""The exact step after the engine: does a stable matching exist, and which one to publish.

Run by :func:`lis1.matching.solve` when the engine's matching has blocking pairs and the
market is within :class:`ExactBudget`'s size limits:

1. **Decide** with Glucose 4 (python-sat) on the CNF of :mod:`lis1.matching.exact_encode`:
   SAT means a stable matching exists (``verdict: "stable"``), UNSAT that none does
   (``"none_exists"``), and a spent conflict budget ``"unknown"``. Markets over the size
   limits get ``"skipped"`` and keep the engine's matching.
2. **Applicant-favouring** (when SAT): ask for a stable matching in which every agent (single
   applicant or couple, judged on its own list) is at least as well off and one is better;
   repeat until none exists (the matching returned is then Pareto-optimal for the applicant
   side among *all* stable matchings: ``applicant_favouring: true``) or the budget is spent
   (the best found so far, ``applicant_favouring: false``).
3. **Fewest blocking agents** (when UNSAT): MaxSAT with one relaxation literal per agent
   (single or couple; an agent is blocking when it is in a blocking pair), searched from the
   engine's number downwards ("at most k", a totalizer on the same incremental solver). The
   answer (``matching_source``): ``maxsat_fewest_blocking_agents`` (proven minimum),
   ``maxsat_fewer_blocking_agents`` (fewer than the engine, budget spent before the proof),
   ``engine_fewest_blocking_agents`` (proven: nothing beats the engine's) or
   ``engine_fallback`` (budget spent, nothing better found). RC2 (core-guided) was tried
   first and was 3-8 times slower on 1,300-applicant markets.

Determinism: budgets count solver conflicts, never seconds; the solver is single-threaded and
sees the same clauses in the same order for the same instance. The engine's matching (which
the seed's couple orders shape) is the solver's starting phase, so the seed is what orders
ties among equally good answers.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lis1.matching.budget import DEFAULT_BUDGET, ExactBudget
from lis1.matching.compiled import NONE, Compiled, compile_instance
from lis1.matching.deferred_acceptance import deferred_acceptance
from lis1.matching.exact_encode import ENCODER_VERSION, Encoding, counter_cells, encode
from lis1.matching.instance import InstanceError, instance_from_json
from lis1.matching.verify import BlockingPair, CoupleBlockingPair, SingleBlockingPair

SOLVER_NAME = "g4"


def solver_version() -> str:
    """The solver and its binding's version. python-sat is imported on first use: a market
    whose engine result is stable (every singles market) never starts the exact step, and
    the import is 5 % of a whole 20,000-applicant run."""
    import pysat

    return f"Glucose 4.1 via python-sat {pysat.__version__}"


MAXSAT_VERSION = "lis1 SAT-UNSAT search (at most k relaxed agents, pysat ITotalizer)"
MAX_MAXSAT_BOUND = 64  # most blocking agents the totalizer counts to

VERDICTS = ("stable", "none_exists", "unknown", "skipped")


class BudgetSpent(Exception):
    pass


@dataclass(slots=True)
class Outcome:
    """What the exact step found: the matching to report and the JSON for ``exact``."""

    verdict: str
    assigned: list[int]
    report: dict[str, Any] = field(default_factory=dict)


def blocking_agents(blocking: Sequence[BlockingPair]) -> int:
    """Number of singles and couples in at least one blocking pair."""
    agents: set[tuple[str, str]] = set()
    for pair in blocking:
        if isinstance(pair, SingleBlockingPair):
            agents.add(("single", pair.applicant))
        elif isinstance(pair, CoupleBlockingPair):
            agents.add(("couple", pair.couple))
    return len(agents)


def size_problem(c: Compiled, budget: ExactBudget) -> str | None:
    """Why the market is too big for the exact step, or None."""
    n = len(c.applicant_ids)
    if n > budget.max_applicants:
        return (
            f"the market has {n} applicants; the exact step takes at most {budget.max_applicants}"
        )
    cells = counter_cells(c)
    if cells > budget.max_counter_cells:
        return (
            f"the encoding would need {cells} counter cells; the exact step takes at most "
            f"{budget.max_counter_cells}"
        )
    return None


def _phases(enc: Encoding, c: Compiled, assigned: list[int]) -> list[int]:
    """The given matching as solver phases: each agent's held option true, others false."""
    lits = []
    for g, (kind, idx) in enumerate(enc.agents):
        held = _held_position(c, kind, idx, assigned)
        for pos, v in enc.options[g]:
            lits.append(v if pos == held else -v)
    return lits


def _held_position(c: Compiled, kind: str, idx: int, assigned: list[int]) -> int:
    """Position on the agent's own list of what it holds in ``assigned``; -1 if nothing."""
    if kind == "single":
        p = assigned[idx]
        return NONE if p == NONE else c.prefs[idx].index(p)
    a, b = c.couple_members[idx]
    pair = (assigned[a], assigned[b])
    return NONE if pair == (NONE, NONE) else c.couple_options[idx].index(pair)


def _decode(enc: Encoding, c: Compiled, model: Sequence[int]) -> list[int]:
    true = {lit for lit in model if lit > 0}
    assigned = [NONE] * len(c.applicant_ids)
    for g, (kind, idx) in enumerate(enc.agents):
        for pos, v in enc.options[g]:
            if v in true:
                if kind == "single":
                    assigned[idx] = c.prefs[idx][pos]
                else:
                    a, b = c.couple_members[idx]
                    assigned[a], assigned[b] = c.couple_options[idx][pos]
                break
    return assigned


def _positions(enc: Encoding, c: Compiled, assigned: list[int]) -> list[int]:
    """Per agent: index into ``enc.options[g]`` of what it holds, -1 if nothing."""
    out = []
    for g, (kind, idx) in enumerate(enc.agents):
        held = _held_position(c, kind, idx, assigned)
        out.append(next((i for i, (pos, _) in enumerate(enc.options[g]) if pos == held), -1))
    return out


class _Budgeted:
    """A solver whose calls share one conflict budget (raised per phase with ``allow``)."""

    def __init__(self, clauses: list[list[int]], with_proof: bool = False) -> None:
        from pysat.solvers import Solver  # see solver_version

        self.solver = Solver(name=SOLVER_NAME, with_proof=with_proof)
        self.solver.append_formula(clauses)
        self.total = 0

    def used(self) -> int:
        stats = self.solver.accum_stats() or {}
        return int(stats.get("conflicts", 0))

    def allow(self, conflicts: int) -> None:
        self.total = self.used() + conflicts

    def solve(self, assumptions: Sequence[int] = ()) -> bool:
        left = self.total - self.used()
        if left <= 0:
            raise BudgetSpent
        self.solver.conf_budget(left)
        status = self.solver.solve_limited(assumptions=list(assumptions))
        if status is None:
            raise BudgetSpent
        return bool(status)

    def model(self) -> list[int]:
        return list(self.solver.get_model() or [])

    def delete(self) -> None:
        self.solver.delete()


@dataclass(slots=True)
class _Relaxed:
    """One incremental solver for all three phases: each agent's stability clauses carry a
    relaxation literal ``relax[g]`` ("agent g may block"), and ``strict`` forbids them all.
    Deciding under ``strict`` is the plain formula's question; dropping it is MaxSAT's."""

    solver: _Budgeted
    strict: int
    relax: list[int]


def _relaxed(enc: Encoding, c: Compiled, start: list[int]) -> _Relaxed:
    clauses = list(enc.clauses)
    strict = enc.new_var()
    relax = []
    for per_agent in enc.stability:
        r = enc.new_var()
        relax.append(r)
        clauses.extend([*cl, r] for cl in per_agent)
        clauses.append([-strict, -r])
    solver = _Budgeted(clauses)
    solver.solver.set_phases([*_phases(enc, c, start), *(-r for r in relax)])
    return _Relaxed(solver, strict, relax)


def decide(rel: _Relaxed, budget: ExactBudget) -> str:
    """``stable``, ``none_exists`` or ``unknown`` (conflict budget spent)."""
    rel.solver.allow(budget.decide_conflicts)
    try:
        found = rel.solver.solve([rel.strict])
    except BudgetSpent:
        return "unknown"
    return "stable" if found else "none_exists"


def favour_applicants(
    enc: Encoding, c: Compiled, rel: _Relaxed, start: list[int], budget: ExactBudget
) -> tuple[list[int], bool, int]:
    """Improve a stable matching for the applicant side until no stable matching is at least
    as good for every agent and better for one. Returns (matching, proven, improvements)."""
    solver = rel.solver
    solver.allow(budget.favour_conflicts)
    current = start
    rounds = 0
    while True:
        held = _positions(enc, c, current)
        better: list[int] = []
        for g, i in enumerate(held):
            pre = enc.prefix[g]
            if i >= 0:
                solver.solver.add_clause([-rel.strict, pre[i]])  # never worse for this agent
                if i > 0:
                    better.append(pre[i - 1])
            elif pre:
                better.append(pre[-1])
        if not better:
            return current, True, rounds
        act = enc.new_var()
        solver.solver.add_clause([-act, *better])
        try:
            found = solver.solve([rel.strict, act])
        except BudgetSpent:
            return current, False, rounds
        if not found:
            return current, True, rounds
        current = _decode(enc, c, solver.model())
        rounds += 1
        solver.solver.add_clause([-act])


def fewest_blocking_agents(
    enc: Encoding,
    c: Compiled,
    rel: _Relaxed,
    engine_agents: int,
    budget: ExactBudget,
    count: Any,
    start: list[int] | None = None,
    hot: set[int] | None = None,
) -> tuple[list[int], int, bool] | None:
    """Fewer blocking agents than the engine's ``engine_agents``: (matching, its number of
    blocking agents, proven fewest), or None when no matching beats the engine's (proven).

    MaxSAT by search from above: "at most k agents relaxed" through a totalizer on the same
    solver, k one below the best so far (``count(assigned)`` is the verifier's number), until
    unsatisfiable (the best is proven fewest) or the conflict budget is spent (the best so far,
    unproven; None if none beat the engine, and BudgetSpent is raised)."""
    bound = min(engine_agents - 1, MAX_MAXSAT_BOUND)
    if bound < 1:
        return None
    from pysat.card import ITotalizer  # see solver_version

    solver = rel.solver
    tot = ITotalizer(lits=rel.relax, ubound=bound, top_id=enc.nvars)
    enc.nvars = tot.top_id
    solver.solver.append_formula(tot.cnf.clauses)
    best: tuple[list[int], int] | None = None
    k = bound
    try:
        if start is not None and hot is not None:
            # Large-neighbourhood step first (half the budget): every agent away from the
            # engine's trouble keeps its engine assignment; only the blocking agents and those
            # seated where they block may move. Cheap, often enough; proves nothing.
            solver.allow(budget.maxsat_conflicts // 2)
            fixed = _fixed_outside(enc, c, start, hot)
            while k >= 1:
                try:
                    found = solver.solve([*fixed, *([-tot.rhs[k]] if k < len(tot.rhs) else [])])
                except BudgetSpent:
                    break
                if not found:
                    break
                assigned = _decode(enc, c, solver.model())
                best = (assigned, count(assigned))
                k = best[1] - 1
        solver.allow(budget.maxsat_conflicts - (budget.maxsat_conflicts // 2 if hot else 0))
        while k >= 1:
            try:
                # rhs[k]: more than k relaxed; absent when there are no more than k agents.
                found = solver.solve([-tot.rhs[k]] if k < len(tot.rhs) else [])
            except BudgetSpent:
                if best is None:
                    raise
                return best[0], best[1], False
            if not found:
                break
            assigned = _decode(enc, c, solver.model())
            agents = count(assigned)
            if agents > k:  # the encoding and the verifier disagree: an encoder bug
                raise RuntimeError(
                    f"MaxSAT allowed {k} blocking agents, the verifier finds {agents}"
                )
            best = (assigned, agents)
            k = agents - 1
    finally:
        tot.delete()
    if best is None:
        if bound < engine_agents - 1:
            raise BudgetSpent  # more than the totalizer counts to: unproven either way
        return None
    return best[0], best[1], True


def _fixed_outside(enc: Encoding, c: Compiled, start: list[int], hot: set[int]) -> list[int]:
    """Assumptions holding every agent not in ``hot`` (agent indices) to ``start``."""
    held = _positions(enc, c, start)
    lits = []
    for g, i in enumerate(held):
        if g in hot:
            continue
        if i >= 0:
            lits.append(enc.options[g][i][1])
        elif enc.prefix[g]:
            lits.append(-enc.prefix[g][-1])
    return lits


def _hot_agents(
    enc: Encoding, c: Compiled, start: list[int], blocking: Sequence[BlockingPair]
) -> set[int]:
    """Agents in a blocking pair, and agents seated at a program one of those pairs names."""
    agent_of = {(kind, idx): g for g, (kind, idx) in enumerate(enc.agents)}
    pidx = {pid: p for p, pid in enumerate(c.program_ids)}
    aidx = {aid: a for a, aid in enumerate(c.applicant_ids)}
    kidx = {cid: k for k, cid in enumerate(c.couple_ids)}
    hot: set[int] = set()
    programs: set[int] = set()
    for pair in blocking:
        if isinstance(pair, SingleBlockingPair):
            hot.add(agent_of[("single", aidx[pair.applicant])])
            programs.add(pidx[pair.program])
        elif isinstance(pair, CoupleBlockingPair):
            hot.add(agent_of[("couple", kidx[pair.couple])])
            programs.update(pidx[p] for p in pair.programs if p is not None)
    for a, p in enumerate(start):
        if p in programs:
            k = c.couple_of[a]
            hot.add(agent_of[("single", a)] if k == NONE else agent_of[("couple", k)])
    return hot


def refine(
    c: Compiled,
    engine: list[int],
    engine_blocking: Sequence[BlockingPair],
    budget: ExactBudget,
    blocking_of: Any,
) -> Outcome:
    """The exact step for an unstable engine matching; ``blocking_of(assigned)`` lists the
    blocking pairs of an assignment (the verifier's)."""
    engine_agents = blocking_agents(engine_blocking)
    report: dict[str, Any] = {
        "encoder": ENCODER_VERSION,
        "solver": solver_version(),
        "engine_blocking_agents": engine_agents,
    }
    problem = size_problem(c, budget)
    if problem:
        report.update(skipped_reason=problem, matching_source="engine")
        return Outcome("skipped", engine, report)

    enc = encode(c)
    report.update(
        variables=enc.plain_nvars,
        clauses=len(enc.clauses) + sum(len(s) for s in enc.stability),
        decide_conflict_budget=budget.decide_conflicts,
    )
    rel = _relaxed(enc, c, engine)
    try:
        verdict = decide(rel, budget)
        report["decide_conflicts"] = rel.solver.used()
        if verdict == "unknown":
            report["matching_source"] = "engine"
            return Outcome(verdict, engine, report)
        if verdict == "stable":
            first = _decode(enc, c, rel.solver.model())
            best, proven, rounds = favour_applicants(enc, c, rel, first, budget)
            if blocking_of(best):  # the encoding and the verifier disagree: an encoder bug
                raise RuntimeError("the SAT solver's matching has blocking pairs")
            report.update(
                matching_source="sat_stable",
                applicant_favouring=proven,
                favour_improvements=rounds,
                favour_conflict_budget=budget.favour_conflicts,
            )
            return Outcome(verdict, best, report)

        # none_exists: the plain formula's hash lets anyone re-check the proof (python -m
        # lis1.matching.exact --dimacs/--proof writes both).
        report["encoding_sha256"] = enc.dimacs_sha256()
        report["proof"] = (
            "DRAT: python -m lis1.matching.exact INSTANCE --dimacs F.cnf --proof F.drat"
        )
        report["maxsat"] = MAXSAT_VERSION
        report["maxsat_conflict_budget"] = budget.maxsat_conflicts
        try:
            found = fewest_blocking_agents(
                enc,
                c,
                rel,
                engine_agents,
                budget,
                lambda a: blocking_agents(blocking_of(a)),
                engine,
                _hot_agents(enc, c, engine, engine_blocking),
            )
        except BudgetSpent:
            report.update(
                matching_source="engine_fallback",
                blocking_agents=engine_agents,
                fewest_proven=False,
            )
            return Outcome(verdict, engine, report)
    finally:
        rel.solver.delete()
    if found is None:  # the engine's matching already has the fewest blocking agents
        report.update(
            matching_source="engine_fewest_blocking_agents",
            blocking_agents=engine_agents,
            fewest_proven=True,
        )
        return Outcome(verdict, engine, report)
    assigned, agents, proven = found
    report.update(
        matching_source="maxsat_fewest_blocking_agents"
        if proven
        else "maxsat_fewer_blocking_agents",
        blocking_agents=agents,
        fewest_proven=proven,
    )
    return Outcome(verdict, assigned, report)


def certificate(
    c: Compiled, budget: ExactBudget = DEFAULT_BUDGET
) -> tuple[str, Encoding, list[str]]:
    """Decide the plain formula with proof logging: (verdict, encoding, DRAT proof lines if
    UNSAT)."""
    enc = encode(c)
    solver = _Budgeted(enc.all_clauses(), with_proof=True)
    solver.solver.set_phases(_phases(enc, c, deferred_acceptance(c).assigned))
    solver.allow(budget.decide_conflicts)
    try:
        try:
            verdict = "stable" if solver.solve() else "none_exists"
        except BudgetSpent:
            verdict = "unknown"
        proof = list(solver.solver.get_proof() or []) if verdict == "none_exists" else []
    finally:
        solver.delete()
    return verdict, enc, proof


def main(argv: list[str] | None = None) -> int:
    """``python -m lis1.matching.exact INSTANCE.json [--dimacs F] [--proof F]``."""
    parser = argparse.ArgumentParser(
        prog="python -m lis1.matching.exact",
        description="Decide whether a lis1-match/1 instance has a stable matching; write the "
        "CNF (DIMACS) and, when none exists, a DRAT proof a checker such as drat-trim reads.",
    )
    parser.add_argument("instance")
    parser.add_argument("--dimacs", help="write the CNF here")
    parser.add_argument("--proof", help="write the DRAT proof here (only when UNSAT)")
    args = parser.parse_args(argv)
    try:
        with open(args.instance, "rb") as f:
            instance = instance_from_json(f.read())
    except (OSError, InstanceError) as exc:
        sys.stderr.write(f"lis1.matching.exact: error: {exc}\n")
        return 2
    c = compile_instance(instance)
    verdict, enc, proof = certificate(c)
    if args.dimacs:
        with open(args.dimacs, "w", encoding="ascii") as f:
            f.write(enc.dimacs())
    if args.proof and proof:
        with open(args.proof, "w", encoding="ascii") as f:
            f.writelines(line + "\n" for line in proof)
    sha = hashlib.sha256("".join(line + "\n" for line in proof).encode()).hexdigest()
    print(f"verdict {verdict}")
    print(f"encoding_sha256 {enc.dimacs_sha256()}")
    if proof:
        print(f"proof_lines {len(proof)} proof_sha256 {sha}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
