"""What the applicant list and the ranking cost: the same number of queries for 30 and for
300 applicants (pages and changes), and pages under 300 kB for a position with 1,000."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from employers.models import InterviewNote
from lis1.rounds.demo.names import NAMES
from lis1.rounds.enums import ApplicationStatus, NorwegianProficiency
from lis1.rounds.models import Applicant, Application
from lis1.rounds.services.rankings import employer_ranking_set, ranking_ids
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 300 * 1024


def _bulk_applicants(position, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    """`count` applicants with submitted applications, made in a few bulk inserts, with
    names as long as the demo round's longest (the page size depends on them)."""
    female, male, family = NAMES["NO"]
    given = [f"{a} {b}" for a, b in itertools.product(female + male, repeat=2)]
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(email=f"bulk{position.pk}-{n}@example.no", password="!")
            for n in range(count)
        ]
    )
    proficiencies = [p for p, _label in NorwegianProficiency.choices]
    applicants = Applicant.objects.bulk_create(
        [
            Applicant(
                user=user,
                given_name=given[n % len(given)],
                family_name=f"{family[n % len(family)]}-{family[(n * 7) % len(family)]}",
                hpr_number=f"{position.pk:03d}{n:06d}"[-9:],
                education_country=("NO", "SE", "PL", "IR")[n % 4],
                education_year=2015 + n % 10,
                norwegian_proficiency=proficiencies[n % len(proficiencies)],
                prior_hospital_months=n % 13,
                prior_municipal_months=n % 7,
            )
            for n, user in enumerate(users)
        ]
    )
    now = timezone.now()
    applications = Application.objects.bulk_create(
        [
            Application(
                applicant=a, position=position, status=ApplicationStatus.SUBMITTED, submitted_at=now
            )
            for a in applicants
        ]
    )
    InterviewNote.objects.bulk_create(
        [InterviewNote(application=a, text="Intervjuet.") for a in applications[::3]]
    )
    return [a.pk for a in applicants]


def _position_with(trust, round_, count: int):  # type: ignore[no-untyped-def]
    position = f.PositionFactory(round=round_, employer=trust)
    ids = _bulk_applicants(position, count)
    employer_ranking_set(position=position, applicant_ids=ids[: count * 2 // 3])
    return position, ids


def _queries(client, method: str, url: str, data=None) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    # Counts come from subqueries of one relation, never from a join counted DISTINCT.
    assert not [q for q in captured if "COUNT(DISTINCT" in q["sql"].upper()], url
    return len(captured)


def _pages(position) -> list[tuple[str, dict[str, object]]]:  # type: ignore[no-untyped-def]
    applicants = reverse("employers:applicants", args=[position.pk])
    ranking = reverse("employers:ranking", args=[position.pk])
    return [
        (applicants, {}),
        (applicants, {"q": "ing", "sort": "rank"}),
        (applicants, {"q": "0000", "education": "eea", "prior": "some", "sort": "notes"}),
        (applicants, {"ranked": "no", "sort": "-education_year", "page": "2"}),
        (ranking, {}),
        (ranking, {"page": "2"}),
    ]


@pytest.fixture
def small_and_large(employer_user, trust):  # type: ignore[no-untyped-def]
    round_ = f.RoundFactory()
    return (
        client_for(employer_user),
        _position_with(trust, round_, 30),
        _position_with(trust, round_, 300),
    )


def test_pages_cost_the_same_queries_for_30_and_300_applicants(small_and_large) -> None:  # type: ignore[no-untyped-def]
    client, (small, _s), (large, _l) = small_and_large
    client.get(reverse("employers:dashboard"))  # warm the session
    for (url_small, data), (url_large, _data) in zip(_pages(small), _pages(large), strict=True):
        assert _queries(client, "get", url_large, data) == _queries(
            client, "get", url_small, data
        ), (url_small, data)


def test_changes_cost_the_same_queries_for_30_and_300_applicants(small_and_large) -> None:  # type: ignore[no-untyped-def]
    client, (small, small_ids), (large, large_ids) = small_and_large
    client.get(reverse("employers:dashboard"))
    counts = []
    for position, ids in ((small, small_ids), (large, large_ids)):
        ranked = ranking_ids(position)
        change = reverse("employers:ranking_change", args=[position.pk])
        add = reverse("employers:applicants_add", args=[position.pk])
        counts.append(
            [
                # The last ranked applicant to place 2: nearly every row moves.
                _queries(client, "post", change, {"action": f"to:{ranked[-1]}", "to": 2}),
                _queries(
                    client,
                    "post",
                    change,
                    {"action": f"to:{ranked[0]}", "to": 3},
                ),
                _queries(client, "post", add, {"applicant": ids[-1]}),
                _queries(client, "post", f"{add}?ranked=no", {"all": "1"}),
            ]
        )
        assert len(ranking_ids(position)) == len(ids)
    assert counts[0] == counts[1]


def test_pages_of_a_position_with_1000_applicants_are_under_300_kb(employer_user, trust) -> None:  # type: ignore[no-untyped-def]
    position = f.PositionFactory(round=f.RoundFactory(), employer=trust)
    ids = _bulk_applicants(position, 1000)
    client = client_for(employer_user)
    applicants = reverse("employers:applicants", args=[position.pk])
    ranking = reverse("employers:ranking", args=[position.pk])
    sizes = {}
    # Nobody ranked yet: every row of the list has an add button, the ranking page its
    # unranked applicants.
    sizes["applicants, none ranked"] = len(client.get(applicants).content)
    sizes["ranking, none ranked"] = len(client.get(ranking).content)
    employer_ranking_set(position=position, applicant_ids=ids)
    sizes["applicants, all ranked"] = len(client.get(applicants).content)
    sizes["applicants, by place"] = len(client.get(applicants, {"sort": "rank"}).content)
    for page in (1, 10, 20):
        response = client.get(ranking, {"page": page})
        assert response.context["count"] == 1000
        sizes[f"ranking, page {page}"] = len(response.content)
    print(sizes)  # with -s, the figures
    assert all(size < PAGE_BUDGET for size in sizes.values()), sizes
