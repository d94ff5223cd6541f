"""Every role's main pages on a phone (375 × 800 CSS pixels) in real Chromium: nothing is wider
than the screen (tables scroll inside their own region or fit), the header is collapsed to a
compact "Menu" button that opens the navigation and the language switch, and axe-core finds
no serious or critical violation. Each page is photographed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lis1.rounds.models import MatchRun, MunicipalArea
from tests import factories as f
from tests.e2e.conftest import ARTIFACTS, axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 375, 800
HEADER_MAX = 120  # px: the collapsed header (brand and "Menu" button)

# Elements and text that stick out to the right of the screen and are not inside a region of
# their own that scrolls (for the failure message: says what to fix).
_OFFENDERS = """
(width) => {
  const out = [];
  const scrolled = (node) => {
    for (let p = node.parentElement; p && p !== document.body; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (["auto", "scroll", "hidden", "clip"].includes(overflow)) return true;
    }
    return false;
  };
  const name = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim() : "";
    const id = el.id ? "#" + el.id : "";
    return el.tagName.toLowerCase() + id + (classes ? "." + classes.split(/\\s+/).join(".") : "");
  };
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 0.5 && !scrolled(el)) {
      out.push(`${name(el)} → ${Math.round(r.right)}px`);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const text = walker.currentNode;
    if (!text.textContent.trim()) continue;
    range.selectNodeContents(text);
    const r = range.getBoundingClientRect();
    if (r.right > width + 0.5 && !scrolled(text)) {
      const words = text.textContent.trim().slice(0, 40);
      out.push(`text in ${name(text.parentElement)} "${words}" → ${Math.round(r.right)}px`);
    }
  }
  return out.slice(0, 10);
}
"""

# Tables that scroll sideways in their .table-wrap but are not a named, focusable region.
_UNNAMED_REGIONS = """
() => [...document.querySelectorAll(".table-wrap")]
  .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
  .filter((wrap) => {
    const label = document.getElementById(wrap.getAttribute("aria-labelledby") || "");
    const named = wrap.getAttribute("aria-label") || (label && label.textContent.trim());
    return !(wrap.tabIndex === 0 && wrap.getAttribute("role") === "region" && named);
  })
  .map((wrap) => wrap.querySelector("caption")?.textContent.trim() || wrap.outerHTML.slice(0, 80))
