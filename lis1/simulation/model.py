"""The policy lab's inputs as frozen dataclasses: the market, the assumptions, the scenario.

Pure Python: the Django side (``lis1.simulation_data``) fills them from the database or from
the published figures; tests and benchmarks build them by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

NORWAY = "norway"
EEA = "eea"
OUTSIDE = "outside"
GROUPS = (NORWAY, EEA, OUTSIDE)
"""Education groups: educated in Norway, in another EU/EEA country, outside the EU/EEA."""

SEASONS = ("spring", "autumn")
MAX_EARLIER = 5
"""Re-apply probabilities and the queue are kept by earlier rounds 0..4 and 5 or more."""

FULL_POSITION_MONTHS = 18


def gettext_noop(message: str) -> str:
    """Marks a message for lis1's catalogues (the pages translate it; ``make messages``
    collects it); pure code cannot import Django."""
    return message


class ScenarioError(ValueError):
    """A snapshot, assumption or scenario value is out of range; one line naming it.

    ``str(error)`` is the English line (the command line prints it). ``message`` is the same
    line as a marked template with ``%(…)s`` placeholders filled from ``params``, so that the
    pages can translate it; ``field`` is the parameter or assumption it is about, when one is.
    """

    def __init__(self, message: str, /, *, field: str | None = None, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params
        self.field = field


def field_error(name: str, message: str, **params: object) -> ScenarioError:
    """An error about the parameter or assumption ``name``: attached to its field on the
    form, and named by ``%(name)s`` in ``message``."""
    return ScenarioError(message, field=name, name=name, **params)


def check_range(name: str, value: float, low: float, high: float) -> None:
    """Refuse ``value`` outside ``low``..``high``, naming ``name`` and the bounds."""
    if not low <= value <= high:
        raise field_error(
            name,
            gettext_noop("%(name)s must be from %(low)s to %(high)s, not %(value)s."),
            low=low,
            high=high,
            value=value,
        )


@dataclass(frozen=True)
class Program:
    """A group of identical positions in the simulated market (one employer's advert)."""

    id: str
    trust: str
    region: str
    seats: int
    popularity: float = 1.0  # relative share of applications it receives
    rural: bool = False


@dataclass(frozen=True)
class Cohort:
    """Applicants of one education group who have applied in ``earlier_rounds`` rounds before."""

    group: str
    earlier_rounds: int
    count: int


@dataclass(frozen=True)
class MarketSnapshot:
    """One round's market: who applies, which seats there are, how the lists look."""

    season: str
    year: int
    programs: tuple[Program, ...]
    cohorts: tuple[Cohort, ...]
    list_length: float = 17.0  # mean programs an applicant ranks (applications per applicant)
    ranked_share: float = 1.0  # share of its applicants an employer ranks (acceptable)
    one_part_share: float = 0.04  # applicants who lack only one part (hospital or municipality)
    long_foreign_share: float = 0.15  # of those educated abroad: educated 5+ years ago

    @property
    def seats(self) -> int:
        return sum(p.seats for p in self.programs)

    @property
    def applicants(self) -> int:
        return sum(c.count for c in self.cohorts)

    def validate(self) -> None:
        if self.season not in SEASONS:
            raise ScenarioError(
                gettext_noop("The season must be spring or autumn, not %(season)s."),
                season=repr(self.season),
            )
        if not self.programs:
            raise ScenarioError(gettext_noop("The round has no positions to simulate."))
        ids = [p.id for p in self.programs]
        if len(set(ids)) != len(ids):
            raise ScenarioError(gettext_noop("The market's program ids must be unique."))
        for p in self.programs:
            if p.seats < 0 or p.popularity <= 0:
                raise ScenarioError(
                    gettext_noop(
                        "Program %(program)s needs 0 or more seats and a popularity above 0."
                    ),
                    program=repr(p.id),
                )
        for c in self.cohorts:
            if c.group not in GROUPS or c.earlier_rounds < 0 or c.count < 0:
                raise ScenarioError(
                    gettext_noop("A cohort of applicants is not valid: %(cohort)s."), cohort=repr(c)
                )
        if self.list_length < 1:
            raise field_error("list_length", gettext_noop("%(name)s must be at least 1."))
        for name in ("ranked_share", "one_part_share", "long_foreign_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise field_error(name, gettext_noop("%(name)s must be a share from 0 to 1."))


def _default_reapply() -> dict[str, tuple[float, ...]]:
    # Doctors educated in Norway give up less often (they have the fewest alternatives
    # abroad); everyone gives up more the longer they have waited.
    return {
        NORWAY: (0.90, 0.85, 0.80, 0.75, 0.70, 0.60),
        EEA: (0.85, 0.80, 0.75, 0.70, 0.65, 0.55),
        OUTSIDE: (0.85, 0.80, 0.75, 0.70, 0.65, 0.55),
    }


@dataclass(frozen=True)
class Assumptions:
    """What the projection assumes about the future; each is shown to the user with a source."""

    new_graduates: Mapping[str, int] = field(
        default_factory=lambda: {"spring": 850, "autumn": 420}
    )  # new applicants per round by season
    group_mix: Mapping[str, float] = field(
        default_factory=lambda: {NORWAY: 0.35, EEA: 0.40, OUTSIDE: 0.25}
    )  # education groups of the new applicants
    reapply: Mapping[str, tuple[float, ...]] = field(default_factory=_default_reapply)
    # probability that a doctor without a position applies again, by group and earlier
    # rounds 0..5+ (index MAX_EARLIER is "5 or more")
    group_advantage: Mapping[str, float] = field(
        default_factory=lambda: {NORWAY: 0.8, EEA: 0.4, OUTSIDE: 0.0}
    )  # employers' mean score by group (sd of a doctor's own score is 1)
    employer_noise: float = 0.5  # sd of each employer's own view of a doctor
    withdrawal_rate: float = 0.04  # share of the placed who withdraw before the start

    def validate(self) -> None:
        for season in SEASONS:
            if int(self.new_graduates.get(season, -1)) < 0:
                raise field_error(
                    f"new_graduates_{season}", gettext_noop("%(name)s must be 0 or more.")
                )
        if set(self.group_mix) != set(GROUPS) or any(v < 0 for v in self.group_mix.values()):
            raise ScenarioError(
                gettext_noop("Every education group needs a share of 0 or more of new applicants.")
            )
        if sum(self.group_mix.values()) <= 0:
            raise ScenarioError(
                gettext_noop("The shares of new applicants by education group must not all be 0.")
            )
        for group in GROUPS:
            probs = self.reapply.get(group)
            if probs is None or len(probs) != MAX_EARLIER + 1:
                raise field_error(
                    f"reapply_{group}",
                    gettext_noop("%(name)s must be %(count)s probabilities (0 to 5+ rounds)."),
                    count=MAX_EARLIER + 1,
                )
            if any(not 0 <= p <= 1 for p in probs):
                raise field_error(
                    f"reapply_{group}", gettext_noop("%(name)s must be probabilities from 0 to 1.")
                )
            if group not in self.group_advantage:
                raise field_error(f"advantage_{group}", gettext_noop("%(name)s needs a value."))
        if self.employer_noise < 0:
            raise field_error("employer_noise", gettext_noop("%(name)s must be 0 or more."))
        if not 0 <= self.withdrawal_rate < 1:
            raise field_error(
                "withdrawal_rate", gettext_noop("%(name)s must be a share from 0 to below 1.")
            )


@dataclass(frozen=True)
class Scenario:
    """A policy to try against the baseline (the default Scenario() is the baseline)."""

    extra_seats: int = 0  # per round, spread over all programs by their seats
    extra_seats_by_region: Mapping[str, int] = field(default_factory=dict)
    extra_seats_by_trust: Mapping[str, int] = field(default_factory=dict)
    # Proposal 2: a doctor who lacks only one part is offered that part alone. Seats are
    # converted at this many months each (0: off), so an 18-month seat gives 18 / months.
    part_only_months: int = 0
    # Proposals 1 and 5: seats vacated after the match are filled from the same lists.
    fill_from_last_lists: bool = False
    # Proposal 7: this share of every program's seats is a separate track for doctors with
    # long foreign experience (educated abroad 5+ years before).
    foreign_track_share: float = 0.0

    def validate(self, snapshot: MarketSnapshot) -> None:
        if self.extra_seats < 0:
            raise field_error("extra_seats", gettext_noop("%(name)s must be 0 or more."))
        regions = {p.region for p in snapshot.programs}
        trusts = {p.trust for p in snapshot.programs}
        for name, seats in self.extra_seats_by_region.items():
            if name not in regions:
                raise ScenarioError(
                    gettext_noop("The round has no positions in the region %(region)s."),
                    field=f"extra_seats_by_region[{name}]",
                    region=name,
                )
            if seats < 0:
                raise ScenarioError(
                    gettext_noop("Extra seats in the region %(region)s must be 0 or more."),
                    field=f"extra_seats_by_region[{name}]",
                    region=name,
                )
        for name, seats in self.extra_seats_by_trust.items():
            if name not in trusts:
                raise ScenarioError(
                    gettext_noop("The round has no positions at the trust %(trust)s."),
                    field=f"extra_seats_by_trust[{name}]",
                    trust=name,
                )
            if seats < 0:
                raise ScenarioError(
                    gettext_noop("Extra seats at the trust %(trust)s must be 0 or more."),
                    field=f"extra_seats_by_trust[{name}]",
                    trust=name,
                )
        if self.part_only_months not in (0, 6, 12):
            raise ScenarioError(
                gettext_noop(
                    "A part-only position is 6 months (the municipality part) or 12 months (the "
                    "hospital part), or 0 when the proposal is off."
                ),
                field="part_only_months",
            )
        if not 0 <= self.foreign_track_share <= 0.5:
            raise ScenarioError(
                gettext_noop(
                    "The share of seats in the foreign-experience track must be from 0 to 0.5."
                ),
                field="foreign_track_share",
            )
