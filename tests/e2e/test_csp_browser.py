"""The Content-Security-Policy holds in a real browser: each role's main pages, the Swagger UI
and the admin load with the policy on and the browser reports no violation (the autouse
csp_violations fixture fails any browser test that causes one; here each page is also checked
as it loads, so that a failure names the page)."""

from __future__ import annotations

import pytest

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
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    round_ = RoundFactory()
    trust = OrganisationFactory(name="Sykehuset Innlandet HF")
    municipality = MunicipalityFactory(name="Elverum")
    position = PositionFactory(round=round_, employer=trust, municipality=municipality)
    applicant = ApplicantFactory(user__email="soker@example.no")
    ApplicationFactory(applicant=applicant, position=position)
    MembershipFactory(organisation=trust, user__email="arbeidsgiver@example.no")
    MembershipFactory(organisation=municipality, user__email="kommune@example.no")
    MembershipFactory(organisation=DirectorateFactory(), user__email="direktorat@example.no")
    UserFactory(email="admin@example.no", is_staff=True, is_superuser=True)
    return {"round": round_, "position": position}


def visit(page, url: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(url)
    assert response is not None and response.ok, url
    assert page.url == url, f"{url} went to {page.url}"  # not sent to log in
    policy = response.header_value("content-security-policy") or ""
    assert "default-src 'self'" in policy, url
    assert "frame-ancestors 'none'" in policy, url
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__cspViolations") == [], url


def test_each_role_main_pages_load_without_a_violation(page, live_server, world) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    pk = world["position"].pk
    pages = {
        "soker@example.no": [
            "/soker/",
            "/soker/profil/endre/",
            "/soker/dokumenter/",
            "/soker/stillinger/",
            f"/soker/stillinger/{pk}/",
            "/soker/rangering/",
        ],
        "arbeidsgiver@example.no": [
            "/arbeidsgiver/",
            "/arbeidsgiver/stillinger/",
            "/arbeidsgiver/stillinger/ny/",
            f"/arbeidsgiver/stillinger/{pk}/sokere/",
            f"/arbeidsgiver/stillinger/{pk}/rangering/",
        ],
        "kommune@example.no": ["/kommune/", f"/kommune/stillinger/{pk}/"],
        "direktorat@example.no": [
            "/direktorat/",
            f"/direktorat/runder/{world['round'].slug}/",
            f"/direktorat/runder/{world['round'].slug}/rapporter/",
        ],
    }
    for email, paths in pages.items():
        page.context.clear_cookies()
        log_in(page, live_server, email)
        for path in paths:
            visit(page, base + path)
        assert axe_violations(page) == []


def test_public_pages_swagger_ui_and_admin_load_without_a_violation(  # type: ignore[no-untyped-def]
    page, live_server, world
) -> None:
    base = live_server.url
    for path in ("/", "/konto/logg-inn/", "/konto/registrer/", "/tilgjengelighet/"):
        visit(page, base + path)
    visit(page, base + "/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=20_000)
    assert page.evaluate("window.__cspViolations") == []

    page.goto(base + "/admin/login/")
    page.locator("#id_username").fill("admin@example.no")
    page.locator("#id_password").fill("lis1-demo")
    page.locator("input[type=submit]").click()
    for path in ("/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"):
        visit(page, base + path)


def test_a_violation_is_caught_and_reported(page, live_server, caplog, csp_violations) -> None:  # type: ignore[no-untyped-def]
    """The guard itself: an inline script is refused, the page sees the violation and the
    browser's report reaches the report endpoint's log."""
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.head.append(s); }"
    )
    assert page.evaluate("window.ran === undefined")
    assert page.evaluate("window.__cspViolations.length") == 1
    page.wait_for_timeout(500)
    assert any("script-src-elem blocked inline" in r.getMessage() for r in caplog.records)
    assert len(csp_violations) == 1  # the console message the guard fails other tests on
    csp_violations.clear()
