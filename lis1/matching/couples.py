"""Couples, inserted Roth–Peranson style into the singles' deferred-acceptance matching.

After singles DA, couples are inserted one at a time. An agent (a single or a couple) walks
down its list from a pointer and takes the first option where it would be accepted; it
may bump applicants who then re-enter the stack. Two things differ from singles DA:

* when a couple member is bumped, its partner withdraws too, and when an agent moves up
  it leaves its old seat; either way a seat becomes free *without* a replacement. Every
  applicant that the program ranks and that prefers it to its current place then gets its
  pointer moved back to that program and is put back on the stack (the Roth–Peranson
  "re-application" step). This keeps the invariant that, whenever the stack is empty,
  no inserted agent has a blocking option;
* the process need not terminate (a stable matching may not exist). Inserting one couple
  has a step budget, and cycling is detected by hashing the assignment each time a couple
  is about to propose: the same (assignment, couple) seen twice is a cycle. Either way the
  insertion is undone (an undo log restores the state before it) and the couple is
  deferred; deferred couples get one more try after all others, and a couple that fails
  again stays unmatched. There is also a budget for the whole attempt.

Attempt 0 inserts couples in couple-id order; later attempts use orders shuffled with
``random.Random(seed)``. The caller keeps the first attempt whose result the verifier
finds stable, otherwise the one with the fewest blocking pairs.
"""

from __future__ import annotations

import random
from bisect import bisect_left, insort
from dataclasses import dataclass
from typing import Any

from lis1.matching.compiled import NONE, Compiled
from lis1.matching.deferred_acceptance import SinglesState

MAX_ATTEMPTS = 5
CYCLE_REPEATS = 2
ATTEMPT_BUDGET_FACTOR = 10  # steps per attempt, per entry of all lists
INSERT_BUDGET_FACTOR = 0.005  # steps per couple insertion, per entry of all lists ...
INSERT_BUDGET_MIN = 5_000  # ... but at least this many (successful ones need ~100)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One pass of couple insertion; ``assigned`` is a feasible matching."""

    number: int
    assigned: list[int]
    not_inserted: int  # couples whose insertion cycled or ran out of steps, left unmatched
    cycle_detected: bool


class _StepBudgetExceeded(Exception):
    pass


class _CycleDetected(Exception):
    pass


def _key(a: int, p: int) -> int:
    # Integer tuple hashes do not depend on PYTHONHASHSEED, so runs are reproducible.
    return hash((a, p))


# Undo-log entry kinds.
_SET, _TOOK, _LEFT = 0, 1, 2


