"""`demo_round_seed`: write a whole demo round (positions, applicants, applications, both
sides' rankings, couples) and the six demo log-ins to the database.

Everything is planned in memory first (positions, people, choices: plain Python driven by
seeded `random.Random` streams), then written with `bulk_create`, so the default round of
1,200 applicants takes a few seconds and the 45,000-applicant benchmark stays in minutes.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

import pgtrigger
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lis1.accounts.models import User
from lis1.rounds.demo.choices import (
    pick_couples,
    plan_applications,
    plan_couple_lists,
    plan_employer_rankings,
)
from lis1.rounds.demo.cleanup import DEMO_EMAIL_DOMAIN, demo_remove, demo_users
from lis1.rounds.demo.dates import OSLO, demo_calendar
from lis1.rounds.demo.people import ApplicantPlan, Profile, plan_applicants
from lis1.rounds.demo.positions import (
    DEMO_EMPLOYER2_CODE,
    DEMO_EMPLOYER_CODE,
    AdPlan,
    Employer,
    Municipality,
    Site,
    plan_positions,
)
from lis1.rounds.enums import (
    EMPLOYER_KINDS,
    ApplicationStatus,
    CoupleStatus,
    Gender,
    OrganisationKind,
    PositionStatus,
    Season,
)
from lis1.rounds.models import (
    Applicant,
    ApplicantRanking,
    Application,
    Couple,
    CouplePreference,
    EmployerRanking,
    MunicipalArea,
    Organisation,
    Position,
    Round,
    StaffMembership,
)
from lis1.rounds.reference import DIRECTORATE_CODE, read_rows, reference_data_load

DIRECTORATE_GROUP = "Directorate staff"
BATCH = 5000
# Municipalities the demo municipality log-in prefers, if Sykehuset Innlandet uses them.
PREFERRED_DEMO_MUNICIPALITIES = ("3420", "3403")  # Elverum, Hamar

MOTIVATIONS = (
    "Jeg ønsker LIS1 hos dere fordi jeg vil ha bred klinisk erfaring og god veiledning.",
    "Jeg har familie i regionen og ønsker å etablere meg her på sikt.",
    "Jeg hadde praksis hos dere under studiet og trivdes svært godt i fagmiljøet.",
    "Jeg er interessert i allmennmedisin og ser frem til kommunedelen av tjenesten.",
    "Sykehuset har et godt rykte for opplæring av nye leger, og det er viktig for meg.",
    "Jeg søker meg til et mindre sykehus for å få selvstendig ansvar tidlig.",
    "Jeg ønsker å jobbe i et universitetssykehus med bred faglig aktivitet og forskning.",
    "Jeg har jobbet som vikar i kommunen og kjenner godt til legevakten der.",
    "Jeg er motivert, fleksibel og har gode norskkunnskaper; jeg lærer raskt.",
    "Distriktsmedisin interesserer meg, og jeg vil gjerne bidra i en mindre kommune.",
)

STAFF_LOGINS = (
    # (local part, given name, family name, what the log-in shows)
    ("arbeidsgiver", "Kari", "Nordby", "employer: Sykehuset Innlandet HF"),
    ("arbeidsgiver2", "Per", "Sandal", "employer: Helse Førde HF"),
    ("kommune", "Liv", "Åmodt", "municipality"),
    ("direktorat", "Tone", "Bakke", "directorate (admin access)"),
)
DEMO_APPLICANTS = (
    Profile(
        email=f"soker@{DEMO_EMAIL_DOMAIN}",
        given_name="Ingrid",
        family_name="Solheim",
        gender=Gender.FEMALE,
        nationality="NO",
        education_country="NO",
        earlier_rounds=0,
        home_region="sor-ost",
        wanted_applications=15,
    ),
    Profile(
        email=f"soker2@{DEMO_EMAIL_DOMAIN}",
        given_name="Jonas",
        family_name="Berge",
        gender=Gender.MALE,
        nationality="NO",
        education_country="PL",
        earlier_rounds=2,
        home_region="vest",
        wanted_applications=15,
    ),
)


class DemoRoundExists(Exception):
    """The demo round (or the demo users) already exist and replacing was not asked for."""


@dataclass(frozen=True)
class DemoSummary:
    round_slug: str
    round_name: str
    advertisements: int
    seats: int
    applicants: int
    applications: int
    applicant_ranking_entries: int
    employer_ranking_entries: int
    couples: int
    elapsed_seconds: float
    logins: tuple[tuple[str, str], ...]
    password: str

    @property
    def applications_per_applicant(self) -> float:
        return self.applications / self.applicants if self.applicants else 0.0


def _load_reference() -> tuple[
    list[Employer], dict[str, Municipality], dict[str, int], dict[str, int]
]:
    """Employers with sites and weights, municipalities by number, and primary keys by
    organisation code and municipality number."""
    weights = {
        row["code"]: int(row["lis1_positions_per_start"]) for row in read_rows("employers.csv")
    }
    sites: dict[int, list[Site]] = {}
    pk_by_code: dict[str, int] = {}
    for org in Organisation.objects.filter(kind=OrganisationKind.HOSPITAL_SITE).order_by("code"):
        assert org.parent_id is not None
        sites.setdefault(org.parent_id, []).append(
            Site(code=org.code, name=org.name, municipality_number=org.municipality_number)
        )
        pk_by_code[org.code] = org.pk
    employers = []
    for org in (
        Organisation.objects.filter(kind__in=EMPLOYER_KINDS)
        .select_related("region")
        .order_by("code")
    ):
        pk_by_code[org.code] = org.pk
        if weights.get(org.code, 0) > 0 and org.pk in sites and org.region is not None:
            employers.append(
                Employer(
                    code=org.code,
                    name=org.name,
                    region=org.region.code,
                    weight=weights[org.code],
                    counties=tuple(c for c in org.catchment_counties.split("|") if c),
                    sites=tuple(sites[org.pk]),
                )
            )
    municipalities = {}
    pk_by_number = {}
    for org in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by(
        "municipality_number"
    ):
        municipalities[org.municipality_number] = Municipality(
            number=org.municipality_number, name=org.name, county=org.county_number
        )
        pk_by_number[org.municipality_number] = org.pk
    return employers, municipalities, pk_by_code, pk_by_number


def _demo_municipality(ads: Iterable[AdPlan]) -> str:
    """A municipality that is the municipal part (alone or in an area) of a demo-employer ad."""
    numbers: set[str] = set()
    for ad in ads:
        if ad.employer.code != DEMO_EMPLOYER_CODE:
            continue
        if ad.municipality_number:
            numbers.add(ad.municipality_number)
        if ad.area is not None:
            numbers.update(ad.area.municipality_numbers)
    for preferred in PREFERRED_DEMO_MUNICIPALITIES:
        if preferred in numbers:
            return preferred
    return min(numbers)


def _directorate_group() -> Group:
    group, _ = Group.objects.get_or_create(name=DIRECTORATE_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label="rounds")
            | Q(content_type__app_label="accounts", codename="view_user")
        )
    )
    return group


def _moment(start: dt.datetime, end: dt.datetime, fraction: float) -> dt.datetime:
    return start + dt.timedelta(seconds=int((end - start).total_seconds() * fraction))


# Synthetic rows need no audit history: pghistory's triggers would write an event for each
# of the demo's ranking rows (over a million at NRMP scale) and triple the time to seed.
# pgtrigger.ignore acts on PostgreSQL only; SQLite has no triggers to skip.
UNAUDITED_DEMO_TRIGGERS = tuple(
    f"rounds.{model}:{trigger}"
    for model in ("ApplicantRanking", "EmployerRanking", "CouplePreference", "Placement")
    for trigger in ("insert_insert", "delete_delete")
)


def demo_round_seed(
    *,
    seed: int = 1,
    applicants: int = 1200,
    positions: int = 31,
    seats: int | None = None,
    replace: bool = False,
) -> DemoSummary:
    """Build the demo round (see `_demo_round_seed`) without writing audit events for it."""
    with pgtrigger.ignore(*UNAUDITED_DEMO_TRIGGERS):
        return _demo_round_seed(
            seed=seed, applicants=applicants, positions=positions, seats=seats, replace=replace
        )


@transaction.atomic
def _demo_round_seed(
    *,
    seed: int = 1,
    applicants: int = 1200,
    positions: int = 31,
    seats: int | None = None,
    replace: bool = False,
) -> DemoSummary:
    """Build the demo round for today (see the package docstring for what it holds)."""
    began = time.perf_counter()
    if seats is None:
        seats = max(positions, round(applicants * 575 / 1200))
    if applicants < 3:
        raise ValueError("The demo needs at least 3 applicants (two log-ins and a partner).")
    if positions < 1:
        raise ValueError("The demo needs at least one advertisement.")
    if seats < positions:
        raise ValueError(f"{seats} seats cannot give {positions} advertisements one seat each.")

    if not Organisation.objects.filter(kind__in=EMPLOYER_KINDS).exists():
        reference_data_load()
    calendar = demo_calendar(timezone.localdate(timezone=OSLO))
    existing = Round.objects.filter(season=calendar.season, year=calendar.year).first()
    if not replace:
        if existing is not None:
            raise DemoRoundExists(
                f"The demo round {calendar.slug} already exists; use --replace to rebuild it."
            )
        if demo_users().exists():
            raise DemoRoundExists(
                f"Demo users (@{DEMO_EMAIL_DOMAIN}) already exist; "
                "use --replace to rebuild the demo."
            )
    else:
        demo_remove(existing)

    # Plan everything in memory, each stage from its own stream of the seed.
    employers, municipalities, pk_by_code, pk_by_number = _load_reference()
    if len(employers) < 2 or DEMO_EMPLOYER_CODE not in {e.code for e in employers}:
        raise ValueError("Reference data is incomplete: run manage.py load_reference_data.")
    season_letter = "V" if calendar.season == Season.SPRING else "H"
    ads, areas = plan_positions(
        rng=random.Random(f"lis1-demo:{seed}:positions"),
        employers=employers,
        municipalities=municipalities,
        positions=positions,
        seats=seats,
        start=calendar.start_date,
        reference_stem=f"{calendar.year}{season_letter}",
    )
    people = plan_applicants(
        rng=random.Random(f"lis1-demo:{seed}:people"),
        count=applicants,
        start=calendar.start_date,
        round_year=calendar.year,
        fixed=DEMO_APPLICANTS,
    )
    choice_rng = random.Random(f"lis1-demo:{seed}:choices")
    couple_count = min(max(1, round(applicants * 0.005)), (applicants - 2) // 2 + 1)
    couples = pick_couples(
        rng=choice_rng, applicants=people, count=couple_count, fixed_first=None, excluded={0, 1}
    )
    applied = plan_applications(rng=choice_rng, applicants=people, ads=ads)
    employer_lists = plan_employer_rankings(
        rng=choice_rng, applicants=people, applied=applied, ad_count=len(ads)
    )
    couple_lists = plan_couple_lists(rng=choice_rng, couples=couples, applied=applied, ads=ads)
    in_couple = {i for pair in couples for i in pair}

    # Write.
    round_ = Round.objects.create(
        season=calendar.season,
        year=calendar.year,
        slug=calendar.slug,
        is_demo=True,
        advertising_opens=calendar.advertising_opens,
        applications_open=calendar.applications_open,
        applications_close=calendar.applications_close,
        ranking_deadline=calendar.ranking_deadline,
        match_date=calendar.match_date,
        results_published=calendar.results_published,
        answer_deadline=calendar.answer_deadline,
        start_date=calendar.start_date,
    )
    area_pks = {}
    for plan in areas:
        area, _ = MunicipalArea.objects.get_or_create(
            employer_id=pk_by_code[plan.employer], name=plan.name
        )
        area.municipalities.set([pk_by_number[n] for n in plan.municipality_numbers])
        area_pks[(plan.employer, plan.name)] = area.pk
    position_rows = Position.objects.bulk_create(
        [
            Position(
                round=round_,
                employer_id=pk_by_code[ad.employer.code],
                reference=ad.reference,
                title=ad.title,
                kind=ad.kind,
                rotation=ad.rotation,
                municipality_id=pk_by_number[ad.municipality_number]
                if ad.municipality_number
                else None,
                municipal_area_id=area_pks[(ad.area.employer, ad.area.name)] if ad.area else None,
                start_date=calendar.start_date,
                seats=ad.seats,
                description=ad.description,
                status=PositionStatus.PUBLISHED,
            )
            for ad in ads
        ],
        batch_size=BATCH,
    )
    position_pks = [p.pk for p in position_rows]
    Position.sites.through.objects.bulk_create(
        [
            Position.sites.through(
                position_id=position_pks[ad.index], organisation_id=pk_by_code[s.code]
            )
            for ad in ads
            for s in ad.sites
        ],
        batch_size=BATCH,
    )

    password_hash = make_password(settings.LIS1_DEMO_PASSWORD)  # hashed once, shared
    logins = {p.email for p in DEMO_APPLICANTS}
    user_rows = User.objects.bulk_create(
        [
            User(
                email=plan.email,
                first_name=plan.given_name,
                last_name=plan.family_name,
                password=password_hash if plan.email in logins else "!" + secrets.token_hex(20),
            )
            for plan in people
        ]
        + [
            User(
                email=f"{local}@{DEMO_EMAIL_DOMAIN}",
                first_name=given,
                last_name=family,
                password=password_hash,
                is_staff=local == "direktorat",
            )
            for local, given, family, _ in STAFF_LOGINS
        ],
        batch_size=BATCH,
    )
    applicant_rows = Applicant.objects.bulk_create(
        [_applicant(plan, user.pk) for plan, user in zip(people, user_rows, strict=False)],
        batch_size=BATCH,
    )
    applicant_pks = [a.pk for a in applicant_rows]

    demo_municipality = _demo_municipality(ads)
    _write_staff(
        users={u.email.split("@")[0]: u for u in user_rows[len(people) :]},
        pk_by_code=pk_by_code,
        municipality_pk=pk_by_number[demo_municipality],
    )

    motivation_rng = random.Random(f"lis1-demo:{seed}:texts")
    open_, close = calendar.applications_open, calendar.applications_close
    application_count = 0
    rows: list[Application] = []
    for person, ad_indices in zip(people, applied, strict=True):
        base = motivation_rng.triangular(0.0, 0.95, 0.85)
        for ad_index in ad_indices:
            rows.append(
                Application(
                    applicant_id=applicant_pks[person.index],
                    position_id=position_pks[ad_index],
                    motivation=motivation_rng.choice(MOTIVATIONS),
                    status=ApplicationStatus.SUBMITTED,
                    submitted_at=(
                        submitted := _moment(open_, close, base + motivation_rng.random() * 0.049)
                    ),
                    created_at=submitted,
                )
            )
        if len(rows) >= BATCH * 4:
            application_count += len(Application.objects.bulk_create(rows, batch_size=BATCH))
            rows = []
    application_count += len(Application.objects.bulk_create(rows, batch_size=BATCH))

    applicant_ranking_count = _bulk_in_chunks(
        ApplicantRanking,
        (
            ApplicantRanking(
                round_id=round_.pk,
                applicant_id=applicant_pks[plan.index],
                position_id=position_pks[ad_index],
                rank=rank,
            )
            for plan, ad_indices in zip(people, applied, strict=True)
            if plan.index not in in_couple
            for rank, ad_index in enumerate(ad_indices, start=1)
        ),
    )
    employer_ranking_count = _bulk_in_chunks(
        EmployerRanking,
        (
            EmployerRanking(
                position_id=position_pks[ad_index],
                applicant_id=applicant_pks[applicant_index],
                rank=rank,
            )
            for ad_index, ranked in enumerate(employer_lists)
            for rank, applicant_index in enumerate(ranked, start=1)
        ),
    )

    couple_rows = Couple.objects.bulk_create(
        [
            Couple(
                round=round_,
                first_id=applicant_pks[c.first],
                second_id=applicant_pks[c.second],
                status=CoupleStatus.ACCEPTED,
                accepted_at=(accepted := _moment(open_, close, choice_rng.uniform(0.1, 0.9))),
                invited_at=accepted - dt.timedelta(days=1),
            )
            for c in couple_lists
        ],
        batch_size=BATCH,
    )
    CouplePreference.objects.bulk_create(
        [
            CouplePreference(
                couple=row,
                rank=rank,
                first_position_id=position_pks[a] if a is not None else None,
                second_position_id=position_pks[b] if b is not None else None,
            )
            for row, plan in zip(couple_rows, couple_lists, strict=True)
            for rank, (a, b) in enumerate(plan.pairs, start=1)
        ],
        batch_size=BATCH,
    )

    return DemoSummary(
        round_slug=round_.slug,
        round_name=str(round_),
        advertisements=len(ads),
        seats=sum(ad.seats for ad in ads),
        applicants=len(people),
        applications=application_count,
        applicant_ranking_entries=applicant_ranking_count,
        employer_ranking_entries=employer_ranking_count,
        couples=len(couple_rows),
        elapsed_seconds=time.perf_counter() - began,
        logins=demo_logins(),
        password=settings.LIS1_DEMO_PASSWORD,
    )


def _applicant(plan: ApplicantPlan, user_pk: int) -> Applicant:
    applicant = Applicant(
        user_id=user_pk,
        given_name=plan.given_name,
        family_name=plan.family_name,
        gender=plan.gender,
        hpr_number=plan.hpr_number,
        authorisation=plan.authorisation,
        nationality=plan.nationality,
        education_country=plan.education_country,
        education_year=plan.education_year,
        norwegian_proficiency=plan.proficiency,
        prior_hospital_months=plan.prior_hospital_months,
        prior_municipal_months=plan.prior_municipal_months,
        rounds_before_system=plan.earlier_rounds,
    )
    applicant.set_national_id(plan.national_id)
    return applicant


def _write_staff(
    *, users: dict[str, User], pk_by_code: dict[str, int], municipality_pk: int
) -> None:
    StaffMembership.objects.bulk_create(
        [
            StaffMembership(
                user=users["arbeidsgiver"], organisation_id=pk_by_code[DEMO_EMPLOYER_CODE]
            ),
            StaffMembership(
                user=users["arbeidsgiver2"], organisation_id=pk_by_code[DEMO_EMPLOYER2_CODE]
            ),
            StaffMembership(user=users["kommune"], organisation_id=municipality_pk),
            StaffMembership(
                user=users["direktorat"],
                organisation=Organisation.objects.get(code=DIRECTORATE_CODE),
            ),
        ]
    )
    users["direktorat"].groups.add(_directorate_group())


def _bulk_in_chunks(model: type, rows: Iterable, chunk: int = BATCH * 4) -> int:  # type: ignore[type-arg]
    """bulk_create from a generator, a few batches at a time, so memory stays bounded."""
    count = 0
    pending = []
    for row in rows:
        pending.append(row)
        if len(pending) >= chunk:
            count += len(model.objects.bulk_create(pending, batch_size=BATCH))  # type: ignore[attr-defined]
            pending = []
    count += len(model.objects.bulk_create(pending, batch_size=BATCH))  # type: ignore[attr-defined]
    return count


def demo_logins() -> tuple[tuple[str, str], ...]:
    """The demo log-ins with what each shows, as stored (the municipality is the seeded one)."""
    municipality = (
        StaffMembership.objects.filter(user__email=f"kommune@{DEMO_EMAIL_DOMAIN}")
        .values_list("organisation__name", flat=True)
        .first()
    )
    return tuple(
        [(p.email, "applicant") for p in DEMO_APPLICANTS]
        + [
            (
                f"{local}@{DEMO_EMAIL_DOMAIN}",
                f"{what}: {municipality}" if local == "kommune" and municipality else what,
            )
            for local, _, _, what in STAFF_LOGINS
        ]
    )
