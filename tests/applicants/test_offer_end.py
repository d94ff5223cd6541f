"""An accepted doctor withdraws before the start, or records leaving after it: a
confirmation page, final, a receipt; the seat goes back to the employer's list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lis1.notifications.models import Outbox
from lis1.rounds.enums import PlacementStatus
from lis1.rounds.services.placements import placement_answer, position_vacant_seats
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_doctor_withdraws_an_accepted_position_after_confirming(me) -> None:  # type: ignore[no-untyped-def]
    placement = f.matched_placement(me)
    client = client_for(me.user)
    url = reverse("applicants:offer_end", args=[placement.pk])
    # Only an accepted position can be given up.
    assert client.post(url).status_code == 409
    placement_answer(placement=placement, accept=True, actor=me.user)
    offer_page = client.get(reverse("applicants:offer", args=[placement.pk]))
    assert url in offer_page.content.decode()
    assert client.get(url).status_code == 200
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACCEPTED  # GET only asks
    assert client.post(url, {"reason": "Moving abroad."}).status_code == 302
    placement.refresh_from_db()
    assert (placement.status, placement.end_reason) == (PlacementStatus.WITHDRAWN, "Moving abroad.")
    assert position_vacant_seats(placement.position) == 1
    assert Outbox.objects.filter(to=me.user.email).count() == 2  # acceptance and withdrawal


def test_another_applicants_placement_cannot_be_given_up(me, other_applicant) -> None:  # type: ignore[no-untyped-def]
    placement = f.matched_placement(other_applicant)
    placement_answer(placement=placement, accept=True, actor=other_applicant.user)
    response = client_for(me.user).post(reverse("applicants:offer_end", args=[placement.pk]))
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACCEPTED
