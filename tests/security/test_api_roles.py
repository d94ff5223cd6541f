"""Every API route is for one role (lis1.rounds.permissions): any other role gets 403 with a
message naming the role, never an empty list, and an anonymous request gets 403 too (session
authentication sends no challenge). The routes come from the OpenAPI schema, so a new route
is checked without being listed here; the schema documents the 403 on each."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests import factories as f

#: The role whose API each path prefix is, and the message a user without it gets.
OWNERS = {
    "/api/applicant/": ("applicant", "This API is for applicants."),
    "/api/employer/": ("employer", "This API is for staff of a health trust or hospital."),
    "/api/municipality/": ("municipality", "This API is for staff of a municipality."),
    "/api/directorate/": ("directorate", "This API is for staff of the directorate."),
    "/api/round-reports/": ("directorate", "This API is for staff of the directorate."),
}
ROLES = ["applicant", "employer", "municipality", "directorate"]


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def _owner(path: str) -> tuple[str, str]:
    return next(owner for prefix, owner in OWNERS.items() if path.startswith(prefix))


def _concrete(path: str) -> str:
    # Any id will do: the role is checked before anything is looked up.
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def users(db, settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"
    trust = f.OrganisationFactory()
    return {
        "applicant": f.ApplicantFactory().user,
        "employer": f.MembershipFactory(organisation=trust).user,
        "municipality": f.MembershipFactory(organisation=f.MunicipalityFactory()).user,
        "directorate": f.MembershipFactory(organisation=f.DirectorateFactory()).user,
    }


def _send(client: APIClient, method: str, path: str) -> Any:
    client.cookies["lis1_language"] = "en"
    return client.generic(method, _concrete(path), "{}", content_type="application/json")


def test_every_api_route_belongs_to_one_role() -> None:
    operations = _operations()
    assert len(operations) > 40
    for method, path, operation in operations:
        assert _owner(path), path
        # Each documents the 403 a user without the role gets.
        assert "403" in operation["responses"], (method, path)


@pytest.mark.parametrize("role", ROLES)
def test_every_other_roles_api_route_is_403_with_a_message(role, users) -> None:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_login(users[role])
    checked = 0
    for method, path, _operation in _operations():
        owner, message = _owner(path)
        if owner == role:
            continue
        response = _send(client, method, path)
        assert (response.status_code, response.json()) == (403, {"detail": message}), (
            method,
            path,
        )
        checked += 1
    assert checked > 20


def test_every_api_route_is_403_for_anonymous(db) -> None:  # type: ignore[no-untyped-def]
    client = APIClient()
    for method, path, _operation in _operations():
        response = _send(client, method, path)
        assert response.status_code == 403, (method, path)
        assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("role", ROLES)
def test_own_api_routes_are_not_403(role, users) -> None:  # type: ignore[no-untyped-def]
    # The role's own GET routes answer (200; 404 for an id nobody has; 400 for a missing
    # query parameter), never 403.
    client = APIClient()
    client.force_login(users[role])
    for method, path, _operation in _operations():
        if _owner(path)[0] != role or method != "GET":
            continue
        response = _send(client, method, path)
        assert response.status_code in (200, 400, 404), (method, path, response.status_code)
