"""Each role lands on its own dashboard and sees only its own objects."""

import pytest
from django.test import Client
from django.urls import reverse

from lis1.rounds.models import MunicipalArea, Position
from tests.conftest import client_for
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    MunicipalityFactory,
    PositionFactory,
    RoundFactory,
    UserFactory,
    pass_ranking_deadline,
    run_and_publish_main_match,
)

pytestmark = pytest.mark.django_db

DASHBOARDS = {
    "applicant": "applicants:dashboard",
    "employer": "employers:dashboard",
    "municipality": "municipalities:dashboard",
    "directorate": "directorate:dashboard",
}


@pytest.fixture
def users(applicant, employer_user, municipality_user, directorate_user):  # type: ignore[no-untyped-def]
    return {
        "applicant": applicant.user,
        "employer": employer_user,
        "municipality": municipality_user,
        "directorate": directorate_user,
    }


@pytest.mark.parametrize("role", list(DASHBOARDS))
def test_dashboard_redirects_each_role_to_its_own(users, role: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(users[role]).get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse(DASHBOARDS[role])


@pytest.mark.parametrize("role", list(DASHBOARDS))
def test_role_dashboard_denies_every_other_role(users, role: str) -> None:  # type: ignore[no-untyped-def]
    for other, url_name in DASHBOARDS.items():
        if other == role:
            continue
        response = client_for(users[role]).get(reverse(url_name))
        assert response.status_code == 403, (role, url_name)


@pytest.mark.parametrize("url_name", list(DASHBOARDS.values()))
def test_dashboard_requires_login(url_name: str) -> None:
    response = Client().get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_user_without_role_is_told_so() -> None:
    response = client_for(UserFactory()).get(reverse("dashboard"))
    assert response.status_code == 403
    assert (
        "No access yet" in response.content.decode() or "Ingen tilgang" in response.content.decode()
    )


def test_applicant_dashboard_shows_own_applications_only(applicant) -> None:  # type: ignore[no-untyped-def]
    own = ApplicationFactory(applicant=applicant, position__title="Stilling ved Elverum")
    ApplicationFactory(position__title="Stilling ved Tromsø")  # another applicant's
    response = client_for(applicant.user).get(reverse("applicants:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["applications"]) == [own]
    assert "Stilling ved Elverum" in body
    assert "Stilling ved Tromsø" not in body


def test_applicant_dashboard_masks_identity_number_as_the_profile_does(applicant) -> None:  # type: ignore[no-untyped-def]
    """The birth-date part, then stars (DDMMYY*****): the same on the dashboard as on the
    profile page, and never the personal number."""
    client = client_for(applicant.user)
    body = client.get(reverse("applicants:dashboard")).content.decode()
    masked = applicant.national_id[:6] + "*****"
    assert applicant.national_id_masked(show_birth_date=True) == masked
    assert applicant.national_id not in body
    assert applicant.national_id[6:] not in body
    assert masked in body
    assert "***********" not in body
    assert masked in client.get(reverse("applicants:profile")).content.decode()


def test_employer_dashboard_shows_own_trust_positions_in_current_round(
    trust, other_trust, employer_user
) -> None:  # type: ignore[no-untyped-def]
    round_ = RoundFactory()
    own = PositionFactory(round=round_, employer=trust, title="Vår stilling")
    PositionFactory(round=round_, employer=other_trust, title="Deres stilling")
    ApplicationFactory(position=own)
    ApplicationFactory(position=own)
    response = client_for(employer_user).get(reverse("employers:dashboard"))
    positions = list(response.context["positions"])
    assert positions == [own]
    assert positions[0].application_count == 2
    assert "Deres stilling" not in response.content.decode()


def test_employer_position_tables_show_a_page_of_50_with_links_that_keep_the_round(
    trust, employer_user
) -> None:  # type: ignore[no-untyped-def]
    round_ = RoundFactory()
    PositionFactory.create_batch(53, round=round_, employer=trust)
    client = client_for(employer_user)
    ordered = [p.reference for p in Position.objects.filter(employer=trust).order_by("reference")]

    for url, query in (
        (reverse("employers:dashboard"), ""),
        (reverse("employers:positions"), f"round={round_.slug}&"),
    ):
        first = client.get(f"{url}?{query}")
        second = client.get(f"{url}?{query}page=2")

        assert [p.reference for p in first.context["positions"]] == ordered[:50]
        assert [p.reference for p in second.context["positions"]] == ordered[50:]
        assert "Stillinger 1–50 av 53." in first.content.decode()
        assert "Stillinger 51–53 av 53." in second.content.decode()
        # The page links keep the other parameters of the page.
        assert f'href="{url}?{query.replace("&", "&amp;")}page=2"' in first.content.decode()
        # A page past the end shows the last page, not an error.
        assert client.get(f"{url}?{query}page=9").context["positions"].number == 2


def test_municipality_dashboard_shows_positions_with_its_municipal_part(
    municipality, municipality_user, trust
) -> None:  # type: ignore[no-untyped-def]
    round_ = RoundFactory()
    direct = PositionFactory(round=round_, employer=trust, municipality=municipality)
    area = MunicipalArea.objects.create(employer=trust, name="Testdalen")
    area.municipalities.add(municipality, MunicipalityFactory())
    via_area = PositionFactory(round=round_, employer=trust, municipality=None, municipal_area=area)
    PositionFactory(round=round_, employer=trust)  # another municipality's
    response = client_for(municipality_user).get(reverse("municipalities:dashboard"))
    assert {p.pk for p in response.context["positions"]} == {direct.pk, via_area.pk}


def test_directorate_dashboard_counts_rounds(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = RoundFactory()
    first = PositionFactory(round=round_, seats=3)
    second = PositionFactory(round=round_, seats=2)
    applicant = ApplicantFactory()
    ApplicationFactory(applicant=applicant, position=first)
    ApplicationFactory(applicant=applicant, position=second)
    ApplicationFactory(position=first)
    RoundFactory()  # an empty round is listed with zeros
    response = client_for(directorate_user).get(reverse("directorate:dashboard"))
    rounds = {r.pk: r for r in response.context["rounds"]}
    counted = rounds[round_.pk]
    assert (counted.position_count, counted.seat_count) == (2, 5)
    assert (counted.application_count, counted.applicant_count) == (3, 2)
    assert counted.applicants_per_seat == pytest.approx(0.4)
    assert len(rounds) == 2


def test_directorate_dashboard_query_count_is_bounded(
    directorate_user, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        round_ = RoundFactory()
        PositionFactory(round=round_)
    client = client_for(directorate_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("directorate:dashboard"))
    assert response.status_code == 200
    assert len(response.context["rounds"]) == 5


def test_placements_visible_only_after_publish(applicant, trust, employer_user) -> None:  # type: ignore[no-untyped-def]
    from lis1.rounds.models import ApplicantRanking, EmployerRanking
    from lis1.rounds.services import matching as service

    round_ = RoundFactory()
    position = PositionFactory(round=round_, employer=trust, seats=1, title="Elverum-stillingen")
    ApplicationFactory(applicant=applicant, position=position)
    ApplicantRanking.objects.create(round=round_, applicant=applicant, position=position, rank=1)
    EmployerRanking.objects.create(position=position, applicant=applicant, rank=1)
    pass_ranking_deadline(round_)
    run = service.round_run_match(match_run=service.match_run_create(round_=round_, seed=1))
    applicant_client, employer_client = client_for(applicant.user), client_for(employer_user)

    before = applicant_client.get(reverse("applicants:dashboard"))
    assert before.context["results_published"] is False
    assert list(before.context["placements"]) == []
    assert (
        employer_client.get(reverse("employers:dashboard")).context["positions"][0].offered_count
        == 0
    )

    service.match_run_verify(match_run=run)
    service.match_run_publish(match_run=run, confirm=True, reason="test")

    after = applicant_client.get(reverse("applicants:dashboard"))
    assert [p.position for p in after.context["placements"]] == [position]
    assert "Elverum-stillingen" in after.content.decode()
    assert (
        employer_client.get(reverse("employers:dashboard")).context["positions"][0].offered_count
        == 1
    )


def test_unplaced_applicant_is_told_plainly(applicant) -> None:  # type: ignore[no-untyped-def]

    round_ = RoundFactory()
    PositionFactory(round=round_)
    ApplicationFactory(applicant=applicant, position__round=round_)
    run_and_publish_main_match(round_)
    response = client_for(applicant.user).get(reverse("applicants:dashboard"))
    assert response.context["results_published"] is True
    assert list(response.context["placements"]) == []
    assert response.context["round"] == round_
