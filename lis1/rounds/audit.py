"""Audit history of rankings and placements (django-pghistory).

Postgres triggers write an event row for every insert, update and delete of the tracked
tables (EmployerRanking, ApplicantRanking, CouplePreference, Placement), so bulk updates
and raw SQL are caught too: signal-based tools miss `QuerySet.update()`.

SQLite, the embedded development database, has no such triggers: pgtrigger skips its
migration operations on any database that is not PostgreSQL (documented behaviour of
`pgtrigger.migrations`), so the event tables exist but stay empty there. The context (who
did it, from which page) is attached through `pghistory.context`, which injects a Postgres
session variable; `audit_context` is therefore a no-op on other databases.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pghistory
from django.db import connection
from django.http import HttpRequest, HttpResponse


def acting_user(actor: Any):
    """The user to record as having acted, or None (a command, a task, an anonymous caller)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def audit_enabled() -> bool:
    return connection.vendor == "postgresql"


@contextlib.contextmanager
def audit_context(*, user: Any = None, action: str = "", **metadata: Any) -> Iterator[None]:
    """Label the events written inside the block with the acting user and the action."""
    if not audit_enabled():
        yield
        return
    if user is not None and getattr(user, "is_authenticated", False):
        metadata["user"] = user.pk
        metadata["user_email"] = user.email
    if action:
        metadata["action"] = action
    with pghistory.context(**metadata):
        yield


class AuditContextMiddleware:
    """Attach the user and URL to every change made by a writing request (Postgres only), so
    that events from any page or API call name who made them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD", "OPTIONS") or not audit_enabled():
            return self.get_response(request)
        with audit_context(user=getattr(request, "user", None), url=request.path):
            return self.get_response(request)
