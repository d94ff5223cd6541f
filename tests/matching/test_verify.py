"""The verifier: exact blocking pairs for hand-made matchings, and brute force agreement."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lis1.matching import (
    CoupleBlockingPair,
    MatchingError,
    SingleBlockingPair,
    parse_instance,
    verify,
)
from lis1.matching.compiled import Compiled, compile_instance
from lis1.matching.deferred_acceptance import SinglesState
from lis1.matching.verify import assignment_from_matches, blocking_pairs, check_assignment
from tests.matching.helpers import (
    Doc,
    check_feasible,
    feasible_matchings,
    instances,
    reference_blocking_pairs,
)

# The module, not the function the package exports under the same name.
solve_module = importlib.import_module("lis1.matching.solve")


def two_by_two() -> Doc:
    return {
        "format": "lis1-match/1",
        "seed": 0,
        "programs": [
            {"id": "P1", "capacity": 1, "ranking": ["A1", "A2"]},
            {"id": "P2", "capacity": 1, "ranking": ["A2", "A1"]},
        ],
        "applicants": [
            {"id": "A1", "ranking": ["P1", "P2"]},
            {"id": "A2", "ranking": ["P1", "P2"]},
        ],
    }


def test_verify_finds_applicant_preferred_by_full_program() -> None:
    found = verify(parse_instance(two_by_two()), {"A1": "P2", "A2": "P1"})

    assert found == [SingleBlockingPair("A1", "P1")]


def test_verify_lists_every_pair_for_empty_matching() -> None:
    found = verify(parse_instance(two_by_two()), {})

    assert [p.to_json() for p in found] == [
        {"applicant": "A1", "program": "P1"},
        {"applicant": "A1", "program": "P2"},
        {"applicant": "A2", "program": "P1"},
        {"applicant": "A2", "program": "P2"},
    ]


def test_verify_stable_matching_has_no_blocking_pair() -> None:
    assert verify(parse_instance(two_by_two()), {"A1": "P1", "A2": "P2"}) == []


def couple_doc(capacity: int, pairs: list[list[str | None]], ranking: list[str]) -> Doc:
    return {
        "format": "lis1-match/1",
        "seed": 0,
        "programs": [
            {"id": "P", "capacity": capacity, "ranking": ranking},
            {"id": "Q", "capacity": 1, "ranking": ["M2", "M1"]},
        ],
        "applicants": [{"id": "S", "ranking": ["P"]}],
        "couples": [{"id": "C1", "members": ["M1", "M2"], "ranking": pairs}],
    }


def test_verify_counts_seats_the_couple_itself_frees() -> None:
    d = couple_doc(1, [["Q", "P"], ["P", "Q"]], ["M1", "M2", "S"])

    found = verify(parse_instance(d), {"M1": "P", "M2": "Q"})

    assert found == [CoupleBlockingPair("C1", ("Q", "P"))]


def test_verify_couple_blocks_when_one_member_moves_to_better_program() -> None:
    d = couple_doc(1, [["P", "P"], ["P", "Q"], ["Q", "Q"]], ["M1", "M2"])
    d["programs"][1]["capacity"] = 2

    found = verify(parse_instance(d), {"M1": "Q", "M2": "Q"})

    assert [p.to_json() for p in found] == [{"couple": "C1", "programs": ["P", "Q"]}]


def test_verify_same_program_pair_needs_room_for_both() -> None:
    d = couple_doc(2, [["P", "P"]], ["M1", "S", "M2"])

    assert verify(parse_instance(d), {"S": "P"}) == []


def test_verify_same_program_pair_blocks_with_room_for_both() -> None:
    d = couple_doc(3, [["P", "P"]], ["M1", "S", "M2"])

    found = verify(parse_instance(d), {"S": "P"})

    assert [p.to_json() for p in found] == [{"couple": "C1", "programs": ["P", "P"]}]


def test_verify_null_in_pair_needs_only_one_program() -> None:
    d = couple_doc(1, [["P", None]], ["M1", "S"])

    found = verify(parse_instance(d), {"S": "P"})

    assert [p.to_json() for p in found] == [{"couple": "C1", "programs": ["P", None]}]


def test_verify_sorts_singles_before_couples() -> None:
    d = couple_doc(1, [["P", None], [None, "Q"]], ["M1", "S"])

    found = verify(parse_instance(d), {})

    assert [p.to_json() for p in found] == [
        {"applicant": "S", "program": "P"},
        {"couple": "C1", "programs": [None, "Q"]},
        {"couple": "C1", "programs": ["P", None]},
    ]


def test_verify_rejects_over_capacity() -> None:
    with pytest.raises(MatchingError, match="holds 2 applicants but has 1 seats"):
        verify(parse_instance(two_by_two()), {"A1": "P1", "A2": "P1"})


def test_verify_rejects_program_not_ranking_applicant() -> None:
    d = two_by_two()
    d["programs"][0]["ranking"] = ["A2"]

    with pytest.raises(MatchingError, match='does not rank applicant "A1"'):
        verify(parse_instance(d), {"A1": "P1"})


def test_verify_rejects_pair_not_on_couple_list() -> None:
    d = couple_doc(1, [["P", "Q"]], ["M1", "M2"])

    with pytest.raises(MatchingError, match="not on its list"):
        verify(parse_instance(d), {"M1": "P"})


def test_check_lists_every_problem_of_an_assignment_in_order_and_no_blocking_pairs() -> None:
    d = two_by_two()
    d["programs"].append({"id": "P3", "capacity": 1, "ranking": ["A2"]})
    d["applicants"].append({"id": "A3", "ranking": ["P3"]})
    c = compile_instance(parse_instance(d))
    # A1 and A3 at P3, which ranks neither and which A1 did not rank; P3 has one seat.
    assigned = assignment_from_matches(c, {"A1": "P3", "A3": "P3"})

    problems, blocking = check_assignment(c, assigned)

    assert problems == [
        'program "P3" does not rank applicant "A1" matched to it',
        'applicant "A1" is matched to program "P3", which it did not rank',
        'program "P3" does not rank applicant "A3" matched to it',
        'program "P3" holds 2 applicants but has 1 seats',
    ]
    assert blocking == []  # not defined for an infeasible assignment
    with pytest.raises(MatchingError, match='does not rank applicant "A1"'):
        blocking_pairs(c, assigned)


def test_solve_refuses_an_infeasible_matching_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    # The check that gives the blocking pairs also guards against an engine bug.
    real = solve_module.deferred_acceptance

    def over_capacity(c: Compiled) -> SinglesState:
        state = real(c)
        state.assigned[:] = [0] * len(state.assigned)  # everyone at P1, one seat
        return state

    monkeypatch.setattr(solve_module, "deferred_acceptance", over_capacity)

    with pytest.raises(RuntimeError, match='infeasible matching: program "P1" holds 2'):
        solve_module.solve(parse_instance(two_by_two()))


def test_verify_rejects_unknown_applicant() -> None:
    with pytest.raises(MatchingError, match='unknown applicant "X"'):
        verify(parse_instance(two_by_two()), {"X": "P1"})


@settings(max_examples=300, deadline=None)
@given(instances(max_singles=3, max_programs=3, max_couples=1), st.data())
def test_verify_agrees_with_brute_force_on_any_feasible_matching(
    d: Doc, data: st.DataObject
) -> None:
    matchings = list(feasible_matchings(d))
    matches = data.draw(st.sampled_from(matchings))

    found = [p.to_json() for p in verify(parse_instance(d), matches)]

    assert found == reference_blocking_pairs(d, matches)


@settings(max_examples=300, deadline=None)
@given(instances(max_singles=3, max_programs=3, max_couples=1), st.data())
def test_check_finds_problems_exactly_in_infeasible_assignments(
    d: Doc, data: st.DataObject
) -> None:
    # Any assignment at all, feasible or not: the one pass must tell them apart as the
    # definitions do, and give the blocking pairs of the feasible ones.
    applicants = [a["id"] for a in d["applicants"]] + [
        m for c in d["couples"] for m in c["members"]
    ]
    options = [None, *(p["id"] for p in d["programs"])]
    matches = {a: data.draw(st.sampled_from(options)) for a in applicants}
    matched = {a: p for a, p in matches.items() if p is not None}
    c = compile_instance(parse_instance(d))

    problems, blocking = check_assignment(c, assignment_from_matches(c, matches))

    try:
        check_feasible(d, matched)
    except AssertionError:
        assert problems
        assert blocking == []
    else:
        assert problems == []
        assert [p.to_json() for p in blocking] == reference_blocking_pairs(d, matches)
