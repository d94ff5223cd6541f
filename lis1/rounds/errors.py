"""The one base of the domain's errors, and the one place that says how the API answers them.

Every refusal a service raises is a `DomainError`; its class decides the HTTP status:

- `InputInvalid` (400): the input itself is wrong and stays wrong (a CSV that does not parse,
  a calendar out of order, a place outside the list);
- `RuleViolation` (409): the input is fine but a rule refuses the action now (a deadline has
  passed, the position already has applicants).

Pages show the message; lis1.api_errors (REST_FRAMEWORK's EXCEPTION_HANDLER) answers
`error.status_code` with `error.body()`, `{"detail": message, "rule": rule}` (for an error
about one field or several, the messages per field as a serializer writes them, and `rule`). Each
workflow's error (ApplicationError, MatchRunError, ...) is a subclass, so a caller catches the
one it knows and the API catches them all. The pure packages (lis1.matching, lis1.simulation)
keep their own ValueErrors: they import no Django and nothing of ours."""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """A service refuses; `rule` names why (stable across languages), `message` says it in the
    user's language. Raised as `XError(message)` or `XError(rule, message)`."""

    #: The HTTP status the API answers it with; set by the two kinds below, nowhere else.
    status_code: ClassVar[int] = 400
    default_rule: ClassVar[str] = "rule"
    #: When set, the error is about this input field: the body is `{field: [message]}`.
    field: ClassVar[str | None] = None

    def __init__(self, *args: str) -> None:
        if len(args) == 2:
            rule, message = args
        elif len(args) == 1:
            rule, message = self.default_rule, args[0]
        else:
            raise TypeError(
                f"{type(self).__name__}(message) or {type(self).__name__}(rule, message)"
            )
        super().__init__(message)
        self.rule = rule
        self.message = message

    def field_errors(self) -> dict[str, list[str]]:
        """Messages per input field, as a serializer writes them (empty when not about one)."""
        return {self.field: [str(self.message)]} if self.field else {}

    def body(self) -> dict[str, object]:
        """`{"detail", "rule"}`; an error about fields answers as a serializer would,
        `{field: [message, ...]}` (what these routes answered before the base existed), with
        the `rule` beside them."""
        fields = self.field_errors()
        if fields:
            return {**fields, "rule": self.rule}
        return {"detail": str(self.message), "rule": self.rule}


class InputInvalid(DomainError):
    """The input is wrong whatever the moment: answered 400."""

    status_code = 400
    default_rule = "input_invalid"


class RuleViolation(DomainError):
    """A rule refuses the action now: answered 409."""

    status_code = 409
    default_rule = "rule"
