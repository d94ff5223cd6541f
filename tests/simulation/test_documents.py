"""Parameters in, documents out: what the pages and the commands hand to the policy lab."""

from __future__ import annotations

import json

import pytest

from lis1.simulation.documents import (
    ASSUMPTIONS,
    Inputs,
    defaults_document,
    parse_run,
    scenario_document,
    with_assumptions,
)
from lis1.simulation.model import Assumptions, ScenarioError
from lis1.simulation.national import national_snapshot
from lis1.simulation.projection import compare

SNAPSHOT = national_snapshot(positions=40, applicants=90)
INPUTS = Inputs(
    snapshot=SNAPSHOT,
    assumptions=Assumptions(new_graduates={"spring": 60, "autumn": 30}),
    sources={"new_graduates_spring": "published"},
)


def test_the_defaults_go_back_in_unchanged():
    defaults = defaults_document(INPUTS)

    again = with_assumptions(INPUTS, defaults["assumptions"])

    assert again == INPUTS
    assert set(defaults["assumptions"]) == set(ASSUMPTIONS)
    assert defaults["assumptions"]["new_graduates_spring"]["source"] == "published"
    assert defaults["assumptions"]["employer_noise"]["source"] == "default"


def test_a_changed_assumption_is_the_user_s():
    changed = with_assumptions(INPUTS, {"new_graduates_autumn": "45", "reapply_eea": "1,1,1,1,1,1"})

    assert changed.assumptions.new_graduates["autumn"] == 45
    assert changed.assumptions.reapply["eea"] == (1.0,) * 6
    assert changed.sources["new_graduates_autumn"] == "user"
    assert changed.sources["reapply_eea"] == "user"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"rounds": 0}, "rounds must be from 1 to 40, not 0."),
        ({"replications": "many"}, "replications must be a number, not 'many'."),
        ({"extra_seats": 2.5}, "extra_seats must be a whole number, not 2.5."),
        ({"seed": True}, "seed must be a number, not True."),
        ({"fill_from_last_lists": "maybe"}, "fill_from_last_lists must be true or false"),
        ({"foreign_track_share": 2}, "foreign_track_share must be a share from 0 to 1"),
        (
            {"extra_seats_by_trust": {"Nowhere HF": 3}},
            "The round has no positions at the trust Nowhere HF.",
        ),
        ({"extra_seats_by_region": [1]}, "extra_seats_by_region must be an object"),
        ({"colour": "red"}, "There is no parameter called 'colour'."),
    ],
)
def test_bad_parameters_are_refused_in_one_line(params, message):
    with pytest.raises(ScenarioError) as error:
        parse_run(params, SNAPSHOT)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nope": 1}, "There is no assumption called 'nope'."),
        ({"withdrawal_rate": 1.5}, "withdrawal_rate must be a share from 0 to 1"),
        ({"reapply_norway": [0.5, 0.5]}, "reapply_norway must be 6 probabilities"),
        ({"new_graduates_spring": -3}, "new_graduates_spring must be from 0 to 100000"),
        ({"list_length": "nan"}, "list_length must be a finite number."),
    ],
)
def test_bad_assumptions_are_refused_in_one_line(changes, message):
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace(")", r"\)")):
        with_assumptions(INPUTS, changes)


def test_the_scenario_document_has_the_issue_s_keys_and_is_json():
    run = parse_run({"rounds": 3, "replications": 4, "extra_seats": 5}, SNAPSHOT)
    comparison = compare(
        SNAPSHOT, INPUTS.assumptions, run.scenario, rounds=3, replications=4, seed=run.seed
    )

    document = scenario_document(round_slug="r", inputs=INPUTS, run=run, comparison=comparison)

    json.dumps(document)
    assert document["format"] == "lis1-scenario/1"
    assert document["parameters"]["extra_seats"] == 5
    for key in (
        "index",
        "applicants",
        "seats",
        "placed",
        "without_position",
        "without_position_low",
        "without_position_high",
        "queue_by_rounds_waited",
        "placed_share_by_group",
    ):
        assert key in document["rounds"][0]
        assert key in document["baseline"][0]
    assert document["rounds"][0]["seats"] == document["baseline"][0]["seats"] + 5
