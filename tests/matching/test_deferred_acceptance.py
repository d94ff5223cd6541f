"""Singles: deferred acceptance against hand-worked cases and brute force."""

from __future__ import annotations

import copy
import itertools
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lis1.matching import parse_instance, result_to_json, solve, verify
from lis1.matching.compiled import compile_instance, with_pref_ranks
from lis1.matching.deferred_acceptance import deferred_acceptance
from lis1.matching.generate import national_instance
from tests.matching.helpers import (
    Doc,
    check_feasible,
    instances,
    only_matched,
    reference_blocking_pairs,
    stable_matchings,
)


def doc(programs: list[Any], applicants: list[Any], couples: list[Any] | None = None) -> Doc:
    return {
        "format": "lis1-match/1",
        "seed": 7,
        "programs": [{"id": i, "capacity": c, "ranking": r} for i, c, r in programs],
        "applicants": [{"id": i, "ranking": r} for i, r in applicants],
        "couples": couples or [],
    }


def matches_of(d: Doc) -> dict[str, str]:
    return dict(solve(parse_instance(d)).matches)


def test_solve_gives_applicant_optimal_when_sides_disagree() -> None:
    d = doc(
        [("P1", 1, ["A2", "A1"]), ("P2", 1, ["A1", "A2"])],
        [("A1", ["P1", "P2"]), ("A2", ["P2", "P1"])],
    )

    result = solve(parse_instance(d))

    assert dict(result.matches) == {"A1": "P1", "A2": "P2"}
    assert result.unmatched == ()
    assert result.stable is True
    assert result.blocking_pairs == ()


def test_solve_bumps_worst_held_when_program_is_full() -> None:
    d = doc(
        [("P1", 2, ["A3", "A1", "A2"]), ("P2", 1, ["A2"])],
        [("A1", ["P1"]), ("A2", ["P1", "P2"]), ("A3", ["P1"])],
    )

    assert matches_of(d) == {"A1": "P1", "A2": "P2", "A3": "P1"}


def test_solve_requires_mutual_acceptability() -> None:
    d = doc(
        [("P1", 3, ["A2"]), ("P2", 1, ["A1", "A2"])],
        [("A1", ["P1"]), ("A2", ["P2", "P1"])],
    )

    result = solve(parse_instance(d))

    assert dict(result.matches) == {"A2": "P2"}
    assert result.unmatched == ("A1",)
    assert result.stable is True
    assert dict(result.statistics.unfilled_seats_by_program) == {"P1": 3, "P2": 0}


def test_solve_leaves_zero_capacity_program_empty() -> None:
    d = doc([("P1", 0, ["A1"]), ("P2", 1, ["A1"])], [("A1", ["P1", "P2"])])

    assert matches_of(d) == {"A1": "P2"}


def test_statistics_count_choices_and_seats() -> None:
    d = doc(
        [("P1", 1, ["A1", "A2", "A3"]), ("P2", 2, ["A2", "A3"])],
        [("A1", ["P1"]), ("A2", ["P1", "P2"]), ("A3", ["P1", "P2"])],
    )

    stats = solve(parse_instance(d)).statistics.to_json()

    assert stats["choice_histogram"] == {"1": 1, "2": 2}
    assert (stats["matched"], stats["unmatched"], stats["seats"]) == (3, 0, 3)
    assert (stats["filled_seats"], stats["unfilled_seats"]) == (3, 0)


def test_solve_national_instance_is_stable_and_fills_seats() -> None:
    result = solve(parse_instance(national_instance(seed=3)))

    assert result.stable is True
    assert result.statistics.filled_seats == 575


@settings(max_examples=300, deadline=None)
@given(instances(max_singles=6, max_programs=4, max_capacity=3))
def test_solve_singles_is_stable_feasible_and_verified(d: Doc) -> None:
    result = solve(parse_instance(d))

    check_feasible(d, dict(result.matches))
    assert reference_blocking_pairs(d, dict(result.matches)) == []
    assert verify(parse_instance(d), result.matches) == []
    assert result.stable is True
    everyone = sorted(a["id"] for a in d["applicants"])
    assert sorted([*result.matches, *result.unmatched]) == everyone


