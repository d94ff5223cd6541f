"""A small round with known numbers for the report (see `report_round` for the table of who
applied where and what came of it)."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def report_round(db):  # type: ignore[no-untyped-def]
    """Spring 2040 (compared with spring 2039), three trusts in two regions, three published
    positions (6 seats) and a withdrawn one, seven applicants:

    | who | gender | nat | educ | grad | born       | earlier | applied | outcome                  |
    |-----|--------|-----|------|------|------------|---------|---------|--------------------------|
    | a1  | female | NO  | NO   | 2040 | 2014-03-01 | 0       | P1 P2   | main P1, 1st, accepted   |
    | a2  | female | NO  | NO   | 2039 | 2012-01-01 | 1       | P1 P3   | main P1, 1st, accepted   |
    | a3  | male   | NO  | PL   | 2040 | 2013-06-01 | 0       | P2 P3   | main P2, 1st, declined   |
    | a4  | male   | SE  | SE   | 2038 | 2010-01-01 | 2       | P3      | main P3, 1st, accepted   |
    | a5  | female | SY  | SY   | 2030 | 2000-01-01 | 6       | P3 P1   | main P3, 1st, open       |
    | a6  | –      | NO  | HU   | 2040 | –          | 0       | P1      | unpublished run only     |
    | a7  | male   | IR  | IR   | 2036 | 2008-01-01 | 3       | P3 P2   | follow-up P2, 2nd, acc.  |
    a1, a2 and a4 are hired (their start on 1 September 2040 is recorded); a7 accepted but has
    no recorded start. a8 has only a withdrawn application and a9 only a draft: neither is an
    applicant.
    Couples: a1 & a2 (both placed), a6 & a7 (one placed); a dissolved couple a3 & a4.
    """
    from django.utils import timezone

    from lis1.jobs.models import JobStatus
    from lis1.rounds.enums import (
        ApplicationStatus,
        CoupleStatus,
        Gender,
        MatchRunKind,
        PlacementStatus,
        PositionStatus,
    )
    from lis1.rounds.models import Applicant, Couple, MatchRun, MunicipalArea, Placement
    from tests.factories import (
        ApplicantFactory,
        ApplicationFactory,
        MunicipalityFactory,
        OrganisationFactory,
        PositionFactory,
        RegionFactory,
        RoundFactory,
    )

    nord = RegionFactory(code="nord", name="Helse Nord RHF")
    vest = RegionFactory(code="vest", name="Helse Vest RHF")
    bergen = OrganisationFactory(name="Helse Bergen HF", region=vest)
    forde = OrganisationFactory(name="Helse Førde HF", region=vest)
    finnmark = OrganisationFactory(name="Finnmarkssykehuset HF", region=nord)
    m_bergen = MunicipalityFactory(name="Bergen", county_name="Vestland")
    m_sunnfjord = MunicipalityFactory(name="Sunnfjord", county_name="Vestland")
    m_kinn = MunicipalityFactory(name="Kinn", county_name="Vestland")
    m_alta = MunicipalityFactory(name="Alta", county_name="Finnmark")
    area = MunicipalArea.objects.create(employer=forde, name="Sunnfjord-området")
    area.municipalities.set([m_sunnfjord, m_kinn])

    previous = RoundFactory(year=2039, slug="spring-2039", start_date=dt.date(2039, 9, 1))
    round_ = RoundFactory(year=2040, slug="spring-2040", start_date=dt.date(2040, 9, 1))
    p0 = PositionFactory(round=previous, employer=bergen, municipality=m_bergen, seats=4)
    p1 = PositionFactory(round=round_, employer=bergen, municipality=m_bergen, seats=2)
    p2 = PositionFactory(
        round=round_, employer=forde, municipality=None, municipal_area=area, seats=1
    )
    p3 = PositionFactory(round=round_, employer=finnmark, municipality=m_alta, seats=3)
    PositionFactory(
        round=round_, employer=finnmark, municipality=m_alta, seats=5,
        status=PositionStatus.WITHDRAWN,
    )  # fmt: skip

    def person(gender, nationality, education, year, born, earlier):  # type: ignore[no-untyped-def]
        applicant = ApplicantFactory(
            gender=gender,
            nationality=nationality,
            education_country=education,
            education_year=year,
            rounds_before_system=earlier,
        )
        Applicant.objects.filter(pk=applicant.pk).update(birth_date=born)
        return applicant

    a1 = person(Gender.FEMALE, "NO", "NO", 2040, dt.date(2014, 3, 1), 0)
    a2 = person(Gender.FEMALE, "NO", "NO", 2039, dt.date(2012, 1, 1), 1)
    a3 = person(Gender.MALE, "NO", "PL", 2040, dt.date(2013, 6, 1), 0)
    a4 = person(Gender.MALE, "SE", "SE", 2038, dt.date(2010, 1, 1), 2)
    a5 = person(Gender.FEMALE, "SY", "SY", 2030, dt.date(2000, 1, 1), 6)
    a6 = person(Gender.UNSPECIFIED, "NO", "HU", 2040, None, 0)
    a7 = person(Gender.MALE, "IR", "IR", 2036, dt.date(2008, 1, 1), 3)
    a8 = person(Gender.FEMALE, "NO", "NO", 2040, dt.date(2014, 3, 1), 0)
    a9 = person(Gender.FEMALE, "NO", "NO", 2040, dt.date(2014, 3, 1), 0)
    for applicant, positions in (
        (a1, [p1, p2]),
        (a2, [p1, p3]),
        (a3, [p2, p3]),
        (a4, [p3]),
        (a5, [p3, p1]),
        (a6, [p1]),
        (a7, [p3, p2]),
        (a8, [p0]),
        (a9, [p0]),
    ):
        for position in positions:
            ApplicationFactory(applicant=applicant, position=position)
    ApplicationFactory(
        applicant=a8,
        position=p1,
        status=ApplicationStatus.WITHDRAWN,
        withdrawn_at=timezone.now(),
    )
    ApplicationFactory(applicant=a9, position=p1, status=ApplicationStatus.DRAFT)

    def run(kind, published, stats):  # type: ignore[no-untyped-def]
        return MatchRun.objects.create(
            round=round_,
            kind=kind,
            seed=1,
            status=JobStatus.SUCCEEDED,
            statistics=stats,
            published_at=published,
        )

    main = run(
        MatchRunKind.MAIN,
        dt.datetime(2040, 5, 2, 10, tzinfo=dt.UTC),
        {"applicants": 7, "seats": 6},
    )
    follow_up = run(
        MatchRunKind.FOLLOW_UP,
        dt.datetime(2040, 6, 3, 10, tzinfo=dt.UTC),
        {"applicants": 2, "seats": 1},
    )
    unpublished = run(MatchRunKind.MAIN, None, {})
    answered = timezone.now()
    for match_run, applicant, position, choice, status in (
        (main, a1, p1, 1, PlacementStatus.ACCEPTED),
        (main, a2, p1, 1, PlacementStatus.ACCEPTED),
        (main, a3, p2, 1, PlacementStatus.DECLINED),
        (main, a4, p3, 1, PlacementStatus.ACCEPTED),
        (main, a5, p3, 1, PlacementStatus.OFFERED),
        (follow_up, a7, p2, 2, PlacementStatus.ACCEPTED),
        (unpublished, a6, p1, 1, PlacementStatus.OFFERED),
    ):
        Placement.objects.create(
            match_run=match_run,
            applicant=applicant,
            position=position,
            choice_rank=choice,
            status=status,
            answered_at=None if status == PlacementStatus.OFFERED else answered,
            started_on=round_.start_date if applicant in (a1, a2, a4) else None,
        )
    accepted = {"status": CoupleStatus.ACCEPTED, "accepted_at": answered}
    Couple.objects.create(round=round_, first=a1, second=a2, **accepted)
    Couple.objects.create(round=round_, first=a6, second=a7, **accepted)
    Couple.objects.create(round=round_, first=a3, second=a4, status=CoupleStatus.DISSOLVED)
    return {"round": round_, "previous": previous}
