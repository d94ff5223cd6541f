"""Who can be placed in what: the one definition, used by the match and by direct offers."""

from __future__ import annotations

from django.db.models import Q

from lis1.rounds.enums import AuthorisationStatus, PositionKind

#: A hospital part of 12 months and a municipal part of 6 make a complete LIS1.
HOSPITAL_MONTHS = 12
MUNICIPAL_MONTHS = 6


def part_needed(*, prior_hospital_months: int, prior_municipal_months: int) -> str | None:
    """The kind of position an applicant can still be placed in, or None when LIS1 is done.

    Doctors who have completed one part are offered only the part they miss."""
    hospital_done = prior_hospital_months >= HOSPITAL_MONTHS
    municipal_done = prior_municipal_months >= MUNICIPAL_MONTHS
    if hospital_done and municipal_done:
        return None
    if hospital_done:
        return PositionKind.MUNICIPALITY_ONLY
    if municipal_done:
        return PositionKind.HOSPITAL_ONLY
    return PositionKind.FULL


def matchable(prefix: str = "") -> Q:
    """Applicants the match can place at all: an identity number and an authorisation or
    licence (or one applied for). `prefix` is the path to the applicant ("applicant__")."""
    return Q(**{f"{prefix}national_id_hash__isnull": False}) & ~Q(
        **{f"{prefix}authorisation": AuthorisationStatus.NONE}
    )


def needs(kind: str, prefix: str = "") -> Q:
    """Applicants for whom `part_needed` is `kind`, as a filter."""
    hospital_done = Q(**{f"{prefix}prior_hospital_months__gte": HOSPITAL_MONTHS})
    municipal_done = Q(**{f"{prefix}prior_municipal_months__gte": MUNICIPAL_MONTHS})
    if kind == PositionKind.MUNICIPALITY_ONLY:
        return hospital_done & ~municipal_done
    if kind == PositionKind.HOSPITAL_ONLY:
        return municipal_done & ~hospital_done
    return ~hospital_done & ~municipal_done


def needs_some_part(prefix: str = "") -> Q:
    """Applicants with a part of LIS1 still to do (`part_needed` is not None)."""
    return ~(
        Q(**{f"{prefix}prior_hospital_months__gte": HOSPITAL_MONTHS})
        & Q(**{f"{prefix}prior_municipal_months__gte": MUNICIPAL_MONTHS})
    )
