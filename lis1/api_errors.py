"""The API's one mapping of the services' refusals to HTTP, set as REST_FRAMEWORK's
EXCEPTION_HANDLER so that every API answers them alike:

- a `RuleViolation` (any workflow's subclass): 409 `{"detail": message, "rule": rule}`;
- a `CalendarInvalid`: 400 with its messages per field, shaped like a serializer's errors
  (`{"field": ["message", ...]}`; the calendar's "__all__" becomes DRF's non-field key).

Everything else goes to DRF's own handler. The applicant, employer and municipality APIs
still answer the refusals they catch themselves with 400 `{"detail"}`; a refusal they let
through (the municipal placement run's start, for one) is answered here."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from lis1.rounds.calendar import CalendarInvalid
from lis1.rounds.errors import RuleViolation


class RuleViolationSerializer(serializers.Serializer):
    """The body of a 409, for the OpenAPI schema."""

    detail = serializers.CharField(help_text="What the rule says, in the user's language.")
    rule = serializers.CharField(
        help_text="The rule's name, stable across languages (e.g. ranking_deadline_not_passed)."
    )


#: The schema's 409 answer of an action a rule can refuse.
REFUSED = OpenApiResponse(
    RuleViolationSerializer, description="A rule refuses the action now; nothing was changed."
)


def rule_violation_body(error: RuleViolation) -> dict[str, str]:
    return {"detail": str(error.message), "rule": error.rule}


def calendar_invalid_body(error: CalendarInvalid) -> dict[str, list[str]]:
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): [
            str(message) for message in messages
        ]
        for field, messages in error.errors.items()
    }


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RuleViolation):
        # Like DRF's own handler: a request running in ATOMIC_REQUESTS is rolled back too.
        set_rollback()
        return Response(rule_violation_body(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, CalendarInvalid):
        set_rollback()
        return Response(calendar_invalid_body(exc), status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
