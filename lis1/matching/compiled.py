"""Integer form of an :class:`~lis1.matching.instance.Instance` that the algorithms work on.

Ids are mapped to indices in sorted id order, so every loop over applicants, programs or
couples visits them in an order that depends only on the ids, never on the order of the
lists in the input document.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

TYPE_CHECKING = False  # as typing's; importing typing would be a tenth of a small CLI run
if TYPE_CHECKING:
    from lis1.matching.instance import Instance

NONE = -1
"""Program index meaning "no program" (unmatched, or ``null`` in a couple's pair)."""


@dataclass(frozen=True, slots=True)
class Compiled:
    """Index-based instance. Rank 0 is a program's favourite applicant."""

    program_ids: list[str]
    applicant_ids: list[str]  # singles and couple members, sorted
    couple_ids: list[str]  # sorted
    capacity: list[int]
    program_rank: list[dict[int, int]]  # per program: applicant index -> rank
    program_list: list[list[int]]  # per program: applicant at each rank
    prefs: list[list[int]]  # per applicant: programs best first; [] for couple members
    couple_of: list[int]  # per applicant: couple index or NONE
    singles: list[int]  # single applicant indices, ascending
    couple_members: list[tuple[int, int]]
    couple_options: list[list[tuple[int, int]]]  # per couple: (program | NONE, program | NONE)
    # Per applicant, aligned with ``prefs``: the rank each listed program gives it (``unranked``
    # when it does not rank it). Optional: see :func:`with_pref_ranks`.
    pref_ranks: list[list[int]] | None = None


def with_pref_ranks(c: Compiled) -> Compiled:
    """``c`` with :attr:`Compiled.pref_ranks` filled in, for callers that run deferred
    acceptance many times on one compiled pool (the policy lab's projection: 2,000 runs).

    Building it costs a lookup for every listed pair, more than one run of deferred
    acceptance looks up (it stops at the first program that holds an applicant), so a single
    match does not use it; over many runs the lookups are paid once and each proposal
    reads a list instead of a dict.
    """
    unranked = len(c.prefs) + 1
    rank = c.program_rank
    return replace(
        c,
        pref_ranks=[[rank[p].get(a, unranked) for p in lst] for a, lst in enumerate(c.prefs)],
    )


def compile_instance(instance: Instance) -> Compiled:
    """The integer form; the parser's one-pass build when it made one (nothing changes a
    Compiled after it is built, so runs may share it)."""
    if instance.compiled is not None:
        return instance.compiled
    program_ids = sorted(p.id for p in instance.programs)
    pidx = {pid: i for i, pid in enumerate(program_ids)}
    applicant_ids = sorted(
        [a.id for a in instance.applicants] + [m for c in instance.couples for m in c.members]
    )
    aidx = {aid: i for i, aid in enumerate(applicant_ids)}
    n_programs = len(program_ids)

    capacity = [0] * n_programs
    program_rank: list[dict[int, int]] = [{} for _ in range(n_programs)]
    program_list: list[list[int]] = [[] for _ in range(n_programs)]
    for program in instance.programs:
        p = pidx[program.id]
        capacity[p] = program.capacity
        ranked = [aidx[aid] for aid in program.ranking]
        program_list[p] = ranked
        program_rank[p] = {a: r for r, a in enumerate(ranked)}

    prefs: list[list[int]] = [[] for _ in applicant_ids]
    for applicant in instance.applicants:
        prefs[aidx[applicant.id]] = [pidx[pid] for pid in applicant.ranking]
    singles = sorted(aidx[a.id] for a in instance.applicants)

    couple_of = [NONE] * len(applicant_ids)
    couples = sorted(instance.couples, key=lambda c: c.id)
    couple_members: list[tuple[int, int]] = []
    couple_options: list[list[tuple[int, int]]] = []
    for k, couple in enumerate(couples):
        a, b = aidx[couple.members[0]], aidx[couple.members[1]]
        couple_of[a] = couple_of[b] = k
        couple_members.append((a, b))
        couple_options.append(
            [
                (NONE if p1 is None else pidx[p1], NONE if p2 is None else pidx[p2])
                for p1, p2 in couple.ranking
            ]
        )

    return Compiled(
        program_ids=program_ids,
        applicant_ids=applicant_ids,
        couple_ids=[c.id for c in couples],
        capacity=capacity,
        program_rank=program_rank,
        program_list=program_list,
        prefs=prefs,
        couple_of=couple_of,
        singles=singles,
        couple_members=couple_members,
        couple_options=couple_options,
    )
