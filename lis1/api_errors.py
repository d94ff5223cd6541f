"""The API's one mapping of the services' refusals to HTTP, set as REST_FRAMEWORK's
EXCEPTION_HANDLER so that every API answers them alike.

A `DomainError` (lis1.rounds.errors) is answered with the status its class gives (400 for
`InputInvalid`, 409 for `RuleViolation`) and its body: `{"detail": message, "rule": rule}`, or
for an error about fields its messages per field shaped like a serializer's errors (a
calendar's "__all__" becomes DRF's non-field key). The views catch none of them.

Everything else goes to DRF's own handler."""

from __future__ import annotations

from typing import Any

import drf_spectacular.openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from lis1.rounds.errors import DomainError


class RuleViolationSerializer(serializers.Serializer):
    """The body of a 409, for the OpenAPI schema."""

    detail = serializers.CharField(help_text="What the rule says, in the user's language.")
    rule = serializers.CharField(
        help_text="The rule's name, stable across languages (e.g. ranking_deadline_not_passed)."
    )


class ErrorDetailSerializer(serializers.Serializer):
    """DRF's own error body (401, 403, 404, 405, 415, 429)."""

    detail = serializers.CharField()


#: The schema's 409 answer of an action a rule can refuse.
REFUSED = OpenApiResponse(
    RuleViolationSerializer, description="A rule refuses the action now; nothing was changed."
)
#: The schema's 400 answer: messages per field (`{field: [message, ...]}`), or a refused input
#: as `{"detail", "rule"}` (or its messages per field when it is about fields).
INVALID = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Bad input: messages per field, `{field: [message, ...]}`, or "
    '`{"detail", "rule"}` for an input a service refuses; nothing was changed.',
)
FORBIDDEN = OpenApiResponse(
    ErrorDetailSerializer,
    description="Not logged in, or logged in without the role this API is for.",
)
UNSUPPORTED = OpenApiResponse(
    ErrorDetailSerializer, description="The body is not of a media type this route reads."
)
NOT_FOUND = OpenApiResponse(
    ErrorDetailSerializer,
    description="No such object among those the user may see (another party's is not found).",
)


def domain_error_body(error: DomainError) -> dict[str, object]:
    body = error.body()
    if "__all__" in body:
        body[api_settings.NON_FIELD_ERRORS_KEY] = body.pop("__all__")
    return body


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        # Like DRF's own handler: a request running in ATOMIC_REQUESTS is rolled back too.
        set_rollback()
        return Response(domain_error_body(exc), status=exc.status_code)
    return exception_handler(exc, context)


class AutoSchema(drf_spectacular.openapi.AutoSchema):
    """The project's schema class (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS): every operation
    also lists the error answers any route of its shape can give, so that the schema names
    every status (schemathesis checks it, tests/security/test_schemathesis.py):

    - 403 on every route (each API is for one role; anonymous users get 403 too);
    - 404 on a route with a path parameter (an object the user may not see is not found) and
      on a paginated list (a page past the end);
    - 400 on a route that reads a body or query parameters, and 415 on one that reads a body.

    A 409 is documented by each route whose service a rule can refuse (`REFUSED`), and a
    route's own 400 or 404 description in `extend_schema` wins over these."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        extra: dict[str, OpenApiResponse] = {"403": FORBIDDEN}
        paginated = self._is_list_view() and self._get_paginator() is not None
        if "{" in self.path or paginated:
            extra["404"] = NOT_FOUND
        if self.method in ("POST", "PUT", "PATCH"):
            extra["415"] = UNSUPPORTED
        if (
            self.method in ("POST", "PUT", "PATCH")
            or self._get_filter_parameters()
            or paginated
            or self._has_declared_query_parameters()
        ):
            extra["400"] = INVALID
        for code, response in extra.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _has_declared_query_parameters(self) -> bool:
        # A serializer given as parameters is a set of query parameters.
        return any(
            not isinstance(parameter, OpenApiParameter)
            or parameter.location == OpenApiParameter.QUERY
            for parameter in self.get_override_parameters()
        )
