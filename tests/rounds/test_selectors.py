"""The current round is cached, and every change to rounds is seen at once."""

import datetime as dt

import pytest
from django.utils import timezone

from lis1.rounds.enums import MatchRunKind, RoundPhase
from lis1.rounds.models import Round
from lis1.rounds.selectors import round_current
from tests.factories import RoundFactory, matching_round, run_and_publish_main_match

pytestmark = pytest.mark.django_db


def test_round_current_is_cached(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    round_ = RoundFactory()
    assert round_current() == round_
    with django_assert_num_queries(0):
        assert round_current() == round_


def test_no_round_is_cached_and_forgotten_when_one_is_created() -> None:
    assert round_current() is None
    round_ = RoundFactory()
    assert round_current() == round_


def test_saving_or_deleting_a_round_is_seen_at_once() -> None:
    older = RoundFactory()
    newer = RoundFactory(start_date=older.start_date + dt.timedelta(days=180))
    assert round_current() == newer
    newer.published_at = newer.closed_at = timezone.now()
    newer.save()
    assert round_current() == older
    older.ranking_deadline += dt.timedelta(days=1)
    older.save()
    assert round_current().ranking_deadline == older.ranking_deadline
    older.delete()
    assert round_current() == newer  # only closed rounds are left


def test_publishing_results_is_seen_at_once() -> None:
    round_ = matching_round()
    assert round_current().phase == RoundPhase.MATCHING
    run = run_and_publish_main_match(round_)
    assert run.kind == MatchRunKind.MAIN
    assert Round.objects.get(pk=round_.pk).phase == RoundPhase.ANSWERS
    assert round_current().phase == RoundPhase.ANSWERS
