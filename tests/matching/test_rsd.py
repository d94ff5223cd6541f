"""Municipal placement by random serial dictatorship."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lis1.matching import InstanceError, parse_rsd_instance, random_serial_dictatorship

MUNICIPALITIES = ["M1", "M2", "M3"]


def test_rsd_order_is_seeded_shuffle_of_sorted_ids() -> None:
    rankings = {"D3": ["M1"], "D1": ["M1"], "D2": ["M2"]}
    expected = ["D1", "D2", "D3"]
    random.Random(42).shuffle(expected)

    result = random_serial_dictatorship({"M1": 1, "M2": 1}, rankings, seed=42)

    assert list(result.order) == expected


def test_rsd_first_in_order_gets_contested_place() -> None:
    rankings = {"D1": ["M1", "M2"], "D2": ["M1", "M2"]}

    result = random_serial_dictatorship({"M1": 1, "M2": 1}, rankings, seed=3)

    first, second = result.order
    assert dict(result.assignment) == {first: "M1", second: "M2"}
    assert result.unassigned == ()


def test_rsd_doctor_without_free_listed_place_gets_none() -> None:
    rankings = {"D1": ["M1"], "D2": ["M1"], "D3": []}

    result = random_serial_dictatorship({"M1": 1, "M2": 5}, rankings, seed=0)

    assert len(result.assignment) == 1
    assert result.unassigned == tuple(sorted(d for d in rankings if d not in result.assignment))
    assert "D3" in result.unassigned


def test_rsd_same_seed_gives_same_result() -> None:
    rankings = {f"D{i}": ["M1", "M2", "M3"] for i in range(10)}
    places = {"M1": 2, "M2": 2, "M3": 2}

    first = random_serial_dictatorship(places, rankings, seed=9)
    second = random_serial_dictatorship(places, dict(reversed(list(rankings.items()))), seed=9)

    assert first == second


def test_rsd_different_seeds_give_different_orders() -> None:
    rankings = {f"D{i}": ["M1"] for i in range(10)}

    orders = {random_serial_dictatorship({"M1": 1}, rankings, seed=s).order for s in range(5)}

    assert len(orders) > 1


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(MUNICIPALITIES), st.integers(0, 3)),
    st.dictionaries(
        st.text("ABCD", min_size=1, max_size=3),
        st.lists(st.sampled_from(MUNICIPALITIES), unique=True),
        max_size=8,
    ),
    st.integers(),
)
def test_rsd_each_doctor_gets_best_free_place_at_its_turn(
    places: dict[str, int], rankings: dict[str, list[str]], seed: int
) -> None:
    result = random_serial_dictatorship(places, rankings, seed=seed)

    assert sorted(result.order) == sorted(rankings)
    free = dict(places)
    for doctor in result.order:
        best = next((m for m in rankings[doctor] if free.get(m, 0) > 0), None)
        assert result.assignment.get(doctor) == best
        if best is not None:
            free[best] -= 1
    assert all(n >= 0 for n in free.values())
    assert sorted([*result.assignment, *result.unassigned]) == sorted(rankings)


def rsd_doc() -> dict[str, object]:
    return {
        "format": "lis1-rsd/1",
        "seed": 7,
        "places": {"M1": 2, "M2": 1},
        "doctors": [{"id": "A1", "ranking": ["M1", "M2"]}, {"id": "A2", "ranking": ["M2"]}],
    }


def test_parse_rsd_instance_reads_places_and_rankings() -> None:
    instance = parse_rsd_instance(rsd_doc())

    assert (instance.seed, dict(instance.places)) == (7, {"M1": 2, "M2": 1})
    assert dict(instance.rankings) == {"A1": ("M1", "M2"), "A2": ("M2",)}


@pytest.mark.parametrize(
    ("key", "value", "word"),
    [
        ("seed", "x", "seed"),
        ("places", {"M1": -1}, "places"),
        ("doctors", [{"id": "A1", "ranking": ["M9"]}], "unknown municipality"),
        ("doctors", [{"id": "A1", "ranking": []}, {"id": "A1", "ranking": []}], "twice"),
        ("doctors", [{"id": "A1", "ranking": ["M1", "M1"]}], "twice"),
        ("format", "lis1-match/1", "format"),
    ],
)
def test_parse_rsd_instance_rejects_invalid_input(key: str, value: object, word: str) -> None:
    doc = rsd_doc()
    doc[key] = value

    with pytest.raises(InstanceError, match=word):
        parse_rsd_instance(doc)
