"""The employer API: the same services and scopes as the pages; another trust gets 404."""

import pytest

from lis1.rounds.models import Position
from lis1.rounds.services.rankings import ranking_ids
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_api_lists_only_own_positions(employer_user, position) -> None:  # type: ignore[no-untyped-def]
    f.PositionFactory(round=position.round)  # another trust's
    data = client_for(employer_user).get("/api/employer/positions/").json()
    assert [p["reference"] for p in data["results"]] == [position.reference]


def test_api_creates_and_publishes_a_position(employer_user, trust, municipality) -> None:  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    client = client_for(employer_user)
    response = client.post(
        "/api/employer/positions/",
        {
            "round": round_.slug,
            "reference": "API-1",
            "title": "LIS1 API",
            "kind": "full",
            "rotation": "two_part",
            "municipality": municipality.municipality_number,
            "start_date": round_.start_date.isoformat(),
            "seats": 2,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.post(f"/api/employer/positions/{pk}/publish/").json()["status"] == "published"
    assert Position.objects.get(pk=pk).employer == trust


def test_api_ranking_put_get_submit(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = applicants
    client = client_for(employer_user)
    url = f"/api/employer/positions/{position.pk}/ranking/"
    response = client.put(url, {"applicant_ids": [b.pk, a.pk]}, content_type="application/json")
    assert response.json() == {"applicant_ids": [b.pk, a.pk]}
    assert ranking_ids(position) == [b.pk, a.pk]
    assert client.post(f"/api/employer/positions/{position.pk}/submit-ranking/").status_code == 200
    apps = client.get(f"/api/employer/positions/{position.pk}/applications/").json()
    assert sorted(r["list_rank"] or 0 for r in apps) == [0, 1, 2]
    assert all(a.national_id not in str(apps) for a in applicants)


def test_api_is_404_for_another_trust(other_employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    client = client_for(other_employer_user)
    base = f"/api/employer/positions/{position.pk}/"
    assert client.get(base).status_code == 404
    assert client.patch(base, {"seats": 9}, content_type="application/json").status_code == 404
    assert client.post(base + "publish/").status_code == 404
    assert client.get(base + "applications/").status_code == 404
    assert client.get(base + "ranking/").status_code == 404
    assert (
        client.put(
            base + "ranking/",
            {"applicant_ids": [applicants[0].pk]},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.post(base + "submit-ranking/").status_code == 404
    assert ranking_ids(position) == []


def test_openapi_schema_has_the_endpoints(employer_user) -> None:  # type: ignore[no-untyped-def]
    body = client_for(employer_user).get("/api/schema/").content.decode()
    for path in (
        "/api/employer/positions/{id}/ranking/",
        "/api/municipality/positions/{id}/reviews/",
        "/api/municipality/placement-runs/",
    ):
        assert path in body


def test_api_interview_notes_are_private_to_the_trust(
    employer_user, other_employer_user, position, applicants
) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = applicants
    url = f"/api/employer/positions/{position.pk}/notes/"
    client = client_for(employer_user)
    created = client.post(
        url,
        {"applicant_id": a.pk, "text": "Sterk på akuttmedisin."},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    client.post(
        url, {"applicant_id": b.pk, "text": "Intervju 12. mai."}, content_type="application/json"
    )
    assert [n["text"] for n in client.get(url, {"applicant": a.pk}).json()] == [
        "Sterk på akuttmedisin."
    ]
    assert len(client.get(url).json()) == 2
    other = client_for(other_employer_user)
    assert other.get(url).status_code == 404
    assert (
        other.post(
            url, {"applicant_id": a.pk, "text": "x"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_api_interview_note_needs_an_application_and_text(employer_user, position) -> None:  # type: ignore[no-untyped-def]
    stranger = f.ApplicantFactory()
    url = f"/api/employer/positions/{position.pk}/notes/"
    client = client_for(employer_user)
    missing = client.post(
        url, {"applicant_id": stranger.pk, "text": "x"}, content_type="application/json"
    )
    assert missing.status_code == 404
    blank = client.post(
        url, {"applicant_id": stranger.pk, "text": "  "}, content_type="application/json"
    )
    assert blank.status_code == 400
    assert client.get(url, {"applicant": "x"}).status_code == 400


def test_api_withdraw_only_before_anyone_applied(employer_user, other_employer_user, trust) -> None:  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    position = f.PositionFactory(round=round_, employer=trust)
    client = client_for(employer_user)
    assert (
        client_for(other_employer_user)
        .post(f"/api/employer/positions/{position.pk}/withdraw/")
        .status_code
        == 404
    )
    response = client.post(f"/api/employer/positions/{position.pk}/withdraw/")
    assert response.json()["status"] == "draft"
    f.PositionFactory._meta.model.objects.filter(pk=position.pk).update(status="published")
    f.ApplicationFactory(position=position)
    refused = client.post(f"/api/employer/positions/{position.pk}/withdraw/")
    assert refused.status_code == 409
    position.refresh_from_db()
    assert position.status == "published"
