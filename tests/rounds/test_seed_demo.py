"""The demo round: calibrated counts, valid identities, working log-ins, determinism."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.test import RequestFactory, override_settings
from django.utils import timezone

from lis1.accounts.models import User
from lis1.rounds.countries import EEA_COUNTRIES
from lis1.rounds.demo import DemoSummary, demo_calendar, demo_round_seed
from lis1.rounds.demo.service import OSLO
from lis1.rounds.enums import CoupleStatus, OrganisationKind, RoundPhase
from lis1.rounds.identity import validate_identity_number
from lis1.rounds.models import (
    Applicant,
    ApplicantRanking,
    Application,
    Couple,
    CouplePreference,
    EmployerRanking,
    Position,
    Round,
)
from lis1.rounds.permissions import Role, municipality_positions, organisations_of, role_of

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGINS = {
    "soker@demo.lis1.no": Role.APPLICANT,
    "soker2@demo.lis1.no": Role.APPLICANT,
    "arbeidsgiver@demo.lis1.no": Role.EMPLOYER,
    "arbeidsgiver2@demo.lis1.no": Role.EMPLOYER,
    "kommune@demo.lis1.no": Role.MUNICIPALITY,
    "direktorat@demo.lis1.no": Role.DIRECTORATE,
}


@pytest.fixture(scope="class")
def default_demo(django_db_setup, django_db_blocker) -> Iterator[DemoSummary]:  # type: ignore[no-untyped-def]
    """The default demo round, seeded once for the class and rolled back afterwards."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        call_command("load_reference_data")
        yield demo_round_seed(seed=1)
        transaction.set_rollback(True)


@pytest.fixture
def reference_data(db) -> None:  # type: ignore[no-untyped-def]
    call_command("load_reference_data")


def _seed_small(*, seed: int = 1, replace: bool = False) -> DemoSummary:
    return demo_round_seed(seed=seed, applicants=100, positions=5, seats=40, replace=replace)


def _rankings() -> Counter[tuple[str | None, str, int]]:
    return Counter(
        ApplicantRanking.objects.values_list(
            "applicant__national_id_hash", "position__reference", "rank"
        )
    )


