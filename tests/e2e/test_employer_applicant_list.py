"""The employer's applicant list and paginated ranking in real Chromium: search the list by
name and HPR number, add an applicant from it, then move the entry from page 2 to place 3
with the "move to place" field (static/js/ranking.js: no full page load, announced, focus
kept); a place outside the list is an error on the field. axe-core finds no serious or
critical violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from employers.views import RANKING_PAGE_SIZE
from lis1.rounds.services.rankings import employer_ranking_set, ranking_ids
from tests import factories as f
from tests.e2e.conftest import axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    trust = f.OrganisationFactory(name="Sykehuset Innlandet HF")
    user = f.MembershipFactory(organisation=trust, user__email="arbeidsgiver@e2e.no").user
    position = f.PositionFactory(round=f.RoundFactory(), employer=trust, reference="SI-LISTE")
    others = f.applicants_for(position, RANKING_PAGE_SIZE + 5)
    employer_ranking_set(position=position, applicant_ids=[a.pk for a in others])
    signe = f.ApplicantFactory(given_name="Signe", family_name="Fjellheim", hpr_number="9876543")
    f.ApplicationFactory(applicant=signe, position=position)
    return user, position, signe


def test_search_add_and_move_to_place(page, live_server, shoot, world) -> None:  # type: ignore[no-untyped-def]
    user, position, signe = world
    base = f"{live_server.url}/arbeidsgiver/stillinger/{position.pk}"
    log_in(page, live_server, user.email)

    # Search by name: one row, with its add button.
    page.goto(f"{base}/sokere/")
    page.fill("#id_q", "fjellheim")
    page.locator("form[role=search] button[type=submit]").click()
    rows = page.locator("table.ds-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Signe Fjellheim")
    assert axe_violations(page) == []
    shoot("searched-by-name")
    # By HPR number (a prefix) too.
    page.fill("#id_q", "98765")
    page.locator("form[role=search] button[type=submit]").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("9876543")

    # Add from the list: back on the same search, the row now links to its place.
    rows.first.locator(f"form:has(input[name=applicant][value='{signe.pk}']) button").click()
    expect(page).to_have_url(f"{base}/sokere/?q=98765&sort=name#applicant-{signe.pk}")
    place = RANKING_PAGE_SIZE + 6
    link = rows.first.locator(f"a[href$='/rangering/?page=2#entry-{signe.pk}']")
    expect(link).to_contain_text(str(place))
    assert ranking_ids(position)[-1] == signe.pk
    assert axe_violations(page) == []
    shoot("added")

    # Her place on the ranking (page 2); from now on no full page load.
    link.click()
    expect(page.locator(f"#entry-{signe.pk} .ranking-rank")).to_have_text(f"{place}.")
    page.evaluate("window.sameDocument = true")
    loads: list[str] = []
    page.on(
        "request",
        lambda r: loads.append(f"{r.method} {r.url}") if r.is_navigation_request() else None,
    )

    # A place outside the list: an error on the field, which gets the focus; nothing moves.
    field = page.locator(f"#place-{signe.pk}")
    field.fill("999")
    field.press("Enter")
    expect(page.locator(f"#place-{signe.pk}[aria-invalid=true]")).to_be_focused()
    expect(page.locator(f"#place-{signe.pk}-error")).to_contain_text(str(place))
    assert ranking_ids(position)[-1] == signe.pk
    assert axe_violations(page) == []
    shoot("place-error")

    # Place 3: the list shows page 1 with her third, marked, announced, the focus on Move.
    page.locator(f"#place-{signe.pk}").fill("3")
    page.locator(f"#move-{signe.pk}-to").click()
    expect(
        page.locator(
            f"#ranking-list li:nth-child(3).ranking-item--moved[data-applicant='{signe.pk}']"
        )
    ).to_be_visible()
    assert ranking_ids(position)[2] == signe.pk
    expect(page.locator("#ranking-announcer")).to_contain_text("Signe Fjellheim")
    expect(page.locator("#ranking-announcer")).to_contain_text("3")
    expect(page.locator("#ranking [aria-live]")).to_have_count(0)
    expect(page.locator(f"#move-{signe.pk}-to")).to_be_focused()
    # The address follows the page shown, so a reload shows the same page.
    assert page.url == f"{base}/rangering/"
    assert (loads, page.evaluate("window.sameDocument === true")) == ([], True)
    assert axe_violations(page) == []
    shoot("moved-to-place-3")


def test_alt_arrow_at_the_top_of_a_page_moves_to_the_previous_page(
    page, live_server, world
) -> None:  # type: ignore[no-untyped-def]
    user, position, _signe = world
    ids = ranking_ids(position)
    first_of_page_2 = ids[RANKING_PAGE_SIZE]
    log_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/arbeidsgiver/stillinger/{position.pk}/rangering/?page=2")
    page.evaluate("window.sameDocument = true")
    page.locator(f"#entry-{first_of_page_2} .ranking-handle").focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(
        page.locator(
            f"#ranking-list li:last-child.ranking-item--moved[data-applicant='{first_of_page_2}']"
        )
    ).to_be_visible()
    assert ranking_ids(position).index(first_of_page_2) == RANKING_PAGE_SIZE - 1
    expect(page.locator(f"#entry-{first_of_page_2} .ranking-handle")).to_be_focused()
    assert page.evaluate("window.sameDocument === true")
