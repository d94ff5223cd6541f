"""Browse, apply with a motivation and documents before the deadline, withdraw with
confirmation and a receipt."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applicants.models import ApplicationDocument
from lis1.notifications.models import Outbox
from lis1.rounds.enums import ApplicationStatus, PositionStatus
from lis1.rounds.models import ApplicantRanking, Application, MunicipalArea
from tests.conftest import client_for
from tests.factories import (
    DocumentFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PositionFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    """The titles on the page's position cards, in order."""
    return [
        re.search(r'href="/soker/stillinger/\d+/">([^<]+)</a>', card)[1]  # type: ignore[index]
        for _pk, card in response.context["cards"]
    ]


def test_positions_lists_published_positions_of_the_current_round(me, open_round) -> None:  # type: ignore[no-untyped-def]
    PositionFactory(round=open_round["round"], title="Utkast", status=PositionStatus.DRAFT)
    response = client_for(me.user).get(reverse("applicants:positions"))
    assert sorted(_titles(response)) == ["LIS1 Bergen", "LIS1 Elverum", "LIS1 Tromsø"]


def test_positions_text_search_covers_sites(me, open_round) -> None:  # type: ignore[no-untyped-def]
    response = client_for(me.user).get(reverse("applicants:positions"), {"q": "elverum sykehus"})
    assert _titles(response) == ["LIS1 Elverum"]


@pytest.mark.parametrize("field", ["region", "employer", "site", "municipality", "kind"])
def test_positions_filters(me, open_round, field) -> None:  # type: ignore[no-untyped-def]
    round_ = open_round["round"]
    region = RegionFactory(code="nord", name="Helse Nord RHF")
    employer = OrganisationFactory(region=region)
    municipality = MunicipalityFactory()
    target = PositionFactory(
        round=round_,
        title="Målet",
        employer=employer,
        municipality=municipality,
        kind="full",
        rotation="three_part",
    )
    site = open_round["site"]
    if field == "site":
        target.sites.add(site)
        open_round["positions"][0].sites.remove(site)
    values = {
        "region": region.pk,
        "employer": employer.pk,
        "site": site.pk,
        "municipality": municipality.pk,
        "kind": "full",
    }
    response = client_for(me.user).get(reverse("applicants:positions"), {field: values[field]})
    titles = _titles(response)
    assert "Målet" in titles
    if field != "kind":
        assert titles == ["Målet"]


def test_positions_filter_by_rotation_and_start_date(me, open_round) -> None:  # type: ignore[no-untyped-def]
    round_ = open_round["round"]
    PositionFactory(round=round_, title="Tredelt", rotation="three_part")
    later = PositionFactory(
        round=round_, title="Senere", start_date=round_.start_date + dt.timedelta(days=181)
    )
    client = client_for(me.user)
    assert _titles(client.get(reverse("applicants:positions"), {"rotation": "three_part"})) == [
        "Tredelt"
    ]
    assert _titles(
        client.get(reverse("applicants:positions"), {"start_date": later.start_date.isoformat()})
    ) == ["Senere"]


def test_positions_filter_by_municipality_finds_areas(me, open_round, trust) -> None:  # type: ignore[no-untyped-def]
    municipality = MunicipalityFactory()
    area = MunicipalArea.objects.create(employer=trust, name="Fjellregionen")
    area.municipalities.add(municipality)
    PositionFactory(
        round=open_round["round"], title="Område", municipality=None, municipal_area=area
    )
    response = client_for(me.user).get(
        reverse("applicants:positions"), {"municipality": municipality.pk}
    )
    assert _titles(response) == ["Område"]


