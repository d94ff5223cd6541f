"""Couples: literature cases, simple cases with exact results, and random instances."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings

from lis1.matching import couples, parse_instance, result_to_json, solve, verify
from lis1.matching.compiled import compile_instance
from lis1.matching.deferred_acceptance import deferred_acceptance
from lis1.matching.generate import national_instance, nrmp_instance
from tests.matching.helpers import (
    Doc,
    check_feasible,
    feasible_matchings,
    instances,
    random_instance,
    reference_blocking_pairs,
    stable_matchings,
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


def own_seat_cycle_doc() -> Doc:
    # The couple's pairs: (P1, null), then (null, P1). P1 ranks M2 > S > M1. With S at P1,
    # the couple blocks with (null, P1); with M2 at P1 it blocks with (P1, null) (M1 takes
    # the seat M2 gives up); with M1 at P1, S blocks. No stable matching exists, and the
    # engine only sees the cycle if it lets a couple move up into its own seat.
    return {
        "format": "lis1-match/1",
        "seed": 3,
        "programs": [{"id": "P1", "capacity": 1, "ranking": ["M2", "S", "M1"]}],
        "applicants": [{"id": "S", "ranking": ["P1"]}],
        "couples": [{"id": "C", "members": ["M1", "M2"], "ranking": [["P1", None], [None, "P1"]]}],
    }


def test_solve_reports_unstable_when_the_couples_own_seat_makes_it_cycle() -> None:
    d = own_seat_cycle_doc()
    assert stable_matchings(d) == []

    result = solve(parse_instance(d))

    assert result.stable is False
    assert dict(result.matches) == {"S": "P1"}
    assert [p.to_json() for p in result.blocking_pairs] == [
        {"couple": "C", "programs": [None, "P1"]}
    ]
    assert result.statistics.couple_cycle_detected is True
    assert result.statistics.couples_not_inserted == 1


def test_single_rejected_earlier_returns_when_a_couple_withdraws() -> None:
    # C1 takes (H1, H2) and pushes S from H1 down to H3. C2 then takes H2 from M2, so C1
    # withdraws from H1 too and moves to (H4, H5). H1 has a free seat again, and S, whom
    # H1 had rejected, must get it back (Roth–Peranson's re-application step).
    d = {
        "format": "lis1-match/1",
        "seed": 1,
        "programs": [
            {"id": "H1", "capacity": 1, "ranking": ["M1", "S"]},
            {"id": "H2", "capacity": 1, "ranking": ["N2", "M2"]},
            {"id": "H3", "capacity": 1, "ranking": ["S"]},
            {"id": "H4", "capacity": 1, "ranking": ["M1"]},
            {"id": "H5", "capacity": 1, "ranking": ["M2"]},
            {"id": "H6", "capacity": 1, "ranking": ["N1"]},
        ],
        "applicants": [{"id": "S", "ranking": ["H1", "H3"]}],
        "couples": [
            {"id": "C1", "members": ["M1", "M2"], "ranking": [["H1", "H2"], ["H4", "H5"]]},
            {"id": "C2", "members": ["N1", "N2"], "ranking": [["H6", "H2"]]},
        ],
    }

    result = solve(parse_instance(d))

    assert dict(result.matches) == {
        "M1": "H4",
        "M2": "H5",
        "N1": "H6",
        "N2": "H2",
        "S": "H1",
    }
    assert result.stable is True
    assert result.statistics.couple_insertion_attempts == 1


def test_solve_finds_a_stable_matching_when_one_exists_in_nearly_all_small_instances() -> None:
    rng = random.Random(20240601)
    exist = found = 0
    for _ in range(400):
        d = random_instance(rng)
        result = solve(parse_instance(d))
        if stable_matchings(d):
            exist += 1
            found += result.stable
        else:
            assert result.stable is False

    assert exist >= 350
    assert found >= 0.95 * exist


@settings(max_examples=300, deadline=None)
@given(instances(max_singles=3, max_programs=3, max_couples=3))
def test_solve_is_stable_whenever_every_couple_was_inserted(d: Doc) -> None:
    # Roth–Peranson's invariant: after each insertion no inserted agent has a blocking
    # option; only couples whose insertion failed can be left blocking.
    result = solve(parse_instance(d))

    if result.statistics.couples_not_inserted == 0:
        assert result.stable is True
        assert reference_blocking_pairs(d, dict(result.matches)) == []


def many_cycles_doc(copies: int) -> Doc:
    """``copies`` disjoint copies of the example without a stable matching."""
    programs, applicants, couple_list = [], [], []
    for i in range(copies):
        programs += [
            {"id": f"H1-{i:02d}", "capacity": 1, "ranking": [f"M1-{i:02d}", f"S-{i:02d}"]},
            {"id": f"H2-{i:02d}", "capacity": 1, "ranking": [f"S-{i:02d}", f"M2-{i:02d}"]},
        ]
        applicants.append({"id": f"S-{i:02d}", "ranking": [f"H1-{i:02d}", f"H2-{i:02d}"]})
        couple_list.append(
            {
                "id": f"C-{i:02d}",
                "members": [f"M1-{i:02d}", f"M2-{i:02d}"],
                "ranking": [[f"H1-{i:02d}", f"H2-{i:02d}"]],
            }
        )
    return {
        "format": "lis1-match/1",
        "seed": 11,
        "programs": programs,
        "applicants": applicants,
        "couples": couple_list,
    }


def test_cycling_couples_stop_within_the_step_budget_and_report_blocking_pairs() -> None:
    d = many_cycles_doc(30)
    instance = parse_instance(d)
    c = compile_instance(instance)
    budget = couples.step_budget(c)

    attempt = couples.run_attempt(c, deferred_acceptance(c), list(range(30)), 0, budget, 11)
    result = solve(instance)

    assert attempt.steps <= budget
    assert attempt.cycle_detected is True
    assert attempt.not_inserted == 30
    assert result.stable is False
    assert [p.to_json() for p in result.blocking_pairs] == [
        {"couple": f"C-{i:02d}", "programs": [f"H1-{i:02d}", f"H2-{i:02d}"]} for i in range(30)
    ]
    assert result.statistics.couples_not_inserted == 30
    assert list(result.blocking_pairs) == verify(instance, result.matches)
    assert result_to_json(result) == result_to_json(solve(instance))


def test_exhausted_step_budget_still_gives_a_feasible_honest_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(couples, "BUDGET_FACTOR", 0)
    monkeypatch.setattr(couples, "BUDGET_MIN", 5)
    d = nrmp_instance(3, n_applicants=600, n_programs=80, seats=520, couple_share=0.1)
    instance = parse_instance(d)

    result = solve(instance)

    check_feasible(d, dict(result.matches))
    assert result.statistics.couples_not_inserted > 0
    assert list(result.blocking_pairs) == verify(instance, result.matches)
    assert result.stable is (not result.blocking_pairs)


def test_solve_mid_size_market_with_couples_is_stable() -> None:
    # A tenth of the NRMP scale with 5 % of the applicants in couples: a stable matching is
    # found (large markets with few couples almost always have one).
    d = nrmp_instance(
        1,
        n_applicants=4500,
        n_programs=600,
        seats=4000,
        couple_share=0.05,
        n_cities=15,
        longest=100,
    )

    result = solve(parse_instance(d))

    assert result.stable is True
    assert result.statistics.couples_not_inserted == 0
    assert result.statistics.couples_placed_together > 0
