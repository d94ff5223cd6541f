"""A position with 300 applicants costs no more queries than one with 3."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis1.rounds.services.rankings import employer_ranking_set
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PAGES = ["employers:applicants", "employers:ranking", "employers:placements"]


def _queries(client, name, position) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, args=[position.pk]))
    assert response.status_code == 200
    return len(captured)


def _position_with(trust, round_, count):  # type: ignore[no-untyped-def]
    position = f.PositionFactory(round=round_, employer=trust)
    applicants = f.applicants_for(position, count)
    employer_ranking_set(
        position=position, applicant_ids=[a.pk for a in applicants[: count // 2 + 1]]
    )
    return position


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_applicants(employer_user, trust, name: str) -> None:  # type: ignore[no-untyped-def]
    round_ = f.RoundFactory()
    small = _position_with(trust, round_, 3)
    large = _position_with(trust, round_, 300)
    client = client_for(employer_user)
    _queries(client, name, small)  # warm the session
    assert _queries(client, name, large) == _queries(client, name, small)


def test_municipality_position_page_query_count(municipality_user, municipality, trust) -> None:  # type: ignore[no-untyped-def]
    round_ = f.RoundFactory()
    positions = []
    for count in (3, 300):
        position = f.PositionFactory(round=round_, employer=trust, municipality=municipality)
        applicants = f.applicants_for(position, count)
        employer_ranking_set(position=position, applicant_ids=[a.pk for a in applicants])
        positions.append(position)
    client = client_for(municipality_user)
    _queries(client, "municipalities:position", positions[0])
    assert _queries(client, "municipalities:position", positions[1]) == _queries(
        client, "municipalities:position", positions[0]
    )
