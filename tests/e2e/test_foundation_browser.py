"""A new user's first minutes: the Bokmål start page, the language switch, each role's log-in
and dashboard, with no serious or critical accessibility violation on any page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, log_in
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    DirectorateFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PositionFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_world():  # type: ignore[no-untyped-def]
    round_ = RoundFactory()
    trust = OrganisationFactory(name="Sykehuset Innlandet HF")
    municipality = MunicipalityFactory(name="Elverum")
    position = PositionFactory(
        round=round_,
        employer=trust,
        municipality=municipality,
        title="LIS1 Elverum og Elverum kommune",
    )
    applicant = ApplicantFactory(user__email="soker@demo.lis1.no", given_name="Sigrid")
    ApplicationFactory(applicant=applicant, position=position)
    return {
        "applicant": "soker@demo.lis1.no",
        "employer": MembershipFactory(
            organisation=trust, user__email="arbeidsgiver@demo.lis1.no"
        ).user.email,
        "municipality": MembershipFactory(
            organisation=municipality, user__email="kommune@demo.lis1.no"
        ).user.email,
        "directorate": MembershipFactory(
            organisation=DirectorateFactory(), user__email="direktorat@demo.lis1.no"
        ).user.email,
    }


def test_start_page_bokmal_with_language_switch(page, live_server, shoot) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1)).to_contain_text("LIS1")
    shoot("start-nb")
    assert axe_violations(page) == []

    page.get_by_label("Språk").select_option("nn")
    page.get_by_role("button", name="Endre").click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page.get_by_role("link", name="Logg inn").first).to_be_visible()
    shoot("start-nn")

    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name=re.compile("Endra|Endre")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()
    shoot("start-en")


def test_skip_link_is_first_and_moves_focus_to_main(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hopp til hovedinnholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("applicant", "Sigrid"),
        ("employer", "Sykehuset Innlandet HF"),
        ("municipality", "Elverum"),
        ("directorate", None),
    ],
)
def test_each_role_logs_in_to_its_dashboard(
    page, live_server, shoot, demo_world, role, heading
) -> None:  # type: ignore[no-untyped-def]
    log_in(page, live_server, demo_world[role])
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if heading:
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    if role in ("applicant", "employer", "municipality"):
        expect(page.get_by_role("table")).to_contain_text("LIS1 Elverum og Elverum kommune")
    shoot(f"dashboard-{role}")
    assert axe_violations(page) == []
