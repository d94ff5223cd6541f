"""The reports API: directorate staff list, request and read reports; others get 403."""

from __future__ import annotations

import pytest
from django.test import Client

from lis1.jobs.models import JobStatus
from lis1.reports.models import StoredReport
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
BASE = "/api/round-reports/"


def test_directorate_requests_and_reads_a_report_as_json(
    report_round, directorate_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BASE, {"round": "spring-2040", "internal": False}, content_type="application/json"
        )
    assert response.status_code == 202
    report_id = response.json()["id"]
    assert StoredReport.objects.get(pk=report_id).status == JobStatus.SUCCEEDED

    listing = client.get(BASE, {"round": "spring-2040"}).json()
    assert [r["id"] for r in listing["results"]] == [report_id]
    detail = client.get(f"{BASE}{report_id}/").json()
    assert detail["status"] == "succeeded"
    assert set(detail["downloads"]) == {"csv", "html", "json", "pdf", "xlsx"}

    content = client.get(f"{BASE}{report_id}/content/").json()
    assert content["format"] == "lis1-round-report/1"
    assert content["internal"] is False
    # Labels in the report's language (the requester's, Bokmål here); keys stay as they are.
    assert content["language"] == "nb"
    headline = content["sections"][0]["tables"][0]
    assert headline["key"] == "headline"
    assert [c["key"] for c in headline["columns"]][:2] == ["measure", "value"]
    assert headline["rows"][2]["cells"][:2] == ["Søkere", 7]


def test_unknown_round_is_a_validation_error(directorate_user) -> None:  # type: ignore[no-untyped-def]
    response = client_for(directorate_user).post(
        BASE, {"round": "nope"}, content_type="application/json"
    )
    assert response.status_code == 400


def test_content_of_a_report_not_ready_is_a_conflict(report_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    report = StoredReport.objects.create(round=report_round["round"])
    response = client_for(directorate_user).get(f"{BASE}{report.pk}/content/")
    assert response.status_code == 409


@pytest.mark.parametrize("role", ["employer_user", "municipality_user", "applicant"])
def test_other_roles_get_403(role, request, report_round) -> None:  # type: ignore[no-untyped-def]
    value = request.getfixturevalue(role)
    client = client_for(value.user if role == "applicant" else value)
    report = StoredReport.objects.create(round=report_round["round"])
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}{report.pk}/content/").status_code == 403
    response = client.post(BASE, {"round": "spring-2040"}, content_type="application/json")
    assert response.status_code == 403
    assert StoredReport.objects.count() == 1


def test_anonymous_gets_403() -> None:
    assert Client().get(BASE).status_code == 403