def _choices(response, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The option labels of one filter, as rendered."""
    field = response.context["filter"].form[name]
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', str(field))


def test_filter_choices_follow_the_positions_at_once(me, open_round) -> None:  # type: ignore[no-untyped-def]
    """The choices are cached, but a new, edited or withdrawn position shows at once."""
    client = client_for(me.user)
    url = reverse("applicants:positions")
    before = _choices(client.get(url), "employer")
    newcomer = OrganisationFactory(name="Aaa Nykommer HF")
    position = PositionFactory(round=open_round["round"], employer=newcomer)
    assert _choices(client.get(url), "employer") == ["Aaa Nykommer HF", *before]
    renamed = OrganisationFactory(name="Zzz Sist HF")
    position.employer = renamed
    position.save()
    assert _choices(client.get(url), "employer") == [*before, "Zzz Sist HF"]
    position.status = PositionStatus.DRAFT
    position.save()
    assert _choices(client.get(url), "employer") == before
    assert _choices(client.get(url), "municipality") == ["Elverum"]
    assert _choices(client.get(url), "site") == ["Elverum sykehus"]


def test_position_card_shows_an_edit_at_once_in_each_language(me, open_round) -> None:  # type: ignore[no-untyped-def]
    client = client_for(me.user)
    url = reverse("applicants:positions")
    assert "LIS1 Tromsø" in _titles(client.get(url))
    position = open_round["positions"][1]
    position.title = "LIS1 Tromsø og Finnsnes"
    position.save()
    assert "LIS1 Tromsø og Finnsnes" in _titles(client.get(url))
    client.cookies["lis1_language"] = "en"
    english = client.get(url).content.decode()
    assert "Employer" in english and "Arbeidsgiver" not in english
    client.cookies["lis1_language"] = "nb"
    assert "Arbeidsgiver" in client.get(url).content.decode()


def test_positions_paginate(me, open_round) -> None:  # type: ignore[no-untyped-def]
    for _ in range(20):
        PositionFactory(round=open_round["round"], municipality=open_round["town"])
    client = client_for(me.user)
    first = client.get(reverse("applicants:positions"))
    second = client.get(reverse("applicants:positions"), {"page": 2})
    assert len(first.context["cards"]) == 20
    assert len(second.context["cards"]) == 3
    assert 'aria-current="true"' in first.content.decode()


def test_position_detail_shows_what_an_applicant_needs(me, open_round) -> None:  # type: ignore[no-untyped-def]
    position = open_round["positions"][0]
    position.description = "Godt fagmiljø."
    position.save()
    client = client_for(me.user)
    client.cookies["lis1_language"] = "en"
    text = client.get(reverse("applicants:position", args=[position.pk])).content.decode()
    for expected in ("Elverum sykehus", position.municipality.name, "Godt fagmiljø.", "Two-part"):
        assert expected in text, expected


def test_unpublished_position_is_not_found(me, open_round) -> None:  # type: ignore[no-untyped-def]
    draft = PositionFactory(round=open_round["round"], status=PositionStatus.DRAFT)
    assert (
        client_for(me.user).get(reverse("applicants:position", args=[draft.pk])).status_code == 404
    )


def test_apply_with_motivation_and_documents(
    me, open_round, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    position = open_round["positions"][1]
    cv, diploma = DocumentFactory(applicant=me), DocumentFactory(applicant=me, kind="diploma")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(me.user).post(
            reverse("applicants:apply", args=[position.pk]),
            {"motivation": "Jeg vil til Nord-Norge.", "documents": [cv.pk, diploma.pk]},
        )
    application = Application.objects.get(applicant=me, position=position)
    assert response.status_code == 302
    assert response.url == reverse("applicants:application", args=[application.pk])
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.motivation == "Jeg vil til Nord-Norge."
    assert set(
        ApplicationDocument.objects.filter(application=application).values_list(
            "document", flat=True
        )
    ) == {cv.pk, diploma.pk}
    assert list(ApplicantRanking.objects.filter(applicant=me).values_list("position", "rank")) == [
        (position.pk, 1)
    ]
    receipt = Outbox.objects.get(to=me.user.email)
    assert position.title in receipt.subject
    assert receipt.sent_at is not None
    assert me.national_id not in receipt.body


def test_apply_cannot_attach_another_applicants_document(me, other_applicant, open_round) -> None:  # type: ignore[no-untyped-def]
    theirs = DocumentFactory(applicant=other_applicant)
    response = client_for(me.user).post(
        reverse("applicants:apply", args=[open_round["positions"][0].pk]),
        {"motivation": "", "documents": [theirs.pk]},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["documents"]
    assert not Application.objects.filter(applicant=me).exists()


def test_apply_after_the_deadline_is_refused(me, open_round) -> None:  # type: ignore[no-untyped-def]
    round_ = open_round["round"]
    round_.applications_close = timezone.now() - dt.timedelta(minutes=1)
    round_.applications_open = round_.applications_close - dt.timedelta(days=10)
    round_.advertising_opens = round_.applications_open
    round_.save()
    response = client_for(me.user).post(
        reverse("applicants:apply", args=[open_round["positions"][0].pk]), {"motivation": "x"}
    )
    assert response.status_code == 400
    with translation.override("nb"):  # the language the page was served in
        assert response.context["form"].non_field_errors() == [
            translation.gettext("The application deadline has passed.")
        ]
    assert not Application.objects.filter(applicant=me).exists()


def test_withdraw_asks_for_confirmation_then_withdraws_and_sends_receipt(me, open_round) -> None:  # type: ignore[no-untyped-def]
    client = client_for(me.user)
    first, second = open_round["positions"][:2]
    for position in (first, second):
        client.post(reverse("applicants:apply", args=[position.pk]), {"motivation": ""})
    application = Application.objects.get(applicant=me, position=first)
    url = reverse("applicants:application_withdraw", args=[application.pk])
    assert client.get(url).status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    assert client.post(url).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.withdrawn_at is not None
    assert list(ApplicantRanking.objects.filter(applicant=me).values_list("position", "rank")) == [
        (second.pk, 1)
    ]
    assert Outbox.objects.filter(to=me.user.email).count() == 3


def test_apply_again_after_withdrawing(me, open_round) -> None:  # type: ignore[no-untyped-def]
    client = client_for(me.user)
    position = open_round["positions"][0]
    client.post(reverse("applicants:apply", args=[position.pk]), {"motivation": "a"})
    application = Application.objects.get(applicant=me)
    client.post(reverse("applicants:application_withdraw", args=[application.pk]))
    client.post(reverse("applicants:apply", args=[position.pk]), {"motivation": "b"})
    application.refresh_from_db()
    assert (application.status, application.motivation) == (ApplicationStatus.SUBMITTED, "b")


def test_withdraw_after_the_deadline_is_refused(me, open_round) -> None:  # type: ignore[no-untyped-def]
    client = client_for(me.user)
    client.post(reverse("applicants:apply", args=[open_round["positions"][0].pk]), {})
    application = Application.objects.get(applicant=me)
    round_ = open_round["round"]
    round_.applications_close = timezone.now() - dt.timedelta(minutes=1)
    round_.applications_open = round_.applications_close - dt.timedelta(days=10)
    round_.advertising_opens = round_.applications_open
    round_.save()
    response = client.post(reverse("applicants:application_withdraw", args=[application.pk]))
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
