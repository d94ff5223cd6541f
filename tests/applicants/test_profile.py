"""The profile: shown with the identity number masked, edited with per-field errors."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import ApplicantFactory, next_identity_number

pytestmark = pytest.mark.django_db


def _valid(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "given_name": "Kari",
        "family_name": "Nordmann",
        "national_id": "",
        "hpr_number": "1234567",
        "authorisation": "authorised",
        "nationality": "no",
        "education_country": "pl",
        "education_year": "2024",
        "norwegian_proficiency": "c1",
        "prior_hospital_months": "0",
        "prior_municipal_months": "0",
        "rounds_before_system": "0",
        "gender": "female",
    }
    data.update(overrides)
    return data


def test_profile_shows_masked_identity_number_with_birth_date(me) -> None:  # type: ignore[no-untyped-def]
    body = client_for(me.user).get(reverse("applicants:profile")).content.decode()
    assert me.national_id_masked(show_birth_date=True) in body
    assert me.national_id not in body


def test_profile_edit_never_prefills_identity_number(me) -> None:  # type: ignore[no-untyped-def]
    body = client_for(me.user).get(reverse("applicants:profile_edit")).content.decode()
    assert me.national_id not in body


def test_profile_edit_saves_every_field(me) -> None:  # type: ignore[no-untyped-def]
    number = next_identity_number()
    response = client_for(me.user).post(
        reverse("applicants:profile_edit"), _valid(national_id=number, rounds_before_system="3")
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.rounds_before_system == 3
    assert (me.national_id, me.hpr_number, me.nationality, me.education_country) == (
        number,
        "1234567",
        "NO",
        "PL",
    )
    assert (me.education_year, me.norwegian_proficiency, me.authorisation) == (
        2024,
        "c1",
        "authorised",
    )


def test_profile_edit_empty_identity_number_keeps_the_saved_one(me) -> None:  # type: ignore[no-untyped-def]
    before = me.national_id
    client_for(me.user).post(reverse("applicants:profile_edit"), _valid())
    me.refresh_from_db()
    assert me.national_id == before


def test_profile_edit_accepts_d_number(me) -> None:  # type: ignore[no-untyped-def]
    number = next_identity_number(d_number=True)
    client_for(me.user).post(reverse("applicants:profile_edit"), _valid(national_id=number))
    me.refresh_from_db()
    assert me.is_d_number is True


@pytest.mark.parametrize(
    ("field", "value", "english"),
    [
        ("national_id", "17059612345", "The check digits do not match"),
        ("national_id", "1234", "exactly 11 digits"),
        ("hpr_number", "12a", "only digits"),
        ("nationality", "N1", "two-letter country code"),
        ("education_year", "1900", "greater than or equal to 1950"),
        ("prior_hospital_months", "13", "at most 12 months in hospital and 6 in a municipality"),
        ("prior_municipal_months", "7", "at most 12 months in hospital and 6 in a municipality"),
        ("rounds_before_system", "21", "less than or equal to 20"),
        ("rounds_before_system", "-1", "greater than or equal to 0"),
        ("rounds_before_system", "", "This field is required"),
        ("given_name", "", "This field is required"),
    ],
)
def test_profile_edit_reports_errors_per_field(me, field, value, english) -> None:  # type: ignore[no-untyped-def]
    client = client_for(me.user)
    client.cookies["lis1_language"] = "en"
    response = client.post(reverse("applicants:profile_edit"), _valid(**{field: value}))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    # The page was rendered in English (the request's language ends with the request).
    body = response.content.decode()
    assert english in body
    assert f'id="id_{field}_error"' in body


def test_profile_edit_errors_are_in_norwegian_by_default(me) -> None:  # type: ignore[no-untyped-def]
    response = client_for(me.user).post(reverse("applicants:profile_edit"), _valid(given_name=""))
    assert "Dette feltet er påkrevd" in response.content.decode()


def test_profile_edit_refuses_identity_number_of_another_applicant(me) -> None:  # type: ignore[no-untyped-def]
    other = ApplicantFactory()
    response = client_for(me.user).post(
        reverse("applicants:profile_edit"), _valid(national_id=other.national_id)
    )
    assert list(response.context["form"].errors) == ["national_id"]


def test_profile_edit_refuses_hpr_number_of_another_applicant(me) -> None:  # type: ignore[no-untyped-def]
    ApplicantFactory(hpr_number="7654321")
    response = client_for(me.user).post(
        reverse("applicants:profile_edit"), _valid(hpr_number="7654321")
    )
    assert list(response.context["form"].errors) == ["hpr_number"]


@pytest.mark.parametrize(
    ("language", "help_text"),
    [
        ("nb", "Hvor mange LIS1-runder du søkte i før dette systemet ble tatt i bruk (0–20)."),
        ("nn", "Kor mange LIS1-rundar du søkte i før dette systemet vart teke i bruk (0–20)."),
        ("en", "How many LIS1 rounds you applied in before this system was used (0–20)."),
    ],
)
def test_profile_asks_for_rounds_before_the_system_in_each_language(
    me, language, help_text
) -> None:  # type: ignore[no-untyped-def]
    me.rounds_before_system = 4
    me.save(update_fields=["rounds_before_system"])
    client = client_for(me.user)
    client.cookies["lis1_language"] = language
    body = client.get(reverse("applicants:profile_edit")).content.decode()
    assert help_text in body
    assert 'name="rounds_before_system"' in body and 'value="4"' in body
