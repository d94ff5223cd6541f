"""Couples: literature cases, simple cases with exact results, and random instances."""

from __future__ import annotations

from hypothesis import given, settings

from lis1.matching import parse_instance, result_to_json, solve, verify
from lis1.matching.generate import national_instance, nrmp_instance
from tests.matching.helpers import (
    Doc,
    check_feasible,
    feasible_matchings,
    instances,
    reference_blocking_pairs,
)


def no_stable_matching_doc() -> Doc:
    # One couple, one single, two one-seat hospitals (the Roth 1984 / Klaus–Klijn 2005 kind of
    # example): every one of the feasible matchings is blocked.
    return {
        "format": "lis1-match/1",
        "seed": 7,
        "programs": [
            {"id": "H1", "capacity": 1, "ranking": ["M1", "S"]},
            {"id": "H2", "capacity": 1, "ranking": ["S", "M2"]},
        ],
        "applicants": [{"id": "S", "ranking": ["H1", "H2"]}],
        "couples": [{"id": "C", "members": ["M1", "M2"], "ranking": [["H1", "H2"]]}],
    }


def test_no_stable_matching_exists_in_the_literature_example() -> None:
    d = no_stable_matching_doc()

    assert all(reference_blocking_pairs(d, m) for m in feasible_matchings(d))


def test_solve_reports_unstable_when_no_stable_matching_exists() -> None:
    d = no_stable_matching_doc()

    result = solve(parse_instance(d))

    assert result.stable is False
    assert dict(result.matches) == {"S": "H1"}
    assert result.unmatched == ("M1", "M2")
    assert [p.to_json() for p in result.blocking_pairs] == [
        {"couple": "C", "programs": ["H1", "H2"]}
    ]
    assert result.statistics.couple_cycle_detected is True
    assert result.statistics.couples_not_inserted == 1
    assert list(result.blocking_pairs) == verify(parse_instance(d), result.matches)


def couple_doc(programs: list[tuple[str, int, list[str]]], pairs: list[list[str | None]]) -> Doc:
    return {
        "format": "lis1-match/1",
        "seed": 1,
        "programs": [{"id": i, "capacity": c, "ranking": r} for i, c, r in programs],
        "applicants": [{"id": "S1", "ranking": [programs[0][0]]}],
        "couples": [{"id": "C1", "members": ["M1", "M2"], "ranking": pairs}],
    }


def test_solve_places_couple_together_in_same_town() -> None:
    d = couple_doc([("T1", 2, ["M1", "M2", "S1"]), ("T2", 2, ["M1", "M2"])], [["T1", "T1"]])

    result = solve(parse_instance(d))

    assert dict(result.matches) == {"M1": "T1", "M2": "T1"}
    assert result.unmatched == ("S1",)
    assert result.stable is True
    assert result.statistics.couples_placed_together == 1


def test_solve_same_program_pair_needs_two_seats() -> None:
    d = couple_doc(
        [("T1", 1, ["M1", "M2", "S1"]), ("T2", 1, ["M2"])],
        [["T1", "T1"], ["T1", "T2"]],
    )

    result = solve(parse_instance(d))

    assert dict(result.matches) == {"M1": "T1", "M2": "T2"}
    assert result.unmatched == ("S1",)
    assert result.stable is True


def test_solve_couple_with_null_leaves_member_unmatched() -> None:
    d = couple_doc([("T1", 1, ["S1", "M1"]), ("T2", 1, ["M1"])], [["T1", "T2"], ["T2", None]])

    result = solve(parse_instance(d))

    assert dict(result.matches) == {"M1": "T2", "S1": "T1"}
    assert result.unmatched == ("M2",)
    assert result.stable is True
    assert result.statistics.couples_one_member_matched == 1
    assert result.statistics.couple_choice_histogram == {"2": 1}


def test_solve_couple_displaces_single_who_moves_down() -> None:
    d = {
        "format": "lis1-match/1",
        "seed": 1,
        "programs": [
            {"id": "P1", "capacity": 1, "ranking": ["M1", "S1"]},
            {"id": "P2", "capacity": 1, "ranking": ["M2", "S1"]},
        ],
        "applicants": [{"id": "S1", "ranking": ["P1", "P2"]}],
        "couples": [{"id": "C1", "members": ["M1", "M2"], "ranking": [["P1", "P2"]]}],
    }

    result = solve(parse_instance(d))

    assert dict(result.matches) == {"M1": "P1", "M2": "P2"}
    assert result.unmatched == ("S1",)
    assert result.stable is True


@settings(max_examples=400, deadline=None)
@given(instances(max_singles=4, max_programs=3, max_couples=2))
def test_solve_with_couples_is_feasible_and_stable_flag_is_verified(d: Doc) -> None:
    result = solve(parse_instance(d))
    matches = dict(result.matches)

    check_feasible(d, matches)
    blocking = [p.to_json() for p in result.blocking_pairs]
    assert blocking == reference_blocking_pairs(d, matches)
    assert result.stable is (blocking == [])


def test_solve_with_many_couples_is_feasible_and_deterministic() -> None:
    d = nrmp_instance(
        5, n_applicants=3000, n_programs=400, seats=2600, couple_share=0.1, n_cities=20
    )

    first = solve(parse_instance(d))
    second = solve(parse_instance(d))

    check_feasible(d, dict(first.matches))
    assert result_to_json(first) == result_to_json(second)
    assert list(first.blocking_pairs) == verify(parse_instance(d), first.matches)


def test_solve_national_instance_with_couples_is_feasible() -> None:
    d = national_instance(seed=2)
    singles = d["applicants"]
    d["applicants"] = singles[20:]
    d["couples"] = [
        {
            "id": f"C{j}",
            "members": [singles[2 * j]["id"], singles[2 * j + 1]["id"]],
            "ranking": [
                [p, q]
                for p, q in zip(
                    singles[2 * j]["ranking"], singles[2 * j + 1]["ranking"], strict=False
                )
            ],
        }
        for j in range(10)
    ]

    result = solve(parse_instance(d))

    check_feasible(d, dict(result.matches))
    assert list(result.blocking_pairs) == verify(parse_instance(d), result.matches)
