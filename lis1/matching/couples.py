"""Couples, inserted into the singles' deferred-acceptance matching (Roth–Peranson 1999).

The start is the applicant-optimal matching of the singles. Couples are then inserted one
at a time with a work stack, in the sequential manner of Roth and Peranson:

* an agent (a single, or a couple) proposes down its list from where it stopped. A single
  is accepted where the program has a free seat or holds someone it ranks lower; a couple
  proposes a pair and is accepted only if *both* programs would take the member sent to
  them, counting the seat(s) the couple itself gives up, and a pair ``(P, P)`` needs two
  such seats at ``P``; ``null`` needs nothing. Whoever is pushed out goes on the stack and
  resumes below the place it lost;
* when a couple member is pushed out the whole couple withdraws (the partner leaves its
  seat too) and resumes with the pair after the one it held;
* a seat can therefore become free without a replacement (a withdrawal, or an agent moving
  up to a better place). Such a program is marked; whenever the stack runs empty the
  marked programs are examined and every agent that now forms a blocking pair with one of
  them is put back on the stack, its pointer moved back to that program (a single), or to
  the first pair through that program that would now be accepted (a couple). With a free
  seat only as many single applicants as there are free seats are needed (in the
  program's order); everyone below them is then below a full program. This keeps the
  invariant that when a couple's insertion ends, no inserted agent has a blocking option.

The process need not terminate (a stable matching may not exist). The assignment is
hashed incrementally, and a couple proposing from the same pair in the same assignment
twice during one insertion is taken as a cycle: every endless run does that within one
round of its cycle (the process is deterministic with finitely many states, and singles
alone always stop), and a false alarm would only defer the couple. A cycling insertion,
or one that exceeds its step budget, is undone (the first change to each applicant,
couple and program is saved and restored) and the couple is deferred: deferred couples
are tried again after all others, as long as that helps, and then a few times with the
stack worked off in a seeded random order (a random path often leaves a cycle that the
fixed order keeps going round; there a repeated state is no proof, so a few are allowed).

There is one step budget for the whole run, proportional to the size of the instance.
Attempt 0 inserts the couples in couple-id order; only if its result is not stable are
more orders tried (the couples that failed first, then the rest, both shuffled with
``random.Random(seed)``), each with what is left of that budget. Every attempt starts
from the same singles matching; the verifier is not run inside the loop. The caller keeps
the first attempt whose result the verifier finds stable, otherwise the one with the
fewest blocking pairs; nothing here claims stability.
"""

from __future__ import annotations

import random
from bisect import bisect_left, insort
from dataclasses import dataclass

from lis1.matching.compiled import NONE, Compiled
from lis1.matching.deferred_acceptance import SinglesState
from lis1.matching.instance import gc_paused

MAX_ATTEMPTS = 5
# A step is one agent taken from the stack, one list entry or pair it may look at, or one
# entry of a program's list examined for blocking agents. The NRMP-scale instance with 5 %
# couples needs ~42,000 steps (~0.04 per list entry); the budgets only stop runaway work
# (at that scale ~2.2 million steps, some seconds to tens of seconds in the worst case).
BUDGET_FACTOR = 2  # steps for all attempts together, per entry of all lists ...
BUDGET_MIN = 200_000  # ... plus this many
INSERT_BUDGET_FACTOR = 0.02  # steps for one couple's insertion, per entry of all lists ...
INSERT_BUDGET_MIN = 20_000  # ... but at least this many (most insertions need < 100)

RANDOM_TRIES = 3  # tries per couple with a random stack order, after the fixed ones fail
RANDOM_REPEATS = 20  # repeated states allowed in one such try

_NOT_RANKED = 1 << 40  # "position" of a program in the list of a single who did not rank it
_MEMBER = -1  # the same, for a couple member (couples are handled separately)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One pass of couple insertion; ``assigned`` is a feasible matching."""

    number: int
    assigned: list[int]
    not_inserted: int  # couples whose insertion cycled or ran out of steps, left unmatched
    cycle_detected: bool
    failed: tuple[int, ...] = ()  # those couples, in the order they were tried
    steps: int = 0


class _StepBudgetExceeded(Exception):
    pass


