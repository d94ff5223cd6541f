"""Directorate staff generate the round's status report in the browser and read it: the
reports page and the HTML report have no serious or critical accessibility violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lis1.reports.models import StoredReport
from tests.e2e.conftest import axe_violations, log_in
from tests.factories import DirectorateFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_directorate_generates_and_reads_the_status_report(  # type: ignore[no-untyped-def]
    page, live_server, shoot, settings, report_round
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    round_ = report_round["round"]
    MembershipFactory(organisation=DirectorateFactory(), user__email="rapport@example.no")

    log_in(page, live_server, "rapport@example.no")
    page.goto(f"{live_server.url}/direktorat/runder/{round_.slug}/rapporter/")
    shoot("reports-empty")
    assert axe_violations(page) == []

    page.get_by_role("button", name=re.compile("Lag|Generate")).click()
    expect(page.get_by_role("link", name="HTML")).to_be_visible(timeout=60_000)
    assert StoredReport.objects.get().status == "succeeded"
    shoot("reports-ready")
    assert axe_violations(page) == []

    page.get_by_role("link", name="HTML").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(round_))
    assert page.locator("[role=img] svg").count() >= 3
    assert page.locator("table").count() >= 10
    shoot("report-html")
    assert axe_violations(page) == []
