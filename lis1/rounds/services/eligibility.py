"""Who can be placed in what: the one definition, used by the match and by direct offers."""

from __future__ import annotations

from lis1.rounds.enums import PositionKind

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