class _CycleDetected(Exception):
    pass


class _Engine:
    """Mutable matching state for one attempt.

    ``held[p]`` is the ascending list of the ranks (in ``p``'s list) of the applicants at
    ``p``. A single ``a`` sits at index ``cur[a]`` of its list (its length when unmatched)
    and proposes next from ``ptr[a]``; a couple ``k`` holds pair ``ccur[k]`` (the number of
    its pairs when unmatched) and proposes next from ``cptr[k]``. While an insertion runs,
    the first change to any of these is saved in ``saved_*`` so the insertion can be undone.
    """

    def __init__(self, c: Compiled, base: SinglesState) -> None:
        self.c = c
        self.held = [list(h) for h in base.held]
        self.assigned = list(base.assigned)
        self.cur = list(base.position)
        self.ptr = list(base.position)
        n_couples = len(c.couple_options)
        self.ccur = [len(options) for options in c.couple_options]
        self.cptr = [0] * n_couples
        self.active = [False] * n_couples
        self.queued = bytearray(len(c.applicant_ids))
        self.cqueued = bytearray(n_couples)
        self.stack: list[int] = []  # a single as its index a, a couple k as ~k
        self.dirty: set[int] = set()  # programs that lost an applicant without replacement
        self.steps = 0
        self.limit = 0
        self.rng: random.Random | None = None
        self.repeats = 0
        self.state_hash = 0
        for a, p in enumerate(self.assigned):
            if p != NONE:
                self.state_hash ^= hash((a, p))
        self.seen: set[tuple[int, int, int]] = set()
        self.saved_a: dict[int, tuple[int, int, int]] = {}
        self.saved_p: dict[int, list[int]] = {}
        self.saved_k: dict[int, tuple[int, int, bool]] = {}
        self.saved_hash = 0
        # Lazily built lookups (they depend on the instance only).
        self.rank_at: list[list[int] | None] = [None] * len(c.applicant_ids)
        self.pos_at: list[list[int] | None] = [None] * len(c.program_ids)
        self.pairs_at: list[dict[tuple[int, int], list[int]] | None] = [None] * n_couples

    # -- lookups --------------------------------------------------------------------------

    def _ranks(self, a: int) -> list[int]:
        """For single ``a``: at each index of its list, its rank there (-1: not ranked)."""
        ranks = self.rank_at[a]
        if ranks is None:
            pr = self.c.program_rank
            ranks = [pr[p].get(a, -1) for p in self.c.prefs[a]]
            self.rank_at[a] = ranks
        return ranks

    def _positions(self, q: int) -> list[int]:
        """For program ``q``: per rank, where ``q`` is in that single's list."""
        pos = self.pos_at[q]
        if pos is None:
            c = self.c
            pos = []
            for x in c.program_list[q]:
                if c.couple_of[x] != NONE:
                    pos.append(_MEMBER)
                else:
                    lst = c.prefs[x]
                    pos.append(lst.index(q) if q in lst else _NOT_RANKED)
            self.pos_at[q] = pos
        return pos

    def _pairs_with(self, k: int, slot: int, q: int) -> list[int]:
        """Indices of couple ``k``'s pairs that send member ``slot`` to ``q``, ascending."""
        table = self.pairs_at[k]
        if table is None:
            table = {}
            for i, pair in enumerate(self.c.couple_options[k]):
                for s in (0, 1):
                    if pair[s] != NONE:
                        table.setdefault((s, pair[s]), []).append(i)
            self.pairs_at[k] = table
        return table.get((slot, q), [])

    # -- undo -----------------------------------------------------------------------------

    def _save_a(self, a: int) -> None:
        if a not in self.saved_a:
            self.saved_a[a] = (self.assigned[a], self.cur[a], self.ptr[a])

    def _save_p(self, p: int) -> None:
        if p not in self.saved_p:
            self.saved_p[p] = list(self.held[p])

    def _save_k(self, k: int) -> None:
        if k not in self.saved_k:
            self.saved_k[k] = (self.ccur[k], self.cptr[k], self.active[k])

    def _rollback(self) -> None:
        for x in self.stack:
            if x >= 0:
                self.queued[x] = 0
            else:
                self.cqueued[~x] = 0
        self.stack.clear()
        self.dirty.clear()
        for a, (p, i, j) in self.saved_a.items():
            self.assigned[a] = p
            self.cur[a] = i
            self.ptr[a] = j
        for p, h in self.saved_p.items():
            self.held[p] = h
        for k, (i, j, on) in self.saved_k.items():
            self.ccur[k] = i
            self.cptr[k] = j
            self.active[k] = on
        self.state_hash = self.saved_hash

    # -- inserting a couple ---------------------------------------------------------------

    def insert(self, k: int, budget: int, rng: random.Random | None = None) -> bool:
        """Insert couple k; on a cycle or after ``budget`` steps undo it and return False.

        Raises :class:`_CycleDetected` after undoing, so the caller can record it. With
        ``rng`` the stack is worked off in a random order instead of last-in first-out (a
        random path can leave a cycle that the fixed order keeps going round); a repeated
        state is then no proof of a cycle, so only ``RANDOM_REPEATS`` of them are allowed."""
        self.rng = rng
        self.repeats = 0
        self.saved_a.clear()
        self.saved_p.clear()
        self.saved_k.clear()
        self.saved_hash = self.state_hash
        self.seen.clear()
        self.limit = self.steps + budget
        self._save_k(k)
        self.active[k] = True
        self._push_couple(k)
        try:
            while True:
                self._run()
                if not self.dirty:
                    break
                dirty = sorted(self.dirty)
                self.dirty.clear()
                for q in dirty:
                    self._examine(q)
        except _StepBudgetExceeded:
            self._rollback()
            return False
        except _CycleDetected:
            self._rollback()
            raise
        return True

    def _run(self) -> None:
        stack = self.stack
        while stack:
            self.steps += 1
            if self.steps > self.limit:
                raise _StepBudgetExceeded
            if self.rng is not None and len(stack) > 1:
                j = self.rng.randrange(len(stack))
                stack[j], stack[-1] = stack[-1], stack[j]
            x = stack.pop()
            if x >= 0:
                self.queued[x] = 0
                self._propose_single(x)
            else:
                k = ~x
                self.cqueued[k] = 0
                key = (self.state_hash, k, self.cptr[k])
                if key in self.seen:
                    self.repeats += 1
                    if self.rng is None or self.repeats > RANDOM_REPEATS:
                        raise _CycleDetected
                self.seen.add(key)
                self._propose_couple(k)

    def _push_single(self, a: int) -> None:
        if not self.queued[a]:
            self.queued[a] = 1
            self.stack.append(a)

    def _push_couple(self, k: int) -> None:
        if not self.cqueued[k]:
            self.cqueued[k] = 1
            self.stack.append(~k)

    # -- seats ----------------------------------------------------------------------------

    def _leave(self, a: int) -> None:
        """``a`` (saved by the caller) gives up its seat, if any; the program is marked."""
        p = self.assigned[a]
        if p != NONE:
            self._save_p(p)
            h = self.held[p]
            del h[bisect_left(h, self.c.program_rank[p][a])]
            self.assigned[a] = NONE
            self.state_hash ^= hash((a, p))
            self.dirty.add(p)

    def _take(self, a: int, p: int, r: int) -> None:
        """``a`` (saved by the caller, seatless) sits down at ``p`` with rank ``r``."""
        self._save_p(p)
        insort(self.held[p], r)
        self.assigned[a] = p
        self.state_hash ^= hash((a, p))

    def _overflow(self, p: int) -> None:
        """Push out ``p``'s lowest-ranked applicants while it holds too many."""
        h = self.held[p]
        while len(h) > self.c.capacity[p]:
            b = self.c.program_list[p][h.pop()]
            self._save_a(b)
            self.assigned[b] = NONE
            self.state_hash ^= hash((b, p))
            self._bumped(b)

    def _bumped(self, b: int) -> None:
        c = self.c
        k = c.couple_of[b]
        if k == NONE:
            if not self.queued[b]:
                self.ptr[b] = self.cur[b] + 1  # resume below the program it lost
            self.cur[b] = len(c.prefs[b])
            self._push_single(b)
            return
        a1, a2 = c.couple_members[k]
        partner = a2 if b == a1 else a1
        self._save_a(partner)
        self._leave(partner)
        self._save_k(k)
        if not self.cqueued[k]:
            self.cptr[k] = self.ccur[k] + 1  # resume after the pair it lost
        self.ccur[k] = len(c.couple_options[k])
        self._push_couple(k)

    # -- proposals ------------------------------------------------------------------------

    def _propose_single(self, a: int) -> None:
        c = self.c
        lst = c.prefs[a]
        ranks = self._ranks(a)
        held = self.held
        capacity = c.capacity
        end = self.cur[a]
        i = self.ptr[a]
        self.steps += end - i  # (an upper bound of) the list entries looked at
        while i < end:
            r = ranks[i]
            if r >= 0:
                p = lst[i]
                h = held[p]
                if len(h) < capacity[p] or (h and h[-1] > r):
                    self._save_a(a)
                    self._leave(a)
                    self._take(a, p, r)
                    self.cur[a] = self.ptr[a] = i
                    self._overflow(p)
                    return
            i += 1
        if self.ptr[a] != end:
            self._save_a(a)
            self.ptr[a] = end

    def _fits(self, a: int, b: int, p1: int, p2: int) -> bool:
        """Would p1 take a and p2 take b, counting the seats the couple itself gives up?"""
        c = self.c
        qa, qb = self.assigned[a], self.assigned[b]
        if p1 == p2:
            rank = c.program_rank[p1]
            r1 = rank.get(a)
            r2 = rank.get(b)
            if r1 is None or r2 is None:
                return False
            worse = r1 if r1 > r2 else r2
            better_held = bisect_left(self.held[p1], worse)
            better_held -= (qa == p1 and r1 < worse) + (qb == p1 and r2 < worse)
            return better_held + 2 <= c.capacity[p1]
        if p1 != NONE:
            r = c.program_rank[p1].get(a)
            if r is None:
                return False
            if qa != p1 and qb != p1:  # else a keeps its seat or takes its partner's
                h = self.held[p1]
                if not (len(h) < c.capacity[p1] or (h and h[-1] > r)):
                    return False
        if p2 != NONE:
            r = c.program_rank[p2].get(b)
            if r is None:
                return False
            if qb != p2 and qa != p2:
                h = self.held[p2]
                if not (len(h) < c.capacity[p2] or (h and h[-1] > r)):
                    return False
        return True

    def _propose_couple(self, k: int) -> None:
        a, b = self.c.couple_members[k]
        options = self.c.couple_options[k]
        end = self.ccur[k]
        i = self.cptr[k]
        self.steps += end - i
        while i < end:
            p1, p2 = options[i]
            if self._fits(a, b, p1, p2):
                self._move_couple(k, i)
                return
            i += 1
        if self.cptr[k] != end:
            self._save_k(k)
            self.cptr[k] = end

    def _move_couple(self, k: int, i: int) -> None:
        c = self.c
        a, b = c.couple_members[k]
        p1, p2 = c.couple_options[k][i]
        self._save_a(a)
        self._save_a(b)
        self._save_k(k)
        self._leave(a)
        self._leave(b)
        if p1 != NONE:
            self._take(a, p1, c.program_rank[p1][a])
        if p2 != NONE:
            self._take(b, p2, c.program_rank[p2][b])
        self.ccur[k] = self.cptr[k] = i
        if p1 != NONE:
            self._overflow(p1)
        if p2 != NONE and p2 != p1:
            self._overflow(p2)
        if self.ccur[k] == i and (p1 != NONE or p2 != NONE):
            # Its new seats may make a better pair fit: a member can take the seat its
            # partner gives up, e.g. from (null, P) to the preferred (P, null).
            options = c.couple_options[k]
            self.steps += i
            for j in range(i):
                if self._fits(a, b, *options[j]):
                    self.cptr[k] = j
                    self._push_couple(k)
                    return

    # -- seats freed without a replacement ------------------------------------------------

    def _examine(self, q: int) -> None:
        """Put back on the stack every agent that now forms a blocking pair with ``q``.

        With ``free`` free seats, the first ``free`` singles in ``q``'s order who prefer it
        will take them; after that only applicants ranked above the lowest one ``q`` holds
        can block. Couples are checked with the exact pair condition and are not counted
        as filling a seat (their pair may stop fitting before they propose)."""
        self.steps += 1
        c = self.c
        h = self.held[q]
        free = c.capacity[q] - len(h)
        worst = h[-1] if h else -1
        lst = c.program_list[q]
        pos = self._positions(q)
        cur = self.cur
        for r in range(len(lst)):
            if free <= 0 and r >= worst:
                break
            self.steps += 1
            i = pos[r]
            if i == _MEMBER:
                self._examine_couple(lst[r], q)
                continue
            x = lst[r]
            if i < cur[x]:
                self._save_a(x)
                if not self.queued[x] or i <= self.ptr[x]:
                    self.ptr[x] = i
                    if free > 0:
                        free -= 1  # x proposes to q first and takes the seat
                self._push_single(x)

    def _examine_couple(self, x: int, q: int) -> None:
        c = self.c
        k = c.couple_of[x]
        if not self.active[k]:
            return
        a, b = c.couple_members[k]
        options = c.couple_options[k]
        end = self.ccur[k]
        for i in self._pairs_with(k, 0 if x == a else 1, q):
            if i >= end:
                return
            p1, p2 = options[i]
            if self._fits(a, b, p1, p2):
                self._save_k(k)
                if not self.cqueued[k] or i < self.cptr[k]:
                    self.cptr[k] = i
                self._push_couple(k)
                return


