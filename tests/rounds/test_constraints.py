"""The database, not save(), keeps the shared model consistent."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from lis1.rounds.enums import PositionKind
from lis1.rounds.models import ApplicantRanking, Application, EmployerRanking, Organisation
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PositionFactory,
    RoundFactory,
    next_identity_number,
)

pytestmark = pytest.mark.django_db


def _violates(constraint: str):  # type: ignore[no-untyped-def]
    return pytest.raises(IntegrityError, match=constraint)


def test_round_calendar_out_of_order_is_rejected() -> None:
    round_ = RoundFactory.build()
    round_.ranking_deadline = round_.applications_close - dt.timedelta(days=1)
    with _violates("round_calendar_in_order"), transaction.atomic():
        round_.save()


def test_round_start_before_answer_deadline_is_rejected() -> None:
    round_ = RoundFactory.build()
    round_.start_date = round_.answer_deadline.date()
    with _violates("round_calendar_in_order"), transaction.atomic():
        round_.save()


def test_round_calendar_in_order_is_accepted() -> None:
    round_ = RoundFactory()
    assert round_.pk is not None


def test_round_calendar_check_names_the_order_to_the_user() -> None:
    round_ = RoundFactory.build()
    round_.match_date = round_.ranking_deadline - dt.timedelta(hours=1)
    with translation.override("en"), pytest.raises(ValidationError, match="must follow each other"):
        round_.full_clean()


def test_position_needs_a_seat() -> None:
    with _violates("position_seats_at_least_one"), transaction.atomic():
        PositionFactory(seats=0)


def test_position_cannot_have_municipality_and_area() -> None:
    from lis1.rounds.models import MunicipalArea

    position = PositionFactory()
    area = MunicipalArea.objects.create(employer=position.employer, name="Østerdalen")
    position.municipal_area = area
    with _violates("position_one_municipality_or_area"), transaction.atomic():
        position.save()


def test_full_position_needs_a_municipal_part() -> None:
    with _violates("position_municipal_part_given"), transaction.atomic():
        PositionFactory(municipality=None)


def test_hospital_only_position_has_no_municipal_part() -> None:
    with _violates("position_hospital_only_no_municipality"), transaction.atomic():
        PositionFactory(kind=PositionKind.HOSPITAL_ONLY)
    assert PositionFactory(kind=PositionKind.HOSPITAL_ONLY, municipality=None).pk


def test_municipality_only_position_needs_no_rotation() -> None:
    assert PositionFactory(kind=PositionKind.MUNICIPALITY_ONLY, rotation="").pk
    with _violates("position_rotation_given"), transaction.atomic():
        PositionFactory(rotation="")


def test_duplicate_application_is_rejected() -> None:
    application = ApplicationFactory()
    with _violates("application_unique_per_position"), transaction.atomic():
        Application.objects.create(
            applicant=application.applicant,
            position=application.position,
            status="submitted",
            submitted_at=application.submitted_at,
        )


def test_same_identity_number_twice_is_rejected() -> None:
    number = next_identity_number()
    ApplicantFactory(national_id=number)
    with _violates("applicant_national_id_unique"), transaction.atomic():
        ApplicantFactory(national_id=number)


def test_identity_number_is_stored_encrypted_with_hash() -> None:
    number = next_identity_number()
    applicant = ApplicantFactory(national_id=number)
    applicant.refresh_from_db()
    assert number not in applicant.national_id_encrypted
    assert len(applicant.national_id_hash) == 64
    assert applicant.national_id == number
    assert applicant.national_id_masked(show_birth_date=True) == number[:6] + "*****"


def test_hpr_number_with_letters_is_rejected() -> None:
    with _violates("applicant_hpr_digits_only"), transaction.atomic():
        ApplicantFactory(hpr_number="12AB567")


def test_prior_service_out_of_range_is_rejected() -> None:
    with _violates("applicant_prior_service_in_range"), transaction.atomic():
        ApplicantFactory(prior_hospital_months=13)


def test_applicant_ranking_rank_and_position_unique_per_list() -> None:
    application = ApplicationFactory()
    other = PositionFactory(round=application.position.round)
    round_ = application.position.round
    ApplicantRanking.objects.create(
        round=round_, applicant=application.applicant, position=application.position, rank=1
    )
    with _violates("applicant_ranking_unique_rank"), transaction.atomic():
        ApplicantRanking.objects.create(
            round=round_, applicant=application.applicant, position=other, rank=1
        )
    with _violates("applicant_ranking_unique_position"), transaction.atomic():
        ApplicantRanking.objects.create(
            round=round_, applicant=application.applicant, position=application.position, rank=2
        )


def test_employer_ranking_rank_and_applicant_unique_per_list() -> None:
    position = PositionFactory()
    first, second = ApplicantFactory(), ApplicantFactory()
    EmployerRanking.objects.create(position=position, applicant=first, rank=1)
    with _violates("employer_ranking_unique_rank"), transaction.atomic():
        EmployerRanking.objects.create(position=position, applicant=second, rank=1)
    with _violates("employer_ranking_unique_applicant"), transaction.atomic():
        EmployerRanking.objects.create(position=position, applicant=first, rank=2)


def test_couple_of_one_person_is_rejected() -> None:
    from lis1.rounds.models import Couple

    applicant = ApplicantFactory()
    with _violates("couple_two_different_applicants"), transaction.atomic():
        Couple.objects.create(round=RoundFactory(), first=applicant, second=applicant)


def test_municipality_needs_numbers_and_unique_municipality_number() -> None:
    MunicipalityFactory(municipality_number="3401")
    with _violates("organisation_municipality_number_unique"), transaction.atomic():
        MunicipalityFactory(municipality_number="3401")
    with _violates("organisation_municipality_has_numbers"), transaction.atomic():
        MunicipalityFactory(municipality_number="")


def test_org_number_must_have_nine_digits() -> None:
    with _violates("organisation_org_number_nine_digits"), transaction.atomic():
        OrganisationFactory(org_number="12345")
    assert OrganisationFactory(org_number="983974724").pk
    assert Organisation.objects.filter(org_number="983974724").count() == 1
