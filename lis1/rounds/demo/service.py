"""`demo_round_seed`: write a whole demo round (positions, applicants, applications, both
sides' rankings, couples), the closed rounds before it (`history`), and the six demo log-ins
to the database.

Everything is planned in memory first (positions, people, choices: plain Python driven by
seeded `random.Random` streams), then written with `bulk_create` and, for the applications
and rankings that are most of the rows, COPY, so the default round of 1,200 applicants takes
a few seconds and the 45,000-applicant benchmark stays in minutes. A past round is played
through its lifecycle by `past.demo_round_play`; each stage of each round draws from its own
stream (`lis1-demo:<seed>:<round>:<stage>`), so the same seed gives the same history.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import pgtrigger
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone

from lis1.accounts.models import User
from lis1.dbstats import analyze_tables
from lis1.rounds.demo.answers import DEFAULT_ACCEPTANCE, AcceptanceModel
from lis1.rounds.demo.choices import (
    pick_couples,
    plan_applications,
    plan_couple_lists,
    plan_employer_rankings,
)
from lis1.rounds.demo.cleanup import DEMO_EMAIL_DOMAIN, demo_remove, demo_users
from lis1.rounds.demo.dates import OSLO, DemoCalendar, demo_calendar
from lis1.rounds.demo.history import (
    PastCalendar,
    SeasonSize,
    past_calendar,
    past_seasons,
    reapply_probability,
    season_size,
)
from lis1.rounds.demo.past import demo_round_play
from lis1.rounds.demo.people import ApplicantPlan, Profile, plan_applicants
from lis1.rounds.demo.positions import (
    DEMO_EMPLOYER2_CODE,
    DEMO_EMPLOYER_CODE,
    AdPlan,
    AreaPlan,
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
    MatchRun,
    MunicipalArea,
    Organisation,
    Placement,
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
    #: The closed rounds built before the current one, oldest first.
    past_rounds: tuple[str, ...] = ()
    #: Applicants of the current round who applied in the round before it too.
    reapplicants: int = 0

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


#: Past rounds the default demo builds before the current one (spring 2024 to spring 2026
#: when seeded in autumn 2026).
DEFAULT_HISTORY = 5
# The past rounds' answers and starts are written in bulk, not through placement_answer:
# their updates need no audit history either.
UNAUDITED_HISTORY_TRIGGERS = (*UNAUDITED_DEMO_TRIGGERS, "rounds.Placement:update_update")


def demo_round_seed(
    *,
    seed: int = 1,
    applicants: int = 1200,
    positions: int = 31,
    seats: int | None = None,
    replace: bool = False,
    history: int = 0,
    acceptance: AcceptanceModel = DEFAULT_ACCEPTANCE,
    seasonal: bool = False,
) -> DemoSummary:
    """Build the demo round and `history` closed rounds before it (see `_demo_round_seed`)
    without writing audit events for them."""
    # The transaction encloses the ignoring, so that what runs once it commits (the closed
    # rounds' final reports) runs with the triggers back in place.
    with transaction.atomic(), pgtrigger.ignore(*UNAUDITED_HISTORY_TRIGGERS):
        summary = _demo_round_seed(
            seed=seed,
            applicants=applicants,
            positions=positions,
            seats=seats,
            replace=replace,
            history=history,
            acceptance=acceptance,
            seasonal=seasonal,
        )
        # Fresh statistics once committed: the tables were filled in one go (lis1.dbstats).
        analyze_tables(
            User,
            Applicant,
            Application,
            ApplicantRanking,
            EmployerRanking,
            Position,
            Couple,
            CouplePreference,
            Placement,
            MatchRun,
        )
        return summary


@dataclass
class _Person:
    """A demo doctor across rounds: one Applicant, however many rounds they apply in."""

    plan: ApplicantPlan
    applicant_pk: int
    user_pk: int
    rounds_applied: int  # declared earlier rounds plus the demo rounds applied in


@dataclass
class _People:
    """Everyone the demo has written so far, by identity number."""

    password_hash: str
    by_id: dict[str, _Person] = field(default_factory=dict)
    taken_ids: set[str] = field(default_factory=set)
    taken_hpr: set[str] = field(default_factory=set)
    numbered: int = 0  # generated e-mail addresses so far
    # Rounds written so far: a newcomer's rounds "before the system" exclude them (the system
    # would hold those rounds), so no earlier round is counted twice in the report.
    rounds_written: int = 0

    def plan(
        self,
        *,
        rng: random.Random,
        count: int,
        start: dt.date,
        round_year: int,
        fixed: tuple[Profile, ...] = (),
    ) -> list[ApplicantPlan]:
        plans = plan_applicants(
            rng=rng,
            count=count,
            start=start,
            round_year=round_year,
            fixed=fixed,
            taken_ids=self.taken_ids,
            taken_hpr=self.taken_hpr,
            first_number=self.numbered,
        )
        self.numbered += count
        return plans

    def write(
        self, plans: list[ApplicantPlan], *, registered: dt.datetime | None = None
    ) -> list[int]:
        """The Applicant keys of `plans`, writing users and applicants for the new ones
        (registered at `registered`, a past round's opening, or now)."""
        new = [p for p in plans if p.national_id not in self.by_id]
        logins = {p.email for p in DEMO_APPLICANTS}
        users = User.objects.bulk_create(
            [
                User(
                    email=plan.email,
                    first_name=plan.given_name,
                    last_name=plan.family_name,
                    password=self.password_hash
                    if plan.email in logins
                    else "!" + secrets.token_hex(20),
                )
                for plan in new
            ],
            batch_size=BATCH,
        )
        rows = Applicant.objects.bulk_create(
            [
                _applicant(plan, user.pk, max(0, plan.earlier_rounds - self.rounds_written))
                for plan, user in zip(new, users, strict=True)
            ],
            batch_size=BATCH,
        )
        if registered is not None:
            User.objects.filter(pk__in=[u.pk for u in users]).update(date_joined=registered)
            Applicant.objects.filter(pk__in=[r.pk for r in rows]).update(
                created_at=registered, updated_at=registered
            )
        for plan, user, row in zip(new, users, rows, strict=True):
            self.by_id[plan.national_id] = _Person(plan, row.pk, user.pk, plan.earlier_rounds)
        for plan in plans:
            self.by_id[plan.national_id].rounds_applied += 1
        self.rounds_written += 1
        return [self.by_id[p.national_id].applicant_pk for p in plans]


def _reapplicants(
    *, rng: random.Random, people: _People, previous: list[ApplicantPlan], placed: set[int]
) -> list[ApplicantPlan]:
    """Those of the previous round who ended it without a position and apply again (see
    history.REAPPLY), in the order they applied there."""
    again = []
    for plan in previous:
        person = people.by_id[plan.national_id]
        if person.applicant_pk in placed:
            continue
        if rng.random() < reapply_probability(person.rounds_applied):
            again.append(person.plan)
    return again


@dataclass(frozen=True)
class _RoundWritten:
    round_: Round
    ads: list[AdPlan]
    people: list[ApplicantPlan]
    applicant_pks: list[int]
    applications: int
    applicant_ranking_entries: int
    employer_ranking_entries: int
    couples: int


@transaction.atomic
def _demo_round_seed(
    *,
    seed: int = 1,
    applicants: int = 1200,
    positions: int = 31,
    seats: int | None = None,
    replace: bool = False,
    history: int = 0,
    acceptance: AcceptanceModel = DEFAULT_ACCEPTANCE,
    seasonal: bool = False,
) -> DemoSummary:
    """Build the demo round for today and `history` closed rounds before it (see the
    package docstring for what they hold). `seasonal` sizes the current round like the
    published rounds of its season too (an autumn round is smaller), as the past rounds are;
    `applicants` and `positions` then give the spring size it is scaled from."""
    began = time.perf_counter()
    today = timezone.localdate(timezone=OSLO)
    calendar = demo_calendar(today)
    reference_applicants, reference_positions = applicants, positions
    if seasonal:
        size = season_size(calendar.season, applicants=applicants, positions=positions)
        applicants, positions, seats = size.applicants, size.advertisements, size.seats
    if seats is None:
        seats = max(positions, round(applicants * 575 / 1200))
    if applicants < 3:
        raise ValueError("The demo needs at least 3 applicants (two log-ins and a partner).")
    if positions < 1:
        raise ValueError("The demo needs at least one advertisement.")
    if seats < positions:
        raise ValueError(f"{seats} seats cannot give {positions} advertisements one seat each.")
    if not 0 <= history <= 20:
        raise ValueError("The demo builds between 0 and 20 past rounds.")
    pasts = [
        past_calendar(season, year)
        for season, year in past_seasons(calendar.season, calendar.year, history)
    ]
    existing = Round.objects.filter(season=calendar.season, year=calendar.year).first()
    in_the_way = list(
        Round.objects.filter(slug__in=[p.dates.slug for p in pasts]).exclude(is_demo=True)
    )
    if not replace:
        if existing is not None:
            raise DemoRoundExists(
                f"The demo round {calendar.slug} already exists; use --replace to rebuild it."
            )
        if in_the_way or Round.objects.filter(is_demo=True).exists():
            slugs = ", ".join(r.slug for r in in_the_way) or "earlier demo rounds"
            raise DemoRoundExists(
                f"Rounds in the demo's history ({slugs}) already exist; "
                "use --replace to rebuild the demo."
            )
        if demo_users().exists():
            raise DemoRoundExists(
                f"Demo users (@{DEMO_EMAIL_DOMAIN}) already exist; "
                "use --replace to rebuild the demo."
            )
    else:
        demo_remove(existing, *in_the_way)

    ref = _Reference.load()
    pk_by_code, pk_by_number = ref.pk_by_code, ref.pk_by_number

    # The current round's advertisements first: the demo municipality log-in follows them.
    ads, areas = ref.ads(calendar, f"{seed}:", positions, seats)
    password_hash = make_password(settings.LIS1_DEMO_PASSWORD)  # hashed once, shared
    director = _write_staff_logins(ref=ref, ads=ads, password_hash=password_hash)
    people = _People(password_hash=password_hash)

    # The past rounds, oldest first, each played through its lifecycle.
    previous: list[ApplicantPlan] = []
    placed: set[int] = set()
    history_rng = random.Random(f"lis1-demo:{seed}:history")
    for past in pasts:
        again = _reapplicants(rng=history_rng, people=people, previous=previous, placed=placed)
        written, placed = _past_round(
            past=past,
            size=season_size(
                past.dates.season, applicants=reference_applicants, positions=reference_positions
            ),
            stem=f"{seed}:{past.dates.slug}:",
            again=again,
            people=people,
            ref=ref,
            director=director,
            acceptance=acceptance,
            seed=seed,
            today=today,
        )
        previous = written.people

    # The current round: the demo log-ins and new applicants, then those applying again.
    again = _reapplicants(rng=history_rng, people=people, previous=previous, placed=placed)
    again = again[: applicants - len(DEMO_APPLICANTS)]
    fresh = people.plan(
        rng=random.Random(f"lis1-demo:{seed}:people"),
        count=applicants - len(again),
        start=calendar.start_date,
        round_year=calendar.year,
        fixed=DEMO_APPLICANTS,
    )
    current = _write_round(
        dates=calendar,
        ads=ads,
        areas=areas,
        plans=[*fresh, *again],
        people=people,
        choice_rng=random.Random(f"lis1-demo:{seed}:choices"),
        motivation_rng=random.Random(f"lis1-demo:{seed}:texts"),
        pk_by_code=pk_by_code,
        pk_by_number=pk_by_number,
        excluded_from_couples={0, 1},
        past=False,
    )
    return DemoSummary(
        round_slug=current.round_.slug,
        round_name=str(current.round_),
        advertisements=len(ads),
        seats=sum(ad.seats for ad in ads),
        applicants=len(current.people),
        applications=current.applications,
        applicant_ranking_entries=current.applicant_ranking_entries,
        employer_ranking_entries=current.employer_ranking_entries,
        couples=current.couples,
        elapsed_seconds=time.perf_counter() - began,
        logins=demo_logins(),
        password=settings.LIS1_DEMO_PASSWORD,
        past_rounds=tuple(p.dates.slug for p in pasts),
        reapplicants=len(again),
    )


@dataclass(frozen=True)
class _Reference:
    """The reference data the demo plans from, and its keys in the database."""

    employers: list[Employer]
    municipalities: dict[str, Municipality]
    pk_by_code: dict[str, int]
    pk_by_number: dict[str, int]

    @classmethod
    def load(cls) -> _Reference:
        if not Organisation.objects.filter(kind__in=EMPLOYER_KINDS).exists():
            reference_data_load()
        ref = cls(*_load_reference())
        if len(ref.employers) < 2 or DEMO_EMPLOYER_CODE not in {e.code for e in ref.employers}:
            raise ValueError("Reference data is incomplete: run manage.py load_reference_data.")
        return ref

    def ads(
        self, dates: DemoCalendar, stem: str, count: int, seats: int
    ) -> tuple[list[AdPlan], list[AreaPlan]]:
        season_letter = "V" if dates.season == Season.SPRING else "H"
        return plan_positions(
            rng=random.Random(f"lis1-demo:{stem}positions"),
            employers=self.employers,
            municipalities=self.municipalities,
            positions=count,
            seats=seats,
            start=dates.start_date,
            reference_stem=f"{dates.year}{season_letter}",
        )


def _write_staff_logins(*, ref: _Reference, ads: list[AdPlan], password_hash: str) -> User:
    """The four staff log-ins with their organisations; returns the directorate's, who
    takes the past rounds' decisions."""
    staff = User.objects.bulk_create(
        [
            User(
                email=f"{local}@{DEMO_EMAIL_DOMAIN}",
                first_name=given,
                last_name=family,
                password=password_hash,
                is_staff=local == "direktorat",
            )
            for local, given, family, _ in STAFF_LOGINS
        ]
    )
    by_login = {u.email.split("@")[0]: u for u in staff}
    _write_staff(
        users=by_login,
        pk_by_code=ref.pk_by_code,
        municipality_pk=ref.pk_by_number[_demo_municipality(ads)],
    )
    return by_login["direktorat"]


def _past_round(
    *,
    past: PastCalendar,
    size: SeasonSize,
    stem: str,
    again: list[ApplicantPlan],
    people: _People,
    ref: _Reference,
    director: User,
    acceptance: AcceptanceModel,
    seed: int,
    today: dt.date,
) -> tuple[_RoundWritten, set[int]]:
    """Write a past round (new applicants, then `again`, those applying again) and play it
    through to its close; returns it and the Applicant keys of those who accepted."""
    dates = past.dates
    again = again[: size.applicants]
    fresh = people.plan(
        rng=random.Random(f"lis1-demo:{stem}people"),
        count=size.applicants - len(again),
        start=dates.start_date,
        round_year=dates.year,
    )
    ads, areas = ref.ads(dates, stem, size.advertisements, size.seats)
    written = _write_round(
        dates=dates,
        ads=ads,
        areas=areas,
        plans=[*fresh, *again],
        people=people,
        choice_rng=random.Random(f"lis1-demo:{stem}choices"),
        motivation_rng=random.Random(f"lis1-demo:{stem}texts"),
        pk_by_code=ref.pk_by_code,
        pk_by_number=ref.pk_by_number,
        excluded_from_couples=set(),
        past=True,
    )
    keys = list(zip(written.applicant_pks, written.people, strict=True))
    placed = demo_round_play(
        round_=written.round_,
        past=past,
        director=director,
        acceptance=acceptance,
        rng=random.Random(f"lis1-demo:{stem}answers"),
        seed=seed,
        groups={pk: plan.education_group for pk, plan in keys},
        users={pk: people.by_id[plan.national_id].user_pk for pk, plan in keys},
        order={pk: plan.index for pk, plan in keys},
        today=today,
    )
    return written, placed


def demo_past_round_seed(
    *,
    season: str,
    year: int,
    applicants: int,
    positions: int,
    seats: int,
    seed: int = 1,
    acceptance: AcceptanceModel = DEFAULT_ACCEPTANCE,
) -> Round:
    """One closed demo round of a past season, sized as given and played through like the
    demo's history (main match, answers from `acceptance`, follow-up, starts, close): for
    calibrating against a published round, on a database without the demo's applicants.
    Writes the demo's staff log-ins when they are missing (the directorate's takes the
    decisions)."""
    if seats < positions:
        raise ValueError(f"{seats} seats cannot give {positions} advertisements one seat each.")
    past = past_calendar(season, year)
    if past.closed >= timezone.now():
        raise ValueError(f"The {season} {year} round would not be closed yet.")
    if Round.objects.filter(slug=past.dates.slug).exists():
        raise DemoRoundExists(f"The round {past.dates.slug} already exists.")
    if Applicant.objects.filter(user__in=demo_users()).exists():
        # Its generated people would meet the demo's own (identity numbers, addresses).
        raise DemoRoundExists("Remove the demo first (seed_demo --replace --history 0 …).")
    with transaction.atomic(), pgtrigger.ignore(*UNAUDITED_HISTORY_TRIGGERS):
        ref = _Reference.load()
        stem = f"{seed}:{past.dates.slug}:"
        ads, _ = ref.ads(past.dates, stem, positions, seats)
        director = User.objects.filter(email=f"direktorat@{DEMO_EMAIL_DOMAIN}").first()
        password_hash = make_password(settings.LIS1_DEMO_PASSWORD)
        if director is None:
            director = _write_staff_logins(ref=ref, ads=ads, password_hash=password_hash)
        written, _ = _past_round(
            past=past,
            size=SeasonSize(applicants=applicants, seats=seats, advertisements=positions),
            stem=stem,
            again=[],
            people=_People(password_hash=password_hash),
            ref=ref,
            director=director,
            acceptance=acceptance,
            seed=seed,
            today=timezone.localdate(timezone=OSLO),
        )
    return written.round_


def _write_round(
    *,
    dates: DemoCalendar,
    ads: list[AdPlan],
    areas: list[AreaPlan],
    plans: list[ApplicantPlan],
    people: _People,
    choice_rng: random.Random,
    motivation_rng: random.Random,
    pk_by_code: dict[str, int],
    pk_by_number: dict[str, int],
    excluded_from_couples: set[int],
    past: bool,
) -> _RoundWritten:
    """Plan the round's choices (applications, rankings, couples) and write the round, its
    positions, its new applicants and the choices. In a `past` round the employers submitted
    their rankings the day before the deadline and the new applicants registered when
    applications opened; the current round's rankings are still open."""
    ranking_submitted_at = dates.ranking_deadline - dt.timedelta(days=1) if past else None
    # Each round's own copy: pick_couples moves a partner's home region.
    plans = [replace(plan, index=i) for i, plan in enumerate(plans)]
    applicants = len(plans)
    couple_count = min(max(1, round(applicants * 0.005)), (applicants - 2) // 2 + 1)
    couples = pick_couples(
        rng=choice_rng,
        applicants=plans,
        count=couple_count,
        fixed_first=None,
        excluded=excluded_from_couples,
    )
    applied = plan_applications(rng=choice_rng, applicants=plans, ads=ads)
    employer_lists = plan_employer_rankings(
        rng=choice_rng, applicants=plans, applied=applied, ad_count=len(ads)
    )
    couple_lists = plan_couple_lists(rng=choice_rng, couples=couples, applied=applied, ads=ads)
    in_couple = {i for pair in couples for i in pair}

    round_ = Round.objects.create(
        season=dates.season,
        year=dates.year,
        slug=dates.slug,
        is_demo=True,
        advertising_opens=dates.advertising_opens,
        applications_open=dates.applications_open,
        applications_close=dates.applications_close,
        ranking_deadline=dates.ranking_deadline,
        match_date=dates.match_date,
        results_published=dates.results_published,
        answer_deadline=dates.answer_deadline,
        start_date=dates.start_date,
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
                start_date=dates.start_date,
                seats=ad.seats,
                description=ad.description,
                status=PositionStatus.PUBLISHED,
                ranking_submitted_at=ranking_submitted_at,
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
    applicant_pks = people.write(plans, registered=dates.applications_open if past else None)

    open_, close = dates.applications_open, dates.applications_close

    def applications() -> Iterator[tuple[object, ...]]:
        for person, ad_indices in zip(plans, applied, strict=True):
            base = motivation_rng.triangular(0.0, 0.95, 0.85)
            for ad_index in ad_indices:
                motivation = motivation_rng.choice(MOTIVATIONS)
                submitted = _moment(open_, close, base + motivation_rng.random() * 0.049)
                yield (
                    applicant_pks[person.index],
                    position_pks[ad_index],
                    motivation,
                    ApplicationStatus.SUBMITTED,
                    submitted,
                    submitted,
                )

    application_count = _copy(
        Application,
        ("applicant_id", "position_id", "motivation", "status", "submitted_at", "created_at"),
        applications(),
    )
    applicant_ranking_count = _copy(
        ApplicantRanking,
        ("round_id", "applicant_id", "position_id", "rank"),
        (
            (round_.pk, applicant_pks[plan.index], position_pks[ad_index], rank)
            for plan, ad_indices in zip(plans, applied, strict=True)
            if plan.index not in in_couple
            for rank, ad_index in enumerate(ad_indices, start=1)
        ),
    )
    employer_ranking_count = _copy(
        EmployerRanking,
        ("position_id", "applicant_id", "rank"),
        (
            (position_pks[ad_index], applicant_pks[applicant_index], rank)
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
    return _RoundWritten(
        round_=round_,
        ads=ads,
        people=plans,
        applicant_pks=applicant_pks,
        applications=application_count,
        applicant_ranking_entries=applicant_ranking_count,
        employer_ranking_entries=employer_ranking_count,
        couples=len(couple_rows),
    )


def _applicant(plan: ApplicantPlan, user_pk: int, before_system: int) -> Applicant:
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
        rounds_before_system=before_system,
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


def _copy(model: type[Model], columns: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> int:
    """Write rows with PostgreSQL's COPY: the demo's applications and rankings are most of
    its rows, and COPY writes them several times faster than bulk_create. The columns are
    the model's own, every one given (defaults are not applied). Other databases (SQLite
    under `make run` without DATABASE_URL) get bulk_create."""
    if not _has_copy():
        return _bulk(model, columns, rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    count = 0
    for row in rows:
        writer.writerow([NULL if value is None else _csv_value(value) for value in row])
        count += 1
    if not count:
        return 0
    buffer.seek(0)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # A statement through Django first, so that pgtrigger's ignore (set for the
        # transaction) covers the COPY as well.
        cursor.execute("SELECT 1")
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')",
            buffer,
        )
    return count


NULL = r"\N"


def _has_copy() -> bool:
    return connection.vendor == "postgresql"


def _bulk(model: type[Model], columns: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> int:
    count = 0
    pending: list[Model] = []
    for row in rows:
        pending.append(model(**dict(zip(columns, row, strict=True))))
        if len(pending) >= BATCH * 4:
            count += len(model._default_manager.bulk_create(pending, batch_size=BATCH))
            pending = []
    return count + len(model._default_manager.bulk_create(pending, batch_size=BATCH))


def _csv_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.datetime) else value


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