def list_entries(c: Compiled) -> int:
    return (
        sum(len(lst) for lst in c.program_list)
        + sum(len(lst) for lst in c.prefs)
        + sum(len(options) for options in c.couple_options)
        + len(c.applicant_ids)
    )


def step_budget(c: Compiled) -> int:
    """Steps (proposals and examined programs) for all attempts of one run together."""
    return BUDGET_FACTOR * list_entries(c) + BUDGET_MIN


def next_order(n_couples: int, rng: random.Random, failed: tuple[int, ...]) -> list[int]:
    """A new insertion order: the couples that failed last time first, then the others."""
    first = list(failed)
    rng.shuffle(first)
    failed_set = set(failed)
    rest = [k for k in range(n_couples) if k not in failed_set]
    rng.shuffle(rest)
    return first + rest


def run_attempt(
    c: Compiled, base: SinglesState, order: list[int], number: int, budget: int, seed: int = 0
) -> Attempt:
    """See :func:`_run_attempt`; no garbage collection while it runs (:func:`gc_paused`)."""
    with gc_paused():
        return _run_attempt(c, base, order, number, budget, seed)


def _run_attempt(
    c: Compiled, base: SinglesState, order: list[int], number: int, budget: int, seed: int = 0
) -> Attempt:
    """Insert the couples in ``order`` within ``budget`` steps. Failed ones are retried
    after the others, as long as a round of retries places at least one of them; then
    each remaining one gets ``RANDOM_TRIES`` tries with a seeded random stack order."""
    entries = list_entries(c)
    insert_budget = max(INSERT_BUDGET_MIN, int(INSERT_BUDGET_FACTOR * entries))
    engine = _Engine(c, base)
    rng = random.Random(f"{seed}/{number}")
    cycle = False

    def try_insert(k: int, random_order: bool = False) -> bool:
        nonlocal cycle
        left = budget - engine.steps
        if left <= 0:
            return False
        try:
            return engine.insert(k, min(insert_budget, left), rng if random_order else None)
        except _CycleDetected:
            cycle = True
            return False

    failed = [k for k in order if not try_insert(k)]
    while failed and engine.steps < budget:
        again = [k for k in failed if not try_insert(k)]
        if len(again) == len(failed):
            break
        failed = again
    for _ in range(RANDOM_TRIES):
        failed = [k for k in failed if not try_insert(k, random_order=True)]
    return Attempt(
        number,
        engine.assigned,
        not_inserted=len(failed),
        cycle_detected=cycle,
        failed=tuple(failed),
        steps=engine.steps,
    )