@settings(max_examples=200, deadline=None)
@given(instances(max_singles=4, max_programs=3))
def test_solve_is_applicant_optimal_among_all_stable_matchings(d: Doc) -> None:
    ours = matches_of(d)
    position = {a["id"]: a["ranking"] for a in d["applicants"]}

    def score(a: str, p: str | None) -> int:
        return len(position[a]) if p is None else position[a].index(p)

    for other in stable_matchings(d):
        for a in position:
            assert score(a, ours.get(a)) <= score(a, other.get(a))


@settings(max_examples=200, deadline=None)
@given(instances(max_singles=4, max_programs=3))
def test_stable_matchings_share_matched_applicants_and_fill_counts(d: Doc) -> None:
    def shape(m: dict[str, str | None]) -> tuple[list[str], dict[str, int]]:
        fill: dict[str, int] = {}
        for p in m.values():
            if p is not None:
                fill[p] = fill.get(p, 0) + 1
        return sorted(a for a, p in m.items() if p is not None), dict(sorted(fill.items()))

    ours = shape(dict(matches_of(d)))
    stable = stable_matchings(d)

    assert stable  # without couples a stable matching always exists
    for other in stable:
        assert shape(other) == ours


def _alternatives(ranking: list[str]) -> list[list[str]]:
    return [
        list(perm)
        for k in range(len(ranking) + 1)
        for subset in itertools.combinations(ranking, k)
        for perm in itertools.permutations(subset)
    ]


@settings(max_examples=150, deadline=None)
@given(instances(max_singles=4, max_programs=3), st.data())
def test_applicant_gains_nothing_by_misreporting(d: Doc, data: st.DataObject) -> None:
    if not d["applicants"]:
        return
    liar = data.draw(st.sampled_from([a["id"] for a in d["applicants"]]))
    true_list = next(a["ranking"] for a in d["applicants"] if a["id"] == liar)
    all_programs = [p["id"] for p in d["programs"]]

    def true_score(p: str | None) -> int:
        return true_list.index(p) if p in true_list else len(true_list)

    honest = true_score(matches_of(d).get(liar))
    for reported in _alternatives(all_programs):
        lie = copy.deepcopy(d)
        next(a for a in lie["applicants"] if a["id"] == liar)["ranking"] = reported
        assert true_score(matches_of(lie).get(liar)) >= honest


@settings(max_examples=100, deadline=None)
@given(instances(max_singles=5, max_programs=3, max_couples=2))
def test_solve_same_input_gives_byte_identical_output(d: Doc) -> None:
    shuffled = copy.deepcopy(d)
    shuffled["programs"].reverse()
    shuffled["applicants"].reverse()
    shuffled["couples"].reverse()

    first = result_to_json(solve(parse_instance(d)))
    second = result_to_json(solve(parse_instance(json.loads(json.dumps(d)))))
    reordered = json.loads(result_to_json(solve(parse_instance(shuffled))))

    assert first == second
    # Input list order changes only the hash, never the matching.
    assert only_matched(json.loads(first)["matches"]) == only_matched(reordered["matches"])


@settings(max_examples=300, deadline=None)
@given(instances(max_singles=8, max_programs=4, max_capacity=3))
def test_pref_ranks_loop_gives_the_same_matching(d: Doc) -> None:
    # Instances here list programs that do not rank the applicant, so the "unranked" rank
    # is exercised too; couple members have no list of their own.
    compiled = compile_instance(parse_instance(d))
    plain = deferred_acceptance(compiled)
    ranked = deferred_acceptance(with_pref_ranks(compiled))

    assert ranked.assigned == plain.assigned
    assert ranked.position == plain.position
    assert ranked.held == plain.held  # couple insertion starts from the held ranks
    # Held is exactly the ranks of the applicants each program was assigned, best first,
    # also where a program has more seats than it ranks applicants.
    for p, ranks in enumerate(plain.held):
        expected = sorted(
            compiled.program_rank[p][a] for a, q in enumerate(plain.assigned) if q == p
        )
        assert ranks == expected


def test_pref_ranks_loop_on_the_national_instance() -> None:
    compiled = compile_instance(parse_instance(national_instance(seed=5)))
    assert with_pref_ranks(compiled).pref_ranks is not None

    assert deferred_acceptance(with_pref_ranks(compiled)) == deferred_acceptance(compiled)
