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

import functools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

#: Examples per operation and generation mode, on the role's own operations; another role's
#: operations (each answers 403 before reading anything) get one positive example.
MAX_EXAMPLES = 3
#: The role whose API each path prefix is.
PREFIXES = {
    "/api/applicant/": "applicant",
    "/api/employer/": "employer",
    "/api/municipality/": "municipality",
    "/api/directorate/": "directorate",
    "/api/round-reports/": "directorate",
}
CSRF_SECRET = "s" * 32

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
    from employers.services import interview_note_add
    from tests import factories as f

    settings.LANGUAGE_CODE = "en"
    round_ = f.OpenRoundFactory()
    trust = f.OrganisationFactory(name="Sykehuset Kontrakt HF")
    town = f.MunicipalityFactory(name="Kontraktvik")
    positions = [
        f.PositionFactory(round=round_, employer=trust, municipality=town) for _ in range(2)
    ]
    applicant = f.ApplicantFactory()
    application = f.ApplicationFactory(applicant=applicant, position=positions[0])
    employer_user = f.MembershipFactory(organisation=trust).user
    interview_note_add(application=application, author=employer_user, text="Good interview.")
    return {
        "users": {
            "applicant": applicant.user,
            "employer": employer_user,
            "municipality": f.MembershipFactory(organisation=town).user,
            "directorate": f.MembershipFactory(organisation=f.DirectorateFactory()).user,
        },
        # Objects each role may see, so that a share of the requests reach a real one (and its
        # answer is checked against the schema) instead of a 404.
        "ids": {
            "/api/applicant/positions/{id}/": {"id": positions[0].pk},
            "/api/applicant/applications/{id}/": {"id": application.pk},
            "/api/employer/positions/{id}/": {"id": positions[0].pk},
            "/api/municipality/positions/{id}/": {"id": positions[0].pk},
            "/api/directorate/rounds/{slug}/": {"slug": round_.slug},
        },
    }


@functools.cache
def _raw_schema() -> str:
    from drf_spectacular.generators import SchemaGenerator

    return json.dumps(SchemaGenerator().get_schema(request=None, public=True))


def _schema() -> Any:
    from django.core.wsgi import get_wsgi_application

    raw = json.loads(_raw_schema())
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


def _semantic_messages() -> list[re.Pattern[str]]:
    """Messages of a refusal the schema cannot express: a reference to an object that does not
    exist (the schema cannot list the ids), and a PDF's content."""
    from django.core.validators import ProhibitNullCharactersValidator, URLValidator
    from rest_framework.fields import FileField
    from rest_framework.relations import PrimaryKeyRelatedField, SlugRelatedField

    from applicants.forms import PDF_PROBLEM_MESSAGES

    templates = [
        str(SlugRelatedField.default_error_messages["does_not_exist"]),
        # A slug the database cannot even look up (a NUL character).
        str(SlugRelatedField.default_error_messages["invalid"]),
        str(PrimaryKeyRelatedField.default_error_messages["does_not_exist"]),
    ]
    patterns = [
        re.compile(
            re.escape(t)
            .replace(r"\{slug_name\}", ".*")
            .replace(r"\{value\}", ".*")
            .replace(r"\{pk_value\}", ".*"),
            re.DOTALL,
        )
        for t in templates
    ]
    literal = [
        # Text PostgreSQL cannot store, which a JSON string may hold.
        str(ProhibitNullCharactersValidator.message),
        # A URL the schema's `format: uri` allows but Django's URLValidator does not (no
        # http(s) scheme, no host).
        str(URLValidator.message),
        # An upload's bytes (a schema cannot bound a binary's length or say "PDF").
        str(FileField.default_error_messages["required"]),
        str(FileField.default_error_messages["empty"]),
        "The file is empty.",
        "The file is not a PDF document.",
        # A national identity number's digits (checksum, birth date) and uniqueness.
        "Enter a national identity number (fødselsnummer) or a D-number.",
        "The check digits do not match: please check the number.",
        "The number does not contain a valid birth date.",
        "An applicant with this identity number exists.",
        "An applicant with this HPR number exists.",
        *(str(m) for m in PDF_PROBLEM_MESSAGES.values()),
    ]
    return [*patterns, *(re.compile(re.escape(m)) for m in literal)]


def _refused_for_meaning(response: Any) -> bool:
    """A 400 for a schema-valid request that the schema could not have ruled out: a service's
    refusal of the input (lis1.api_errors: the body names the `rule`), or only messages of
    `_semantic_messages` (an id or slug that nothing has, a file that is no clean PDF)."""
    if response.status_code != 400:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    if "rule" in body:
        return True
    patterns = _semantic_messages()
    messages = [m for ms in body.values() for m in (ms if isinstance(ms, list) else [ms])]
    return bool(messages) and all(
        isinstance(m, str) and any(p.fullmatch(m) for p in patterns) for m in messages
    )


def _reads_json(operation: Any) -> bool:
    return "application/json" in operation.get_request_payload_content_types()


def _exercise(  # type: ignore[no-untyped-def]
    operation: Any,
    mode: GenerationMode,
    cookies: dict[str, str],
    tally: Tally,
    examples: int,
    path_parameters: dict[str, Any] | None = None,
) -> None:
    # JSON where the operation reads it: a urlencoded or multipart form cannot say null or
    # an empty list, so a schema-valid body would not arrive as generated.
    media_type = "application/json" if _reads_json(operation) else None

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: Any) -> None:
        case = data.draw(
            operation.as_strategy(
                generation_mode=mode, media_type=media_type, path_parameters=path_parameters
            )
        )
        response = case.call(cookies=cookies, headers={"X-CSRFToken": CSRF_SECRET})
        tally.requests += 1
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response)
        except FailureGroup as group:
            for failure in group.exceptions:
                if (
                    mode == GenerationMode.POSITIVE
                    and _refused_for_meaning(response)
                    and type(failure).__name__ == "RejectedPositiveData"
                ):
                    tally.refused_valid[f"{operation.label}: {response.text[:160]}"] += 1
                    continue
                tally.failures.add(
                    f"{operation.label} [{mode.value}] {response.status_code}: {failure.title}"
                    f" -- {str(failure.message)[:200]} -- sent {str(case.body)[:300]}"
                    f" -- body {response.text[:400]}"
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
    cookies = _session_cookie(world["users"][role])
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        tally.operations += 1
        owner = next(r for prefix, r in PREFIXES.items() if operation.path.startswith(prefix))
        if owner == role:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _exercise(operation, mode, cookies, tally, MAX_EXAMPLES)
            known = next(
                (ids for prefix, ids in world["ids"].items() if operation.path.startswith(prefix)),
                None,
            )
            if known is not None and all(f"{{{name}}}" in operation.path for name in known):
                _exercise(operation, GenerationMode.POSITIVE, cookies, tally, MAX_EXAMPLES, known)
        else:
            _exercise(operation, GenerationMode.POSITIVE, cookies, tally, 1)
    print(
        f"\nschemathesis as {role}: {tally.operations} operations, {tally.requests} requests, "
        f"{len(tally.failures)} failures; valid but refused by a rule of input: "
        f"{sum(tally.refused_valid.values())}; statuses {dict(sorted(tally.statuses.items()))}"
    )
    for line in sorted(tally.failures):
        print("  FAIL", line)
    for line in sorted(tally.refused_valid):
        print("  valid but refused for its meaning:", line)
    assert tally.requests >= tally.operations
    assert sorted(tally.failures) == []
