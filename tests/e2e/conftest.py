"""Browser tests in real Chromium (Debian's /usr/bin/chromium) driven by Playwright against
pytest-django's live server. Screenshots of each step go to test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.reports.conftest import report_round  # noqa: F401  (shared with the report test)

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("LIS1_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"Chromium not found at {CHROMIUM}; .ci/run installs it.")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# Recorded in every page before its own scripts run (an init script is not subject to the
# page's Content-Security-Policy): each violation the browser reports.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI} in ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(autouse=True)
def csp_violations(request):  # type: ignore[no-untyped-def]
    """Every browser test runs with the real Content-Security-Policy and fails on any
    violation: the browser's console messages about the policy are collected from every page
    of the test (the list is also returned for tests that check it mid-way)."""
    if "page" not in request.fixturenames:
        yield []
        return
    page = request.getfixturevalue("page")
    found: list[str] = []
    page.add_init_script(CSP_LISTENER)
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield found
    assert found == [], f"Content-Security-Policy violations: {found}"


@pytest.fixture
def shoot(page, request):  # type: ignore[no-untyped-def]
    """Save a full-page screenshot of the current step under test-artifacts/<test>/."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    counter = {"n": 0}

    def take(step: str) -> Path:
        counter["n"] += 1
        path = folder / f"{counter['n']:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    """Run axe-core on the page; return the violations of the given impacts."""
    # Evaluated through the browser's debugging protocol rather than added as an inline
    # <script>, which the page's Content-Security-Policy (rightly) refuses.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def log_in(page, live_server, email: str, password: str = "lis1-demo") -> None:  # type: ignore[no-untyped-def]  # noqa: S107
    page.goto(f"{live_server.url}/konto/logg-inn/")
    page.get_by_label(re.compile("E-post|E-mail", re.I)).fill(email)
    page.get_by_label(re.compile("Passord|Password", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("^(Logg inn|Log in)$")).click()