"""


@pytest.fixture
def world(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Long real-world names (compound words, e-mail addresses) in every role's pages: an open
    round the applicant ranks in, a round in its ranking phase the employer ranks and the
    municipality reviews, and a published match with the applicant's offer."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    trust = f.OrganisationFactory(name="Universitetssykehuset Nord-Norge HF")
    site = f.SiteFactory(parent=trust, name="Universitetssykehuset Nord-Norge Tromsø")
    municipality = f.MunicipalityFactory(name="Balsfjord")
    neighbour = f.MunicipalityFactory(name="Storfjord – Omasvuotna – Omasvuono")
    area = MunicipalArea.objects.create(employer=trust, name="Balsfjord- og Storfjordområdet")
    area.municipalities.add(municipality, neighbour)

    applicant = f.ApplicantFactory(
        user__email="ingrid.marie.haugen-johannessen@universitetssykehuset-nord-norge.example.no",
        given_name="Ingrid Marie",
        family_name="Haugen-Johannessen",
        hpr_number="9876543",
    )
    f.DocumentFactory(applicant=applicant, title="Legeattest_og_spesialistgodkjenning_2025.pdf")

    # Open for applications: the applicant has applied to and ranked two positions.
    open_round = f.OpenRoundFactory()
    open_positions = []
    for n, title in enumerate(
        [
            "LIS1 Universitetssykehuset Nord-Norge Tromsø og Balsfjord kommune",
            "LIS1 Nordlandssykehuset Bodø og Saltdal kommune",
            "LIS1 Finnmarkssykehuset Hammerfest og Kvalsund",
        ]
    ):
        position = f.PositionFactory(
            round=open_round,
            employer=trust,
            municipality=municipality,
            title=title,
            reference=f"UNN-LIS1-2026-HØST-{n:03d}",
            description="Godt fagmiljø, tett veiledning og vaktordning i tredelt turnus.",
        )
        position.sites.add(site)
        open_positions.append(position)
    f.rank_positions(open_round, applicant, *open_positions[:2])

    # Ranking phase: the employer ranks, the municipality reviews; one position in an area.
    ranking_round = f.RoundFactory()
    ranked = f.PositionFactory(
        round=ranking_round,
        employer=trust,
        municipality=municipality,
        reference="UNN-LIS1-2026-VÅR-017",
        title="LIS1 Universitetssykehuset Nord-Norge Tromsø og Balsfjord kommune",
    )
    ranked.sites.add(site)
    doctors = f.applicants_for(ranked, 4)
    f.employer_list(ranked, *doctors[:2])
    f.PositionFactory(
        round=ranking_round, employer=trust, municipality=None, municipal_area=area, seats=3
    )

    # A published main match: the applicant's offer, the employer's placed doctors.
    placement = f.matched_placement(
        applicant,
        employer=trust,
        municipality=municipality,
        reference="UNN-LIS1-2026-VÅR-042",
        title="LIS1 Universitetssykehuset Nord-Norge Harstad og Kvæfjord kommune",
    )
    return {
        "applicant": applicant.user.email,
        "employer": f.MembershipFactory(
            organisation=trust, user__email="arbeidsgiver@unn.example.no"
        ).user.email,
        "municipality": f.MembershipFactory(
            organisation=municipality, user__email="kommune@balsfjord.example.no"
        ).user.email,
        "directorate": f.MembershipFactory(
            organisation=f.DirectorateFactory(), user__email="direktorat@helsedir.example.no"
        ).user.email,
        "open_position": open_positions[0],
        "ranked": ranked,
        "area": area,
        "placement": placement,
        "matched_round": placement.position.round,
        "run": MatchRun.objects.get(round=placement.position.round),
    }


class Phone:
    """Opens pages at phone width and collects what does not fit, so one run names them all."""

    def __init__(self, page, live_server, shoot) -> None:  # type: ignore[no-untyped-def]
        self.page, self.url, self.shoot = page, live_server.url, shoot
        self.problems: list[str] = []
        self.widths: dict[str, int] = {}
        self.heights: dict[str, float] = {}

    def check(self, name: str, path: str) -> None:
        page = self.page
        response = page.goto(self.url + path)
        assert response is not None and response.status == 200, (name, path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        self.widths[name] = width
        if width > WIDTH:
            offenders = page.evaluate(_OFFENDERS, WIDTH)
            self.problems.append(f"{name} ({path}) is {width}px wide: {offenders}")
        unnamed = page.evaluate(_UNNAMED_REGIONS)
        if unnamed:
            self.problems.append(f"{name}: tables scroll without a named region: {unnamed}")
        header = page.locator(".site-header").bounding_box()
        assert header is not None
        self.heights[name] = header["height"]
        if header["height"] >= HEADER_MAX:
            self.problems.append(f"{name}: the collapsed header is {header['height']}px tall")
        self.shoot(name)
        violations = axe_violations(page)
        if violations:
            self.problems.append(f"{name}: axe {violations}")


def _switch(page, live_server, email: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "lis1_language", "value": "en", "url": live_server.url}])
    log_in(page, live_server, email)
    expect(page).not_to_have_url(re.compile(r"/konto/logg-inn/"))  # logged in


def test_every_role_fits_a_phone(page, live_server, shoot, world) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.context.add_cookies([{"name": "lis1_language", "value": "en", "url": live_server.url}])
    phone = Phone(page, live_server, shoot)

    # Anyone.
    phone.check("start", "/")
    phone.check("help", "/slik-fungerer-matchingen/")
    phone.check("login", "/konto/logg-inn/")

    # The header menu: collapsed, opens with its button (keyboard too), closes with Escape.
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    panel = page.locator(f"#{menu.get_attribute('aria-controls')}")
    expect(panel).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(panel).to_be_visible()
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("link", name="Register as an applicant")).to_be_visible()
    expect(page.get_by_label("Language")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shoot("menu-open")
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(panel).to_be_hidden()
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Log in")).to_be_focused()

    # Applicant.
    _switch(page, live_server, world["applicant"])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ingrid Marie")
    phone.check("applicant-dashboard", "/soker/")
    # "My applications" is one card per application, and still a table with its headers.
    applications = page.get_by_role("table", name="My applications")
    expect(applications.get_by_role("columnheader", name="Status")).to_have_count(1)
    expect(applications.get_by_role("row")).to_have_count(4)
    phone.check("applicant-positions", "/soker/stillinger/")
    phone.check("applicant-position", f"/soker/stillinger/{world['open_position'].pk}/")
    phone.check("applicant-ranking", "/soker/rangering/")
    phone.check("applicant-documents", "/soker/dokumenter/")
    phone.check("applicant-profile", "/soker/profil/")
    phone.check("applicant-offer", f"/soker/tilbud/{world['placement'].pk}/")
    # The menu holds the role's links.
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="My ranking")).to_be_visible()
    shoot("applicant-menu-open")

    # Employer.
    _switch(page, live_server, world["employer"])
    ranked = world["ranked"].pk
    placed = world["placement"].position.pk
    phone.check("employer-dashboard", "/arbeidsgiver/")
    phone.check("employer-positions", "/arbeidsgiver/stillinger/")
    phone.check("employer-position", f"/arbeidsgiver/stillinger/{ranked}/")
    phone.check("employer-applicants", f"/arbeidsgiver/stillinger/{ranked}/sokere/")
    phone.check("employer-ranking", f"/arbeidsgiver/stillinger/{ranked}/rangering/")
    phone.check("employer-placed", f"/arbeidsgiver/stillinger/{placed}/plasserte/")

    # Municipality.
    _switch(page, live_server, world["municipality"])
    phone.check("municipality-dashboard", "/kommune/")
    phone.check("municipality-area", f"/kommune/omrader/{world['area'].pk}/")
    phone.check("municipality-review", f"/kommune/stillinger/{ranked}/")

    # Directorate.
    _switch(page, live_server, world["directorate"])
    slug = world["matched_round"].slug
    phone.check("directorate-rounds", "/direktorat/")
    phone.check("directorate-round", f"/direktorat/runder/{slug}/")
    phone.check("directorate-calendar", f"/direktorat/runder/{slug}/kalender/")
    phone.check("directorate-run", f"/direktorat/kjoringer/{world['run'].pk}/")
    phone.check("directorate-reports", f"/direktorat/runder/{slug}/rapporter/")
    phone.check("directorate-audit", "/direktorat/historikk/")

    print(
        "\n".join(
            f"{name}: {width}px wide, header {phone.heights[name]:.0f}px"
            for name, width in phone.widths.items()
        )
    )
    assert phone.problems == [], "\n".join(phone.problems)


def test_desktop_header_has_no_menu_button(page, live_server, shoot, world) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 800})
    _switch(page, live_server, world["applicant"])
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("link", name="My ranking")).to_be_visible()
    expect(page.get_by_label("Language")).to_be_visible()
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 150
    shoot("desktop-applicant-dashboard")
    assert axe_violations(page) == []


def test_phone_header_without_javascript(browser, live_server, request) -> None:  # type: ignore[no-untyped-def]
    """Without JavaScript there is no "Menu" button: the links and the language switch wrap
    below the brand, compactly, and nothing is wider than the screen."""
    f.ApplicantFactory(user__email="uten-js@example.no", given_name="Ingrid Marie")
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": WIDTH, "height": HEIGHT}
    )
    context.add_cookies([{"name": "lis1_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(live_server.url)
        nav = page.get_by_role("navigation", name="Main menu")
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(nav.get_by_role("link", name="Log in")).to_be_visible()
        expect(page.get_by_label("Language")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        page.screenshot(path=str(folder / "01-start.png"), full_page=True)

        log_in(page, live_server, "uten-js@example.no")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ingrid Marie")
        expect(nav.get_by_role("link", name="My ranking")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        header = page.locator(".site-header").bounding_box()
        assert header is not None and header["height"] < 270
        page.screenshot(path=str(folder / "02-applicant-dashboard.png"), full_page=True)
    finally:
        context.close()
