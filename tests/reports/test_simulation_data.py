"""lis1.simulation_data estimates the assumptions from the database when it holds the rounds."""

from __future__ import annotations

import datetime as dt

from lis1.jobs.models import JobStatus
from lis1.rounds.enums import MatchRunKind, PlacementStatus
from lis1.rounds.models import MatchRun, Placement
from lis1.simulation.model import Assumptions
from lis1.simulation_data import estimated_assumptions, scenario_defaults
from tests import factories


def test_re_applying_is_estimated_from_two_rounds_in_the_database(db):
    # Spring 2042: 30 applicants educated in Norway, 10 placed by a published match; 15 of the
    # other 20 apply again in autumn 2042.
    trust = factories.OrganisationFactory(region=factories.RegionFactory(code="vest"))
    spring = factories.RoundFactory(
        season="spring", year=2042, slug="spring-2042", start_date=dt.date(2042, 9, 1)
    )
    autumn = factories.RoundFactory(
        season="autumn", year=2042, slug="autumn-2042", start_date=dt.date(2043, 3, 1)
    )
    before = factories.PositionFactory(round=spring, employer=trust, seats=10)
    after = factories.PositionFactory(round=autumn, employer=trust, seats=10)
    run = MatchRun.objects.create(
        round=spring,
        kind=MatchRunKind.MAIN,
        seed=1,
        status=JobStatus.SUCCEEDED,
        published_at=dt.datetime(2042, 5, 2, 10, tzinfo=dt.UTC),
    )
    people = [factories.ApplicantFactory(education_country="NO") for _ in range(30)]
    for i, person in enumerate(people):
        factories.ApplicationFactory(applicant=person, position=before)
        if i < 10:
            Placement.objects.create(
                match_run=run,
                applicant=person,
                position=before,
                status=PlacementStatus.ACCEPTED,
                answered_at=run.published_at,
            )
        elif i < 25:
            factories.ApplicationFactory(applicant=person, position=after)

    inputs = estimated_assumptions(autumn)

    assert inputs.assumptions.reapply["norway"][0] == 0.75
    assert inputs.sources["reapply_norway"] == "database"
    assert inputs.assumptions.reapply["eea"] == Assumptions().reapply["eea"]  # too few: default
    assert inputs.sources["reapply_eea"] == "default"
    assert inputs.snapshot.applicants == 15
    assert {(c.group, c.earlier_rounds, c.count) for c in inputs.snapshot.cohorts} == {
        ("norway", 1, 15)
    }
    assert scenario_defaults(autumn)["assumptions"]["reapply_norway"]["value"][0] == 0.75


def test_a_round_without_data_starts_from_the_published_figures(db):
    empty = factories.RoundFactory(season="autumn", year=2043, slug="autumn-2043")

    inputs = estimated_assumptions(empty)

    assert inputs.sources["market"] == "published"
    assert inputs.snapshot.seats == 587  # autumn 2023, the latest published autumn round
    assert inputs.snapshot.applicants == 913
    assert inputs.sources["reapply_norway"] == "default"


def test_the_waves_take_a_round_with_couples(report_round):
    from lis1.simulation_data import offer_waves_json

    document = offer_waves_json(report_round["round"], waves=5, seed=1)

    assert document["format"] == "lis1-offer-waves/1"
    assert document["central_match"]["blocking_pairs"] == 0
    assert document["seats"] == 6


def test_the_history_counts_earlier_rounds_as_the_selector_does(db):
    """The lab counts every round's applicants from one pass over the (applicant, round)
    pairs; it must give each applicant the earlier rounds the one-applicant selector gives."""
    from lis1.rounds.enums import ApplicationStatus
    from lis1.rounds.selectors import applicant_earlier_rounds
    from lis1.simulation_data import _RoundsHistory

    rounds = [
        factories.RoundFactory(
            season=season, year=2044, slug=f"{season}-2044", start_date=dt.date(2044, month, 1)
        )
        for season, month in (("spring", 1), ("autumn", 4))
    ] + [
        factories.RoundFactory(
            season="spring", year=2045, slug="spring-2045", start_date=dt.date(2044, 9, 1)
        )
    ]
    positions = [factories.PositionFactory(round=r) for r in rounds]
    people = [
        factories.ApplicantFactory(rounds_before_system=i % 3, education_country="SE")
        for i in range(6)
    ]
    # Person i applies in the rounds given by the bits of i + 1; person 5 also has a
    # withdrawn application in the first round, which does not count.
    for i, person in enumerate(people):
        for k, position in enumerate(positions):
            if (i + 1) >> k & 1:
                factories.ApplicationFactory(applicant=person, position=position)
    factories.ApplicationFactory(
        applicant=people[5],
        position=positions[0],
        status=ApplicationStatus.WITHDRAWN,
        withdrawn_at=dt.datetime(2044, 1, 2, tzinfo=dt.UTC),
    )

    history = _RoundsHistory(rounds[-1])
    for round_ in rounds:
        rows = {pk: earlier for pk, _, earlier, *_ in history.rows(round_)}
        applied = [p for i, p in enumerate(people) if (i + 1) >> rounds.index(round_) & 1]
        assert set(rows) == {p.pk for p in applied}
        assert rows == {p.pk: applicant_earlier_rounds(p, round_) for p in applied}
    assert any(earlier >= 2 for _, _, earlier, *_ in history.rows(rounds[-1]))


def test_the_form_reuses_a_rounds_estimate_and_the_job_estimates_afresh(
    report_round, django_assert_num_queries
):
    from lis1.simulation_data import form_inputs

    round_ = report_round["round"]
    first = form_inputs(round_)
    with django_assert_num_queries(0):  # the form's second look, and its check of a post
        assert form_inputs(round_) == first
    # A new applicant: the job's estimate (uncached) sees them; the form's, within five
    # minutes, does not.
    position = round_.positions.first()
    factories.ApplicationFactory(applicant=factories.ApplicantFactory(), position=position)
    assert estimated_assumptions(round_).snapshot.applicants == first.snapshot.applicants + 1
    assert form_inputs(round_).snapshot.applicants == first.snapshot.applicants
