"""Content-Security-Policy: the header on the pages of every role, the stored report's own
stricter policy, and the violation report endpoint (logs reports, refuses anything else)."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from lis1.reports.models import StoredReport
from tests.conftest import client_for
from tests.reports.conftest import report_round  # noqa: F401  (the report's round)

pytestmark = pytest.mark.django_db

SITE_POLICY = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'self'; style-src 'self'; object-src 'none'; form-action 'self'; "
    "frame-ancestors 'none'; font-src 'self'; report-uri /csp-report/"
)


def directives(header: str) -> dict[str, str]:
    return dict((part.strip() + " ").split(" ", 1) for part in header.split(";"))


@pytest.fixture
def role_users(applicant, employer_user, municipality_user, directorate_user):  # type: ignore[no-untyped-def]
    return {
        "applicants:dashboard": applicant.user,
        "employers:dashboard": employer_user,
        "municipalities:dashboard": municipality_user,
        "directorate:dashboard": directorate_user,
    }


def test_every_role_dashboard_carries_the_site_policy(role_users) -> None:  # type: ignore[no-untyped-def]
    for url_name, user in role_users.items():
        response = client_for(user).get(reverse(url_name))
        assert response.status_code == 200, url_name
        assert directives(response["Content-Security-Policy"]) == directives(SITE_POLICY)


@pytest.mark.parametrize("url_name", ["home", "accounts:login", "api-docs", "admin:login"])
def test_public_pages_carry_the_site_policy(url_name: str) -> None:
    response = Client().get(reverse(url_name))
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(SITE_POLICY)


def test_api_docs_page_has_no_inline_script_or_style() -> None:
    page = Client().get(reverse("api-docs")).content.decode()
    assert "<style" not in page
    assert "<script>" not in page
    assert "?script" in page  # the set-up script is loaded as a file


def test_base_layout_has_no_inline_script_or_style(applicant) -> None:  # type: ignore[no-untyped-def]
    page = client_for(applicant.user).get(reverse("applicants:profile_edit")).content.decode()
    assert "<style" not in page
    assert " style=" not in page
    assert "<script>" not in page
    assert "includeIndicatorStyles" in page  # htmx told not to add a <style> of its own


@pytest.fixture
def ready_report(report_round, directorate_user, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]  # noqa: F811
    url = reverse("directorate:round_reports", args=[report_round["round"].slug])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(directorate_user).post(url)
    return StoredReport.objects.get()


def test_stored_html_report_is_served_under_its_own_stricter_policy(  # type: ignore[no-untyped-def]
    ready_report, directorate_user
) -> None:
    response = client_for(directorate_user).get(
        reverse("directorate:report_download", args=[ready_report.pk, "html"])
    )
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'; report-uri /csp-report/"
    )
    assert b"<script" not in response.content


LEGACY_REPORT = {
    "csp-report": {
        "document-uri": "https://lis1.example.no/soker/stillinger/?q=Kari+Nordmann",
        "referrer": "https://lis1.example.no/soker/?q=secret",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": SITE_POLICY,
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "https://lis1.example.no/soker/stillinger/?q=Kari+Nordmann",
        "status-code": 200,
        "script-sample": "alert('Kari Nordmann')",
    }
}


def post_report(body: object, content_type: str = "application/csp-report"):  # type: ignore[no-untyped-def]
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Client().post(reverse("csp_report"), raw, content_type=content_type)


def test_report_is_logged_at_warning_without_query_strings_or_samples(caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.WARNING, logger="lis1.csp"):
        response = post_report(LEGACY_REPORT)
    assert response.status_code == 204
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        "CSP violation: script-src-elem blocked inline on https://lis1.example.no/soker/stillinger/"
    )
    assert record.csp_report == {  # type: ignore[attr-defined]
        "document-uri": "https://lis1.example.no/soker/stillinger/",
        "effective-directive": "script-src-elem",
        "violated-directive": "script-src-elem",
        "blocked-uri": "inline",
        "source-file": "https://lis1.example.no/soker/stillinger/",
        "line-number": 12,
        "status-code": 200,
    }
    assert "Kari" not in caplog.text


def test_reporting_api_format_is_logged_too(caplog) -> None:  # type: ignore[no-untyped-def]
    body = [
        {
            "type": "csp-violation",
            "url": "https://lis1.example.no/",
            "body": {
                "documentURL": "https://lis1.example.no/",
                "effectiveDirective": "style-src-elem",
                "blockedURL": "inline",
                "disposition": "enforce",
            },
        }
    ]
    with caplog.at_level(logging.WARNING, logger="lis1.csp"):
        response = post_report(body, "application/reports+json")
    assert response.status_code == 204
    assert [r.getMessage() for r in caplog.records] == [
        "CSP violation: style-src-elem blocked inline on https://lis1.example.no/"
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        {"csp-report": "text"},
        {"csp-report": {"blocked-uri": "inline"}},  # no document, no directive
        {"csp-report": {**LEGACY_REPORT["csp-report"], "line-number": {"a": 1}}},
        [],
        [{"type": "deprecation", "body": {}}],
        {"anything": "else"},
    ],
)
def test_report_endpoint_refuses_what_is_not_a_report(body, caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.WARNING, logger="lis1.csp"):
        response = post_report(body)
    assert response.status_code == 400
    assert [r for r in caplog.records if r.name == "lis1.csp"] == []


def test_report_endpoint_refuses_a_large_body_unread(caplog) -> None:  # type: ignore[no-untyped-def]
    padded = {"csp-report": {**LEGACY_REPORT["csp-report"], "script-sample": "x" * 20_000}}
    with caplog.at_level(logging.WARNING, logger="lis1.csp"):
        response = post_report(padded)
    assert response.status_code == 413
    assert [r for r in caplog.records if r.name == "lis1.csp"] == []


def test_report_endpoint_takes_only_post() -> None:
    assert Client().get(reverse("csp_report")).status_code == 405
    assert Client().put(reverse("csp_report")).status_code == 405


def test_report_endpoint_needs_no_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("csp_report"), json.dumps(LEGACY_REPORT), content_type="application/csp-report"
    )
    assert response.status_code == 204


def test_reports_beyond_the_rate_are_answered_but_not_logged(settings, caplog) -> None:  # type: ignore[no-untyped-def]
    settings.LIS1_CSP_REPORTS_PER_MINUTE = 3
    with caplog.at_level(logging.WARNING, logger="lis1.csp"):
        statuses = [post_report(LEGACY_REPORT).status_code for _ in range(5)]
    assert statuses == [204] * 5
    assert len(caplog.records) == 3
