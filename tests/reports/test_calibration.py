"""Calibration: the demo round seeded with the spring-2018 figures (456 seats, 1,278
applicants) and matched gives a report whose headline agrees with the published one
(454 placed, 36 %)."""

from __future__ import annotations

import pytest

from lis1.reports.services import round_report_build
from lis1.rounds.demo import demo_round_seed
from lis1.rounds.models import Round
from tests.factories import run_and_publish_main_match

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_spring_2018_figures_give_the_published_headline() -> None:
    summary = demo_round_seed(seed=2018, applicants=1278, positions=31, seats=456)
    round_ = Round.objects.get(slug=summary.round_slug)
    run_and_publish_main_match(round_, seed=2018)

    report = round_report_build(round_=round_)
    headline = report.table("headline")

    assert headline.cell("Advertisements", "value") == 31
    assert headline.cell("Positions (seats)", "value") == 456
    assert headline.cell("Applicants", "value") == 1278
    placed = headline.cell("Offered a position", "value")
    assert isinstance(placed, int)
    assert 440 <= placed <= 456, placed  # published: 454 (all seats filled or near)
    share = headline.cell("Share offered a position", "value")
    assert isinstance(share, float)
    assert abs(share - 0.36) <= 0.02, share
    assert headline.cell("Unfilled seats", "value") == 456 - placed
    assert headline.cell("Without a position (not offered one)", "value") == 1278 - placed
    applications = headline.cell("Applications per applicant", "value")
    assert isinstance(applications, float)
    assert 10 <= applications <= 22, applications
