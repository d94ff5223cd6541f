"""Directorate staff run two seat scenarios in the browser, read the first one's results and
compare the two: the form, the result and the comparison have no serious or critical
accessibility violation (and no Content-Security-Policy violation: the charts are images)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lis1.reports.models import Scenario
from tests.e2e.conftest import axe_violations, log_in
from tests.factories import DirectorateFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _run(page, live_server, round_, name: str, extra_seats: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/direktorat/scenarier/ny/?runde={round_.slug}")
    page.get_by_label(re.compile("Navn på scenarioet|Name of the scenario")).fill(name)
    page.get_by_label(re.compile("^(Runder som framskrives|Rounds to project)")).fill("3")
    page.get_by_label(re.compile("^(Gjentakelser|Replications)")).fill("4")
    page.get_by_label(
        re.compile("^(Ekstra plasser per runde, nasjonalt|Extra seats per round, national)")
    ).fill(extra_seats)
    page.get_by_role("button", name=re.compile("Kjør scenarioet|Run the scenario")).click()


def test_directorate_runs_reads_and_compares_scenarios(  # type: ignore[no-untyped-def]
    page, live_server, shoot, settings, report_round
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # The job runs eagerly inside the form's request here (a worker runs it in production),
    # rendering its exports too: the redirect waits for it.
    page.set_default_navigation_timeout(180_000)
    page.set_default_timeout(180_000)
    round_ = report_round["round"]
    MembershipFactory(organisation=DirectorateFactory(), user__email="scenario@example.no")
    log_in(page, live_server, "scenario@example.no")

    page.get_by_role("link", name=re.compile("^(Scenarier|Scenarios)$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile("Plasscenarioer|Seat scenarios")
    )
    page.get_by_role("link", name=re.compile("Nytt scenario|New scenario")).click()
    expect(page.get_by_role("switch").first).to_be_visible()
    shoot("form")
    assert axe_violations(page) == []

    # A bad value is a form error on the page, not a run.
    page.get_by_label(re.compile("Navn på scenarioet|Name of the scenario")).fill("Feil")
    page.get_by_label(re.compile("^(Runder som framskrives|Rounds to project)")).fill("0")
    page.get_by_role("button", name=re.compile("Kjør scenarioet|Run the scenario")).click()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert Scenario.objects.count() == 0
    shoot("form-error")
    assert axe_violations(page) == []

    _run(page, live_server, round_, "Ingen nye plasser", "0")
    expect(page.get_by_role("link", name="PDF")).to_be_visible(timeout=60_000)
    first = Scenario.objects.get(name="Ingen nye plasser")
    assert first.status == "succeeded", first.error
    assert page.locator("img.chart-image").count() >= 3
    assert page.locator("table").count() >= 5
    shoot("result")
    assert axe_violations(page) == []

    _run(page, live_server, round_, "Ti nye plasser", "10")
    expect(page.get_by_role("link", name="PDF")).to_be_visible(timeout=60_000)

    page.get_by_role("link", name=re.compile("^(Scenarier|Scenarios)$")).first.click()
    page.get_by_label(re.compile("«Ingen nye plasser»|“Ingen nye plasser”")).check()
    page.get_by_label(re.compile("«Ti nye plasser»|“Ti nye plasser”")).check()
    page.get_by_role("button", name=re.compile("Sammenlign|Compare")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile("side om side|side by side")
    )
    expect(page.get_by_role("columnheader", name=re.compile("Ti nye plasser"))).to_have_count(3)
    assert page.locator("img.chart-image").count() == 1
    shoot("compare")
    assert axe_violations(page) == []
