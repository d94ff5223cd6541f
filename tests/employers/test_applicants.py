"""The applicants of a position: filters, documents, interview notes private to the trust."""

import datetime as dt

import pytest
from django.urls import reverse

from employers.models import InterviewNote
from lis1.rounds.enums import NorwegianProficiency
from lis1.rounds.services.rankings import employer_ranking_set
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _names(response):  # type: ignore[no-untyped-def]
    return sorted(a.applicant.family_name for a in response.context["applications"])


def test_filters_by_education_language_prior_service_and_ranked(employer_user, position) -> None:  # type: ignore[no-untyped-def]
    norway = f.ApplicantFactory(
        family_name="Norge",
        education_country="NO",
        norwegian_proficiency=NorwegianProficiency.NATIVE,
    )
    poland = f.ApplicantFactory(
        family_name="Polen",
        education_country="PL",
        norwegian_proficiency=NorwegianProficiency.B2,
        prior_hospital_months=12,
    )
    iran = f.ApplicantFactory(
        family_name="Iran",
        education_country="IR",
        norwegian_proficiency=NorwegianProficiency.C1,
        prior_municipal_months=3,
    )
    for a in (norway, poland, iran):
        f.ApplicationFactory(applicant=a, position=position)
    employer_ranking_set(position=position, applicant_ids=[poland.pk])
    client = client_for(employer_user)
    url = reverse("employers:applicants", args=[position.pk])
    assert _names(client.get(url)) == ["Iran", "Norge", "Polen"]
    assert _names(client.get(url, {"education": "norway"})) == ["Norge"]
    assert _names(client.get(url, {"education": "eea"})) == ["Polen"]
    assert _names(client.get(url, {"education": "outside"})) == ["Iran"]
    assert _names(client.get(url, {"proficiency": "c1"})) == ["Iran"]
    assert _names(client.get(url, {"prior": "none"})) == ["Norge"]
    assert _names(client.get(url, {"prior": "hospital_done"})) == ["Polen"]
    assert _names(client.get(url, {"prior": "some"})) == ["Iran", "Polen"]
    assert _names(client.get(url, {"ranked": "yes"})) == ["Polen"]
    assert _names(client.get(url, {"ranked": "no"})) == ["Iran", "Norge"]


def test_applicant_page_masks_the_identity_number(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    applicant = applicants[0]
    response = client_for(employer_user).get(
        reverse("employers:applicant", args=[position.pk, applicant.applications.get().pk])
    )
    body = response.content.decode()
    assert applicant.national_id not in body
    assert applicant.national_id_masked(show_birth_date=True) in body


def test_interview_notes_are_private_to_the_trust(
    employer_user, other_employer_user, position, applicants
) -> None:  # type: ignore[no-untyped-def]
    application = applicants[0].applications.get()
    url = reverse("employers:applicant", args=[position.pk, application.pk])
    response = client_for(employer_user).post(url, {"text": "Sterk kandidat, god på akuttmedisin."})
    assert response.status_code == 302
    note = InterviewNote.objects.get()
    assert (note.application, note.author) == (application, employer_user)
    assert "Sterk kandidat" in client_for(employer_user).get(url).content.decode()
    assert client_for(other_employer_user).get(url).status_code == 404


def test_attached_documents_are_listed(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.base import ContentFile

    from applicants.models import ApplicationDocument, Document

    application = applicants[0].applications.get()
    document = Document(applicant=applicants[0], kind="cv", title="CV Ola", size=10)
    document.file.save("cv.pdf", ContentFile(b"%PDF-1.4 x"), save=True)
    ApplicationDocument.objects.create(application=application, document=document)
    body = (
        client_for(employer_user)
        .get(reverse("employers:applicant", args=[position.pk, application.pk]))
        .content.decode()
    )
    assert "CV Ola" in body


def test_applicant_page_counts_earlier_rounds_from_applications_and_declared(
    employer_user, position, applicants
) -> None:  # type: ignore[no-untyped-def]
    applicant = applicants[0]
    start = position.round.start_date
    earlier = f.RoundFactory(year=2030, slug="spring-2030", start_date=start - dt.timedelta(days=1))
    later = f.RoundFactory(year=2031, slug="spring-2031", start_date=start + dt.timedelta(days=1))
    f.ApplicationFactory(applicant=applicant, position=f.PositionFactory(round=earlier))
    f.ApplicationFactory(applicant=applicant, position=f.PositionFactory(round=later))
    type(applicant).objects.filter(pk=applicant.pk).update(rounds_before_system=2)
    client = client_for(employer_user)
    client.cookies["lis1_language"] = "en"
    response = client.get(
        reverse(
            "employers:applicant",
            args=[position.pk, applicant.applications.get(position=position).pk],
        )
    )
    assert response.context["earlier_rounds"] == 3  # the round starting before, two declared
    assert "<dt>Rounds applied before</dt><dd>3</dd>" in response.content.decode()
