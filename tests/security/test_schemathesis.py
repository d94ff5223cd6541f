"""The OpenAPI schema is the contract: schemathesis sends schema-valid and schema-violating
requests to every operation, logged in as each role, and checks every answer against the
schema drf-spectacular serves (no 5xx, every status documented, bodies and content types as
documented, schema-violating requests refused with a 4xx, valid ones not refused as bad input).

Bounded and deterministic: a few examples per operation and mode, hypothesis derandomised (the
seed is fixed by the test's name), no example database, no shrinking (a failure is recorded,
not minimised). The figures per role (operations, requests, failures) are printed; run with
`-s` to see them.

A valid request that a service refuses as bad input (400 with the refusal's `rule`, e.g. a
couple's pair of positions the members did not apply to) is a refusal the schema cannot
express: it is counted and printed, not a failure; a 400 from the serializers on a valid
request (the schema is looser than the code) is one."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

schemathesis = pytest.importorskip("schemathesis")

from schemathesis import GenerationMode  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402

#: Examples per operation and generation mode: ~45 operations x 2 modes x 4 roles.
MAX_EXAMPLES = 3
CSRF_SECRET = "s" * 32  # noqa: S105 - a test CSRF secret sent as cookie and header alike

ROLES = ["applicant", "employer", "municipality", "directorate"]


@dataclass
class Tally:
    operations: int = 0
    requests: int = 0
    failures: set[str] = field(default_factory=set)
    refused_valid: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)


@pytest.fixture
def world(db, settings):  # type: ignore[no-untyped-def]
    """A round taking applications with one trust's positions in one municipality, an
    applicant who applied, and a user of each role."""
    from tests import factories as f

    settings.LANGUAGE_CODE = "en"
    round_ = f.OpenRoundFactory()
    trust = f.OrganisationFactory(name="Sykehuset Kontrakt HF")
    town = f.MunicipalityFactory(name="Kontraktvik")
    positions = [
        f.PositionFactory(round=round_, employer=trust, municipality=town) for _ in range(2)
    ]
    applicant = f.ApplicantFactory()
    f.ApplicationFactory(applicant=applicant, position=positions[0])
    return {
        "applicant": applicant.user,
        "employer": f.MembershipFactory(organisation=trust).user,
        "municipality": f.MembershipFactory(organisation=town).user,
        "directorate": f.MembershipFactory(organisation=f.DirectorateFactory()).user,
    }


def _schema() -> Any:
    from django.core.wsgi import get_wsgi_application
    from drf_spectacular.generators import SchemaGenerator

    raw = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    # Every request carries the role's session (each role's 403 is asserted by
    # tests/security/test_api_roles.py); without the security requirements schemathesis
    # does not also send requests with the session cookie negated.
    for operations in raw["paths"].values():
        for operation in operations.values():
            operation.pop("security", None)
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = get_wsgi_application()
    return loaded


def _session_cookie(user: Any) -> dict[str, str]:
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        django_settings.SESSION_COOKIE_NAME: client.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value,
        django_settings.CSRF_COOKIE_NAME: CSRF_SECRET,
    }


def _refused_as_input(response: Any) -> bool:
    """A service's refusal of the input (lis1.api_errors): a 400 naming the rule."""
    if response.status_code != 400:
        return False
    try:
        return "rule" in response.json()
    except ValueError:
        return False


def _exercise(operation: Any, mode: GenerationMode, cookies: dict[str, str], tally: Tally) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: Any) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode))
        response = case.call(cookies=cookies, headers={"X-CSRFToken": CSRF_SECRET})
        tally.requests += 1
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response)
        except FailureGroup as group:
            for failure in group.exceptions:
                if (
                    mode == GenerationMode.POSITIVE
                    and _refused_as_input(response)
                    and type(failure).__name__ == "RejectedPositiveData"
                ):
                    tally.refused_valid[operation.label] += 1
                    continue
                tally.failures.add(
                    f"{operation.label} [{mode.value}] {response.status_code}: {failure.title}"
                    f" -- {str(failure.message)[:200]} -- body {response.text[:200]}"
                )

    try:
        run()
    except Unsatisfiable:
        # Nothing to negate (an operation without parameters or body): positive only.
        assert mode == GenerationMode.NEGATIVE, operation.label


@pytest.fixture
def _keep_connection():  # type: ignore[no-untyped-def]
    """The WSGI handler closes the database connection after each request; the test's
    transaction lives on it. Django's test client disconnects the same signals."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
def test_api_keeps_its_schema_as(role, world, _keep_connection) -> None:  # type: ignore[no-untyped-def]
    schema = _schema()
    cookies = _session_cookie(world[role])
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        tally.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _exercise(operation, mode, cookies, tally)
    print(
        f"\nschemathesis as {role}: {tally.operations} operations, {tally.requests} requests, "
        f"{len(tally.failures)} failures; valid but refused by a rule of input: "
        f"{sum(tally.refused_valid.values())}; statuses {dict(sorted(tally.statuses.items()))}"
    )
    for line in sorted(tally.failures):
        print("  FAIL", line)
    assert tally.requests >= tally.operations * 2
    assert sorted(tally.failures) == []
