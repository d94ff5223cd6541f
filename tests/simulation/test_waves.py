"""Today's offer waves against the central match on the same lists."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lis1.matching import parse_instance, verify
from lis1.matching.generate import national_instance
from lis1.simulation.national import national_snapshot
from lis1.simulation.waves import (
    central_match,
    choice_comparison,
    compare_waves,
    offer_waves,
    offer_waves_document,
    singles_document,
    synthetic_round,
)

# P1 (1 seat) ranks A1 A2 A3, P2 (1 seat) ranks A1 A3; A1 prefers P2, A2 P1, A3 P1 then P2.
SMALL = {
    "format": "lis1-match/1",
    "seed": 1,
    "programs": [
        {"id": "P1", "capacity": 1, "ranking": ["A1", "A2", "A3"]},
        {"id": "P2", "capacity": 1, "ranking": ["A1", "A3"]},
    ],
    "applicants": [
        {"id": "A1", "ranking": ["P2", "P1"]},
        {"id": "A2", "ranking": ["P1"]},
        {"id": "A3", "ranking": ["P1", "P2"]},
    ],
    "couples": [],
}


def test_one_wave_by_hand():
    # Wave 1: P1 and P2 both offer A1; A1 holds P2 and turns down P1. P1's seat is free again
    # only in a next wave, so with one wave it stays unfilled.
    outcome = offer_waves(parse_instance(SMALL), waves=1)

    assert outcome.matches == {"A1": "P2"}
    assert (outcome.offers, outcome.declined, outcome.filled, outcome.unfilled) == (2, 1, 1, 1)
    assert outcome.days == 3  # the first wave's answer deadline
    # P1's seat is free and A2 and A3 both rank it: two blocking pairs.
    assert outcome.blocking_pairs == 2


def test_two_waves_by_hand():
    outcome = offer_waves(parse_instance(SMALL), waves=2)

    assert outcome.matches == {"A1": "P2", "A2": "P1"}
    assert (outcome.offers, outcome.declined, outcome.unfilled, outcome.blocking_pairs) == (
        3,
        1,
        0,
        0,
    )
    assert outcome.days == 7
    assert [w["filled_after"] for w in outcome.waves] == [1, 2]
    instance = parse_instance(SMALL)
    # The central match gives A1 P2, A2 P1 too; A3 is unplaced in both.
    assert choice_comparison(instance, outcome, central_match(instance)) == {
        "better_in_central_match": 0,
        "better_in_offer_waves": 0,
        "same": 3,
    }


def test_the_central_match_has_no_blocking_pairs_and_the_waves_use_the_same_verifier():
    document, rural = synthetic_round(national_snapshot(positions=120, applicants=260), seed=3)
    waved, central, instance = compare_waves(document, waves=5, rural=rural)

    assert central.blocking_pairs == 0
    assert central.blocking_pairs == len(verify(instance, central.matches))
    assert waved.blocking_pairs == len(verify(instance, waved.matches))
    assert waved.blocking_pairs > 0
    assert central.filled >= waved.filled
    assert central.offers == central.filled and central.declined == 0
    assert waved.offers == sum(w["offers"] for w in waved.waves)
    assert waved.declined == sum(w["declined"] for w in waved.waves)
    assert 0 <= waved.rural_filled <= waved.rural_seats == central.rural_seats


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(min_value=0, max_value=1000))
def test_with_enough_waves_the_offers_settle_into_a_stable_matching(seed):
    # Employer-proposing deferred acceptance run to the end: nothing blocks it.
    document, _ = synthetic_round(national_snapshot(positions=30, applicants=70), seed=seed)
    instance = parse_instance(document)

    outcome = offer_waves(instance, waves=500)

    assert outcome.blocking_pairs == 0
    assert central_match(instance).filled == outcome.filled  # the rural-hospital theorem


def test_couples_are_ranked_as_singles_in_the_order_of_their_pairs():
    document = national_instance(2)
    document["couples"] = [
        {"id": "C1", "members": ["X1", "X2"], "ranking": [["P1", "P2"], ["P3", None], ["P1", "P4"]]}
    ]

    singles = singles_document(document)

    by_id = {a["id"]: a["ranking"] for a in singles["applicants"]}
    assert by_id["X1"] == ["P1", "P3"]
    assert by_id["X2"] == ["P2", "P4"]
    assert singles["couples"] == []


def test_the_document_has_both_procedures_with_the_same_keys():
    document, rural = synthetic_round(national_snapshot(positions=40, applicants=90), seed=1)

    out = offer_waves_document(document, waves=5, rural=rural, round_slug="spring-2030")

    assert out["format"] == "lis1-offer-waves/1"
    assert set(out["offer_waves"]) == set(out["central_match"])
    assert {"filled", "unfilled", "offers", "declined", "days", "blocking_pairs"} <= set(
        out["central_match"]
    )
    assert len(out["waves"]) == 5
    assert sum(out["choice_comparison"].values()) == out["applicants"]