@pytest.mark.django_db
class TestDefaultDemo:
    """The default round (seed 1): one seeding shared by the checks below."""

    def test_seed_demo_default_round_is_live_and_ranking(self, default_demo: DemoSummary) -> None:
        round_ = Round.objects.get()
        today = timezone.localdate(timezone=OSLO)

        assert round_.slug == default_demo.round_slug == demo_calendar(today).slug
        assert round_.phase == RoundPhase.RANKING
        assert round_.applications_close.astimezone(OSLO).date() == today - dt.timedelta(days=31)
        assert round_.applications_close.astimezone(OSLO).hour == 12
        assert round_.ranking_deadline.astimezone(OSLO).date() == today + dt.timedelta(days=7)
        assert (round_.start_date.month, round_.start_date.day) in ((3, 1), (9, 1))
        assert 60 <= (round_.start_date - round_.answer_deadline.date()).days <= 60 + 184
        assert round_.slug == f"{round_.season}-{round_.year}"

    def test_seed_demo_default_counts_match_calibration(self, default_demo: DemoSummary) -> None:
        positions = Position.objects.all()
        applicants = Applicant.objects.count()
        applications = Application.objects.count()

        assert 28 <= positions.count() <= 34
        assert 560 <= positions.aggregate(total=Sum("seats"))["total"] <= 590
        assert applicants == 1200
        assert 15 <= applications / applicants <= 19
        assert positions.filter(seats__lt=1).count() == 0
        assert Applicant.objects.annotate(n=Count("applications")).filter(n=0).count() == 0
        assert default_demo.applications == applications
        assert default_demo.employer_ranking_entries == EmployerRanking.objects.count()

    def test_seed_demo_default_mix_of_nationality_and_education(
        self, default_demo: DemoSummary
    ) -> None:
        rows = list(Applicant.objects.values_list("nationality", "education_country"))
        norway = sum(country == "NO" for _, country in rows) / len(rows)
        eea = sum(country in EEA_COUNTRIES and country != "NO" for _, country in rows) / len(rows)
        nationals = sum(nationality == "NO" for nationality, _ in rows) / len(rows)

        assert 0.20 <= norway <= 0.40
        assert 0.40 <= eea <= 0.60
        assert 0.60 <= nationals <= 0.80

    def test_seed_demo_identity_numbers_valid_and_unique(self, default_demo: DemoSummary) -> None:
        applicants = list(Applicant.objects.all())

        for applicant in applicants:
            validate_identity_number(applicant.national_id)
        assert len({a.national_id_hash for a in applicants}) == len(applicants)
        assert all(a.national_id_hash for a in applicants)

    def test_seed_demo_rankings_cover_applications(self, default_demo: DemoSummary) -> None:
        couple_members = set(
            Couple.objects.values_list("first_id", flat=True).union(
                Couple.objects.values_list("second_id", flat=True)
            )
        )
        singles_applications = Application.objects.exclude(applicant_id__in=couple_members).count()
        ranked_share = EmployerRanking.objects.count() / Application.objects.count()

        assert ApplicantRanking.objects.count() == singles_applications
        assert ApplicantRanking.objects.filter(applicant_id__in=couple_members).count() == 0
        assert 0.6 <= ranked_share <= 0.8
        # Every ranked applicant applied to the position.
        applied = Application.objects.filter(
            applicant=OuterRef("applicant"), position=OuterRef("position")
        )
        assert EmployerRanking.objects.filter(~Exists(applied)).count() == 0

    def test_seed_demo_couples_accepted_with_applications(self, default_demo: DemoSummary) -> None:
        couples = Couple.objects.all()

        assert couples.count() >= 1
        assert couples.count() == default_demo.couples
        assert couples.exclude(status=CoupleStatus.ACCEPTED).count() == 0
        assert couples.filter(accepted_at__isnull=True).count() == 0
        for preference in CouplePreference.objects.select_related("couple"):
            for applicant_id, position_id in (
                (preference.couple.first_id, preference.first_position_id),
                (preference.couple.second_id, preference.second_position_id),
            ):
                if position_id is not None:
                    assert Application.objects.filter(
                        applicant_id=applicant_id, position_id=position_id
                    ).exists()

    def test_seed_demo_logins_authenticate_with_their_roles(
        self, default_demo: DemoSummary
    ) -> None:
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            found = {
                email: authenticate(RequestFactory().post("/"), email=email, password="lis1-demo")
                for email in LOGINS
            }
        users = {email: user for email, user in found.items() if user is not None}
        director = users["direktorat@demo.lis1.no"]

        assert set(users) == set(LOGINS)
        assert {email: role_of(user) for email, user in users.items()} == LOGINS
        assert {email for email, _ in default_demo.logins} == set(LOGINS)
        assert director.is_staff is True
        assert director.has_perm("rounds.change_position") is True
        assert director.has_perm("accounts.view_user") is True

    def test_seed_demo_demo_applicants_have_applications(self, default_demo: DemoSummary) -> None:
        soker = Applicant.objects.get(user__email="soker@demo.lis1.no")
        soker2 = Applicant.objects.get(user__email="soker2@demo.lis1.no")

        assert soker.applications.count() == 15
        assert soker2.applications.count() == 15
        assert soker2.rankings.count() == 15
        assert Couple.objects.filter(Q(first=soker2) | Q(second=soker2)).count() == 0
        assert soker.hpr_number != ""
        assert soker.education_year is not None

    def test_seed_demo_municipality_login_sees_an_employer_position(
        self,
        default_demo: DemoSummary,
    ) -> None:
        employer = User.objects.get(email="arbeidsgiver@demo.lis1.no")
        municipality_user = User.objects.get(email="kommune@demo.lis1.no")
        municipality = organisations_of(municipality_user, OrganisationKind.MUNICIPALITY).get()
        trust = organisations_of(employer).get()
        shared = municipality_positions(municipality_user).filter(employer=trust)

        assert trust.code == "sykehuset-innlandet"
        assert shared.count() >= 1
        assert (
            Position.objects.filter(employer=trust)
            .filter(Q(municipality=municipality) | Q(municipal_area__municipalities=municipality))
            .count()
            >= 1
        )


@pytest.mark.django_db
def test_seed_demo_same_seed_same_rankings_other_seed_different(reference_data: None) -> None:
    _seed_small(seed=5)
    first = _rankings()
    _seed_small(seed=5, replace=True)
    again = _rankings()
    _seed_small(seed=6, replace=True)
    other = _rankings()

    assert sum(first.values()) >= 100
    assert again == first
    assert other != first


