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
    problems, blocking = check_assignment(c, assignment_from_matches(c, matches))
    if problems:
        raise MatchingError(problems[0])
    return blocking


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


def check_assignment(c: Compiled, assigned: list[int]) -> tuple[list[str], list[BlockingPair]]:
    """The capacity and mutual-acceptability violations of an assignment, as one-line
    messages, and, when there are none, every blocking pair, sorted.

    One pass serves both: the count and worst held rank of each program, and each single's
    walk down its list to its match, are what both checks read. No garbage collection
    while it runs (:func:`gc_paused`)."""
    with gc_paused():
        return _check(c, assigned)


def blocking_pairs(c: Compiled, assigned: list[int]) -> list[BlockingPair]:
    """Every blocking pair of a feasible assignment, sorted (:class:`MatchingError` names the
    first problem of an infeasible one)."""
    problems, blocking = check_assignment(c, assigned)
    if problems:
        raise MatchingError(problems[0])
    return blocking


def _check(c: Compiled, assigned: list[int]) -> tuple[list[str], list[BlockingPair]]:
    program_rank = c.program_rank
    applicant_ids = c.applicant_ids
    program_ids = c.program_ids
    capacity = c.capacity
    prefs = c.prefs
    # (applicant, message): an applicant's problems come together, in applicant order.
    per_applicant: list[tuple[int, str]] = []

    count = [0] * len(program_ids)
    worst = [-1] * len(program_ids)
    for a, p in enumerate(assigned):
        if p == NONE:
            continue
        count[p] += 1
        r = program_rank[p].get(a)
        if r is None:
            per_applicant.append(
                (
                    a,
                    f"program {quote(program_ids[p])} does not rank applicant "
                    f"{quote(applicant_ids[a])} matched to it",
                )
            )
        elif r > worst[p]:
            worst[p] = r

    # A single blocks with p above its match when p ranks it below p's bound: its worst
    # held rank when it is full, beyond every rank while it has a free seat.
    out: list[BlockingPair] = []
    free = len(applicant_ids)
    bound = [w if n >= cap else free for w, n, cap in zip(worst, count, capacity, strict=True)]
    unranked = free  # not below any bound
    for a in c.singles:
        current = assigned[a]
        for p in prefs[a]:
            if p == current:
                break
            if program_rank[p].get(a, unranked) < bound[p]:
                out.append(SingleBlockingPair(applicant_ids[a], program_ids[p]))
        else:
            if current != NONE:
                per_applicant.append((a, _not_ranked(c, a, current)))

    per_applicant.sort(key=lambda item: item[0])  # stable: each applicant's own order kept
    problems = [message for _, message in per_applicant]
    for p, n in enumerate(count):
        if n > capacity[p]:
            problems.append(
                f"program {quote(program_ids[p])} holds {n} applicants but has {capacity[p]} seats"
            )

    blocking = not problems  # a couple's check reads every held rank
    held = _held_ranks(c, assigned) if blocking and c.couple_members else []
    for k, (a, b) in enumerate(c.couple_members):
        options = c.couple_options[k]
        pair = (assigned[a], assigned[b])
        if pair == (NONE, NONE):
            end = len(options)
        elif pair in options:
            end = options.index(pair)
        else:  # also an infeasible pair
            names = [None if p == NONE else program_ids[p] for p in pair]
            problems.append(
                f"couple {quote(c.couple_ids[k])} is matched to {quote(names)}, "
                "which is not on its list"
            )
            continue
        if not blocking:
            continue
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

    if problems:  # blocking pairs are defined for feasible assignments only
        return problems, []
    out.sort(key=_sort_key)
    return problems, out


def _not_ranked(c: Compiled, a: int, p: int) -> str:
    return (
        f"applicant {quote(c.applicant_ids[a])} is matched to program "
        f"{quote(c.program_ids[p])}, which it did not rank"
    )


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
