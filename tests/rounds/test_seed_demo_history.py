"""The demo's history: closed past rounds before the current one, sized by season, played
through their lifecycle, with doctors applying again after a round without a position."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Sum
from django.test import override_settings
from django.utils import timezone

from lis1.notifications.models import EmailBatch
from lis1.rounds.demo import DemoSummary, demo_calendar, demo_round_seed
from lis1.rounds.demo.answers import (
    ACCEPT,
    DECLINE,
    DEFAULT_ACCEPTANCE,
    NO_ANSWER,
    AcceptanceModel,
    Offer,
    RankResponse,
    answer_offers,
)
from lis1.rounds.demo.history import (
    REAPPLY_LATER,
    past_calendar,
    past_seasons,
    reapply_probability,
    season_size,
)
from lis1.rounds.demo.people import EDU_EEA, EDU_NORWAY, EDU_OTHER
from lis1.rounds.demo.service import OSLO
from lis1.rounds.enums import (
    MatchRunKind,
    PlacementStatus,
    RoundEventKind,
    RoundPhase,
    Season,
)
from lis1.rounds.models import Applicant, Application, MatchRun, Placement, Position, Round

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMALL = {"applicants": 240, "positions": 8, "seats": 115}


# Plain Python: seasons, sizes, calendars, the models ------------------------------------


def test_past_seasons_alternate_back_from_the_current_round() -> None:
    assert past_seasons(Season.AUTUMN, 2026, 5) == [
        (Season.SPRING, 2024),
        (Season.AUTUMN, 2024),
        (Season.SPRING, 2025),
        (Season.AUTUMN, 2025),
        (Season.SPRING, 2026),
    ]
    assert past_seasons(Season.SPRING, 2027, 2) == [(Season.SPRING, 2026), (Season.AUTUMN, 2026)]
    assert past_seasons(Season.SPRING, 2027, 0) == []


def test_season_sizes_follow_the_published_rounds_and_scale() -> None:
    spring = season_size(Season.SPRING, applicants=1200, positions=31)
    autumn = season_size(Season.AUTUMN, applicants=1200, positions=31)
    half = season_size(Season.AUTUMN, applicants=600, positions=31)

    assert (spring.applicants, spring.seats, spring.advertisements) == (1200, 575, 31)
    assert (autumn.applicants, autumn.seats, autumn.advertisements) == (915, 525, 29)
    assert (half.applicants, half.seats) == (458, 262)


def test_past_calendar_is_in_order_and_hires_for_the_season() -> None:
    spring = past_calendar(Season.SPRING, 2025)
    autumn = past_calendar(Season.AUTUMN, 2025)
    d = spring.dates
    moments = [
        d.advertising_opens,
        d.applications_close,
        d.ranking_deadline,
        d.match_date,
        d.results_published,
        d.answer_deadline,
        spring.follow_up_opened,
        spring.follow_up_published,
        spring.follow_up_deadline,
        spring.closed,
    ]

    assert moments == sorted(moments)
    assert len(set(moments)) == len(moments)
    assert spring.closed.date() < d.start_date == dt.date(2025, 9, 1)
    assert autumn.dates.start_date == dt.date(2026, 3, 1)
    assert autumn.dates.applications_close.month == 8


def test_reapplying_gets_less_likely_after_more_rounds() -> None:
    chances = [reapply_probability(n) for n in range(1, 8)]

    assert 0.6 <= chances[0] <= 0.7
    assert chances == sorted(chances, reverse=True)
    assert chances[-1] == REAPPLY_LATER


def test_acceptance_model_declines_lower_choices_more_and_norway_most() -> None:
    model = DEFAULT_ACCEPTANCE
    first = {g: model.probability(group=g, choice_rank=1) for g in (EDU_NORWAY, EDU_EEA, EDU_OTHER)}
    tenth = {g: model.probability(group=g, choice_rank=10) for g in first}

    assert all(p >= 0.95 for p in first.values())
    assert all(tenth[g] < first[g] for g in first)
    assert tenth[EDU_NORWAY] < tenth[EDU_EEA] < tenth[EDU_OTHER]
    assert model.probability(group=EDU_NORWAY, choice_rank=100) == 0.60  # the floor
    assert model.probability(group=EDU_EEA, choice_rank=None) == model.probability(
        group=EDU_EEA, choice_rank=model.unranked
    )


def test_answer_offers_is_seeded_and_follows_the_model() -> None:
    import random

    offers = [Offer(key=i, group=EDU_NORWAY, choice_rank=1 + i % 20) for i in range(4000)]
    first = answer_offers(model=DEFAULT_ACCEPTANCE, rng=random.Random(3), offers=offers)
    again = answer_offers(model=DEFAULT_ACCEPTANCE, rng=random.Random(3), offers=offers[::-1])
    never = AcceptanceModel(
        groups={EDU_NORWAY: RankResponse(first=0.0, step=0.0, floor=0.0)}, no_answer=0.0
    )

    assert first == again  # the order offers are read in does not matter
    counts = Counter(first.values())
    expected = sum(
        DEFAULT_ACCEPTANCE.probability(group=o.group, choice_rank=o.choice_rank) for o in offers
    )
    assert abs(counts[ACCEPT] - expected * 0.995) < 80
    assert 0 < counts[NO_ANSWER] < 60
    assert set(answer_offers(model=never, rng=random.Random(1), offers=offers).values()) == {
        DECLINE
    }


# The database: a small demo with the default five past rounds ---------------------------


@pytest.fixture(scope="class")
def history_demo(django_db_setup, django_db_blocker) -> Iterator[DemoSummary]:  # type: ignore[no-untyped-def]
    """A small demo (240 applicants now) with five past rounds, seeded once for the class
    and rolled back afterwards."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        call_command("load_reference_data")
        yield demo_round_seed(seed=3, history=5, **SMALL)
        transaction.set_rollback(True)