@pytest.mark.django_db
def test_seed_demo_without_replace_refuses(reference_data: None) -> None:
    call_command(
        "seed_demo", "--history", "0", "--applicants", "100", "--positions", "5", "--seats", "40"
    )
    slug = Round.objects.get().slug

    with pytest.raises(CommandError) as error:
        call_command(
            "seed_demo",
            "--history",
            "0",
            "--applicants",
            "100",
            "--positions",
            "5",
            "--seats",
            "40",
        )

    assert str(error.value) == f"The demo round {slug} already exists; use --replace to rebuild it."
    assert Applicant.objects.count() == 100


@pytest.mark.django_db
def test_seed_demo_replace_rebuilds(reference_data: None) -> None:
    call_command(
        "seed_demo", "--history", "0", "--applicants", "100", "--positions", "5", "--seats", "40"
    )

    call_command(
        "seed_demo",
        "--replace",
        "--history",
        "0",
        "--applicants",
        "60",
        "--positions",
        "4",
        "--seats",
        "30",
    )

    assert Round.objects.count() == 1
    assert Position.objects.count() == 4
    assert Applicant.objects.count() == 60
    assert User.objects.filter(email__endswith="demo.lis1.no").count() == 60 + 4


@pytest.mark.django_db
def test_seed_demo_small_counts(reference_data: None) -> None:
    summary = _seed_small()

    assert Position.objects.count() == 5
    assert Position.objects.aggregate(total=Sum("seats"))["total"] == 40
    assert Position.objects.filter(seats__lt=1).count() == 0
    assert Applicant.objects.count() == 100
    assert Applicant.objects.annotate(n=Count("applications")).filter(n=0).count() == 0
    assert summary.couples == 1
    assert summary.applications == Application.objects.count()


@pytest.mark.django_db
def test_seed_demo_loads_reference_data_when_missing() -> None:
    summary = demo_round_seed(applicants=10, positions=2, seats=4)

    assert summary.advertisements == 2
    assert Position.objects.count() == 2


@pytest.mark.django_db
def test_seed_demo_too_few_seats_is_a_command_error(reference_data: None) -> None:
    with pytest.raises(CommandError, match="3 seats cannot give 5 advertisements"):
        call_command("seed_demo", "--positions", "5", "--seats", "3", "--applicants", "10")


def test_seed_demo_if_missing_skips_and_prints_logins(reference_data, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command(
        "seed_demo",
        "--history",
        "0",
        "--applicants",
        "100",
        "--positions",
        "5",
        "--seats",
        "40",
        "--if-missing",
    )
    first = capsys.readouterr().out
    assert "applicants" in first and "soker@demo.lis1.no" in first
    rounds_before = list(Round.objects.values_list("pk", flat=True))

    call_command("seed_demo", "--if-missing")

    second = capsys.readouterr().out
    assert "is already loaded" in second
    assert "kommune@demo.lis1.no" in second
    assert list(Round.objects.values_list("pk", flat=True)) == rounds_before
    assert Round.objects.get().is_demo is True


def test_seed_demo_if_missing_and_replace_contradict(reference_data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="contradict"):
        call_command("seed_demo", "--if-missing", "--replace")


def test_demo_login_applicants_have_personal_lists(reference_data) -> None:  # type: ignore[no-untyped-def]
    _seed_small()
    for email in ("soker@demo.lis1.no", "soker2@demo.lis1.no"):
        applicant = Applicant.objects.get(user__email=email)
        ranks = list(applicant.rankings.order_by("rank").values_list("rank", flat=True))
        assert ranks, email
        assert ranks == list(range(1, applicant.applications.count() + 1))


def test_seed_demo_writes_no_audit_events(reference_data) -> None:  # type: ignore[no-untyped-def]
    from lis1.rounds.models import EmployerRanking

    _seed_small()
    assert EmployerRanking.objects.count() > 0
    event_model = EmployerRanking.pgh_event_models["insert"]  # type: ignore[attr-defined]
    assert event_model.objects.count() == 0
    # Rankings changed afterwards, by people, are audited as before.
    entry = EmployerRanking.objects.order_by("pk").first()
    EmployerRanking.objects.filter(pk=entry.pk).delete()
    assert EmployerRanking.pgh_event_models["delete"].objects.count() == 1  # type: ignore[attr-defined]
