"""The employer and municipality journey in real Chromium: an employer posts a position, ranks
its applicants (buttons and keyboard), the municipality approves; after a published match a
municipal placement is run and shown. axe-core finds no serious or critical violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lis1.rounds.enums import PlacementStatus
from lis1.rounds.models import MunicipalArea, Placement, Position
from lis1.rounds.services.rankings import ranking_ids
from municipalities.models import MunicipalityPreference, MunicipalPlaces, RankingReview
from tests import factories as f
from tests.e2e.conftest import axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    trust = f.OrganisationFactory(name="Sykehuset Innlandet HF")
    f.SiteFactory(parent=trust, name="Gjøvik sykehus", code="si-gjovik")
    municipality = f.MunicipalityFactory(name="Gjøvik")
    return {
        "round": f.advertising_round(),
        "trust": trust,
        "municipality": municipality,
        "employer": f.MembershipFactory(organisation=trust, user__email="arbeidsgiver@e2e.no").user,
        "kommune": f.MembershipFactory(
            organisation=municipality, user__email="kommune@e2e.no"
        ).user,
    }


def _switch(page, live_server, email: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    log_in(page, live_server, email)


def test_employer_posts_ranks_and_municipality_approves(page, live_server, shoot, world) -> None:  # type: ignore[no-untyped-def]
    round_ = world["round"]
    log_in(page, live_server, world["employer"].email)
    page.goto(f"{live_server.url}/arbeidsgiver/stillinger/ny/")
    page.select_option("#id_round", str(round_.pk))
    page.fill("#id_reference", "SI-E2E-1")
    page.fill("#id_title", "LIS1 Gjøvik sykehus og Gjøvik kommune")
    page.check("#id_kind_0")
    page.select_option("#id_rotation", "two_part")
    page.check("text=Gjøvik sykehus")
    page.select_option("#id_municipality", str(world["municipality"].pk))
    page.fill("#id_start_date", round_.start_date.isoformat())
    page.fill("#id_seats", "2")
    assert axe_violations(page) == []
    shoot("position-form")
    page.locator("main button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SI-E2E-1")
    page.locator("form[action$='/publiser/'] button").click()
    position = Position.objects.get(reference="SI-E2E-1")
    assert position.status == "published"
    assert axe_violations(page) == []
    shoot("position-published")

    # Three doctors apply (the applicant side).
    a, b, c = f.applicants_for(position, 3)
    page.goto(f"{live_server.url}/arbeidsgiver/stillinger/{position.pk}/sokere/")
    expect(page.locator("table.ds-table tbody tr")).to_have_count(3)
    assert axe_violations(page) == []
    shoot("applicants")

    page.goto(f"{live_server.url}/arbeidsgiver/stillinger/{position.pk}/rangering/")
    for applicant in (a, b, c):
        page.locator(
            f"form:has(input[name=action][value='add:{applicant.pk}']) button"
        ).first.click()
        expect(page.locator(f"#ranking-list li[data-applicant='{applicant.pk}']")).to_be_visible()
    assert ranking_ids(position) == [a.pk, b.pk, c.pk]
    # Keyboard: focus c's handle, Alt+Arrow up twice moves c to the top, saved at each step.
    page.locator(f"#ranking-list li[data-applicant='{c.pk}'] .ranking-handle").focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("#ranking-list li").nth(1)).to_have_attribute("data-applicant", str(c.pk))
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("#ranking-list li").first).to_have_attribute("data-applicant", str(c.pk))
    # Saved when the server's list comes back with c marked as moved, at the top.
    expect(
        page.locator(f"#ranking-list li:first-child.ranking-item--moved[data-applicant='{c.pk}']")
    ).to_be_visible()
    assert page.evaluate("document.activeElement.closest('li').dataset.applicant") == str(c.pk)
    assert ranking_ids(position) == [c.pk, a.pk, b.pk]
    # A Down button (its form sent by static/js/ranking.js) moves a below b.
    page.locator(f"#ranking-list li[data-applicant='{a.pk}'] button[data-move=down]").click()
    expect(
        page.locator(f"#ranking-list li:nth-child(3).ranking-item--moved[data-applicant='{a.pk}']")
    ).to_be_visible()
    assert ranking_ids(position) == [c.pk, b.pk, a.pk]
    assert axe_violations(page) == []
    shoot("ranking")
    page.locator("form[action$='/rangering/send/'] button").click()
    position.refresh_from_db()
    assert position.ranking_submitted_at is not None

    _switch(page, live_server, world["kommune"].email)
    page.goto(f"{live_server.url}/kommune/")
    page.get_by_role("link", name="SI-E2E-1").click()
    expect(page.locator("table.ds-table tbody tr").first).to_contain_text(c.full_name)
    page.check("#id_decision_0")
    assert axe_violations(page) == []
    page.locator("main form button[type=submit]").click()
    review = RankingReview.objects.get()
    assert (review.decision, review.ranking_snapshot) == ("approved", [c.pk, b.pk, a.pk])
    expect(page.locator("main")).to_contain_text(re.compile("Approved|Godkjent|Godkjend"))
    shoot("municipality-approved")


def test_municipal_placement_is_run_and_shown(page, live_server, shoot, world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    trust, municipality = world["trust"], world["municipality"]
    second = f.MunicipalityFactory(name="Østre Toten")
    area = MunicipalArea.objects.create(employer=trust, name="Gjøvik-regionen")
    area.municipalities.add(municipality, second)
    round_ = f.RoundFactory()
    position = f.PositionFactory(
        round=round_, employer=trust, municipality=None, municipal_area=area, seats=3
    )
    doctors = f.applicants_for(position, 3)
    f.publish_main_run(round_, [(d, position) for d in doctors], status=PlacementStatus.ACCEPTED)
    MunicipalPlaces.objects.create(
        area=area, municipality=second, start_date=position.start_date, places=1
    )
    for doctor in doctors:
        placement = Placement.objects.get(applicant=doctor)
        MunicipalityPreference.objects.create(placement=placement, municipality=second, rank=1)
        MunicipalityPreference.objects.create(
            placement=placement, municipality=municipality, rank=2
        )

    log_in(page, live_server, world["kommune"].email)
    page.goto(f"{live_server.url}/kommune/")
    page.get_by_role("link", name="Gjøvik-regionen").click()
    page.fill("#id_places-places", "2")
    page.locator("form:has(input[value=places]) button").click()
    expect(page.locator("main")).to_contain_text("Gjøvik")
    page.fill("#id_run-seed", "2024")
    assert axe_violations(page) == []
    shoot("area")
    page.locator("form:has(input[value=run]) button").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gjøvik-regionen")
    rows = page.locator("table.ds-table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("main")).to_contain_text("2024")
    assert Placement.objects.filter(municipality=second).count() == 1
    assert Placement.objects.filter(municipality=municipality).count() == 2
    assert axe_violations(page) == []
    shoot("placement-run")