def _past_rounds() -> list[Round]:
    return list(Round.objects.filter(closed_at__isnull=False).order_by("start_date"))


def _applicants_of(round_: Round) -> set[int]:
    return set(
        Application.objects.filter(position__round=round_).values_list("applicant_id", flat=True)
    )


def _hired_in(round_: Round) -> set[int]:
    return set(
        Placement.objects.filter(match_run__round=round_, started_on__isnull=False).values_list(
            "applicant_id", flat=True
        )
    )


@pytest.mark.django_db
class TestHistory:
    def test_five_closed_rounds_before_the_current_one(self, history_demo: DemoSummary) -> None:
        today = timezone.localdate(timezone=OSLO)
        current = Round.objects.get(slug=history_demo.round_slug)
        past = _past_rounds()
        expected = past_seasons(current.season, current.year, 5)

        assert current.slug == demo_calendar(today).slug
        assert current.phase == RoundPhase.RANKING
        assert [(r.season, r.year) for r in past] == expected
        assert list(history_demo.past_rounds) == [f"{s}-{y}" for s, y in expected]
        assert Round.objects.count() == 6
        # The first round's applicants registered when its applications opened.
        first = past_calendar(*expected[0]).dates.applications_open
        assert set(
            Applicant.objects.filter(pk__in=_applicants_of(past[0])).values_list(
                "created_at", flat=True
            )
        ) == {first}
        for round_ in past:
            assert round_.phase == RoundPhase.CLOSED
            assert round_.is_demo is True
            calendar = past_calendar(round_.season, round_.year)
            assert round_.published_at == calendar.dates.results_published
            assert round_.follow_up_opened_at == calendar.follow_up_opened
            assert round_.closed_at == calendar.closed < timezone.now()
            kinds = set(round_.events.values_list("kind", flat=True))
            assert {RoundEventKind.PUBLISHED, RoundEventKind.FOLLOW_UP_OPENED} <= kinds
            assert RoundEventKind.CLOSED in kinds
            assert round_.events.filter(at__gt=calendar.closed).count() == 0

    def test_each_round_is_sized_like_its_season(self, history_demo: DemoSummary) -> None:
        for round_ in _past_rounds():
            size = season_size(round_.season, **{k: SMALL[k] for k in ("applicants", "positions")})
            positions = Position.objects.filter(round=round_)
            assert positions.count() == size.advertisements
            assert positions.aggregate(s=Sum("seats"))["s"] == size.seats
            assert len(_applicants_of(round_)) == size.applicants
        spring = season_size(Season.SPRING, applicants=240, positions=8)
        autumn = season_size(Season.AUTUMN, applicants=240, positions=8)
        assert autumn.applicants < spring.applicants and autumn.seats < spring.seats
        current = Round.objects.get(slug=history_demo.round_slug)
        assert len(_applicants_of(current)) == 240
        assert Position.objects.filter(round=current).aggregate(s=Sum("seats"))["s"] == 115

    def test_main_match_answers_follow_up_and_hires(self, history_demo: DemoSummary) -> None:
        for round_ in _past_rounds():
            calendar = past_calendar(round_.season, round_.year)
            runs = MatchRun.objects.filter(round=round_).without_blobs()
            main = runs.get(kind=MatchRunKind.MAIN)
            follow_up = runs.get(kind=MatchRunKind.FOLLOW_UP)
            assert main.published_at == calendar.dates.results_published
            assert main.verified_ok is True and follow_up.verified_ok is True
            assert follow_up.published_at == calendar.follow_up_published
            assert follow_up.answer_deadline == calendar.follow_up_deadline

            placements = Placement.objects.filter(match_run__round=round_)
            statuses = Counter(placements.values_list("status", flat=True))
            assert statuses[PlacementStatus.OFFERED] == 0  # answered or expired at the close
            assert statuses[PlacementStatus.DECLINED] > 0
            assert placements.filter(match_run=follow_up, status=PlacementStatus.ACCEPTED).exists()
            # Answers by the applicants themselves, inside each run's answer window.
            for run, opened, deadline in (
                (main, calendar.dates.results_published, calendar.dates.answer_deadline),
                (follow_up, calendar.follow_up_published, calendar.follow_up_deadline),
            ):
                answered = placements.filter(match_run=run, answered_at__isnull=False)
                assert answered.filter(answered_at__lte=opened).count() == 0
                assert answered.filter(answered_at__gt=deadline).count() == 0
                assert answered.exclude(answered_by=F("applicant__user")).count() == 0
            # Hired: every accepted doctor started on the start date (it has passed).
            assert round_.start_date <= timezone.localdate(timezone=OSLO)
            accepted = placements.filter(status=PlacementStatus.ACCEPTED)
            assert accepted.filter(started_on=round_.start_date).count() == accepted.count() > 0
            assert (
                placements.exclude(status=PlacementStatus.ACCEPTED)
                .filter(started_on__isnull=False)
                .count()
                == 0
            )
            # Seats are never over-filled, and a doctor holds at most one seat.
            held = Counter(accepted.values_list("position_id", flat=True))
            seats = dict(Position.objects.filter(round=round_).values_list("pk", "seats"))
            assert all(held[p] <= seats[p] for p in held)
            assert accepted.values("applicant").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
        # Nobody in the simulated past was e-mailed.
        assert EmailBatch.objects.count() == 0

    def test_doctors_without_a_position_apply_again_as_themselves(
        self, history_demo: DemoSummary
    ) -> None:
        rounds = [*_past_rounds(), Round.objects.get(slug=history_demo.round_slug)]
        shares = []
        for previous, this in itertools.pairwise(rounds):
            before, now = _applicants_of(previous), _applicants_of(this)
            without = before - _hired_in(previous)
            again = now & before
            # Only those without a position apply again, about two in three of them.
            assert again <= without
            shares.append(len(again) / len(without))
        assert all(0.45 <= share <= 0.80 for share in shares), shares
        current = rounds[-1]
        assert history_demo.reapplicants == len(
            _applicants_of(current) & _applicants_of(rounds[-2])
        )
        assert history_demo.reapplicants > 0
        # The same person (one identity number, one look-up hash) across three or more rounds.
        per_person = Counter(
            Application.objects.values_list("applicant__national_id_hash", "position__round")
            .distinct()
            .values_list("applicant__national_id_hash", flat=True)
        )
        assert max(per_person.values()) >= 3
        assert Applicant.objects.filter(national_id_hash__isnull=True).count() == 0
        assert Applicant.objects.values("national_id_hash").distinct().count() == (
            Applicant.objects.count()
        )

    def test_demo_logins_are_the_current_rounds(self, history_demo: DemoSummary) -> None:
        current = Round.objects.get(slug=history_demo.round_slug)
        soker = Applicant.objects.get(user__email="soker@demo.lis1.no")

        assert set(soker.applications.values_list("position__round", flat=True)) == {current.pk}
        assert soker.applications.count() == SMALL["positions"]  # all of them (wants 15)
        assert {email for email, _ in history_demo.logins} >= {
            "soker@demo.lis1.no",
            "direktorat@demo.lis1.no",
        }


@pytest.mark.django_db
def test_history_is_the_same_for_the_same_seed(reference_data: None) -> None:
    def outcome() -> Counter[tuple[object, ...]]:
        return Counter(
            Placement.objects.values_list(
                "applicant__national_id_hash",
                "position__reference",
                "match_run__kind",
                "status",
                "started_on",
            )
        )

    small = {"applicants": 60, "positions": 4, "seats": 28}
    demo_round_seed(seed=4, history=2, **small)
    first = outcome()
    demo_round_seed(seed=4, history=2, replace=True, **small)
    again = outcome()
    demo_round_seed(seed=5, history=2, replace=True, **small)
    other = outcome()

    assert sum(first.values()) > 20
    assert again == first
    assert other != first
    assert Round.objects.count() == 3


@pytest.mark.django_db
def test_seed_demo_command_builds_the_history_by_default(reference_data: None, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", "--applicants", "40", "--positions", "3", "--seats", "18")

    out = capsys.readouterr().out
    current = Round.objects.get(closed_at__isnull=True)
    expected = [f"{s}-{y}" for s, y in past_seasons(current.season, current.year, 5)]
    assert (
        list(
            Round.objects.filter(closed_at__isnull=False)
            .order_by("start_date")
            .values_list("slug", flat=True)
        )
        == expected
    )
    assert f"past rounds              {', '.join(expected)}" in out

    with pytest.raises(CommandError, match="already exists"):
        call_command("seed_demo", "--applicants", "40", "--positions", "3", "--seats", "18")


@pytest.fixture
def reference_data(db) -> None:  # type: ignore[no-untyped-def]
    call_command("load_reference_data")


@pytest.mark.django_db
def test_rows_written_without_copy_are_the_same(reference_data: None, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Where there is no COPY (SQLite under `make run`), bulk_create writes the same rows,
    and a rebuild (other database keys) gives the same history."""
    from lis1.rounds.demo import service

    def rows() -> tuple[list[tuple[object, ...]], ...]:
        return (
            list(
                Application.objects.order_by(
                    "applicant__national_id_hash", "position__reference"
                ).values_list(
                    "applicant__national_id_hash",
                    "position__reference",
                    "motivation",
                    "status",
                    "submitted_at",
                    "created_at",
                    "withdrawn_at",
                )
            ),
            list(
                Placement.objects.order_by(
                    "applicant__national_id_hash", "match_run__kind"
                ).values_list("applicant__national_id_hash", "position__reference", "status")
            ),
        )

    small = {"applicants": 40, "positions": 3, "seats": 18}
    demo_round_seed(seed=2, history=1, **small)
    copied = rows()
    monkeypatch.setattr(service, "_has_copy", lambda: False)
    demo_round_seed(seed=2, history=1, replace=True, **small)

    assert len(copied[0]) > 100 and len(copied[1]) > 5
    assert rows() == copied


def test_a_seasonal_demo_sizes_the_current_round_like_its_season(reference_data) -> None:  # type: ignore[no-untyped-def]
    """seed_demo without a size: the current round is sized like the published rounds of its
    season (an autumn round is smaller than a spring one), as the closed rounds are."""
    calendar = demo_calendar(timezone.localdate(timezone=OSLO))
    summary = demo_round_seed(seed=6, applicants=120, positions=6, history=1, seasonal=True)
    expected = season_size(calendar.season, applicants=120, positions=6)
    assert (summary.applicants, summary.advertisements, summary.seats) == (
        expected.applicants,
        expected.advertisements,
        expected.seats,
    )
    past = Round.objects.get(slug=summary.past_rounds[0])
    past_size = season_size(past.season, applicants=120, positions=6)
    assert past.positions.count() == past_size.advertisements
    autumn = season_size(Season.AUTUMN, applicants=120, positions=6)
    spring = season_size(Season.SPRING, applicants=120, positions=6)
    assert (autumn.applicants, autumn.seats) < (spring.applicants, spring.seats)
