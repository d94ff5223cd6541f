"""Employer staff record a doctor's answer, or that an accepted doctor gives the position up,
on the doctor's behalf: a confirmation page, the same rules as the doctor's own answer, a
receipt to the doctor; a refusal answers 409 and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lis1.notifications.models import Outbox
from lis1.rounds.enums import PlacementStatus
from lis1.rounds.models import Placement, Position, Round
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(trust, applicant):  # type: ignore[no-untyped-def]
    return f.matched_placement(applicant, employer=trust)


def _answer_url(placement: Placement, answer: str) -> str:
    return reverse("employers:placement_answer", args=[placement.position_id, placement.pk, answer])


def test_recording_a_refusal_frees_the_seat_and_tells_the_doctor(
    offer, employer_user, applicant
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    page = client.get(_answer_url(offer, "takket-nei"))
    assert page.status_code == 200 and page.context["can_answer"] is True
    assert client.post(_answer_url(offer, "takket-nei")).status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.answered_by) == (PlacementStatus.DECLINED, employer_user)
    assert Outbox.objects.filter(to=applicant.user.email).count() == 1


def test_no_answer_is_recorded_after_the_offers_deadline(offer, employer_user, applicant) -> None:  # type: ignore[no-untyped-def]
    Round.objects.filter(pk=offer.position.round_id).update(
        answer_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client_for(employer_user).post(_answer_url(offer, "godtatt"))
    assert response.status_code == 409
    assert response.context["error"]
    offer.refresh_from_db()
    assert offer.status == PlacementStatus.OFFERED
    assert not Outbox.objects.filter(to=applicant.user.email).exists()


def test_recording_a_withdrawal_needs_a_reason_and_frees_the_seat(
    offer, employer_user, applicant
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    client.post(_answer_url(offer, "godtatt"))
    url = reverse("employers:placement_end", args=[offer.position_id, offer.pk])
    assert client.get(url).context["end_status"] == PlacementStatus.WITHDRAWN
    assert client.post(url, {"reason": ""}).status_code == 400
    offer.refresh_from_db()
    assert offer.status == PlacementStatus.ACCEPTED
    assert client.post(url, {"reason": "Took a research post."}).status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.end_reason, offer.ended_by) == (
        PlacementStatus.WITHDRAWN,
        "Took a research post.",
        employer_user,
    )
    page = client.get(reverse("employers:placements", args=[offer.position_id]))
    assert page.context["vacant"] == 1


def test_after_the_start_date_it_is_recorded_as_leaving(offer, employer_user) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    client.post(_answer_url(offer, "godtatt"))
    Position.objects.filter(pk=offer.position_id).update(
        start_date=timezone.localdate() - dt.timedelta(days=1)
    )
    url = reverse("employers:placement_end", args=[offer.position_id, offer.pk])
    client.post(url, {"reason": "Ill health."})
    offer.refresh_from_db()
    assert offer.status == PlacementStatus.LEFT


def test_an_unknown_answer_word_is_404(offer, employer_user) -> None:  # type: ignore[no-untyped-def]
    assert client_for(employer_user).get(_answer_url(offer, "kanskje")).status_code == 404
