"""The one exception for a broken rule: pages show its message, the API answers 409 with the
message and the rule's name. Each workflow's error (ApplicationError, MatchRunError, ...)
is a subclass, so a caller catches the one it knows and the API catches them all."""

from __future__ import annotations


class RuleViolation(Exception):
    """A rule refuses the action; `rule` names it, the message says it in the user's language.

    Raised as `RuleViolation(message)` or `RuleViolation(rule, message)`."""

    default_rule = "rule"

    def __init__(self, *args: str) -> None:
        if len(args) == 2:
            rule, message = args
        elif len(args) == 1:
            rule, message = self.default_rule, args[0]
        else:
            raise TypeError("RuleViolation(message) or RuleViolation(rule, message)")
        super().__init__(message)
        self.rule = rule
        self.message = message
