"""Who can be placed in what: LIS1's eligibility rules and their constants, in one module.

A complete LIS1 is a hospital part of `HOSPITAL_MONTHS` and a municipal part of
`MUNICIPAL_MONTHS`; a doctor who has done one part is placed only in the part missing, and one
with an identity number and an authorisation or licence (or one applied for) can be placed at
all. The model's validators and constraint, the profile form, the match, direct offers, the
checklist, the employers' filters and the application workflow all ask this module, so a
number or a rule is changed here once. Plain Python and `Q` objects: models import it too."""

from __future__ import annotations

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from lis1.rounds.enums import AuthorisationStatus, PositionKind

#: A hospital part of 12 months and a municipal part of 6 make a complete LIS1.
HOSPITAL_MONTHS = 12
MUNICIPAL_MONTHS = 6
LIS1_MONTHS = HOSPITAL_MONTHS + MUNICIPAL_MONTHS

#: The rule's name, as the API's refusal gives it (stable across languages).
RULE_PART_NEEDED = "position_kind_needed"

#: Prior service out of range is a field error of the profile (page and API) and the
#: constraint `applicant_prior_service_in_range`, all in these words.
PRIOR_SERVICE_MESSAGE = format_lazy(
    gettext_lazy(
        "Prior LIS1 service is at most {hospital} months in hospital and {municipal} in a "
        "municipality."
    ),
    hospital=HOSPITAL_MONTHS,
    municipal=MUNICIPAL_MONTHS,
)


def hospital_done(prior_hospital_months: int) -> bool:
    return prior_hospital_months >= HOSPITAL_MONTHS


def municipal_done(prior_municipal_months: int) -> bool:
    return prior_municipal_months >= MUNICIPAL_MONTHS


def part_needed(*, prior_hospital_months: int, prior_municipal_months: int) -> str | None:
    """The kind of position an applicant can still be placed in, or None when LIS1 is done.

    Doctors who have completed one part are offered only the part they miss."""
    hospital = hospital_done(prior_hospital_months)
    municipal = municipal_done(prior_municipal_months)
    if hospital and municipal:
        return None
    if hospital:
        return PositionKind.MUNICIPALITY_ONLY
    if municipal:
        return PositionKind.HOSPITAL_ONLY
    return PositionKind.FULL


def is_matchable(*, authorisation: str, has_identity_number: bool) -> bool:
    """`matchable` for one applicant's values."""
    return has_identity_number and authorisation != AuthorisationStatus.NONE


def kind_refusal(
    *, prior_hospital_months: int, prior_municipal_months: int, kind: str
) -> str | None:
    """Why an applicant cannot be placed in a position of `kind` (the message of the rule
    `RULE_PART_NEEDED`), or None when they can."""
    needed = part_needed(
        prior_hospital_months=prior_hospital_months,
        prior_municipal_months=prior_municipal_months,
    )
    if needed == kind:
        return None
    if needed is None:
        return gettext(
            "You have completed LIS1 ({hospital} months in hospital and {municipal} in "
            "a municipality), so you cannot be placed in a LIS1 position."
        ).format(hospital=HOSPITAL_MONTHS, municipal=MUNICIPAL_MONTHS)
    if needed == PositionKind.MUNICIPALITY_ONLY:
        return gettext(
            "You have completed the hospital part of LIS1 ({months} months), so you can "
            "apply only to positions for the municipal part."
        ).format(months=HOSPITAL_MONTHS)
    if needed == PositionKind.HOSPITAL_ONLY:
        return gettext(
            "You have completed the municipal part of LIS1 ({months} months), so you "
            "can apply only to positions for the hospital part."
        ).format(months=MUNICIPAL_MONTHS)
    return gettext(
        "This position is for one part of LIS1 only, for doctors who have completed the "
        "other part; apply to a full position."
    )


# The same rules as filters: `prefix` is the path to the applicant ("applicant__").


def hospital_done_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}prior_hospital_months__gte": HOSPITAL_MONTHS})


def municipal_done_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}prior_municipal_months__gte": MUNICIPAL_MONTHS})


def prior_service_in_range_q(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}prior_hospital_months__lte": HOSPITAL_MONTHS,
            f"{prefix}prior_municipal_months__lte": MUNICIPAL_MONTHS,
        }
    )


def matchable(prefix: str = "") -> Q:
    """Applicants the match can place at all: an identity number and an authorisation or
    licence (or one applied for)."""
    return Q(**{f"{prefix}national_id_hash__isnull": False}) & ~Q(
        **{f"{prefix}authorisation": AuthorisationStatus.NONE}
    )


def needs(kind: str, prefix: str = "") -> Q:
    """Applicants for whom `part_needed` is `kind`, as a filter."""
    hospital, municipal = hospital_done_q(prefix), municipal_done_q(prefix)
    if kind == PositionKind.MUNICIPALITY_ONLY:
        return hospital & ~municipal
    if kind == PositionKind.HOSPITAL_ONLY:
        return municipal & ~hospital
    return ~hospital & ~municipal


def needs_some_part(prefix: str = "") -> Q:
    """Applicants with a part of LIS1 still to do (`part_needed` is not None)."""
    return ~(hospital_done_q(prefix) & municipal_done_q(prefix))
