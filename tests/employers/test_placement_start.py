"""Hired means the employer has confirmed the day the doctor started: recorded from the
placed-doctors page or the API, defaulting to the position's start date, correctable, and
refused (naming the rule, changing nothing) for a doctor who has not accepted, a day in the
future or a day before the acceptance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lis1.rounds.enums import PlacementStatus
from lis1.rounds.models import Placement, Position
from lis1.rounds.services.placements import PlacementError, placement_answer, placement_end
from lis1.rounds.services.placements import placement_start as start
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(trust):  # type: ignore[no-untyped-def]
    return f.matched_placement(f.ApplicantFactory(), employer=trust)


def _started(placement: Placement, days_ago: int = 3) -> Placement:
    """Accepted a while ago, and the position's start date has passed."""
    placement_answer(placement=placement, accept=True, actor=placement.applicant.user)
    Placement.objects.filter(pk=placement.pk).update(
        answered_at=timezone.now() - dt.timedelta(days=30)
    )
    Position.objects.filter(pk=placement.position_id).update(
        start_date=timezone.localdate() - dt.timedelta(days=days_ago)
    )
    placement.refresh_from_db()
    return placement


def _page_url(placement: Placement) -> str:
    return reverse("employers:placement_start", args=[placement.position_id, placement.pk])


def _api_url(placement: Placement) -> str:
    return f"/api/employer/positions/{placement.position_id}/placements/{placement.pk}/start/"


def test_the_page_proposes_the_start_date_and_records_the_start(offer, employer_user) -> None:  # type: ignore[no-untyped-def]
    placement = _started(offer)
    client = client_for(employer_user)
    listing = client.get(reverse("employers:placements", args=[placement.position_id]))
    assert _page_url(placement) in listing.content.decode()
    page = client.get(_page_url(placement))
    assert page.status_code == 200
    start_date = placement.position.start_date
    assert f'value="{start_date:%Y-%m-%d}"' in page.content.decode()

    response = client.post(_page_url(placement), {"started_on": f"{start_date:%Y-%m-%d}"})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.started_on, placement.start_recorded_by) == (start_date, employer_user)

    later = start_date + dt.timedelta(days=1)
    client.post(_page_url(placement), {"started_on": f"{later:%Y-%m-%d}"})
    placement.refresh_from_db()
    assert placement.started_on == later  # corrected


def test_the_page_refuses_a_start_in_the_future_and_changes_nothing(offer, employer_user) -> None:  # type: ignore[no-untyped-def]
    placement = _started(offer)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client = client_for(employer_user)
    client.cookies["lis1_language"] = "en"
    response = client.post(_page_url(placement), {"started_on": f"{tomorrow:%Y-%m-%d}"})
    assert response.status_code == 409
    assert "before the day has come" in response.content.decode()
    placement.refresh_from_db()
    assert placement.started_on is None


def test_the_page_refuses_an_empty_date(offer, employer_user) -> None:  # type: ignore[no-untyped-def]
    placement = _started(offer)
    response = client_for(employer_user).post(_page_url(placement), {"started_on": ""})
    assert response.status_code == 400
    placement.refresh_from_db()
    assert placement.started_on is None


def test_the_api_records_and_refuses_with_the_rule(offer, employer_user) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    client.cookies["lis1_language"] = "en"
    day = timezone.localdate() - dt.timedelta(days=1)
    not_accepted = client.post(
        _api_url(offer), {"started_on": f"{day:%Y-%m-%d}"}, content_type="application/json"
    )
    assert not_accepted.status_code == 409
    assert not_accepted.json()["rule"] == "start_not_accepted"

    placement = _started(offer)
    too_early = placement.answered_at.date() - dt.timedelta(days=1)
    refused = client.post(
        _api_url(placement),
        {"started_on": f"{too_early:%Y-%m-%d}"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "The doctor cannot have started before accepting the position.",
        "rule": "start_before_acceptance",
    }
    bad = client.post(
        _api_url(placement), {"started_on": "1. mars"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert list(bad.json()) == ["started_on"]
    placement.refresh_from_db()
    assert placement.started_on is None

    response = client.post(
        _api_url(placement), {"started_on": f"{day:%Y-%m-%d}"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["started_on"] == f"{day:%Y-%m-%d}"
    placement.refresh_from_db()
    assert placement.started_on == day


def test_another_trusts_placement_is_not_found(offer) -> None:  # type: ignore[no-untyped-def]
    placement = _started(offer)
    stranger = f.MembershipFactory(organisation=f.OrganisationFactory(name="Annet HF")).user
    client = client_for(stranger)
    assert client.get(_page_url(placement)).status_code == 404
    day = timezone.localdate()
    assert (
        client.post(
            _api_url(placement), {"started_on": f"{day:%Y-%m-%d}"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_a_doctor_who_started_and_then_ends_has_left(offer, employer_user) -> None:  # type: ignore[no-untyped-def]
    placement = _started(offer, days_ago=0)
    Position.objects.filter(pk=placement.position_id).update(
        start_date=timezone.localdate() + dt.timedelta(days=10)
    )
    placement.refresh_from_db()
    # Started early (the employer corrected the day), then left: not a withdrawal.
    start(placement=placement, started_on=timezone.localdate(), actor=employer_user)
    ended = placement_end(placement=placement, actor=employer_user, reason="Moved", on_behalf=True)
    assert ended.status == PlacementStatus.LEFT
    with pytest.raises(PlacementError) as refused:
        start(
            placement=ended,
            started_on=timezone.localdate() + dt.timedelta(days=1),
            actor=employer_user,
        )
    assert refused.value.rule == "start_in_future"