class _Engine:
    """Mutable matching state for one attempt, with an undo log for one couple insertion."""

    def __init__(self, c: Compiled, base: SinglesState) -> None:
        self.c = c
        self.held = [list(h) for h in base.held]
        self.assigned = list(base.assigned)
        self.cur = list(base.position)  # singles: index of current program, len if unmatched
        self.ptr = list(base.position)  # singles: next index to try
        self.ccur = [len(options) for options in c.couple_options]
        self.cptr = [0] * len(c.couple_options)
        self.active = [False] * len(c.couple_options)
        self.queued = bytearray(len(c.applicant_ids))
        self.cqueued = bytearray(len(c.couple_options))
        self.stack: list[int] = []  # a single as its index a, a couple k as ~k
        self.budget = 0
        self.state_hash = 0
        for a, p in enumerate(self.assigned):
            if p != NONE:
                self.state_hash ^= _key(a, p)
        self.seen: set[tuple[int, int]] = set()
        self.log: list[tuple[int, Any, int, int]] = []
        self.position_of: dict[int, dict[int, int]] = {}
        self.first_option: dict[int, dict[tuple[int, int], int]] = {}

    # -- inserting a couple ---------------------------------------------------------------

    def insert(self, k: int, budget: int) -> bool:
        """Insert couple k; on a cycle or after ``budget`` steps undo it and return False."""
        self.log.clear()
        self.seen.clear()
        self.budget = budget
        self._set(self.active, k, True)
        self._push_couple(k)
        try:
            self._run()
        except (_StepBudgetExceeded, _CycleDetected) as exc:
            self._rollback()
            if isinstance(exc, _CycleDetected):
                raise
            return False
        return True

    def _run(self) -> None:
        stack = self.stack
        while stack:
            self.budget -= 1
            if self.budget < 0:
                raise _StepBudgetExceeded
            x = stack.pop()
            if x >= 0:
                self.queued[x] = 0
                self._propose_single(x)
            else:
                k = ~x
                self.cqueued[k] = 0
                seen_key = (self.state_hash, k)
                if seen_key in self.seen:
                    raise _CycleDetected
                self.seen.add(seen_key)
                self._propose_couple(k)

    def _rollback(self) -> None:
        for x in self.stack:
            if x >= 0:
                self.queued[x] = 0
            else:
                self.cqueued[~x] = 0
        self.stack.clear()
        log = self.log
        while log:
            kind, target, i, value = log.pop()
            if kind == _SET:
                target[i] = value
            elif kind == _TOOK:  # a=i took a seat at p=value: give it back
                h = self.held[value]
                del h[bisect_left(h, self.c.program_rank[value][i])]
                self.assigned[i] = NONE
                self.state_hash ^= _key(i, value)
            else:  # a=i left p=value: sit down again
                insort(self.held[value], self.c.program_rank[value][i])
                self.assigned[i] = value
                self.state_hash ^= _key(i, value)

    def _set(self, array: Any, i: int, value: Any) -> None:
        self.log.append((_SET, array, i, array[i]))
        array[i] = value

    def _push_single(self, a: int) -> None:
        if not self.queued[a]:
            self.queued[a] = 1
            self.stack.append(a)

    def _push_couple(self, k: int) -> None:
        if not self.cqueued[k]:
            self.cqueued[k] = 1
            self.stack.append(~k)

    # -- seats ----------------------------------------------------------------------------

    def _take(self, a: int, p: int) -> None:
        insort(self.held[p], self.c.program_rank[p][a])
        self.assigned[a] = p
        self.state_hash ^= _key(a, p)
        self.log.append((_TOOK, None, a, p))

    def _leave(self, a: int) -> int:
        p = self.assigned[a]
        if p != NONE:
            h = self.held[p]
            del h[bisect_left(h, self.c.program_rank[p][a])]
            self.assigned[a] = NONE
            self.state_hash ^= _key(a, p)
            self.log.append((_LEFT, None, a, p))
        return p

    def _overflow(self, p: int) -> None:
        h = self.held[p]
        while len(h) > self.c.capacity[p]:
            b = self.c.program_list[p][h[-1]]
            self._leave(b)
            self._bumped(b)

    def _bumped(self, b: int) -> None:
        k = self.c.couple_of[b]
        if k == NONE:
            self._set(self.cur, b, len(self.c.prefs[b]))
            if not self.queued[b]:
                self._set(self.ptr, b, self.ptr[b] + 1)  # settled: ptr is where b was bumped
            self._push_single(b)
            return
        a1, a2 = self.c.couple_members[k]
        q = self._leave(a2 if b == a1 else a1)
        self._set(self.ccur, k, len(self.c.couple_options[k]))
        if not self.cqueued[k]:
            self._set(self.cptr, k, self.cptr[k] + 1)
        self._push_couple(k)
        if q != NONE and len(self.held[q]) < self.c.capacity[q]:
            self._freed(q)

    def _freed(self, q: int) -> None:
        """A seat at q became free: everyone q ranks who would rather be there tries again."""
        c = self.c
        for x in c.program_list[q]:
            k = c.couple_of[x]
            if k == NONE:
                positions = self.position_of.get(x)
                if positions is None:
                    positions = {p: i for i, p in enumerate(c.prefs[x])}
                    self.position_of[x] = positions
                i = positions.get(q)
                if i is not None and i < self.ptr[x]:
                    self._set(self.ptr, x, i)
                    self._push_single(x)
            elif self.active[k]:
                first = self.first_option.get(k)
                if first is None:
                    first = {}
                    for i, (p1, p2) in enumerate(c.couple_options[k]):
                        first.setdefault((0, p1), i)
                        first.setdefault((1, p2), i)
                    self.first_option[k] = first
                slot = 0 if c.couple_members[k][0] == x else 1
                i = first.get((slot, q))
                if i is not None and i < self.cptr[k]:
                    self._set(self.cptr, k, i)
                    self._push_couple(k)

    # -- proposals ------------------------------------------------------------------------

    def _propose_single(self, a: int) -> None:
        c = self.c
        lst = c.prefs[a]
        end = self.cur[a]
        i = self.ptr[a]
        while i < end:
            p = lst[i]
            r = c.program_rank[p].get(a)
            if r is not None:
                h = self.held[p]
                if len(h) < c.capacity[p] or (h and h[-1] > r):
                    old = self._leave(a)
                    self._take(a, p)
                    self._set(self.cur, a, i)
                    self._set(self.ptr, a, i)
                    self._overflow(p)
                    if old != NONE and len(self.held[old]) < c.capacity[old]:
                        self._freed(old)
                    return
            i += 1
        self._set(self.ptr, a, end)

    def _fits(self, a: int, b: int, p1: int, p2: int) -> bool:
        """Would p1 take a and p2 take b, counting the seats the couple itself gives up?"""
        c = self.c
        qa, qb = self.assigned[a], self.assigned[b]
        if p1 == p2:
            r1 = c.program_rank[p1].get(a)
            r2 = c.program_rank[p1].get(b)
            if r1 is None or r2 is None:
                return False
            worse = max(r1, r2)
            better_held = bisect_left(self.held[p1], worse)
            better_held -= (qa == p1 and r1 < worse) + (qb == p1 and r2 < worse)
            return better_held + 2 <= c.capacity[p1]
        for m, p, own, partners in ((a, p1, qa, qb), (b, p2, qb, qa)):
            if p == NONE:
                continue
            r = c.program_rank[p].get(m)
            if r is None:
                return False
            if own == p or partners == p:
                continue  # m keeps its seat, or takes the one its partner leaves
            h = self.held[p]
            if not (len(h) < c.capacity[p] or (h and h[-1] > r)):
                return False
        return True

    def _propose_couple(self, k: int) -> None:
        a, b = self.c.couple_members[k]
        options = self.c.couple_options[k]
        end = self.ccur[k]
        i = self.cptr[k]
        while i < end:
            p1, p2 = options[i]
            if self._fits(a, b, p1, p2):
                self._move_couple(k, i)
                return
            i += 1
        self._set(self.cptr, k, end)

    def _move_couple(self, k: int, i: int) -> None:
        c = self.c
        a, b = c.couple_members[k]
        p1, p2 = c.couple_options[k][i]
        old = {q for q in (self.assigned[a], self.assigned[b]) if q != NONE}
        before = {q: len(self.held[q]) for q in old}
        self._leave(a)
        self._leave(b)
        if p1 != NONE:
            self._take(a, p1)
        if p2 != NONE:
            self._take(b, p2)
        self._set(self.ccur, k, i)
        self._set(self.cptr, k, i)
        for p in sorted({p1, p2} - {NONE}):
            self._overflow(p)
        for q in sorted(old):
            if len(self.held[q]) < before[q] and len(self.held[q]) < c.capacity[q]:
                self._freed(q)


