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
from lis1.jobs.models import JobStatus
from lis1.rounds.enums import (
    ApplicationStatus,
    AuthorisationStatus,
    OrganisationKind,
    PositionKind,
    PositionStatus,
    Rotation,
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


_individuals: dict[tuple[dt.date, bool], itertools.count[int]] = {}


def next_identity_number(birth: dt.date = dt.date(1996, 5, 17), *, d_number: bool = False) -> str:
    """A new valid number of the birth date (individual numbers 100–499), then of the days
    after it once those are used (so a test can create thousands of applicants)."""
    counter = _individuals.setdefault((birth, d_number), itertools.count(0))
    while True:
        n = next(counter)
        day = birth + dt.timedelta(days=n // 400)
        number = identity_number(day, 100 + n % 400, d_number=d_number)
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
    municipality_number = factory.Sequence(lambda n: f"{9000 + n % 1000:04d}")
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
    # Wrapped so a long test run stays within the plausible years (unique per test only).
    year = factory.Sequence(lambda n: 2030 + n % 70)
    slug = factory.LazyAttribute(lambda o: f"{o.season}-{o.year}")
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


# The applicant's side (documents; a round whose application period is open now).


class ApplicantSideRoundFactory(factory.django.DjangoModelFactory):
    """A round in its ranking phase, like RoundFactory, but with a sequence of its own that
    never leaves the plausible years: RoundFactory's `2030 + n` passes 2100 after about 70
    rounds in one test session. Autumn, so it never clashes with RoundFactory's spring."""

    class Meta:
        model = Round

    season = Season.AUTUMN
    year = factory.Sequence(lambda n: 2000 + n % 100)
    slug = factory.Sequence(lambda n: f"applicant-side-{n}")
    advertising_opens = factory.LazyFunction(lambda: _at(-45))
    applications_open = factory.LazyFunction(lambda: _at(-45))
    applications_close = factory.LazyFunction(lambda: _at(-31))
    ranking_deadline = factory.LazyFunction(lambda: _at(7))
    match_date = factory.LazyFunction(lambda: _at(8))
    results_published = factory.LazyFunction(lambda: _at(9))
    answer_deadline = factory.LazyFunction(lambda: _at(14))
    start_date = factory.LazyFunction(lambda: (_at(90)).date())


class OpenRoundFactory(ApplicantSideRoundFactory):
    """A round taking applications: opened ten days ago, closing in four days."""

    advertising_opens = factory.LazyFunction(lambda: _at(-10))
    applications_open = factory.LazyFunction(lambda: _at(-10))
    applications_close = factory.LazyFunction(lambda: _at(4))
    ranking_deadline = factory.LazyFunction(lambda: _at(20))
    match_date = factory.LazyFunction(lambda: _at(21))
    results_published = factory.LazyFunction(lambda: _at(22))
    answer_deadline = factory.LazyFunction(lambda: _at(28))
    start_date = factory.LazyFunction(lambda: (_at(120)).date())


def pdf_bytes(text: str = "LIS1 test document") -> bytes:
    """A small valid one-page PDF (libmagic recognises it as application/pdf)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _pdf_file():  # type: ignore[no-untyped-def]
    from django.core.files.base import ContentFile

    return ContentFile(pdf_bytes(), name="cv.pdf")


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applicants.Document"

    applicant = factory.SubFactory(ApplicantFactory)
    kind = "cv"
    title = factory.Sequence(lambda n: f"CV {n}")
    file = factory.LazyFunction(lambda: _pdf_file())
    size = factory.LazyAttribute(lambda o: o.file.size)


# --- employer and municipality side -------------------------------------------------------


def advertising_round(**kwargs: Any) -> Round:
    """A round that takes positions: advertising now, applications close in two weeks."""
    defaults = {
        "advertising_opens": _at(-2),
        "applications_open": _at(-1),
        "applications_close": _at(14),
        "ranking_deadline": _at(40),
        "match_date": _at(41),
        "results_published": _at(42),
        "answer_deadline": _at(48),
        "start_date": _at(120).date(),
    }
    defaults.update(kwargs)
    return RoundFactory(**defaults)


def past_ranking_deadline_round(**kwargs: Any) -> Round:
    """A round whose ranking deadline passed yesterday (rankings are read-only)."""
    defaults = {
        "advertising_opens": _at(-60),
        "applications_open": _at(-60),
        "applications_close": _at(-40),
        "ranking_deadline": _at(-1),
        "match_date": _at(-1, 13),
        "results_published": _at(-1, 14),
        "answer_deadline": _at(5),
        "start_date": _at(90).date(),
    }
    defaults.update(kwargs)
    return RoundFactory(**defaults)


def applicants_for(position: Position, count: int) -> list[Applicant]:
    """`count` applicants with submitted applications to the position."""
    applicants = []
    for _ in range(count):
        applicant = ApplicantFactory()
        ApplicationFactory(applicant=applicant, position=position)
        applicants.append(applicant)
    return applicants


def publish_main_run(round_: Round, placements: list[tuple[Applicant, Position]], **kwargs: Any):  # type: ignore[no-untyped-def]
    """A published main match run with the given (applicant, position) placements."""
    from lis1.rounds.enums import MatchRunKind, PlacementStatus
    from lis1.rounds.models import MatchRun, Placement

    now = timezone.now()
    run = MatchRun.objects.create(
        round=round_,
        kind=MatchRunKind.MAIN,
        seed=1,
        status=JobStatus.SUCCEEDED,
        published_at=now,
        verified_ok=True,
    )
    if round_.published_at is None:
        round_.published_at = now
        round_.save(update_fields=["published_at"])
    for applicant, position in placements:
        Placement.objects.create(
            match_run=run,
            applicant=applicant,
            position=position,
            status=kwargs.get("status", PlacementStatus.OFFERED),
            answered_at=timezone.now() if kwargs.get("status") else None,
        )
    return run


def matched_placement(applicant: Applicant, *, publish: bool = True, **position_fields: Any):  # type: ignore[no-untyped-def]
    """The applicant's placement from a real main match in a new round in its answer phase:
    one single-seat position applied to and ranked by both sides. Published unless told."""
    from lis1.rounds.services import matching

    round_ = ApplicantSideRoundFactory(**MATCHING_CALENDAR())
    position = PositionFactory(round=round_, seats=1, **position_fields)
    ApplicationFactory(applicant=applicant, position=position)
    ApplicantRanking.objects.create(round=round_, applicant=applicant, position=position, rank=1)
    employer_list(position, applicant)
    run = matching.round_run_match(match_run=matching.match_run_create(round_=round_, seed=1))
    if publish:
        assert matching.match_run_verify(match_run=run) == []
        matching.match_run_publish(match_run=run, confirm=True, reason="test")
    return run.placements.get()


def MATCHING_CALENDAR() -> dict[str, Any]:
    """A calendar in the match phase: the ranking deadline passed yesterday, answers are due
    in five days (the main match may run and be published)."""
    return {
        "advertising_opens": _at(-60),
        "applications_open": _at(-60),
        "applications_close": _at(-40),
        "ranking_deadline": _at(-1),
        "match_date": _at(-1, 13),
        "results_published": _at(-1, 14),
        "answer_deadline": _at(5),
        "start_date": _at(90).date(),
    }


def matching_round(**kwargs: Any) -> Round:
    """A round whose main match can run now (see MATCHING_CALENDAR)."""
    return RoundFactory(**{**MATCHING_CALENDAR(), **kwargs})


def pass_ranking_deadline(round_: Round) -> Round:
    """Move the round's calendar so that its ranking deadline passed an hour ago (as if the
    test had waited for it), keeping the dates in order and the answer deadline ahead."""
    now = timezone.now()
    hour = dt.timedelta(hours=1)
    fields = {
        "advertising_opens": min(round_.advertising_opens, now - 4 * hour),
        "applications_open": min(round_.applications_open, now - 3 * hour),
        "applications_close": min(round_.applications_close, now - 2 * hour),
        "ranking_deadline": now - hour,
        "match_date": now - hour,
        "results_published": now - hour,
        "answer_deadline": max(round_.answer_deadline, now + 5 * 24 * hour),
    }
    Round.objects.filter(pk=round_.pk).update(**fields)
    round_.refresh_from_db()
    return round_


def run_and_publish_main_match(round_: Round, *, seed: int = 1):  # type: ignore[no-untyped-def]
    """What the directorate does: after the ranking deadline, run the main match, verify it
    and publish it (confirming that the test's rankings were never submitted)."""
    from lis1.rounds.services import matching

    pass_ranking_deadline(round_)
    run = matching.round_run_match(match_run=matching.match_run_create(round_=round_, seed=seed))
    assert matching.match_run_verify(match_run=run) == []
    return matching.match_run_publish(match_run=run, confirm=True, reason="test")


def published_list_round(applicants: int = 3, *, seats: int = 1):  # type: ignore[no-untyped-def]
    """A round with one position whose list holds `applicants` people (each ranks it first,
    the employer ranks them in order), matched and published: the first `seats` on the list
    are offered a seat. Returns (round, position, people, run)."""
    round_ = matching_round()
    position = PositionFactory(round=round_, seats=seats)
    people = applicants_for(position, applicants)
    for person in people:
        ApplicantRanking.objects.create(round=round_, applicant=person, position=position, rank=1)
    employer_list(position, *people)
    return round_, position, people, run_and_publish_main_match(round_)


def pass_answer_deadline(round_: Round) -> Round:
    """Move the round's calendar so that its answer deadline passed five minutes ago (the
    earlier dates with it, in order)."""
    now = timezone.now()
    Round.objects.filter(pk=round_.pk).update(
        advertising_opens=min(round_.advertising_opens, now - dt.timedelta(days=60)),
        applications_open=min(round_.applications_open, now - dt.timedelta(days=60)),
        applications_close=min(round_.applications_close, now - dt.timedelta(days=40)),
        ranking_deadline=min(round_.ranking_deadline, now - dt.timedelta(hours=3)),
        match_date=min(round_.match_date, now - dt.timedelta(hours=2)),
        results_published=min(round_.results_published, now - dt.timedelta(hours=1)),
        answer_deadline=now - dt.timedelta(minutes=5),
    )
    round_.refresh_from_db()
    return round_
