"""``solve``: singles deferred acceptance, couple insertion, then the verifier's verdict."""

from __future__ import annotations

from lis1.matching.budget import DEFAULT_BUDGET, ExactBudget
from lis1.matching.compiled import NONE, Compiled, compile_instance
from lis1.matching.deferred_acceptance import deferred_acceptance
from lis1.matching.instance import Instance, gc_paused
from lis1.matching.result import Result, statistics
from lis1.matching.verify import BlockingPair, check_assignment

TYPE_CHECKING = False  # as typing's; importing typing would be a tenth of a small CLI run
if TYPE_CHECKING:
    from lis1.matching.couples import Attempt

# Couple insertion (lis1.matching.couples) and the exact step (lis1.matching.exact) are
# imported where a market needs them: a singles market, the common case, needs neither, and
# their imports were a tenth of a whole small run.


def solve(instance: Instance, *, exact: ExactBudget | None = DEFAULT_BUDGET) -> Result:
    """See :func:`_solve`; no garbage collection while it runs (:func:`gc_paused`)."""
    with gc_paused():
        return _solve(compile_instance(instance), instance.seed, instance.input_sha256, exact)


def solve_compiled(
    c: Compiled, seed: int, input_sha256: str, *, exact: ExactBudget | None = DEFAULT_BUDGET
) -> Result:
    """:func:`solve` on the integer form (:func:`~lis1.matching.instance.compile_document`)."""
    with gc_paused():
        return _solve(c, seed, input_sha256, exact)


def _blocking(c: Compiled, assigned: list[int]) -> list[BlockingPair]:
    """Every blocking pair of an assignment the engine made. The same pass checks that it is
    feasible; a problem there is an engine bug, never an input problem."""
    problems, blocking = check_assignment(c, assigned)
    if problems:
        raise RuntimeError(f"engine produced an infeasible matching: {problems[0]}")
    return blocking


def _solve(c: Compiled, seed: int, input_sha256: str, exact: ExactBudget | None) -> Result:
    """The applicant-optimal stable matching when there are no couples; with couples, the
    Roth–Peranson-style result, reported with ``stable`` exactly as the verifier finds it.
    When that is unstable, the exact step (:mod:`lis1.matching.exact`, ``exact=None`` turns it
    off) decides whether a stable matching exists and may replace the matching."""
    base = deferred_acceptance(c)
    assigned = base.assigned
    attempts = 0
    cycle = False
    not_inserted = 0
    if not c.couple_members:
        blocking = _blocking(c, assigned)
    else:
        import random

        from lis1.matching.couples import MAX_ATTEMPTS, next_order, run_attempt, step_budget

        budget = step_budget(c)
        rng = random.Random(seed)
        order = list(range(len(c.couple_members)))
        best: tuple[Attempt, list[BlockingPair]] | None = None
        for number in range(MAX_ATTEMPTS):
            attempt = run_attempt(c, base, order, number, budget, seed)
            budget -= attempt.steps
            attempts += 1
            found = _blocking(c, attempt.assigned)
            if best is None or len(found) < len(best[1]):
                best = (attempt, found)
            if not found or budget <= 0 or len(order) < 2:
                break
            order = next_order(len(order), rng, attempt.failed)
        assert best is not None  # there is always attempt 0
        assigned, blocking = best[0].assigned, best[1]
        cycle = best[0].cycle_detected
        not_inserted = best[0].not_inserted

    verdict, report = "stable", None
    if blocking and exact is not None:
        from lis1.matching.exact import refine

        outcome = refine(c, assigned, blocking, exact, lambda a: _blocking(c, a))
        verdict, report = outcome.verdict, outcome.report
        if outcome.assigned is not assigned:
            assigned = outcome.assigned
            # The insertion diagnostics in the statistics stay the engine's attempt's.
            blocking = _blocking(c, assigned)
    elif blocking:
        verdict = "unknown"

    # Every assignment above had its blocking pairs from _blocking, which checks feasibility.
    matches = {c.applicant_ids[a]: c.program_ids[p] for a, p in enumerate(assigned) if p != NONE}
    unmatched = tuple(c.applicant_ids[a] for a, p in enumerate(assigned) if p == NONE)
    return Result(
        matches=matches,
        unmatched=unmatched,
        stable=not blocking,
        blocking_pairs=tuple(blocking),
        input_sha256=input_sha256,
        statistics=statistics(c, assigned, attempts, cycle, not_inserted),
        verdict=verdict,
        exact=report,
    )
