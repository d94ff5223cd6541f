"""The municipality API: positions, the employer's ranking, reviews, placement runs; 404 outside."""

import pytest

from lis1.rounds.services.rankings import employer_ranking_set
from municipalities.models import RankingReview
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(trust, municipality):  # type: ignore[no-untyped-def]
    return f.PositionFactory(employer=trust, municipality=municipality)


def test_api_ranking_and_review(municipality_user, position) -> None:  # type: ignore[no-untyped-def]
    a, b = f.applicants_for(position, 2)
    employer_ranking_set(position=position, applicant_ids=[b.pk, a.pk])
    client = client_for(municipality_user)
    base = f"/api/municipality/positions/{position.pk}/"
    assert [r["applicant_id"] for r in client.get(base + "ranking/").json()] == [b.pk, a.pk]
    response = client.post(
        base + "reviews/", {"decision": "approved"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert RankingReview.objects.get().ranking_snapshot == [b.pk, a.pk]


def test_api_is_404_for_another_municipality(position) -> None:  # type: ignore[no-untyped-def]
    client = client_for(f.MembershipFactory(organisation=f.MunicipalityFactory()).user)
    base = f"/api/municipality/positions/{position.pk}/"
    assert client.get(base).status_code == 404
    assert client.get(base + "ranking/").status_code == 404
    assert (
        client.post(
            base + "reviews/", {"decision": "approved"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get("/api/municipality/placement-runs/").json()["results"] == []
