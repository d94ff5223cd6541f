"""The site policy, with `frame-ancestors 'none'`, is on every page: each route without
parameters is requested anonymously and as every role, and every answer carries it (pages,
redirects to log-in, refusals, exports and the API alike). The one route with a policy of its
own (the stored HTML report) takes a parameter and is tested in test_csp.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import client_for
from tests.security.test_csp import SITE_POLICY, directives

pytestmark = pytest.mark.django_db

# Requests that would change something or run long are not pages; the report endpoint only
# takes POST (test_csp.py) and health checks are for the load balancer.
SKIP_PREFIXES = ("/csp-report/", "/konto/logg-ut/", "/i18n/")


def _plain_routes(patterns=None, prefix: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    """The paths of every route that takes no parameter (no converter, no regex group)."""
    found: list[str] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if "<" in route or "(" in route or "\\" in route:
            continue
        route = route.lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            found += _plain_routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            found.append("/" + prefix + route)
    return sorted({path for path in found if not path.startswith(SKIP_PREFIXES)})


def test_the_route_list_covers_every_role() -> None:
    routes = _plain_routes()
    for expected in ("/", "/soker/stillinger/", "/api/applicant/positions/", "/admin/"):
        assert expected in routes
    assert len(routes) > 40


def test_every_page_of_every_role_carries_the_site_policy(  # type: ignore[no-untyped-def]
    applicant, employer_user, municipality_user, directorate_user
) -> None:
    clients = {
        "anonymous": Client(),
        "applicant": client_for(applicant.user),
        "employer": client_for(employer_user),
        "municipality": client_for(municipality_user),
        "directorate": client_for(directorate_user),
    }
    expected = directives(SITE_POLICY)
    missing = []
    for path in _plain_routes():
        for who, client in clients.items():
            response = client.get(path)
            header = response.get("Content-Security-Policy")
            if header is None or directives(header) != expected:
                missing.append(f"{who} {path} {response.status_code}")
    assert missing == []
