"""The applicant's API: the same actions as the pages, 404 for other applicants' objects,
and a schema without warnings."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from applicants.models import Document
from lis1.rounds.enums import ApplicationStatus, PlacementStatus
from lis1.rounds.models import Application
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    matched_placement,
    next_identity_number,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_profile_get_masks_and_patch_validates(me) -> None:  # type: ignore[no-untyped-def]
    client = api_for(me.user)
    data = client.get("/api/applicant/profile/me/").json()
    assert data["national_id_masked"] == me.national_id_masked(show_birth_date=True)
    assert "national_id" not in data
    bad = client.patch("/api/applicant/profile/me/", {"national_id": "17059612345"}, format="json")
    assert bad.status_code == 400
    assert list(bad.json()) == ["national_id"]
    number = next_identity_number()
    ok = client.patch(
        "/api/applicant/profile/me/", {"national_id": number, "hpr_number": "42"}, format="json"
    )
    assert ok.status_code == 200
    me.refresh_from_db()
    assert (me.national_id, me.hpr_number) == (number, "42")


def test_documents_upload_list_download_delete(me) -> None:  # type: ignore[no-untyped-def]
    client = api_for(me.user)
    created = client.post(
        "/api/applicant/documents/",
        {"kind": "cv", "title": "CV", "file": SimpleUploadedFile("cv.pdf", pdf_bytes())},
        format="multipart",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert [d["id"] for d in client.get("/api/applicant/documents/").json()["results"]] == [pk]
    download = client.get(f"/api/applicant/documents/{pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert client.delete(f"/api/applicant/documents/{pk}/").status_code == 204
    assert not Document.objects.exists()


def test_documents_upload_refuses_non_pdf(me) -> None:  # type: ignore[no-untyped-def]
    response = api_for(me.user).post(
        "/api/applicant/documents/",
        {"kind": "cv", "title": "x", "file": SimpleUploadedFile("cv.pdf", b"GIF89a....")},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["file"]


def test_apply_rank_withdraw(me, open_round) -> None:  # type: ignore[no-untyped-def]
    client = api_for(me.user)
    a, b, c = (p.pk for p in open_round["positions"])
    document = DocumentFactory(applicant=me)
    for pk in (a, b, c):
        response = client.post(
            "/api/applicant/applications/",
            {"position": pk, "motivation": "m", "documents": [document.pk]},
            format="json",
        )
        assert response.status_code == 201, response.json()
    assert [e["position"] for e in client.get("/api/applicant/ranking/").json()] == [a, b, c]
    reordered = client.put("/api/applicant/ranking/order/", {"positions": [c, a, b]}, format="json")
    assert [e["position"] for e in reordered.json()] == [c, a, b]
    application = Application.objects.get(applicant=me, position_id=a)
    withdrawn = client.post(f"/api/applicant/applications/{application.pk}/withdraw/")
    assert withdrawn.json()["status"] == ApplicationStatus.WITHDRAWN
    assert [e["position"] for e in client.get("/api/applicant/ranking/").json()] == [c, b]


def test_positions_filter_and_search(me, open_round) -> None:  # type: ignore[no-untyped-def]
    response = api_for(me.user).get("/api/applicant/positions/", {"q": "Tromsø"})
    assert [p["title"] for p in response.json()["results"]] == ["LIS1 Tromsø"]


def test_placement_answer(me) -> None:  # type: ignore[no-untyped-def]
    placement = matched_placement(me)
    response = api_for(me.user).post(
        f"/api/applicant/placements/{placement.pk}/answer/", {"accept": False}, format="json"
    )
    assert response.json()["status"] == PlacementStatus.DECLINED


def test_another_applicants_objects_are_404(me, other_applicant, open_round) -> None:  # type: ignore[no-untyped-def]
    document = DocumentFactory(applicant=other_applicant)
    application = ApplicationFactory(applicant=other_applicant, position=open_round["positions"][0])
    placement = matched_placement(other_applicant)
    client = api_for(me.user)
    pdf = SimpleUploadedFile("cv.pdf", pdf_bytes())
    for method, url, data in [
        ("get", f"/api/applicant/documents/{document.pk}/", None),
        ("get", f"/api/applicant/documents/{document.pk}/download/", None),
        ("put", f"/api/applicant/documents/{document.pk}/", {"file": pdf}),
        ("delete", f"/api/applicant/documents/{document.pk}/", None),
        ("get", f"/api/applicant/applications/{application.pk}/", None),
        ("post", f"/api/applicant/applications/{application.pk}/withdraw/", None),
        ("get", f"/api/applicant/placements/{placement.pk}/", None),
        ("post", f"/api/applicant/placements/{placement.pk}/answer/", {"accept": True}),
    ]:
        kwargs = {"format": "multipart"} if method == "put" else {"format": "json"}
        response = getattr(client, method)(url, data, **kwargs)
        assert response.status_code == 404, (method, url, response.status_code)
    assert Document.objects.filter(pk=document.pk).exists()
    application.refresh_from_db()
    placement.refresh_from_db()
    assert (application.status, placement.status) == ("submitted", "offered")
    assert client.get("/api/applicant/applications/").json()["results"] == []


def test_api_requires_an_applicant(employer_user) -> None:  # type: ignore[no-untyped-def]
    assert api_for(employer_user).get("/api/applicant/profile/me/").status_code == 403
    assert APIClient().get("/api/applicant/positions/").status_code == 403


def test_schema_has_no_warnings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/applicant/ranking/order/" in (tmp_path / "schema.yml").read_text()


def test_profile_rounds_before_the_system_read_and_validated(me) -> None:  # type: ignore[no-untyped-def]
    client = api_for(me.user)
    assert client.get("/api/applicant/profile/me/").json()["rounds_before_system"] == 0
    for bad_value in (21, -1, "many"):
        bad = client.patch(
            "/api/applicant/profile/me/", {"rounds_before_system": bad_value}, format="json"
        )
        assert bad.status_code == 400, bad_value
        assert list(bad.json()) == ["rounds_before_system"]
    ok = client.patch("/api/applicant/profile/me/", {"rounds_before_system": 20}, format="json")
    assert ok.status_code == 200
    assert ok.json()["rounds_before_system"] == 20
    me.refresh_from_db()
    assert me.rounds_before_system == 20


def test_positions_without_a_current_round_is_an_empty_list(me) -> None:  # type: ignore[no-untyped-def]
    """No round at all: an empty list, not a 500 from building the filter's choices."""
    response = api_for(me.user).get("/api/applicant/positions/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["results"] if isinstance(body, dict) else body) == []
