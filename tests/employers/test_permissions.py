"""Staff of another trust (or a municipality outside the position) get 404 on every view."""

import pytest
from django.urls import reverse

from lis1.rounds.models import EmployerRanking
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _urls(position, application, placement):  # type: ignore[no-untyped-def]
    return [
        ("get", reverse("employers:position", args=[position.pk])),
        ("get", reverse("employers:position_edit", args=[position.pk])),
        ("post", reverse("employers:position_edit", args=[position.pk])),
        ("post", reverse("employers:position_publish", args=[position.pk])),
        ("get", reverse("employers:applicants", args=[position.pk])),
        ("get", reverse("employers:applicant", args=[position.pk, application.pk])),
        ("post", reverse("employers:applicant", args=[position.pk, application.pk])),
        ("get", reverse("employers:ranking", args=[position.pk])),
        ("post", reverse("employers:ranking_change", args=[position.pk])),
        ("post", reverse("employers:ranking_submit", args=[position.pk])),
        ("get", reverse("employers:ranking_export", args=[position.pk])),
        ("get", reverse("employers:ranking_import", args=[position.pk])),
        ("get", reverse("employers:placements", args=[position.pk])),
        ("post", reverse("employers:vacancy_fill", args=[position.pk])),
        ("get", reverse("employers:placement_answer", args=[position.pk, placement.pk, "godtatt"])),
        (
            "post",
            reverse("employers:placement_answer", args=[position.pk, placement.pk, "takket-nei"]),
        ),
        ("get", reverse("employers:placement_end", args=[position.pk, placement.pk])),
        ("post", reverse("employers:placement_end", args=[position.pk, placement.pk])),
    ]


@pytest.fixture
def placement(position, applicants):  # type: ignore[no-untyped-def]
    run = f.publish_main_run(position.round, [(applicants[0], position)])
    return run.placements.get()


def test_every_employer_view_is_404_for_another_trust(
    other_employer_user, position, applicants, placement
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(other_employer_user)
    application = applicants[1].applications.get()
    for method, url in _urls(position, application, placement):
        response = getattr(client, method)(url, {"action": f"add:{applicants[1].pk}"})
        assert response.status_code == 404, (method, url)
    assert not EmployerRanking.objects.exists()


def test_every_employer_view_works_for_own_trust(
    employer_user, position, applicants, placement
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    application = applicants[1].applications.get()
    for method, url in _urls(position, application, placement):
        if method == "get":
            assert client.get(url).status_code in (200, 302), url


def test_application_to_another_position_is_404(employer_user, position, applicants, trust) -> None:  # type: ignore[no-untyped-def]
    other_position = f.PositionFactory(round=position.round)  # another trust
    foreign = f.ApplicationFactory(position=other_position)
    response = client_for(employer_user).get(
        reverse("employers:applicant", args=[position.pk, foreign.pk])
    )
    assert response.status_code == 404


def test_ranking_an_applicant_who_did_not_apply_is_refused(
    employer_user, position, applicants
) -> None:  # type: ignore[no-untyped-def]
    stranger = f.ApplicantFactory()
    client_for(employer_user).post(
        reverse("employers:ranking_change", args=[position.pk]),
        {"action": f"add:{stranger.pk}"},
    )
    assert not EmployerRanking.objects.exists()


def test_municipality_staff_cannot_use_employer_pages(municipality_user, position) -> None:  # type: ignore[no-untyped-def]
    response = client_for(municipality_user).get(reverse("employers:ranking", args=[position.pk]))
    assert response.status_code == 403
