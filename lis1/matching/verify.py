"""Feasibility check and a complete list of blocking pairs for a matching.

Definitions (the ones the tests check against brute force):

* single applicant ``a`` and program ``p`` block when ``a`` ranks ``p`` above its match (or
  is unmatched and ranks ``p``), ``p`` ranks ``a``, and ``p`` has a free seat or holds
  someone it ranks below ``a``;
* couple ``C`` and pair ``(p1, p2)`` block when ``C`` ranks the pair above its current pair
  (or is unmatched) and each program would take the member(s) sent to it: with the couple's
  own members removed from wherever they sit now, the newcomers at a program must all be
  among its ``capacity`` best. So a member may take the seat its partner gives up, and a
  pair ``(P, P)`` needs room for both members at ``P``. ``null`` needs nothing.

Blocking pairs are sorted: singles by (applicant, program), then couples by (couple,
programs) with ``null`` first. This code is deliberately independent of the engine.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass

from lis1.matching.compiled import NONE, Compiled, compile_instance
from lis1.matching.instance import Instance, gc_paused, quote


class MatchingError(ValueError):
    """A matching is not feasible for its instance (unknown id, over capacity, unacceptable)."""


@dataclass(frozen=True, slots=True)
class SingleBlockingPair:
    applicant: str
    program: str

    def to_json(self) -> dict[str, object]:
        return {"applicant": self.applicant, "program": self.program}


@dataclass(frozen=True, slots=True)
class CoupleBlockingPair:
    couple: str
    programs: tuple[str | None, str | None]

    def to_json(self) -> dict[str, object]:
        return {"couple": self.couple, "programs": list(self.programs)}


BlockingPair = SingleBlockingPair | CoupleBlockingPair


def _sort_key(pair: BlockingPair) -> tuple[int, str, str, str]:
    if isinstance(pair, SingleBlockingPair):
        return (0, pair.applicant, pair.program, "")
    # Ids are non-empty, so "" stands for null and sorts first.
    return (1, pair.couple, pair.programs[0] or "", pair.programs[1] or "")


def verify(instance: Instance, matches: Mapping[str, str | None]) -> list[BlockingPair]:
    """Every blocking pair of ``matches`` (applicant id -> program id; absent or None means
    unmatched). Raises :class:`MatchingError` if the matching is not feasible."""
    c = compile_instance(instance)
    assigned = assignment_from_matches(c, matches)
    problems = feasibility_problems(c, assigned)
    if problems:
        raise MatchingError(problems[0])
    return blocking_pairs(c, assigned)


def assignment_from_matches(c: Compiled, matches: Mapping[str, str | None]) -> list[int]:
    aidx = {aid: i for i, aid in enumerate(c.applicant_ids)}
    pidx = {pid: i for i, pid in enumerate(c.program_ids)}
    assigned = [NONE] * len(c.applicant_ids)
    for aid, pid in matches.items():
        if aid not in aidx:
            raise MatchingError(f"unknown applicant {quote(aid)} in the matching")
        if pid is None:
            continue
        if pid not in pidx:
            raise MatchingError(
                f"applicant {quote(aid)} is matched to unknown program {quote(pid)}"
            )
        assigned[aidx[aid]] = pidx[pid]
    return assigned


def feasibility_problems(c: Compiled, assigned: list[int]) -> list[str]:
    """Capacity and mutual-acceptability violations, as one-line messages."""
    problems: list[str] = []
    count = [0] * len(c.program_ids)
    program_rank = c.program_rank
    prefs = c.prefs
    couple_of = c.couple_of
    for a, p in enumerate(assigned):
        if p == NONE:
            continue
        count[p] += 1
        if a not in program_rank[p]:
            problems.append(
                f"program {quote(c.program_ids[p])} does not rank applicant "
                f"{quote(c.applicant_ids[a])} matched to it"
            )
        if couple_of[a] == NONE and p not in prefs[a]:
            problems.append(
                f"applicant {quote(c.applicant_ids[a])} is matched to program "
                f"{quote(c.program_ids[p])}, which it did not rank"
            )
    for p, n in enumerate(count):
        if n > c.capacity[p]:
            problems.append(
                f"program {quote(c.program_ids[p])} holds {n} applicants "
                f"but has {c.capacity[p]} seats"
            )
    for k, (a, b) in enumerate(c.couple_members):
        pair = (assigned[a], assigned[b])
        if pair != (NONE, NONE) and pair not in c.couple_options[k]:
            names = [None if p == NONE else c.program_ids[p] for p in pair]
            problems.append(
                f"couple {quote(c.couple_ids[k])} is matched to {quote(names)}, "
                "which is not on its list"
            )
    return problems


def _held_ranks(c: Compiled, assigned: list[int]) -> list[list[int]]:
    held: list[list[int]] = [[] for _ in c.program_ids]
    for a, p in enumerate(assigned):
        if p != NONE:
            held[p].append(c.program_rank[p][a])
    for h in held:
        h.sort()
    return held


def _takes(held: list[int], capacity: int, newcomers: list[int], leavers: list[int]) -> bool:
    """Would a program holding ranks ``held`` keep all ``newcomers`` once ``leavers`` go?"""
    if leavers:
        held = list(held)
        for r in leavers:
            held.remove(r)
    better = bisect_left(held, max(newcomers))
    return better + len(newcomers) <= capacity


def _admits_below(c: Compiled, assigned: list[int]) -> list[int]:
    """Per program, the ranks that would get a seat there: below this bound (its worst held
    rank when it is full, beyond every rank when it has a free seat)."""
    program_rank = c.program_rank
    count = [0] * len(c.program_ids)
    worst = [-1] * len(c.program_ids)
    for a, p in enumerate(assigned):
        if p != NONE:
            count[p] += 1
            r = program_rank[p][a]
            if r > worst[p]:
                worst[p] = r
    free = len(c.applicant_ids)  # above every rank
    return [w if n >= cap else free for w, n, cap in zip(worst, count, c.capacity, strict=True)]


def blocking_pairs(c: Compiled, assigned: list[int]) -> list[BlockingPair]:
    """See :func:`_blocking_pairs`; no garbage collection while it runs (:func:`gc_paused`)."""
    with gc_paused():
        return _blocking_pairs(c, assigned)


def _blocking_pairs(c: Compiled, assigned: list[int]) -> list[BlockingPair]:
    """Every blocking pair of a feasible assignment, sorted."""
    program_rank = c.program_rank
    applicant_ids = c.applicant_ids
    program_ids = c.program_ids
    out: list[BlockingPair] = []

    # A single blocks with p above its match when p ranks it below p's bound.
    bound = _admits_below(c, assigned)
    unranked = len(applicant_ids)  # not below any bound
    prefs = c.prefs
    for a in c.singles:
        current = assigned[a]
        for p in prefs[a]:
            if p == current:
                break
            if program_rank[p].get(a, unranked) < bound[p]:
                out.append(SingleBlockingPair(applicant_ids[a], program_ids[p]))

    if c.couple_members:
        held = _held_ranks(c, assigned)
        for k, (a, b) in enumerate(c.couple_members):
            options = c.couple_options[k]
            pair = (assigned[a], assigned[b])
            end = len(options) if pair == (NONE, NONE) else options.index(pair)
            for j in range(end):
                if _couple_blocks(c, held, a, b, options[j], pair):
                    p1, p2 = options[j]
                    out.append(
                        CoupleBlockingPair(
                            c.couple_ids[k],
                            (
                                None if p1 == NONE else program_ids[p1],
                                None if p2 == NONE else program_ids[p2],
                            ),
                        )
                    )

    out.sort(key=_sort_key)
    return out


def _couple_blocks(
    c: Compiled,
    held: list[list[int]],
    a: int,
    b: int,
    option: tuple[int, int],
    current: tuple[int, int],
) -> bool:
    newcomers: dict[int, list[int]] = {}
    for m, p in ((a, option[0]), (b, option[1])):
        if p == NONE:
            continue
        r = c.program_rank[p].get(m)
        if r is None:
            return False
        newcomers.setdefault(p, []).append(r)
    for p, ranks in newcomers.items():
        leavers = [c.program_rank[p][m] for m, q in ((a, current[0]), (b, current[1])) if q == p]
        if not _takes(held[p], c.capacity[p], ranks, leavers):
            return False
    return True
