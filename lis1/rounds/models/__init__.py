"""The one shared model of lis1: every role and the matching job read these tables."""

from lis1.rounds.models.matching import MatchRun, MatchRunCheck, Placement
from lis1.rounds.models.organisations import MunicipalArea, Organisation, Region, StaffMembership
from lis1.rounds.models.people import (
    Applicant,
    ApplicantRanking,
    Application,
    Couple,
    CouplePreference,
    EmployerRanking,
)
from lis1.rounds.models.rounds import (
    CALENDAR_FIELDS,
    POSITION_FIELDS,
    POSITION_SYSTEM_FIELDS,
    Position,
    Round,
    RoundEvent,
    SeatAddition,
)

__all__ = [
    "CALENDAR_FIELDS",
    "POSITION_FIELDS",
    "POSITION_SYSTEM_FIELDS",
    "Applicant",
    "ApplicantRanking",
    "Application",
    "Couple",
    "CouplePreference",
    "EmployerRanking",
    "MatchRun",
    "MatchRunCheck",
    "MunicipalArea",
    "Organisation",
    "Placement",
    "Position",
    "Region",
    "Round",
    "RoundEvent",
    "SeatAddition",
    "StaffMembership",
]
