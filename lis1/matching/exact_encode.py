"""CNF encoding of "a stable matching of this instance", the verifier's definition exactly.

A model of the formula is a feasible matching without blocking pairs, as
:mod:`lis1.matching.verify` defines them; every such matching is a model. Variables:

* one per *option* of an *agent*: a single applicant with a program it ranks that ranks it
  back (and has seats); a couple with a pair on its list whose programs rank the member sent
  there (a pair ``(P, P)`` needs two seats). Options that cannot be matched cannot block
  either, so they get no variable;
* ``pre[g][i]``: agent ``g`` holds one of its first ``i + 1`` options (a ladder that also
  says "at most one option");
* a couple member at a program: the OR of its couple's options sending it there;
* per program a sequential counter ``S[i][j]``: at least ``j`` of the first ``i`` applicants
  on its ranking sit there, for ``j`` up to ``capacity + 1``, defined in both directions; the
  seat count is ``not S[n][capacity + 1]``.

Stability, one clause per agent and option it could block with (agent ``g``'s clauses are
kept apart so MaxSAT can relax them per agent): the agent holds that option or a better one,
or a program the option sends a member to is full with applicants it ranks higher. For a
couple the partner does not count against a member (it gives its seat up), and ``(P, P)``
needs ``P`` to keep both, so ``P`` refuses when ``capacity - 1`` others rank above the
worse of the two.

Everything is built in index order of :mod:`lis1.matching.compiled` (sorted ids), so the same
instance always gives the same formula, byte for byte (``sha256`` over its DIMACS text).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from lis1.matching.compiled import NONE, Compiled

ENCODER_VERSION = "lis1-stability-cnf/1"

Clause = list[int]


@dataclass(slots=True)
class Encoding:
    """The formula and the maps back from variables to a matching."""

    nvars: int = 0
    plain_nvars: int = 0  # variables of the plain formula (others are added by the solver)
    clauses: list[Clause] = field(default_factory=list)  # the matching: hard in every use
    # Per agent (singles first, in index order, then couples): stability clauses.
    stability: list[list[Clause]] = field(default_factory=list)
    # Per agent: (kind, index) with kind "single" (applicant index) or "couple" (couple index).
    agents: list[tuple[str, int]] = field(default_factory=list)
    # Per agent: its options in preference order as (position on its own list, variable).
    options: list[list[tuple[int, int]]] = field(default_factory=list)
    # Per agent: pre[i] is true when the agent holds one of options[0..i].
    prefix: list[list[int]] = field(default_factory=list)

    def new_var(self) -> int:
        self.nvars += 1
        return self.nvars

    def all_clauses(self) -> list[Clause]:
        return self.clauses + [cl for per_agent in self.stability for cl in per_agent]

    def dimacs_sha256(self) -> str:
        """sha256 of the DIMACS text of :meth:`all_clauses` (``p cnf`` header, one clause a
        line, ``\\n`` line ends): what a proof checker reads."""
        digest = hashlib.sha256()
        clauses = self.all_clauses()
        digest.update(f"p cnf {self.plain_nvars} {len(clauses)}\n".encode())
        for chunk in _dimacs_chunks(clauses):
            digest.update(chunk)
        return digest.hexdigest()

    def dimacs(self) -> str:
        clauses = self.all_clauses()
        head = f"p cnf {self.plain_nvars} {len(clauses)}\n"
        return head + b"".join(_dimacs_chunks(clauses)).decode()


def _dimacs_chunks(clauses: list[Clause], size: int = 20_000) -> list[bytes]:
    out = []
    for start in range(0, len(clauses), size):
        part = clauses[start : start + size]
        out.append("".join(" ".join(map(str, cl)) + " 0\n" for cl in part).encode())
    return out


def counter_cells(c: Compiled) -> int:
    """Size of the program counters (ranking length times seats + 2, summed): the measure
    the size budget uses, known before anything is built."""
    return sum(len(c.program_list[p]) * (c.capacity[p] + 2) for p in range(len(c.program_ids)))


def encode(c: Compiled) -> Encoding:
    enc = Encoding()
    clauses = enc.clauses
    true = enc.new_var()
    clauses.append([true])

    # Option variables, and each applicant's variable per program it may hold.
    at: list[dict[int, int]] = [{} for _ in c.applicant_ids]
    for a in c.singles:
        opts = []
        for pos, p in enumerate(c.prefs[a]):
            if c.capacity[p] > 0 and a in c.program_rank[p]:
                v = enc.new_var()
                opts.append((pos, v))
                at[a][p] = v
        enc.agents.append(("single", a))
        enc.options.append(opts)
    member_options: list[tuple[int, int, list[int]]] = []  # (applicant, program, option vars)
    for k, (a, b) in enumerate(c.couple_members):
        opts = []
        for pos, (p1, p2) in enumerate(c.couple_options[k]):
            if not _couple_option_feasible(c, a, b, p1, p2):
                continue
            v = enc.new_var()
            opts.append((pos, v))
        enc.agents.append(("couple", k))
        enc.options.append(opts)
        by_member: dict[tuple[int, int], list[int]] = {}
        for pos, v in opts:
            p1, p2 = c.couple_options[k][pos]
            if p1 != NONE:
                by_member.setdefault((a, p1), []).append(v)
            if p2 != NONE:
                by_member.setdefault((b, p2), []).append(v)
        for (m, p), vs in sorted(by_member.items()):
            member_options.append((m, p, vs))
    for m, p, vs in member_options:
        x = enc.new_var()
        at[m][p] = x
        clauses.append([-x, *vs])
        for v in vs:
            clauses.append([-v, x])

    # Ladders: pre[i] <-> some of options[0..i]; at most one option.
    for opts in enc.options:
        pre: list[int] = []
        for i, (_, v) in enumerate(opts):
            s = enc.new_var()
            clauses.append([-v, s])
            if i:
                prev = pre[-1]
                clauses.append([-prev, s])
                clauses.append([-v, -prev])
                clauses.append([-s, prev, v])
            else:
                clauses.append([-s, v])
            pre.append(s)
        enc.prefix.append(pre)

    # Program counters; snapshot[p][i] is the counter over the first i ranked applicants,
    # snapshot[p][i][j] the literal "at least j of them sit here" (index 0 is true).
    snapshots: list[list[list[int]]] = []
    for p in range(len(c.program_ids)):
        cap = c.capacity[p]
        row = [true]
        snaps = [row]
        for a in c.program_list[p]:
            held = at[a].get(p)
            if held is not None and cap > 0:
                row = _counter_step(enc, row, held, cap + 1, true)
            snaps.append(row)
        if len(row) > cap + 1:
            clauses.append([-row[cap + 1]])
        snapshots.append(snaps)

    def full(p: int, r: int, t: int, partner: int) -> int | None:
        """A literal implying that, not counting ``partner`` (applicant index or NONE), at
        least ``t`` of the applicants program ``p`` ranks above rank ``r`` sit at ``p``;
        None when that cannot happen (the program always has room)."""
        if t <= 0:
            return true
        row = snapshots[p][r]
        if len(row) <= t:
            return None
        x = at[partner].get(p) if partner != NONE else None
        if x is None or c.program_rank[p].get(partner, r) >= r:
            return row[t]
        more = row[t + 1] if len(row) > t + 1 else None
        f = enc.new_var()
        clauses.append([-f, row[t]])
        clauses.append([-f, -x] if more is None else [-f, more, -x])
        return f

    for g, (kind, idx) in enumerate(enc.agents):
        mine: list[Clause] = []
        pre = enc.prefix[g]
        for i, (pos, _) in enumerate(enc.options[g]):
            lits = [pre[i]]
            if kind == "single":
                p = c.prefs[idx][pos]
                f = full(p, c.program_rank[p][idx], c.capacity[p], NONE)
                if f is None:
                    mine.append(lits)
                    continue
                if f != true:
                    lits.append(f)
                else:
                    continue
            else:
                a, b = c.couple_members[idx]
                p1, p2 = c.couple_options[idx][pos]
                refusals = _couple_refusals(c, a, b, p1, p2)
                trivially_refused = False
                for p, r, t, partner in refusals:
                    f = full(p, r, t, partner)
                    if f is None:
                        continue
                    if f == true:
                        trivially_refused = True
                        break
                    lits.append(f)
                if trivially_refused:
                    continue
            mine.append(lits)
        enc.stability.append(mine)
    enc.plain_nvars = enc.nvars
    return enc


def _couple_option_feasible(c: Compiled, a: int, b: int, p1: int, p2: int) -> bool:
    for m, p in ((a, p1), (b, p2)):
        if p != NONE and (c.capacity[p] == 0 or m not in c.program_rank[p]):
            return False
    return not (p1 == p2 != NONE and c.capacity[p1] < 2)


def _couple_refusals(
    c: Compiled, a: int, b: int, p1: int, p2: int
) -> list[tuple[int, int, int, int]]:
    """Ways a couple's option can be refused: (program, rank, threshold, partner) meaning
    "program holds ``threshold`` others above ``rank``, not counting ``partner``"."""
    if p1 == p2 != NONE:
        ra, rb = c.program_rank[p1][a], c.program_rank[p1][b]
        better, worse = (a, rb) if ra < rb else (b, ra)
        return [(p1, worse, c.capacity[p1] - 1, better)]
    out = []
    if p1 != NONE:
        out.append((p1, c.program_rank[p1][a], c.capacity[p1], b))
    if p2 != NONE:
        out.append((p2, c.program_rank[p2][b], c.capacity[p2], a))
    return out


def _counter_step(enc: Encoding, prev: list[int], x: int, limit: int, true: int) -> list[int]:
    """The counter after one more applicant (variable ``x``): row[j] <-> prev[j] or
    (prev[j - 1] and x), for j up to ``limit``."""
    clauses = enc.clauses
    top = min(len(prev), limit)  # new row has indices 0..top
    row = [true]
    for j in range(1, top + 1):
        v = enc.new_var()
        below = prev[j - 1]
        if j < len(prev):
            same = prev[j]
            clauses.append([-same, v])
            clauses.append([-v, same, x])
            if j == 1:
                clauses.append([-x, v])
            else:
                clauses.append([-below, -x, v])
                clauses.append([-v, same, below])
        else:
            # prev[j] is false: row[j] <-> prev[j - 1] and x.
            clauses.append([-v, x])
            if j == 1:
                clauses.append([-x, v])
            else:
                clauses.append([-below, -x, v])
                clauses.append([-v, below])
        row.append(v)
    return row
