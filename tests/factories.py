"""factory-boy factories for the shared model. Valid identity numbers come from a small
generator with correct mod-11 check digits, so every applicant passes validation."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import factory
from django.conf import settings
from django.utils import timezone

from lis1.accounts.models import User
from lis1.rounds.enums import (
    ApplicationStatus,
    AuthorisationStatus,
    OrganisationKind,
    PositionKind,
    PositionStatus,
    Rotation,
    RoundStatus,
    Season,
)
from lis1.rounds.models import (
    Applicant,
    ApplicantRanking,
    Application,
    EmployerRanking,
    Organisation,
    Position,
    Region,
    Round,
    StaffMembership,
)

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def identity_number(birth: dt.date, individual: int, *, d_number: bool = False) -> str | None:
    """A fødselsnummer (or D-number) for the birth date and individual number, or None when
    that individual number has no valid check digit."""
    day = birth.day + (40 if d_number else 0)
    base = f"{day:02d}{birth.month:02d}{birth.year % 100:02d}{individual:03d}"
    k1 = 11 - sum(int(c) * w for c, w in zip(base, _W1, strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10:
        return None
    base += str(k1)
    k2 = 11 - sum(int(c) * w for c, w in zip(base, _W2, strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    if k2 == 10:
        return None
    return base + str(k2)


_individuals = itertools.count(100)


def next_identity_number(birth: dt.date = dt.date(1996, 5, 17), *, d_number: bool = False) -> str:
    while True:
        number = identity_number(birth, next(_individuals) % 500, d_number=d_number)
        if number:
            return number


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.no")
    first_name = "Kari"
    last_name = "Nordmann"
    password = factory.PostGenerationMethodCall("set_password", settings.LIS1_DEMO_PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Helse Region {n} RHF")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.HEALTH_TRUST
    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Helseforetak {n} HF")
    region = factory.SubFactory(RegionFactory)


class MunicipalityFactory(OrganisationFactory):
    kind = OrganisationKind.MUNICIPALITY
    name = factory.Sequence(lambda n: f"Kommune {n}")
    region = None
    municipality_number = factory.Sequence(lambda n: f"{9000 + n:04d}")
    county_number = "34"
    county_name = "Innlandet"


class SiteFactory(OrganisationFactory):
    kind = OrganisationKind.HOSPITAL_SITE
    name = factory.Sequence(lambda n: f"Sykehus {n}")
    parent = factory.SubFactory(OrganisationFactory)


class DirectorateFactory(OrganisationFactory):
    kind = OrganisationKind.DIRECTORATE
    name = "Helsedirektoratet"
    region = None


def _at(days: int, hour: int = 12) -> dt.datetime:
    now = timezone.localtime()
    return (now + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


class RoundFactory(factory.django.DjangoModelFactory):
    """A round in its ranking phase: applications closed a month ago, matching next week."""

    class Meta:
        model = Round

    season = Season.SPRING
    year = factory.Sequence(lambda n: 2030 + n)
    slug = factory.LazyAttribute(lambda o: f"{o.season}-{o.year}")
    status = RoundStatus.RANKING
    advertising_opens = factory.LazyFunction(lambda: _at(-45))
    applications_open = factory.LazyFunction(lambda: _at(-45))
    applications_close = factory.LazyFunction(lambda: _at(-31))
    ranking_deadline = factory.LazyFunction(lambda: _at(7))
    match_date = factory.LazyFunction(lambda: _at(8))
    results_published = factory.LazyFunction(lambda: _at(9))
    answer_deadline = factory.LazyFunction(lambda: _at(14))
    start_date = factory.LazyFunction(lambda: (_at(90)).date())


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    employer = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"POS-{n:04d}")
    title = factory.Sequence(lambda n: f"LIS1-stilling {n}")
    kind = PositionKind.FULL
    rotation = Rotation.TWO_PART
    municipality = factory.SubFactory(MunicipalityFactory)
    start_date = factory.LazyAttribute(lambda o: o.round.start_date)
    seats = 2
    status = PositionStatus.PUBLISHED


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    given_name = "Ola"
    family_name = factory.Sequence(lambda n: f"Nordmann{n}")
    authorisation = AuthorisationStatus.AUTHORISED
    nationality = "NO"
    education_country = "NO"
    education_year = 2025

    @factory.post_generation
    def national_id(obj: Applicant, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_national_id(extracted or next_identity_number())
        if create:
            obj.save()


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    applicant = factory.SubFactory(ApplicantFactory)
    position = factory.SubFactory(PositionFactory)
    status = ApplicationStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


def rank_positions(round_, applicant, *positions):  # type: ignore[no-untyped-def]
    for rank, position in enumerate(positions, start=1):
        ApplicationFactory(applicant=applicant, position=position)
        ApplicantRanking.objects.create(
            round=round_, applicant=applicant, position=position, rank=rank
        )


def employer_list(position, *applicants):  # type: ignore[no-untyped-def]
    for rank, applicant in enumerate(applicants, start=1):
        EmployerRanking.objects.create(position=position, applicant=applicant, rank=rank)
