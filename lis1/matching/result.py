"""The ``lis1-match-result/1`` result: dataclasses, statistics and deterministic JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from lis1.matching.compiled import NONE, Compiled
from lis1.matching.instance import MATCH_RESULT_FORMAT
from lis1.matching.verify import BlockingPair

TYPE_CHECKING = False  # as typing's; importing typing would be a tenth of a small CLI run
if TYPE_CHECKING:
    from typing import Any

ENGINE_VERSION = "lis1-matching/1.0.0"


@dataclass(frozen=True, slots=True)
class Statistics:
    """Counts the Django side shows on a match run; all deterministic (no timings)."""

    applicants: int
    matched: int
    unmatched: int
    seats: int
    filled_seats: int
    unfilled_seats: int
    unfilled_seats_by_program: Mapping[str, int]
    # 1-based position of the obtained program in a single's list -> number of singles.
    choice_histogram: Mapping[str, int]
    # 1-based position of the obtained pair in a couple's list -> number of couples.
    couple_choice_histogram: Mapping[str, int]
    couples: int
    couples_placed_together: int  # both members matched (per a pair on their list)
    couples_one_member_matched: int
    couples_unmatched: int
    # Roth–Peranson insertion diagnostics, for the attempt reported.
    couple_insertion_attempts: int
    couple_cycle_detected: bool
    couples_not_inserted: int  # insertion cycled or ran out of steps; left unmatched

    def to_json(self) -> dict[str, Any]:
        return {
            "applicants": self.applicants,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "seats": self.seats,
            "filled_seats": self.filled_seats,
            "unfilled_seats": self.unfilled_seats,
            "unfilled_seats_by_program": dict(self.unfilled_seats_by_program),
            "choice_histogram": dict(self.choice_histogram),
            "couple_choice_histogram": dict(self.couple_choice_histogram),
            "couples": self.couples,
            "couples_placed_together": self.couples_placed_together,
            "couples_one_member_matched": self.couples_one_member_matched,
            "couples_unmatched": self.couples_unmatched,
            "couple_insertion_attempts": self.couple_insertion_attempts,
            "couple_cycle_detected": self.couple_cycle_detected,
            "couples_not_inserted": self.couples_not_inserted,
        }


@dataclass(frozen=True, slots=True)
class Result:
    """Outcome of :func:`lis1.matching.solve`. ``stable`` is the verifier's verdict."""

    matches: Mapping[str, str]  # applicant id -> program id, matched applicants only
    unmatched: tuple[str, ...]  # sorted
    stable: bool
    blocking_pairs: tuple[BlockingPair, ...]
    input_sha256: str
    statistics: Statistics
    engine: str = ENGINE_VERSION
    # "stable" | "none_exists" | "unknown" | "skipped" (lis1.matching.exact), and what the
    # exact step did (None when the engine's matching was stable and it did not run).
    verdict: str = "stable"
    exact: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MATCH_RESULT_FORMAT,
            "matches": dict(self.matches),  # both encoders sort the keys
            "unmatched": list(self.unmatched),
            "stable": self.stable,
            "blocking_pairs": [pair.to_json() for pair in self.blocking_pairs],
            "input_sha256": self.input_sha256,
            "engine": self.engine,
            "statistics": self.statistics.to_json(),
            "verdict": self.verdict,
            "exact": None if self.exact is None else dict(self.exact),
        }


def dumps(obj: Any) -> str:
    """The one JSON encoding of results: sorted keys, 2-space indent, UTF-8, no NaN."""
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)


def result_to_json(result: Result) -> str:
    """Deterministic JSON text of a result (no trailing newline)."""
    return dumps(result.to_json())


def _histogram(values: list[int]) -> dict[str, int]:
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return {str(k): counts[k] for k in sorted(counts)}


def statistics(
    c: Compiled, assigned: list[int], attempts: int, cycle: bool, not_inserted: int
) -> Statistics:
    filled = [0] * len(c.program_ids)
    for p in assigned:
        if p != NONE:
            filled[p] += 1
    matched = sum(filled)
    choices = [c.prefs[a].index(assigned[a]) + 1 for a in c.singles if assigned[a] != NONE]
    couple_choices: list[int] = []
    together = one = neither = 0
    for k, (a, b) in enumerate(c.couple_members):
        pair = (assigned[a], assigned[b])
        if pair == (NONE, NONE):
            neither += 1
            continue
        couple_choices.append(c.couple_options[k].index(pair) + 1)
        if NONE in pair:
            one += 1
        else:
            together += 1
    seats = sum(c.capacity)
    return Statistics(
        applicants=len(c.applicant_ids),
        matched=matched,
        unmatched=len(c.applicant_ids) - matched,
        seats=seats,
        filled_seats=matched,
        unfilled_seats=seats - matched,
        unfilled_seats_by_program={
            pid: c.capacity[p] - filled[p] for p, pid in enumerate(c.program_ids)
        },
        choice_histogram=_histogram(choices),
        couple_choice_histogram=_histogram(couple_choices),
        couples=len(c.couple_members),
        couples_placed_together=together,
        couples_one_member_matched=one,
        couples_unmatched=neither,
        couple_insertion_attempts=attempts,
        couple_cycle_detected=cycle,
        couples_not_inserted=not_inserted,
    )
