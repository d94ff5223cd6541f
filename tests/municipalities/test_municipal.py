"""Municipality staff: positions with their municipal part, approve or comment on the
ranking, municipal places, doctors' lists and the municipal placement run."""

import pytest
from django.urls import reverse

from lis1.rounds.enums import PlacementStatus
from lis1.rounds.models import MunicipalArea, Placement
from lis1.rounds.services.rankings import employer_ranking_set
from municipalities.models import (
    MunicipalAssignment,
    MunicipalPlacementRun,
    MunicipalPlaces,
    RankingReview,
)
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(trust, municipality):  # type: ignore[no-untyped-def]
    return f.PositionFactory(employer=trust, municipality=municipality)


@pytest.fixture
def other_municipality_user(db):  # type: ignore[no-untyped-def]
    return f.MembershipFactory(organisation=f.MunicipalityFactory()).user


def test_municipality_sees_ranked_applicants_and_approves(municipality_user, position) -> None:  # type: ignore[no-untyped-def]
    a, b = f.applicants_for(position, 2)
    employer_ranking_set(position=position, applicant_ids=[b.pk, a.pk])
    client = client_for(municipality_user)
    url = reverse("municipalities:position", args=[position.pk])
    body = client.get(url).content.decode()
    assert body.index(b.full_name) < body.index(a.full_name)
    assert a.national_id not in body
    assert client.post(url, {"decision": "approved"}).status_code == 302
    review = RankingReview.objects.get()
    assert (review.decision, review.created_by, review.ranking_snapshot) == (
        "approved",
        municipality_user,
        [b.pk, a.pk],
    )


def test_a_comment_needs_text(municipality_user, position) -> None:  # type: ignore[no-untyped-def]
    url = reverse("municipalities:position", args=[position.pk])
    client = client_for(municipality_user)
    assert client.post(url, {"decision": "commented", "comment": ""}).status_code == 400
    assert client.post(url, {"decision": "commented", "comment": "Ta med Kari"}).status_code == 302
    assert RankingReview.objects.get().comment == "Ta med Kari"


def test_review_is_shown_to_the_employer(employer_user, municipality_user, position) -> None:  # type: ignore[no-untyped-def]
    client_for(municipality_user).post(
        reverse("municipalities:position", args=[position.pk]),
        {"decision": "commented", "comment": "Vi ønsker flere"},
    )
    assert (
        "Vi ønsker flere"
        in client_for(employer_user)
        .get(reverse("employers:position", args=[position.pk]))
        .content.decode()
    )


@pytest.fixture
def area_world(trust, municipality, municipality_user):  # type: ignore[no-untyped-def]
    second = f.MunicipalityFactory(name="Andrevik")
    area = MunicipalArea.objects.create(employer=trust, name="Testdalen")
    area.municipalities.add(municipality, second)
    round_ = f.RoundFactory()
    position = f.PositionFactory(
        round=round_, employer=trust, municipality=None, municipal_area=area, seats=3
    )
    doctors = f.applicants_for(position, 3)
    run = f.publish_main_run(
        round_, [(d, position) for d in doctors], status=PlacementStatus.ACCEPTED
    )
    return {
        "area": area,
        "round": round_,
        "position": position,
        "doctors": doctors,
        "run": run,
        "second": second,
    }


def test_area_pages_are_404_for_a_municipality_outside_the_area(
    other_municipality_user, area_world, position
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(other_municipality_user)
    assert (
        client.get(reverse("municipalities:area", args=[area_world["area"].pk])).status_code == 404
    )
    assert client.get(reverse("municipalities:position", args=[position.pk])).status_code == 404
    assert (
        client.post(
            reverse("municipalities:position", args=[position.pk]), {"decision": "approved"}
        ).status_code
        == 404
    )
    assert not RankingReview.objects.exists()


def test_municipal_placement_end_to_end(
    municipality_user, municipality, area_world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    area, second, position = area_world["area"], area_world["second"], area_world["position"]
    client = client_for(municipality_user)
    url = reverse("municipalities:area", args=[area.pk])
    response = client.post(
        url,
        {
            "form": "places",
            "places-municipality": municipality.pk,
            "places-start_date": position.start_date.isoformat(),
            "places-places": 2,
        },
    )
    assert response.status_code == 302
    MunicipalPlaces.objects.create(
        area=area, municipality=second, start_date=position.start_date, places=1
    )
    # Each doctor ranks the municipalities on their own page.
    for doctor in area_world["doctors"]:
        placement = Placement.objects.get(applicant=doctor)
        page = reverse("municipalities:my_ranking", args=[placement.pk])
        assert (
            client_for(doctor.user)
            .post(page, {f"m{municipality.pk}": 1, f"m{second.pk}": 2})
            .status_code
            == 302
        )
    # Another doctor's placement is not found.
    other = Placement.objects.get(applicant=area_world["doctors"][0])
    assert (
        client_for(area_world["doctors"][1].user)
        .get(reverse("municipalities:my_ranking", args=[other.pk]))
        .status_code
        == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"form": "run", "run-start_date": position.start_date.isoformat(), "run-seed": 42}
        )
    run = MunicipalPlacementRun.objects.get()
    assert response.status_code == 302
    assert (run.status, run.seed, len(run.input_sha256)) == ("succeeded", 42, 64)
    got = sorted(
        MunicipalAssignment.objects.filter(run=run).values_list("municipality__name", flat=True)
    )
    assert got == sorted([municipality.name, municipality.name, second.name])
    assert Placement.objects.filter(municipality__isnull=False).count() == 3
    page = client.get(reverse("municipalities:run", args=[run.pk])).content.decode()
    assert area_world["doctors"][0].full_name in page
    export = client.get(reverse("municipalities:run_export", args=[run.pk])).content.decode(
        "utf-8-sig"
    )
    assert export.splitlines()[0] == "order,doctor,position,municipality,start_date,reason"


def test_same_seed_same_result(
    municipality_user, municipality, area_world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from municipalities.services import municipal_placement_start

    area, position = area_world["area"], area_world["position"]
    MunicipalPlaces.objects.create(
        area=area, municipality=municipality, start_date=position.start_date, places=1
    )
    MunicipalPlaces.objects.create(
        area=area, municipality=area_world["second"], start_date=position.start_date, places=2
    )
    results = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            run = municipal_placement_start(
                area=area,
                round_=area_world["round"],
                start_date=position.start_date,
                seed=7,
                user=municipality_user,
                confirm=True,
            )
        run.refresh_from_db()
        results.append((run.input_sha256, run.result_json))
    assert results[0] == results[1]


def test_run_pages_are_404_outside_the_area(
    other_municipality_user,
    municipality_user,
    municipality,
    area_world,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    from municipalities.services import municipal_placement_start

    position = area_world["position"]
    MunicipalPlaces.objects.create(
        area=area_world["area"], municipality=municipality, start_date=position.start_date, places=3
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = municipal_placement_start(
            area=area_world["area"],
            round_=area_world["round"],
            start_date=position.start_date,
            seed=1,
            user=municipality_user,
            confirm=True,
        )
    client = client_for(other_municipality_user)
    assert client.get(reverse("municipalities:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("municipalities:run_export", args=[run.pk])).status_code == 404
