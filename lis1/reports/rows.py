"""The plain rows `queries` hands to `build`: frozen dataclasses, no Django.

Every count here is already aggregated by the database; the builder only groups, derives
shares and suppresses small counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RoundInfo:
    slug: str
    name: str
    season: str  # "spring" | "autumn"
    year: int
    start_date: dt.date
    phase: str  # lis1.rounds.enums.RoundPhase
    answer_deadline: dt.datetime | None = None


@dataclass(frozen=True)
class HeadlineCounts:
    """A round's totals. The outcomes count PEOPLE in the words of lis1.rounds.outcomes
    (offered, accepted, declined, expired, withdrawn after accepting, hired); `with_position`
    counts the applicants holding an open offer, an accepted position or a confirmed start
    (the rest are without a position); `unfilled_seats` is the sum over positions of seats
    not held by an open or accepted offer."""

    advertisements: int
    seats: int
    applicants: int
    applications: int
    offered: int
    accepted: int
    declined: int
    expired: int
    withdrawn: int
    hired: int
    with_position: int
    unfilled_seats: int


@dataclass(frozen=True)
class PositionRow:
    """One published advertisement with its placements from published runs."""

    region: str
    trust: str
    seats: int
    holding: int  # placements that hold a seat: offered (open) or accepted


@dataclass(frozen=True)
class GroupCount:
    """Applicants sharing one value of a characteristic, and their outcome."""

    key: object  # a country code, a year, a gender, a birth date, a number of rounds …
    applicants: int
    offered: int
    hired: int
    with_position: int  # see HeadlineCounts


@dataclass(frozen=True)
class NationalityEducationCount:
    """Applicants of one nationality educated in one country, and their outcome."""

    nationality: str  # country code, "" when not stated
    education_country: str
    applicants: int
    offered: int
    hired: int
    with_position: int


@dataclass(frozen=True)
class ChoiceCount:
    """OFFERS (placements) at one place of the applicant's list, and those accepted."""

    kind: str  # match run kind
    choice: int | None
    offers: int
    accepted: int


@dataclass(frozen=True)
class CoupleCount:
    first_offered: bool
    second_offered: bool
    couples: int


@dataclass(frozen=True)
class MunicipalPartRow:
    """The municipal part of positions: one municipality, or an area of several."""

    name: str
    is_area: bool
    county: str
    municipalities: int
    advertisements: int
    seats: int
    offered: int  # people offered one of its positions
    hired: int  # people hired in one of its positions


@dataclass(frozen=True)
class MatchRunRow:
    """A published run (or all direct offers together) and what came of its OFFERS."""

    kind: str
    published_at: dt.datetime | None
    applicants_in_match: int
    seats_in_match: int
    offers: int
    accepted: int
    declined: int
    expired: int
    runs: int = 1  # the direct offers' row holds them all (each is a run of one offer)
    last_published_at: dt.datetime | None = None  # the group's last run, if several


@dataclass(frozen=True)
class FollowUpCounts:
    """What happened to seats after the main match: extra seats, accepted positions given up,
    and vacant seats offered directly from the ranked lists (each offer a recorded run)."""

    extra_seats: int = 0
    withdrawn_before_start: int = 0
    left_after_start: int = 0
    direct_offers: int = 0
    direct_accepted: int = 0
    direct_open: int = 0
    vacant_seats: int = 0


# Where a row of the series comes from.
SOURCE_LIVE = "live"  # a round in this system's database
SOURCE_PUBLISHED = "published"  # a past round's published figures (lis1.reports.history)


@dataclass(frozen=True)
class SeriesRow:
    """One round of the series over rounds. A published round has only the figures its
    source gives (None: not published); a live round has every count."""

    slug: str
    name: str
    season: str
    year: int
    seats: int | None
    applicants: int | None
    offered: int | None  # people offered a position
    accepted: int | None
    hired: int | None = None
    hired_share: float | None = None  # as published; None: hired / applicants
    without_position: int | None = None  # as published; None: applicants - hired
    source: str = SOURCE_LIVE
    reference: str = ""  # the published source of a published round


@dataclass
class ReportInput:
    """Everything one round's report is built from."""

    round: RoundInfo
    data_as_of: dt.datetime
    counts: HeadlineCounts
    previous_round: RoundInfo | None = None
    previous_counts: HeadlineCounts | None = None
    positions: list[PositionRow] = field(default_factory=list)
    applicants_by_region: dict[str, int] = field(default_factory=dict)
    applicants_by_trust: dict[str, int] = field(default_factory=dict)
    # People offered / hired in a position of the region or trust (a person can be in two).
    offered_by_region: dict[str, int] = field(default_factory=dict)
    offered_by_trust: dict[str, int] = field(default_factory=dict)
    hired_by_region: dict[str, int] = field(default_factory=dict)
    hired_by_trust: dict[str, int] = field(default_factory=dict)
    by_nationality: list[GroupCount] = field(default_factory=list)
    by_education_country: list[GroupCount] = field(default_factory=list)
    by_education_year: list[GroupCount] = field(default_factory=list)
    by_gender: list[GroupCount] = field(default_factory=list)
    by_birth_date: list[GroupCount] = field(default_factory=list)
    by_earlier_rounds: list[GroupCount] = field(default_factory=list)  # key: rounds (int)
    by_nationality_education: list[NationalityEducationCount] = field(default_factory=list)
    choices: list[ChoiceCount] = field(default_factory=list)
    couples: list[CoupleCount] = field(default_factory=list)
    municipalities_taking_part: int = 0
    municipal_parts: list[MunicipalPartRow] = field(default_factory=list)
    runs: list[MatchRunRow] = field(default_factory=list)
    follow_up: FollowUpCounts = field(default_factory=FollowUpCounts)
    series: list[SeriesRow] = field(default_factory=list)
