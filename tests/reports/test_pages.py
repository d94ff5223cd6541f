"""Directorate report pages: request (runs after commit), poll, list, download; other roles
are refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lis1.jobs.models import JobStatus
from lis1.reports.enums import ReportTrigger
from lis1.reports.models import StoredReport
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_report(report_round, directorate_user, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    url = reverse("directorate:round_reports", args=[report_round["round"].slug])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(directorate_user).post(url, {"internal": "on"})
    return StoredReport.objects.get()


def test_requesting_a_report_generates_every_format_after_commit(
    report_round, directorate_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    url = reverse("directorate:round_reports", args=[report_round["round"].slug])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {})
    assert response.status_code == 302
    assert response.url == url
    queued = StoredReport.objects.get()
    assert (queued.status, queued.internal, queued.requested_by) == (
        JobStatus.QUEUED,
        False,
        directorate_user,
    )
    # Before the worker has run, the page polls the list every 2 s (and refreshes without JS).
    page = client.get(url)
    assert 'hx-trigger="every 2s"' in page.content.decode()
    assert '<meta http-equiv="refresh"' in page.content.decode()
    status_url = reverse("directorate:round_reports_status", args=[report_round["round"].slug])
    assert "HX-Refresh" not in client.get(status_url)

    for callback in callbacks:
        callback()

    report = StoredReport.objects.get()
    assert report.status == JobStatus.SUCCEEDED
    assert report.trigger == ReportTrigger.ON_DEMAND
    assert report.data_as_of is not None
    assert sorted(report.files.values_list("format", flat=True)) == [
        "csv",
        "html",
        "json",
        "pdf",
        "xlsx",
    ]
    assert client.get(status_url)["HX-Refresh"] == "true"
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' not in page
    assert reverse("directorate:report_download", args=[report.pk, "pdf"]) in page


def test_stored_formats_download(ready_report, directorate_user) -> None:  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    html = client.get(reverse("directorate:report_download", args=[ready_report.pk, "html"]))
    assert html.status_code == 200
    assert html["Content-Disposition"].startswith("inline;")
    assert b"<svg" in html.content
    assert ready_report.internal is True
    pdf = client.get(reverse("directorate:report_download", args=[ready_report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert pdf.content.startswith(b"%PDF")
    missing = client.get(reverse("directorate:report_download", args=[ready_report.pk, "docx"]))
    assert missing.status_code == 404


def test_round_page_links_to_its_reports(report_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    page = client_for(directorate_user).get(
        reverse("directorate:round", args=[report_round["round"].slug])
    )
    assert reverse("directorate:round_reports", args=[report_round["round"].slug]) in (
        page.content.decode()
    )


@pytest.fixture
def stored_report(report_round):  # type: ignore[no-untyped-def]
    """A ready report with stand-in files (generation is tested above)."""
    from django.utils import timezone

    from lis1.reports.models import StoredReportFile

    report = StoredReport.objects.create(
        round=report_round["round"], status=JobStatus.SUCCEEDED, data_as_of=timezone.now()
    )
    for fmt in ("html", "pdf", "xlsx", "csv", "json"):
        StoredReportFile.objects.create(
            report=report,
            format=fmt,
            filename=f"r.{fmt}",
            content_type="application/octet-stream",
            size=1,
            content=b"x",
        )
    return report


@pytest.mark.parametrize("role", ["employer_user", "municipality_user", "applicant_user"])
def test_other_roles_cannot_see_generate_or_download_reports(
    role, request, stored_report, report_round
) -> None:  # type: ignore[no-untyped-def]
    user = (
        request.getfixturevalue("applicant").user
        if role == "applicant_user"
        else request.getfixturevalue(role)
    )
    client = client_for(user)
    slug = report_round["round"].slug
    assert client.get(reverse("directorate:round_reports", args=[slug])).status_code == 403
    assert client.post(reverse("directorate:round_reports", args=[slug])).status_code == 403
    assert client.get(reverse("directorate:round_reports_status", args=[slug])).status_code == 403
    for fmt in ("html", "pdf", "xlsx", "csv", "json"):
        url = reverse("directorate:report_download", args=[stored_report.pk, fmt])
        assert client.get(url).status_code == 403
    assert StoredReport.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(stored_report) -> None:  # type: ignore[no-untyped-def]
    url = reverse("directorate:report_download", args=[stored_report.pk, "pdf"])
    response = Client().get(url)
    assert response.status_code == 302
    assert "/konto/" in response.url
