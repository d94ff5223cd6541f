"""The queue projection: determinism, the same-seed properties of seats, the directorate's
proposals, the seats-needed search and the published series' order of magnitude."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lis1.reports.history import published_rounds
from lis1.simulation.calibration import SeriesRound, new_graduates_from_series
from lis1.simulation.model import (
    Assumptions,
    Cohort,
    MarketSnapshot,
    Program,
    Scenario,
    ScenarioError,
)
from lis1.simulation.national import national_snapshot
from lis1.simulation.projection import (
    compare,
    project,
    queue_waited_more_than,
    seats_needed,
)

SMALL = national_snapshot(positions=60, applicants=130)
SMALL_ASSUMPTIONS = Assumptions(new_graduates={"spring": 90, "autumn": 50})


def test_the_same_seed_gives_the_same_projection_and_another_seed_another():
    first = project(SMALL, SMALL_ASSUMPTIONS, rounds=4, replications=6, seed=3)
    again = project(SMALL, SMALL_ASSUMPTIONS, rounds=4, replications=6, seed=3)
    other = project(SMALL, SMALL_ASSUMPTIONS, rounds=4, replications=6, seed=4)

    assert first.samples == again.samples
    assert first.rounds == again.rounds
    assert first.samples["without_position"] != other.samples["without_position"]


def test_round_one_counts_add_up():
    result = project(SMALL, SMALL_ASSUMPTIONS, rounds=3, replications=4, seed=1)

    for rep in range(4):
        applicants = result.samples["applicants"][rep][0]
        placed = result.samples["placed"][rep][0]
        without = result.samples["without_position"][rep][0]
        withdrawn = result.samples["withdrawn"][rep][0]
        assert applicants == SMALL.applicants
        assert placed + without + withdrawn == applicants
        assert placed + withdrawn <= SMALL.seats
    summary = result.rounds[0]
    queue = sum(e.mean for e in summary.queue.values())
    assert queue == pytest.approx(summary.values["without_position"].mean)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    extra=st.integers(min_value=1, max_value=80),
    seed=st.integers(min_value=0, max_value=10_000),
    where=st.sampled_from(["national", "region", "trust"]),
)
def test_more_seats_never_leave_more_without_a_position_on_the_same_seeds(extra, seed, where):
    scenario = {
        "national": Scenario(extra_seats=extra),
        "region": Scenario(extra_seats_by_region={"Helse Nord": extra}),
        "trust": Scenario(extra_seats_by_trust={"Oslo universitetssykehus": extra}),
    }[where]

    result = compare(SMALL, SMALL_ASSUMPTIONS, scenario, rounds=5, replications=3, seed=seed)

    for key in ("without_position", "q:3", "q:5+"):
        for more, fewer in zip(
            result.scenario.samples[key], result.baseline.samples[key], strict=True
        ):
            assert all(m <= f for m, f in zip(more, fewer, strict=True)), key
    assert result.scenario.rounds[0].values["seats"].mean == SMALL.seats + extra


def test_seats_for_everyone_clear_the_first_round():
    programs = tuple(Program(id=f"p{i}", trust=f"t{i}", region="r", seats=5) for i in range(6))
    snapshot = MarketSnapshot(
        season="autumn",
        year=2030,
        programs=programs,
        cohorts=(Cohort("norway", 0, 40), Cohort("outside", 2, 60)),
        list_length=3,
    )
    everyone = Scenario(extra_seats=snapshot.applicants * len(programs) - snapshot.seats)

    result = compare(snapshot, Assumptions(), everyone, rounds=2, replications=5, seed=2)

    assert [s[0] for s in result.scenario.samples["without_position"]] == [0] * 5
    assert all(s[0] > 0 for s in result.baseline.samples["without_position"])


def test_filling_vacated_seats_from_the_lists_fills_them():
    assumptions = dataclasses.replace(SMALL_ASSUMPTIONS, withdrawal_rate=0.2)
    result = compare(
        SMALL, assumptions, Scenario(fill_from_last_lists=True), rounds=3, replications=8
    )

    base, filled = result.baseline.rounds[0].values, result.scenario.rounds[0].values
    assert base["refilled"].mean == 0
    assert filled["refilled"].mean > 0
    assert filled["unfilled"].mean < base["unfilled"].mean
    assert filled["without_position"].mean < base["without_position"].mean


def test_part_only_positions_place_more_doctors_on_the_same_seats():
    snapshot = dataclasses.replace(SMALL, one_part_share=0.3)
    result = compare(
        snapshot, SMALL_ASSUMPTIONS, Scenario(part_only_months=6), rounds=2, replications=8
    )

    base, parts = result.baseline.rounds[0].values, result.scenario.rounds[0].values
    assert parts["part_only_placed"].mean > 0
    assert parts["seats"].mean == base["seats"].mean
    assert parts["placed"].mean > base["placed"].mean


def test_the_foreign_track_places_doctors_with_long_foreign_experience_on_its_seats():
    snapshot = dataclasses.replace(SMALL, long_foreign_share=0.5)
    result = compare(
        snapshot, SMALL_ASSUMPTIONS, Scenario(foreign_track_share=0.2), rounds=2, replications=6
    )

    assert result.baseline.rounds[0].values["track_placed"].mean == 0
    assert result.scenario.rounds[0].values["track_placed"].mean > 0
    outside = result.scenario.rounds[0].placed_share["outside"].mean
    assert outside > result.baseline.rounds[0].placed_share["outside"].mean


def test_seats_needed_is_the_smallest_number_that_reaches_the_target():
    found = seats_needed(
        SMALL,
        SMALL_ASSUMPTIONS,
        waited_rounds=1,
        target=5.0,
        within=4,
        replications=4,
        seed=5,
    )

    assert found.extra_seats is not None and found.extra_seats > 0

    def best(extra: int) -> float:
        projection = project(
            SMALL, SMALL_ASSUMPTIONS, Scenario(extra_seats=extra), rounds=4, replications=4, seed=5
        )
        return min(queue_waited_more_than(projection, 1))

    assert best(found.extra_seats) <= 5.0
    assert best(found.extra_seats - 1) > 5.0


def test_bad_scenarios_are_refused_with_a_message():
    with pytest.raises(ScenarioError, match="no positions in the region Atlantis"):
        project(SMALL, SMALL_ASSUMPTIONS, Scenario(extra_seats_by_region={"Atlantis": 1}))
    with pytest.raises(ScenarioError, match="A part-only position is 6 months"):
        project(SMALL, SMALL_ASSUMPTIONS, Scenario(part_only_months=5))
    with pytest.raises(ScenarioError, match="rounds must be from 1"):
        project(SMALL, SMALL_ASSUMPTIONS, rounds=0)


def test_a_market_too_large_to_build_is_refused_before_it_is_built():
    # NRMP size: 45,000 applicants in 6,000 programs, and as many new doctors each round.
    programs = tuple(Program(id=f"P{i}", trust="T", region="R", seats=7) for i in range(6000))
    huge = dataclasses.replace(
        SMALL, programs=programs, cohorts=(Cohort(group="norway", earlier_rounds=0, count=45000),)
    )
    assumptions = Assumptions(new_graduates={"spring": 40000, "autumn": 40000})
    with pytest.raises(ScenarioError, match="too large for the policy lab: 405000 doctors") as e:
        project(huge, assumptions, rounds=10, replications=1)
    assert e.value.field is None and e.value.params["programs"] == 6000
    # 45,000 and nine rounds of 40,000 new doctors refused; one round of 1,500 doctors in the
    # same 6,000 programs (and their tracks) fits.
    small = dataclasses.replace(huge, cohorts=(Cohort("norway", 0, 1500),))
    assert project(small, assumptions, rounds=1, replications=1).rounds[0].values["applicants"]


def test_started_from_the_published_series_the_model_keeps_its_order_of_magnitude():
    series = [
        SeriesRound(r.season, r.year, r.applicants, r.positions, r.hired, r.without_position)
        for r in published_rounds()
    ]
    graduates = new_graduates_from_series(series)
    assert graduates is not None
    latest = max(
        (r for r in series if r.applicants and r.positions),
        key=lambda r: (r.year, r.season == "autumn"),
    )
    snapshot = national_snapshot(
        season=latest.season,
        year=latest.year,
        positions=latest.positions,
        applicants=latest.applicants,
    )

    result = project(
        snapshot, Assumptions(new_graduates=graduates), rounds=6, replications=20, seed=1
    )

    for season in ("spring", "autumn"):
        published = [r.applicants for r in series if r.season == season and r.applicants]
        typical = sum(published) / len(published)
        for summary in result.rounds:
            if summary.season == season:
                assert typical / 2 <= summary.values["applicants"].mean <= typical * 2
                assert summary.values["placed"].mean >= 0.8 * snapshot.seats
    springs = [r for r in result.rounds if r.season == "spring"]
    published_without = [r.without_position for r in series if r.without_position]
    typical_without = sum(published_without) / len(published_without)
    for summary in springs:
        assert typical_without / 2 <= summary.values["without_position"].mean <= typical_without * 2


def test_a_round_on_the_shared_pool_is_the_engine_s_match_of_that_round_alone():
    # The projection matches a round by choosing the pool's applicants taking part; that must
    # be what lis1.matching.solve gives for an instance of those applicants only.
    import random

    from lis1.matching import Instance, Program, solve, verify
    from lis1.matching.compiled import NONE
    from lis1.matching.deferred_acceptance import deferred_acceptance
    from lis1.simulation.market import build_market

    market = build_market(SMALL, SMALL_ASSUMPTIONS, [120, 120, 120], seed=4)
    pool = market.instance
    active = sorted(random.Random(1).sample(range(len(pool.applicants)), 150))
    capacity = [p.capacity for p in pool.programs]
    state = deferred_acceptance(
        dataclasses.replace(market.compiled_without_track, singles=active, capacity=capacity)
    )

    ids = {pool.applicants[a].id for a in active}
    alone = Instance(
        seed=1,
        programs=tuple(
            Program(p.id, p.capacity, tuple(a for a in p.ranking if a in ids))
            for p in pool.programs
        ),
        applicants=tuple(pool.applicants[a] for a in active),
        couples=(),
        input_sha256="",
    )
    result = solve(alone)

    programs = market.compiled.program_ids
    assert {
        pool.applicants[a].id: programs[state.assigned[a]]
        for a in active
        if state.assigned[a] != NONE
    } == result.matches
    assert verify(alone, result.matches) == []
