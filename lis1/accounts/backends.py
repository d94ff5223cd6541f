"""Authentication backends."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from lis1.rounds.permissions import remember_membership_kinds


class UserBackend(ModelBackend):
    """E-mail and password, like ModelBackend, but the user of each request is loaded in one
    query together with what every page asks next: the applicant profile and, on PostgreSQL,
    the kinds of organisation the user works for (the role, `permissions.roles_of`). Each
    would otherwise be a query of its own on every request."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        users = model._default_manager.select_related("applicant")
        if connection.vendor == "postgresql":
            from django.contrib.postgres.aggregates import ArrayAgg

            users = users.annotate(
                membership_kinds=ArrayAgg(
                    "memberships__organisation__kind", distinct=True, default=[]
                )
            )
        try:
            user = users.get(pk=user_id)
        except model.DoesNotExist:
            return None
        if hasattr(user, "membership_kinds"):
            remember_membership_kinds(user, {kind for kind in user.membership_kinds if kind})
        return user if self.user_can_authenticate(user) else None
