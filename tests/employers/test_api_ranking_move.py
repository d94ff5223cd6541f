"""The employer API's "move to place N": the same service and rules as the page."""

import pytest
from django.conf import settings

from employers.models import InterviewNote
from lis1.rounds.services.rankings import employer_ranking_set, ranking_ids
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _move(client, position, **data):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(
        f"/api/employer/positions/{position.pk}/ranking/move/",
        data,
        content_type="application/json",
    )


def test_api_moves_to_a_place(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applicants
    employer_ranking_set(position=position, applicant_ids=[a.pk, b.pk, c.pk])
    response = _move(client_for(employer_user), position, applicant_id=c.pk, place=1)
    assert response.status_code == 200, response.content
    assert response.json() == {"applicant_ids": [c.pk, a.pk, b.pk]}
    assert ranking_ids(position) == [c.pk, a.pk, b.pk]


@pytest.mark.parametrize("place", [0, 4, -2])
def test_api_place_outside_the_list_is_400(employer_user, position, applicants, place) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applicants
    employer_ranking_set(position=position, applicant_ids=[a.pk, b.pk, c.pk])
    response = _move(client_for(employer_user), position, applicant_id=a.pk, place=place)
    assert response.status_code == 400
    assert response.json() == {
        "place": ["Choose a place from 1 to 3."],
        "rule": "ranking_place_out_of_range",
    }
    assert ranking_ids(position) == [a.pk, b.pk, c.pk]


def test_api_bad_input_is_400(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, _b, _c = applicants
    employer_ranking_set(position=position, applicant_ids=[a.pk])
    response = _move(client_for(employer_user), position, applicant_id=a.pk, place="first")
    assert response.status_code == 400
    assert list(response.json()) == ["place"]
    missing = _move(client_for(employer_user), position, place=1)
    assert missing.status_code == 400
    assert list(missing.json()) == ["applicant_id"]
    assert ranking_ids(position) == [a.pk]


def test_api_unranked_applicant_is_refused(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = applicants
    employer_ranking_set(position=position, applicant_ids=[a.pk])
    response = _move(client_for(employer_user), position, applicant_id=b.pk, place=1)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The applicant is not on the ranking.",
        "rule": "not_on_ranking",
    }


def test_api_move_after_the_ranking_deadline_is_409(employer_user, trust) -> None:  # type: ignore[no-untyped-def]
    position = f.PositionFactory(round=f.past_ranking_deadline_round(), employer=trust)
    a, b = f.applicants_for(position, 2)
    f.employer_list(position, a, b)
    response = _move(client_for(employer_user), position, applicant_id=b.pk, place=1)
    assert response.status_code == 409
    assert response.json()["rule"] == "ranking_deadline_passed"
    assert ranking_ids(position) == [a.pk, b.pk]


def test_api_move_is_404_for_another_trust(other_employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = applicants
    employer_ranking_set(position=position, applicant_ids=[a.pk, b.pk])
    response = _move(client_for(other_employer_user), position, applicant_id=b.pk, place=1)
    assert response.status_code == 404
    assert ranking_ids(position) == [a.pk, b.pk]


def test_openapi_schema_has_the_move(employer_user) -> None:  # type: ignore[no-untyped-def]
    body = client_for(employer_user).get("/api/schema/").content.decode()
    assert "/api/employer/positions/{id}/ranking/move/" in body


def test_api_applications_are_searched_like_the_page(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = applicants
    a.hpr_number = "5550001"
    a.save()
    employer_ranking_set(position=position, applicant_ids=[b.pk])
    client = client_for(employer_user)
    url = f"/api/employer/positions/{position.pk}/applications/"
    assert [r["applicant_id"] for r in client.get(url, {"q": "555"}).json()] == [a.pk]
    assert [r["applicant_id"] for r in client.get(url, {"ranked": "yes"}).json()] == [b.pk]
    assert client.get(url, {"sort": "rank"}).json()[0]["applicant_id"] == b.pk
    InterviewNote.objects.create(application=a.applications.get(), text="Intervjuet.")
    assert client.get(url, {"sort": "notes"}).json()[0]["applicant_id"] == a.pk
    assert client.get(url, {"sort": "bogus"}).status_code == 400
