"""One permission vocabulary for pages, API and downloads alike.

Roles come from what a user owns or where the user works:
- applicant: owns an Applicant;
- employer staff: member of a health trust or private non-profit hospital;
- municipality staff: member of a municipality;
- directorate staff: member of the directorate.
Scoped querysets (`own_*`, `employer_*`, `municipality_*`) are the only way views fetch
shared objects, so nobody sees another organisation's or another applicant's objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from lis1.rounds.enums import (
    EMPLOYER_KINDS,
    ApplicationStatus,
    CoupleStatus,
    OrganisationKind,
    PositionStatus,
)
from lis1.rounds.models import (
    Applicant,
    Application,
    Couple,
    Organisation,
    Placement,
    Position,
    StaffMembership,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lis1.accounts.models import User

    AnyUser = User | AnonymousUser


class Role(models.TextChoices):
    APPLICANT = "applicant", "applicant"
    EMPLOYER = "employer", "employer"
    MUNICIPALITY = "municipality", "municipality"
    DIRECTORATE = "directorate", "directorate"


def remember_membership_kinds(user: AnyUser, kinds: set[str]) -> None:
    """Give the user the kinds of organisation it works for, loaded with it (see
    lis1.accounts.backends), so that the role checks ask the database no more."""
    user._lis1_membership_kinds = kinds  # type: ignore[union-attr]


def _membership_kinds(user: AnyUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_lis1_membership_kinds", None)
    if cached is None:
        cached = set(
            StaffMembership.objects.filter(user=user).values_list("organisation__kind", flat=True)
        )
        remember_membership_kinds(user, cached)
    return cached


def roles_of(user: AnyUser) -> list[Role]:
    """Every role the user holds, most privileged first."""
    kinds = _membership_kinds(user)
    roles = []
    if OrganisationKind.DIRECTORATE in kinds:
        roles.append(Role.DIRECTORATE)
    if kinds & set(EMPLOYER_KINDS):
        roles.append(Role.EMPLOYER)
    if OrganisationKind.MUNICIPALITY in kinds:
        roles.append(Role.MUNICIPALITY)
    if user.is_authenticated and hasattr(user, "applicant"):
        roles.append(Role.APPLICANT)
    return roles


def role_of(user: AnyUser) -> Role | None:
    roles = roles_of(user)
    return roles[0] if roles else None


def is_directorate(user: AnyUser) -> bool:
    return Role.DIRECTORATE in roles_of(user)


def organisations_of(user: AnyUser, *kinds: str) -> QuerySet[Organisation]:
    """The organisations the user works for, optionally of the given kinds."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    queryset = Organisation.objects.filter(memberships__user=user)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    return queryset


def role_required(role: Role):
    """View decorator: log-in required, and the user must hold `role` (else 403)."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required
    from django.core.exceptions import PermissionDenied

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if role not in roles_of(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# The applicant's own objects. Applicant pages and API fetch through these only, so that a
# request for another applicant's object finds nothing (404), whatever else the user is.


def applicant_of(user: AnyUser) -> Applicant | None:
    if not user.is_authenticated:
        return None
    return getattr(user, "applicant", None)


def own_applications(user: AnyUser) -> QuerySet[Application]:
    applicant = applicant_of(user)
    if applicant is None:
        return Application.objects.none()
    return Application.objects.filter(applicant=applicant)


def own_placements(user: AnyUser) -> QuerySet[Placement]:
    """The applicant's placements from published match runs (unpublished ones stay hidden)."""
    applicant = applicant_of(user)
    if applicant is None:
        return Placement.objects.none()
    return Placement.objects.filter(applicant=applicant, match_run__published_at__isnull=False)


def own_couples(user: AnyUser) -> QuerySet[Couple]:
    """Couples the applicant invited or was invited to, dissolved ones excluded."""
    applicant = applicant_of(user)
    if applicant is None:
        return Couple.objects.none()
    return Couple.objects.filter(Q(first=applicant) | Q(second=applicant)).exclude(
        status=CoupleStatus.DISSOLVED
    )


def positions_open_to_applicants() -> QuerySet[Position]:
    """Positions any applicant may browse: published ones."""
    return Position.objects.filter(status=PositionStatus.PUBLISHED)


def can_view_document(user: AnyUser, document) -> bool:
    """The owner, or staff of an employer whose position the applicant applied to with this
    document attached (a submitted application)."""
    if not user.is_authenticated:
        return False
    if document.applicant.user_id == user.pk:
        return True
    employer_ids = organisations_of(user, *EMPLOYER_KINDS).values("pk")
    return document.attachments.filter(
        application__status=ApplicationStatus.SUBMITTED,
        application__position__employer__in=employer_ids,
    ).exists()


# Employer and municipality staff. Pages, downloads and API fetch through these scoped
# querysets, so another organisation's position, applicant or area is simply not found (404).


def employer_positions(user: AnyUser) -> QuerySet[Position]:
    """Positions of the trusts (or private hospitals) the user works for."""
    return Position.objects.filter(
        employer__in=organisations_of(user, *EMPLOYER_KINDS).values("pk")
    )


def municipality_positions(user: AnyUser) -> QuerySet[Position]:
    """Positions whose municipal part is one of the user's municipalities, alone or in an area."""
    municipality_ids = organisations_of(user, OrganisationKind.MUNICIPALITY).values("pk")
    return Position.objects.filter(
        Q(municipality__in=municipality_ids)
        | Q(municipal_area__municipalities__in=municipality_ids)
    ).distinct()


def employer_applications(user: AnyUser) -> QuerySet[Application]:
    """Submitted applications to the user's trusts' positions: the only applicants employer
    staff may see."""
    return Application.objects.filter(
        position__in=employer_positions(user).values("pk"), status=ApplicationStatus.SUBMITTED
    )


def reviewing_municipalities(user: AnyUser, position: Position) -> QuerySet[Organisation]:
    """The user's municipalities that take part in the position's selection."""
    mine = organisations_of(user, OrganisationKind.MUNICIPALITY)
    if position.municipality_id:
        return mine.filter(pk=position.municipality_id)
    if position.municipal_area_id:
        return mine.filter(areas=position.municipal_area_id)
    return mine.none()


def areas_of_municipality_staff(user: AnyUser):
    """Municipal areas that include one of the user's municipalities."""
    from lis1.rounds.models import MunicipalArea

    municipality_ids = organisations_of(user, OrganisationKind.MUNICIPALITY).values("pk")
    return MunicipalArea.objects.filter(municipalities__in=municipality_ids).distinct()


# The API's permission classes: one per role, used by every API view (applicants/api.py,
# employers/api.py, municipalities/api.py, lis1/directorate/). A user without the role gets
# 403 with a message naming the role (never an empty list); an anonymous user gets 403 too
# (session authentication sends no challenge, so DRF answers 403, not 401).


class RolePermission(BasePermission):
    """Logged in and holding `role`; else 403 with `message`."""

    role: Role

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and self.role in roles_of(
            request.user
        )


class IsApplicant(RolePermission):
    role = Role.APPLICANT
    message = _("This API is for applicants.")


class IsEmployerStaff(RolePermission):
    role = Role.EMPLOYER
    message = _("This API is for staff of a health trust or hospital.")


class IsMunicipalityStaff(RolePermission):
    role = Role.MUNICIPALITY
    message = _("This API is for staff of a municipality.")


class IsDirectorateStaff(RolePermission):
    role = Role.DIRECTORATE
    message = _("This API is for staff of the directorate.")
