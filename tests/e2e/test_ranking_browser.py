"""Both ranking pages (one script, static/js/ranking.js) in real Chromium: a second key press
that comes while the first change is being saved, or right after the list was replaced, moves
the row again, in the page (no full page load) and on the server; dragging saves the order;
without JavaScript the buttons still work as plain forms."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lis1.rounds.models import ApplicantRanking
from lis1.rounds.services.rankings import ranking_ids
from tests import factories as f
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# "at once": the second press comes while the first change is on its way to the server.
# "after the swap": it comes as soon as the server's list has replaced the old one.
GAPS = ["at once", "after the swap"]


@pytest.fixture
def employer_ranking():  # type: ignore[no-untyped-def]
    trust = f.OrganisationFactory(name="Sykehuset Innlandet HF")
    user = f.MembershipFactory(organisation=trust, user__email="arbeidsgiver@e2e.no").user
    position = f.PositionFactory(round=f.advertising_round(), employer=trust)
    applicants = f.applicants_for(position, 4)
    f.employer_list(position, *applicants)
    return user, position, applicants


@pytest.fixture
def applicant_ranking():  # type: ignore[no-untyped-def]
    round_ = f.OpenRoundFactory()
    positions = [f.PositionFactory(round=round_) for _ in range(4)]
    applicant = f.ApplicantFactory(user__email="soker@e2e.no")
    f.rank_positions(round_, applicant, *positions)
    return applicant, positions


def _employer_page(position) -> str:  # type: ignore[no-untyped-def]
    return f"/arbeidsgiver/stillinger/{position.pk}/rangering/"


def _open(page, live_server, email: str, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Log in, open the page, and return the list of full page loads that follow."""
    log_in(page, live_server, email)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("load")
    # Were the ranking forms left to htmx again, a form it swaps in stays unprocessed (and
    # submits natively) for its settle delay: widen that window so a regression always shows.
    page.evaluate("if (window.htmx) htmx.config.defaultSettleDelay = 300")
    page.evaluate("window.sameDocument = true")
    loads: list[str] = []
    page.on(
        "request",
        lambda r: loads.append(f"{r.method} {r.url}") if r.is_navigation_request() else None,
    )
    return loads


def _press_twice(page, key: str, root_id: str, gap: str) -> None:  # type: ignore[no-untyped-def]
    page.evaluate(f"document.getElementById('{root_id}').dataset.stale = ''")
    page.keyboard.press(key)
    if gap == "after the swap":
        # A function, not an expression: Playwright would eval() an expression in the page,
        # which the Content-Security-Policy refuses.
        page.wait_for_function(
            "(id) => !('stale' in document.getElementById(id).dataset)", arg=root_id, polling=1
        )
    page.keyboard.press(key)


@pytest.mark.parametrize(
    ("control", "key", "gap"),
    [
        (".ranking-handle", "Alt+ArrowUp", "at once"),
        *[("button[data-move=up]", "Enter", gap) for gap in GAPS],
    ],
)
def test_employer_moves_twice_quickly(
    page, live_server, employer_ranking, control, key, gap
) -> None:  # type: ignore[no-untyped-def]
    user, position, (a, b, c, d) = employer_ranking
    loads = _open(page, live_server, user.email, _employer_page(position))

    page.locator(f"#ranking-list li[data-applicant='{d.pk}'] {control}").focus()
    _press_twice(page, key, "ranking", gap)

    expect(
        page.locator(f"#ranking-list li:nth-child(2).ranking-item--moved[data-applicant='{d.pk}']")
    ).to_be_visible()
    assert ranking_ids(position) == [a.pk, d.pk, b.pk, c.pk]
    assert (loads, page.evaluate("window.sameDocument === true")) == ([], True)
    expect(page.locator(f"#ranking-list li[data-applicant='{d.pk}'] {control}")).to_be_focused()


@pytest.mark.parametrize("gap", GAPS)
def test_applicant_up_button_twice_quickly(page, live_server, applicant_ranking, gap) -> None:  # type: ignore[no-untyped-def]
    applicant, (a, b, c, d) = applicant_ranking
    loads = _open(page, live_server, applicant.user.email, "/soker/rangering/")

    page.locator(f"#move-{d.pk}-up").focus()
    _press_twice(page, "Enter", "my-ranking", gap)

    expect(
        page.locator(f".ranking__item:nth-child(2).ranking__item--moved[data-position='{d.pk}']")
    ).to_be_visible()
    order = ApplicantRanking.objects.filter(applicant=applicant).order_by("rank")
    assert list(order.values_list("position_id", flat=True)) == [a.pk, d.pk, b.pk, c.pk]
    assert (loads, page.evaluate("window.sameDocument === true")) == ([], True)
    expect(page.locator(f"#move-{d.pk}-up")).to_be_focused()
    # Said by the region that stays on the page; the swapped-in one is no longer live.
    announcer = page.locator("#ranking-announcer[role=status][aria-live=polite]")
    expect(announcer).to_contain_text("2")
    expect(page.locator("#my-ranking [aria-live]")).to_have_count(0)


def test_employer_drag_saves_the_order(page, live_server, employer_ranking) -> None:  # type: ignore[no-untyped-def]
    user, position, (a, b, c, d) = employer_ranking
    loads = _open(page, live_server, user.email, _employer_page(position))

    page.locator(f"#ranking-list li[data-applicant='{d.pk}']").drag_to(
        page.locator(f"#ranking-list li[data-applicant='{a.pk}']"), target_position={"x": 5, "y": 2}
    )

    expect(
        page.locator(f"#ranking-list li:first-child.ranking-item--moved[data-applicant='{d.pk}']")
    ).to_be_visible()
    expect(page.locator("#ranking-status")).not_to_be_empty()
    expect(page.locator("#ranking-announcer")).to_contain_text(d.full_name)
    assert ranking_ids(position) == [d.pk, a.pk, b.pk, c.pk]
    assert (loads, page.evaluate("window.sameDocument === true")) == ([], True)


def _click_without_javascript(browser, live_server, email: str, path: str, button: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, email)
    page.goto(f"{live_server.url}{path}")
    page.locator(button).click()
    page.wait_for_load_state("load")
    context.close()


def test_employer_ranking_without_javascript(browser, live_server, employer_ranking) -> None:  # type: ignore[no-untyped-def]
    user, position, (a, b, c, d) = employer_ranking
    page_path = _employer_page(position)
    _click_without_javascript(browser, live_server, user.email, page_path, f"#move-{d.pk}-up")
    assert ranking_ids(position) == [a.pk, b.pk, d.pk, c.pk]


def test_applicant_ranking_without_javascript(browser, live_server, applicant_ranking) -> None:  # type: ignore[no-untyped-def]
    applicant, (a, b, c, d) = applicant_ranking
    _click_without_javascript(
        browser, live_server, applicant.user.email, "/soker/rangering/", f"#move-{d.pk}-up"
    )
    order = ApplicantRanking.objects.filter(applicant=applicant).order_by("rank")
    assert list(order.values_list("position_id", flat=True)) == [a.pk, b.pk, d.pk, c.pk]
