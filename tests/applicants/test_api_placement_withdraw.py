"""The applicant gives up an accepted position through the API: the same placement_end as
the page, refusals as 400 like the applicant API's other refusals, another's placement 404."""

import pytest
from rest_framework.test import APIClient

from lis1.notifications.models import Outbox
from lis1.rounds.enums import PlacementStatus
from lis1.rounds.services.placements import placement_answer, position_vacant_seats
from tests.factories import matched_placement

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    client.cookies["lis1_language"] = "en"
    return client


def _accepted(applicant):  # type: ignore[no-untyped-def]
    placement = matched_placement(applicant)
    return placement_answer(placement=placement, accept=True, actor=applicant.user)


def test_withdraw_an_accepted_position(me) -> None:  # type: ignore[no-untyped-def]
    placement = _accepted(me)
    response = api_for(me.user).post(
        f"/api/applicant/placements/{placement.pk}/withdraw/",
        {"reason": "Moving abroad"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"]) == (placement.pk, PlacementStatus.WITHDRAWN)  # before start
    assert body["ended_at"] is not None
    placement.refresh_from_db()
    assert (placement.status, placement.ended_by, placement.end_reason) == (
        PlacementStatus.WITHDRAWN,
        me.user,
        "Moving abroad",
    )
    assert placement.ended_at is not None
    # The seat goes back to the employer's list, and the doctor gets a receipt.
    assert position_vacant_seats(placement.position) == 1
    assert Outbox.objects.filter(to=me.user.email).count() == 2  # acceptance and withdrawal


def test_withdraw_without_a_reason(me) -> None:  # type: ignore[no-untyped-def]
    placement = _accepted(me)
    response = api_for(me.user).post(f"/api/applicant/placements/{placement.pk}/withdraw/")
    assert response.status_code == 200, response.content
    placement.refresh_from_db()
    assert (placement.status, placement.end_reason) == (PlacementStatus.WITHDRAWN, "")


def test_withdraw_an_offer_not_accepted_is_refused(me) -> None:  # type: ignore[no-untyped-def]
    placement = matched_placement(me)
    client = api_for(me.user)
    url = f"/api/applicant/placements/{placement.pk}/withdraw/"
    response = client.post(url, {"reason": "x"}, format="json")
    # A rule refusing now: 409 with the rule's name (lis1.api_errors).
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only an accepted position can be given up.",
        "rule": "not_accepted",
    }
    placement.refresh_from_db()
    assert (placement.status, placement.ended_at) == (PlacementStatus.OFFERED, None)
    # Given up once is final.
    accepted = placement_answer(placement=placement, accept=True, actor=me.user)
    assert client.post(url).status_code == 200
    accepted.refresh_from_db()
    ended_at = accepted.ended_at
    again = client.post(url, {"reason": "Changed my mind"}, format="json")
    assert again.status_code == 409
    assert again.json() == {
        "detail": "Only an accepted position can be given up.",
        "rule": "not_accepted",
    }
    accepted.refresh_from_db()
    assert (accepted.status, accepted.ended_at, accepted.end_reason) == (
        PlacementStatus.WITHDRAWN,
        ended_at,
        "",
    )


def test_withdraw_bad_input_is_400(me) -> None:  # type: ignore[no-untyped-def]
    placement = _accepted(me)
    response = api_for(me.user).post(
        f"/api/applicant/placements/{placement.pk}/withdraw/", {"reason": "x" * 2001}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACCEPTED


def test_withdraw_another_applicants_placement_is_404(me, other_applicant) -> None:  # type: ignore[no-untyped-def]
    placement = _accepted(other_applicant)
    response = api_for(me.user).post(f"/api/applicant/placements/{placement.pk}/withdraw/")
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACCEPTED


def test_withdraw_an_unpublished_placement_is_404(me) -> None:  # type: ignore[no-untyped-def]
    placement = matched_placement(me, publish=False)
    response = api_for(me.user).post(f"/api/applicant/placements/{placement.pk}/withdraw/")
    assert response.status_code == 404


def test_withdraw_needs_an_applicant(employer_user, me) -> None:  # type: ignore[no-untyped-def]
    placement = _accepted(me)
    assert (
        api_for(employer_user)
        .post(f"/api/applicant/placements/{placement.pk}/withdraw/")
        .status_code
        == 403
    )
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACCEPTED
