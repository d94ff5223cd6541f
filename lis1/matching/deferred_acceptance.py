"""Applicant-proposing deferred acceptance (Gale–Shapley) for programs with seat counts.

The result is the applicant-optimal stable matching of the single applicants. Couple
members take no part here; :mod:`lis1.matching.couples` inserts them afterwards.

Each program holds the *ranks* of its tentatively accepted applicants in an ascending list,
so its worst held applicant is the last element and ``program_list[p][rank]`` recovers the
applicant. Ranks are small ints, which keeps ``insort`` cheap.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass

from lis1.matching.compiled import NONE, Compiled
from lis1.matching.instance import gc_paused


@dataclass(slots=True)
class SinglesState:
    """Tentative assignment after singles DA.

    ``position[a]`` is the index in ``a``'s list of the program holding it, or the list
    length when ``a`` is unmatched (it has been rejected by everything on its list).
    """

    assigned: list[int]
    position: list[int]
    held: list[list[int]]


def deferred_acceptance(c: Compiled) -> SinglesState:
    """See :func:`_deferred_acceptance`; no garbage collection while it runs (:func:`gc_paused`)."""
    with gc_paused():
        return _deferred_acceptance(c)


def _deferred_acceptance(c: Compiled) -> SinglesState:
    if c.pref_ranks is not None:
        return _with_pref_ranks(c, c.pref_ranks)
    capacity = c.capacity
    program_rank = c.program_rank
    program_list = c.program_list
    prefs = c.prefs
    held: list[list[int]] = [[] for _ in capacity]
    assigned = [NONE] * len(prefs)
    nxt = [0] * len(prefs)
    # admits[p]: p takes an applicant of a lower rank than this: its worst held rank once
    # it is full, any rank until then. Not ranked counts as a rank above every bound, so a
    # rejection costs one lookup and one comparison.
    free = len(prefs)
    unranked = free + 1
    admits = [free if cap else -1 for cap in capacity]

    # The result does not depend on the order of proposals; a stack is simply fastest.
    stack = c.singles[::-1]
    pop = stack.pop
    push = stack.append
    while stack:
        a = pop()
        lst = prefs[a]
        for i in range(nxt[a], len(lst)):
            p = lst[i]
            r = program_rank[p].get(a, unranked)
            if r < admits[p]:
                h = held[p]
                if len(h) < capacity[p]:
                    insort(h, r)
                    if len(h) == capacity[p]:
                        admits[p] = h[-1]
                else:
                    b = program_list[p][h.pop()]
                    insort(h, r)
                    admits[p] = h[-1]
                    assigned[b] = NONE
                    nxt[b] += 1  # b continues below the program that just rejected it
                    push(b)
                assigned[a] = p
                nxt[a] = i
                break
        else:
            nxt[a] = len(lst)
    return SinglesState(assigned=assigned, position=nxt, held=held)


def _with_pref_ranks(c: Compiled, pref_ranks: list[list[int]]) -> SinglesState:
    """The loop above reading each proposal's rank from ``pref_ranks`` (a list subscript)
    instead of the program's dict: a third less time per run where the pool is matched
    many times. Kept as a second copy of the loop because the hot loop is the whole cost;
    tests/matching/test_deferred_acceptance.py checks both give the same matching."""
    capacity = c.capacity
    program_list = c.program_list
    prefs = c.prefs
    held: list[list[int]] = [[] for _ in capacity]
    assigned = [NONE] * len(prefs)
    nxt = [0] * len(prefs)
    free = len(prefs)
    admits = [free if cap else -1 for cap in capacity]
    stack = c.singles[::-1]
    pop = stack.pop
    push = stack.append
    while stack:
        a = pop()
        lst = prefs[a]
        ranks = pref_ranks[a]
        for i in range(nxt[a], len(lst)):
            r = ranks[i]
            p = lst[i]
            if r < admits[p]:
                h = held[p]
                if len(h) < capacity[p]:
                    insort(h, r)
                    if len(h) == capacity[p]:
                        admits[p] = h[-1]
                else:
                    b = program_list[p][h.pop()]
                    insort(h, r)
                    admits[p] = h[-1]
                    assigned[b] = NONE
                    nxt[b] += 1
                    push(b)
                assigned[a] = p
                nxt[a] = i
                break
        else:
            nxt[a] = len(lst)
    return SinglesState(assigned=assigned, position=nxt, held=held)
