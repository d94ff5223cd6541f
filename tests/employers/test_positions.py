"""Employer staff create, edit and publish positions while advertising is open."""

import datetime as dt

import pytest
from django.urls import reverse

from lis1.rounds.enums import PositionKind, PositionStatus, Rotation
from lis1.rounds.models import MunicipalArea, Position
from lis1.rounds.services.positions import PositionError, position_publish
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _form(round_, muni, **extra):  # type: ignore[no-untyped-def]
    data = {
        "round": round_.pk,
        "reference": "SI-2030-01",
        "title": "LIS1 Gjøvik og Gjøvik kommune",
        "kind": PositionKind.FULL,
        "rotation": Rotation.TWO_PART,
        "municipality": muni.pk,
        "start_date": round_.start_date.isoformat(),
        "seats": 3,
        "description": "Tre stillinger.",
        "alis_url": "https://example.no/alis",
    }
    data.update(extra)
    return data


def test_employer_creates_a_draft_position_with_sites(employer_user, trust, municipality) -> None:  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    site = f.SiteFactory(parent=trust)
    response = client_for(employer_user).post(
        reverse("employers:position_create"), _form(round_, municipality, sites=[site.pk])
    )
    position = Position.objects.get(reference="SI-2030-01")
    assert response.status_code == 302
    assert (position.employer, position.status, position.seats) == (trust, PositionStatus.DRAFT, 3)
    assert list(position.sites.all()) == [site]


def test_employer_creates_a_position_with_an_area(employer_user, trust, municipality) -> None:  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    area = MunicipalArea.objects.create(employer=trust, name="Valdres")
    area.municipalities.add(municipality)
    response = client_for(employer_user).post(
        reverse("employers:position_create"),
        _form(round_, municipality, municipality="", municipal_area=area.pk),
    )
    assert response.status_code == 302
    assert Position.objects.get(reference="SI-2030-01").municipal_area == area


def test_position_form_rejects_both_municipality_and_area(
    employer_user, trust, municipality
) -> None:  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    area = MunicipalArea.objects.create(employer=trust, name="Valdres")
    response = client_for(employer_user).post(
        reverse("employers:position_create"), _form(round_, municipality, municipal_area=area.pk)
    )
    assert response.status_code == 400
    assert not Position.objects.exists()


def test_position_form_refuses_another_trusts_site(
    employer_user, other_trust, municipality
) -> None:  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    site = f.SiteFactory(parent=other_trust)
    response = client_for(employer_user).post(
        reverse("employers:position_create"), _form(round_, municipality, sites=[site.pk])
    )
    assert response.status_code == 400
    assert not Position.objects.exists()


def test_employer_edits_and_publishes_while_advertising(employer_user, trust, municipality) -> None:  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    position = f.PositionFactory(round=round_, employer=trust, status=PositionStatus.DRAFT)
    client = client_for(employer_user)
    response = client.post(
        reverse("employers:position_edit", args=[position.pk]),
        _form(round_, municipality, reference=position.reference, seats=5),
    )
    assert response.status_code == 302
    client.post(reverse("employers:position_publish", args=[position.pk]))
    position.refresh_from_db()
    assert (position.seats, position.status) == (5, PositionStatus.PUBLISHED)


def test_positions_cannot_change_after_the_application_deadline(
    employer_user, position, municipality
) -> None:  # type: ignore[no-untyped-def]
    # The fixture round closed its applications a month ago.
    client = client_for(employer_user)
    response = client.post(
        reverse("employers:position_edit", args=[position.pk]),
        _form(position.round, municipality, reference=position.reference, seats=9),
    )
    position.refresh_from_db()
    assert response.status_code == 302
    assert position.seats == 2
    with pytest.raises(PositionError):
        position_publish(position=position)


def test_create_form_offers_only_rounds_open_for_positions(employer_user, position) -> None:  # type: ignore[no-untyped-def]
    open_round = f.advertising_round()
    response = client_for(employer_user).get(reverse("employers:position_create"))
    choices = [c[0].value for c in response.context["form"].fields["round"].choices if c[0]]
    assert choices == [open_round.pk]


def test_position_pages_render(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    for name, args in [
        ("employers:dashboard", []),
        ("employers:positions", []),
        ("employers:position", [position.pk]),
        ("employers:applicants", [position.pk]),
        ("employers:ranking", [position.pk]),
        ("employers:placements", [position.pk]),
        ("employers:ranking_import", [position.pk]),
        ("employers:positions_import", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    assert dt.date.today() < position.start_date


def test_withdraw_page_takes_a_position_back_to_draft(
    employer_user, other_employer_user, trust
) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    position = f.PositionFactory(round=f.advertising_round(), employer=trust)
    url = reverse("employers:position_withdraw", args=[position.pk])
    assert client_for(other_employer_user).post(url).status_code == 404
    assert client_for(employer_user).get(url).status_code == 405
    response = client_for(employer_user).post(url)
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.status == "draft"
