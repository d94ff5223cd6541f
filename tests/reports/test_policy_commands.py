"""`manage.py policy_scenario` and `manage.py offer_waves` on a small seeded round."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lis1 import simulation_data
from lis1.rounds.models import ApplicantRanking, EmployerRanking
from lis1.simulation.calibration import new_graduates_from_series
from lis1.simulation.model import ScenarioError
from lis1.simulation_data import (
    market_snapshot,
    offer_waves_json,
    scenario_defaults,
    scenario_json,
)
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_round(db):  # type: ignore[no-untyped-def]
    """Spring 2041: two trusts (one in Helse Nord), three positions of 2 seats, 12 applicants
    (8 educated in Norway, 4 in Poland) applying to every position; employers rank by name."""
    round_ = factories.RoundFactory(season="spring", year=2041, slug="spring-2041")
    south = factories.OrganisationFactory(
        name="Sykehuset Sør HF",
        region=factories.RegionFactory(code="sor-ost", name="Helse Sør-Øst"),
    )
    north = factories.OrganisationFactory(
        name="Nordlandssykehuset HF", region=factories.RegionFactory(code="nord", name="Helse Nord")
    )
    positions = [
        factories.PositionFactory(round=round_, employer=south, seats=2),
        factories.PositionFactory(round=round_, employer=south, seats=2),
        factories.PositionFactory(round=round_, employer=north, seats=2),
    ]
    applicants = [
        factories.ApplicantFactory(education_country="NO" if i < 8 else "PL") for i in range(12)
    ]
    for i, applicant in enumerate(applicants):
        mine = positions[i % 3 :] + positions[: i % 3]
        for rank, position in enumerate(mine, start=1):
            factories.ApplicationFactory(applicant=applicant, position=position)
            ApplicantRanking.objects.create(
                round=round_, applicant=applicant, position=position, rank=rank
            )
    for position in positions:
        for rank, applicant in enumerate(applicants, start=1):
            EmployerRanking.objects.create(position=position, applicant=applicant, rank=rank)
    return round_


def _run(name: str, *args: str, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    output = tmp_path / f"{name}.json"
    call_command(name, *args, "--format", "json", "--output", str(output))
    return json.loads(output.read_text(encoding="utf-8"))


def test_policy_scenario_writes_rounds_and_the_same_seed_gives_the_same_rounds(
    small_round, tmp_path
):
    args = ("--round", "spring-2041", "--rounds", "3", "--replications", "5", "--seed", "7")
    first = _run("policy_scenario", *args, "--extra-seats", "2", tmp_path=tmp_path)
    again = _run("policy_scenario", *args, "--extra-seats", "2", tmp_path=tmp_path)

    assert first["format"] == "lis1-scenario/1"
    assert first["rounds"] == again["rounds"]
    assert [r["index"] for r in first["rounds"]] == [1, 2, 3]
    one = first["rounds"][0]
    assert one["applicants"] == 12
    assert one["seats"] == 8  # 6 seats and 2 extra
    assert one["without_position_low"] <= one["without_position"] <= one["without_position_high"]
    assert first["baseline"][0]["seats"] == 6
    assert first["market"]["source"] == "database"


def test_policy_scenario_reads_the_round_from_the_database(small_round):
    snapshot = market_snapshot(small_round)

    assert snapshot.seats == 6
    assert snapshot.applicants == 12
    assert [p.rural for p in snapshot.programs] == [False, False, True]
    assert snapshot.list_length == 3
    assert {(c.group, c.count) for c in snapshot.cohorts} == {("norway", 8), ("eea", 4)}


def test_scenario_defaults_mark_every_assumption_with_its_source(small_round):
    defaults = scenario_defaults(small_round)

    assert defaults["rounds"] == 10 and defaults["extra_seats"] == 0
    json.dumps(defaults)  # JSON-able as it is
    sources = {a["source"] for a in defaults["assumptions"].values()}
    assert sources <= {"database", "published", "published_scaled", "default"}
    assert defaults["assumptions"]["list_length"] == {
        "value": 3.0,
        "source": "database",
        "label": "Positions each applicant ranks (applications per applicant)",
    }
    # The national figure, in proportion to the round's 6 seats against the national round's.
    graduates = defaults["assumptions"]["new_graduates_spring"]
    assert graduates["source"] == "published_scaled"
    national = new_graduates_from_series(simulation_data._series())
    national_seats = simulation_data._published_snapshot(small_round).seats
    assert national and graduates["value"] == max(1, round(national["spring"] * 6 / national_seats))
    assert graduates["value"] < 20  # not the whole country's ~600 new doctors for 6 seats


def test_scenario_json_reports_progress_and_refuses_bad_parameters(small_round):
    calls: list[tuple[int, int]] = []
    scenario_json(
        small_round, {"rounds": 2, "replications": 3}, progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (6, 6)  # scenario and baseline, three replications each

    with pytest.raises(ScenarioError, match="extra_seats must be from 0"):
        scenario_json(small_round, {"extra_seats": -1})
    with pytest.raises(ValueError, match="no positions in the region Helse Vest"):
        scenario_json(small_round, {"extra_seats_by_region": {"Helse Vest": 3}})
    with pytest.raises(ValueError, match="There is no assumption called 'nope'"):
        scenario_json(small_round, {"assumptions": {"nope": 1}})


def test_offer_waves_compares_with_the_central_match_on_the_round_lists(small_round, tmp_path):
    document = _run("offer_waves", "--round", "spring-2041", "--waves", "5", tmp_path=tmp_path)

    assert document["format"] == "lis1-offer-waves/1"
    assert document["lists"] == "database"
    central, waved = document["central_match"], document["offer_waves"]
    for key in ("filled", "unfilled", "offers", "declined", "days", "blocking_pairs"):
        assert key in central and key in waved
    assert central["filled"] == 6 and central["blocking_pairs"] == 0
    assert central["rural_seats"] == 2
    assert len(document["waves"]) == 5
    assert document == offer_waves_json(small_round, waves=5, seed=1)


def test_policy_scenario_finds_the_seats_needed(small_round, tmp_path):
    document = _run(
        "policy_scenario",
        "--round",
        "spring-2041",
        "--seats-needed",
        "0",
        "--target",
        "0",
        "--rounds",
        "1",
        "--replications",
        "3",
        tmp_path=tmp_path,
    )

    # Twelve applicants and six seats: fewer than six extra seats leave someone waiting, and
    # one seat fewer than the answer leaves someone waiting on the same seeds (the synthetic
    # lists are calibrated to the round, so some doctors rank fewer than the three positions).
    assert document["format"] == "lis1-seats-needed/1"
    assert document["reached"] is True
    assert 6 <= document["extra_seats"] <= 12 * 3
    assert document["queue"] == 0
    fewer = _run(
        "policy_scenario",
        "--round",
        "spring-2041",
        "--extra-seats",
        str(document["extra_seats"] - 1),
        "--rounds",
        "1",
        "--replications",
        "3",
        tmp_path=tmp_path,
    )
    assert fewer["rounds"][0]["without_position"] > 0


def test_a_missing_round_is_a_usage_error(db, tmp_path):
    with pytest.raises(CommandError, match="No round with slug 'nope'") as error:
        call_command("offer_waves", "--round", "nope", "--format", "json", "--output", "-")
    assert error.value.returncode == 2


def test_a_bad_scenario_is_a_usage_error(small_round):
    with pytest.raises(
        CommandError, match=r"foreign-experience track must be from 0 to 0\.5"
    ) as error:
        call_command(
            "policy_scenario",
            "--round",
            "spring-2041",
            "--foreign-track-share",
            "0.9",
            "--format",
            "json",
            "--output",
            "-",
        )
    assert error.value.returncode == 2


@pytest.mark.parametrize(
    "args",
    [
        ["policy_scenario", "--round", "x", "--extra-seats", "many", "--format", "json"],
        ["policy_scenario", "--round", "x", "--format", "xml", "--output", "-"],
        ["offer_waves", "--round", "x", "--waves", "1.5", "--format", "json", "--output", "-"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(args):
    env = {**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:///:memory:")}
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "error:" in done.stderr
