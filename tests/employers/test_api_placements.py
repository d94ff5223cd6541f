"""Employer staff record a doctor's answer, or the end of an accepted placement, through the
API: the same services as the pages (on the doctor's behalf), refusals as 400 like the
employer API's other refusals, and another trust's or position's placement 404."""

import pytest
from django.test import Client

from lis1.rounds.enums import PlacementStatus
from lis1.rounds.services.placements import placement_answer
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def english(user) -> Client:  # type: ignore[no-untyped-def]
    client = client_for(user)
    client.cookies["lis1_language"] = "en"
    return client


@pytest.fixture
def offer(trust, municipality):  # type: ignore[no-untyped-def]
    """A published offer of a position of the employer user's trust."""
    return f.matched_placement(f.ApplicantFactory(), employer=trust, municipality=municipality)


def _url(placement, what: str) -> str:  # type: ignore[no-untyped-def]
    return f"/api/employer/positions/{placement.position_id}/placements/{placement.pk}/{what}/"


def test_answer_on_the_doctors_behalf(employer_user, offer) -> None:  # type: ignore[no-untyped-def]
    response = english(employer_user).post(
        _url(offer, "answer"), {"accept": True}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"], body["applicant_id"]) == (
        offer.pk,
        PlacementStatus.ACCEPTED,
        offer.applicant_id,
    )
    assert body["answer_deadline"]
    offer.refresh_from_db()
    assert (offer.status, offer.answered_by) == (PlacementStatus.ACCEPTED, employer_user)


def test_turn_down_on_the_doctors_behalf(employer_user, offer) -> None:  # type: ignore[no-untyped-def]
    response = english(employer_user).post(
        _url(offer, "answer"), {"accept": False}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    offer.refresh_from_db()
    assert offer.status == PlacementStatus.DECLINED


def test_answer_refusals_and_bad_input(employer_user, offer) -> None:  # type: ignore[no-untyped-def]
    client = english(employer_user)
    missing = client.post(_url(offer, "answer"), {}, content_type="application/json")
    assert missing.status_code == 400
    assert list(missing.json()) == ["accept"]
    offer.refresh_from_db()
    assert offer.status == PlacementStatus.OFFERED

    placement_answer(placement=offer, accept=False, actor=offer.applicant.user)
    response = client.post(_url(offer, "answer"), {"accept": True}, content_type="application/json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This offer has already been answered.",
        "rule": "already_answered",
    }
    offer.refresh_from_db()
    assert (offer.status, offer.answered_by) == (PlacementStatus.DECLINED, offer.applicant.user)


def test_end_an_accepted_placement(employer_user, offer) -> None:  # type: ignore[no-untyped-def]
    placement_answer(placement=offer, accept=True, actor=offer.applicant.user)
    response = english(employer_user).post(
        _url(offer, "end"), {"reason": "Resigned before starting"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == PlacementStatus.WITHDRAWN
    assert response.json()["end_reason"] == "Resigned before starting"
    offer.refresh_from_db()
    assert (offer.status, offer.ended_by, offer.end_reason) == (
        PlacementStatus.WITHDRAWN,
        employer_user,
        "Resigned before starting",
    )


def test_end_needs_a_reason_and_an_accepted_placement(employer_user, offer) -> None:  # type: ignore[no-untyped-def]
    client = english(employer_user)
    for body in ({}, {"reason": ""}):
        response = client.post(_url(offer, "end"), body, content_type="application/json")
        assert response.status_code == 400
        assert list(response.json()) == ["reason"]
    response = client.post(_url(offer, "end"), {"reason": "r"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only an accepted position can be given up.",
        "rule": "not_accepted",
    }
    offer.refresh_from_db()
    assert (offer.status, offer.ended_at) == (PlacementStatus.OFFERED, None)


def test_another_trusts_or_positions_placement_is_404(  # type: ignore[no-untyped-def]
    employer_user, other_trust, trust, offer
) -> None:
    other = f.matched_placement(f.ApplicantFactory(), employer=other_trust)
    own_other_position = f.PositionFactory(round=offer.position.round, employer=trust)
    unpublished = f.matched_placement(f.ApplicantFactory(), employer=trust, publish=False)
    client = english(employer_user)
    for url in (
        _url(other, "answer"),
        f"/api/employer/positions/{own_other_position.pk}/placements/{offer.pk}/answer/",
        _url(unpublished, "answer"),
        f"/api/employer/positions/{offer.position_id}/placements/999999/answer/",
    ):
        response = client.post(url, {"accept": True}, content_type="application/json")
        assert response.status_code == 404, url
        response = client.post(
            url.replace("/answer/", "/end/"), {"reason": "r"}, content_type="application/json"
        )
        assert response.status_code == 404, url
    for placement in (other, offer, unpublished):
        placement.refresh_from_db()
        assert placement.status == PlacementStatus.OFFERED


def test_placement_routes_need_employer_staff(applicant, offer) -> None:  # type: ignore[no-untyped-def]
    # Not employer staff (an applicant): 403 with a message for either route.
    client = english(applicant.user)
    for what, body in (("answer", {"accept": True}), ("end", {"reason": "r"})):
        response = client.post(_url(offer, what), body, content_type="application/json")
        assert response.status_code == 403, what
        assert response.json() == {"detail": "This API is for staff of a health trust or hospital."}
    offer.refresh_from_db()
    assert (offer.status, offer.answered_at, offer.ended_at) == (
        PlacementStatus.OFFERED,
        None,
        None,
    )