def attempt_orders(n_couples: int, seed: int) -> list[list[int]]:
    """Couple insertion orders: id order first, then seeded shuffles (no repeats)."""
    orders = [list(range(n_couples))]
    if n_couples < 2:
        return orders
    rng = random.Random(seed)
    tries = 0
    while len(orders) < MAX_ATTEMPTS and tries < 10 * MAX_ATTEMPTS:
        tries += 1
        order = list(range(n_couples))
        rng.shuffle(order)
        if order not in orders:
            orders.append(order)
    return orders


def list_entries(c: Compiled) -> int:
    return (
        sum(len(lst) for lst in c.program_list)
        + sum(len(lst) for lst in c.prefs)
        + sum(len(options) for options in c.couple_options)
        + len(c.applicant_ids)
    )


def run_attempt(c: Compiled, base: SinglesState, order: list[int], number: int) -> Attempt:
    """Insert the couples in ``order``; deferred ones get one more try at the end."""
    entries = list_entries(c)
    attempt_budget = ATTEMPT_BUDGET_FACTOR * entries + INSERT_BUDGET_MIN
    insert_budget = max(INSERT_BUDGET_MIN, int(INSERT_BUDGET_FACTOR * entries))
    engine = _Engine(c, base)
    cycle = False

    def try_insert(k: int) -> bool:
        nonlocal attempt_budget, cycle
        budget = min(insert_budget, attempt_budget)
        if budget <= 0:
            return False
        try:
            ok = engine.insert(k, budget)
        except _CycleDetected:
            ok = False
            cycle = True
        attempt_budget -= budget - max(engine.budget, 0)
        return ok

    deferred = [k for k in order if not try_insert(k)]
    failed = [k for k in deferred if not try_insert(k)]
    return Attempt(number, engine.assigned, not_inserted=len(failed), cycle_detected=cycle)
