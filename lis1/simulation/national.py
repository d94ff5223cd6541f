"""A national market from published figures alone: 21 trusts in the four regional health
authorities with 31 advertisements, seats and applicants as given, and the queue of earlier
rounds implied by the hired share. Used when the database holds no round to start from, and by
the tests and benchmarks.

The trusts' relative sizes and popularity are rough (university hospitals larger and more
sought after, Helse Nord least); they are assumptions, stated as such where they are shown.
"""

from __future__ import annotations

from lis1.simulation.market import apportion
from lis1.simulation.model import GROUPS, Cohort, MarketSnapshot, Program

RURAL_REGION = "Helse Nord"
"""Rural fill is counted on the positions of this region (the sparsest, hardest to fill)."""

# (trust, region, relative size, popularity, advertisements)
TRUSTS: tuple[tuple[str, str, float, float, int], ...] = (
    ("Oslo universitetssykehus", "Helse Sør-Øst", 3.0, 2.0, 2),
    ("Akershus universitetssykehus", "Helse Sør-Øst", 2.0, 1.6, 2),
    ("Sykehuset Innlandet", "Helse Sør-Øst", 2.4, 1.0, 2),
    ("Vestre Viken", "Helse Sør-Øst", 2.0, 1.3, 2),
    ("Sykehuset Østfold", "Helse Sør-Øst", 1.4, 1.1, 1),
    ("Sykehuset i Vestfold", "Helse Sør-Øst", 1.2, 1.2, 1),
    ("Sykehuset Telemark", "Helse Sør-Øst", 1.0, 0.9, 1),
    ("Sørlandet sykehus", "Helse Sør-Øst", 1.4, 1.0, 2),
    ("Lovisenberg Diakonale Sykehus", "Helse Sør-Øst", 0.6, 1.5, 1),
    ("Diakonhjemmet Sykehus", "Helse Sør-Øst", 0.6, 1.5, 1),
    ("Helse Bergen", "Helse Vest", 2.4, 1.7, 2),
    ("Helse Stavanger", "Helse Vest", 1.6, 1.4, 2),
    ("Helse Fonna", "Helse Vest", 1.0, 0.9, 1),
    ("Helse Førde", "Helse Vest", 0.9, 0.7, 1),
    ("Haraldsplass Diakonale Sykehus", "Helse Vest", 0.5, 1.3, 1),
    ("St. Olavs hospital", "Helse Midt-Norge", 2.2, 1.6, 2),
    ("Helse Møre og Romsdal", "Helse Midt-Norge", 1.5, 0.8, 2),
    ("Helse Nord-Trøndelag", "Helse Midt-Norge", 0.9, 0.8, 1),
    ("Universitetssykehuset Nord-Norge", "Helse Nord", 1.8, 0.8, 2),
    ("Nordlandssykehuset", "Helse Nord", 1.6, 0.6, 1),
    ("Helgelandssykehuset", "Helse Nord", 0.8, 0.5, 1),
)


def national_programs(positions: int) -> tuple[Program, ...]:
    ads = [(t, r, size / n, pop) for t, r, size, pop, n in TRUSTS for _ in range(n)]
    seats = apportion(positions, [size for _, _, size, _ in ads])
    return tuple(
        Program(
            id=f"ad-{i + 1:02d}",
            trust=trust,
            region=region,
            seats=seats[i],
            popularity=popularity,
            rural=region == RURAL_REGION,
        )
        for i, (trust, region, _, popularity) in enumerate(ads)
    )


def national_cohorts(
    applicants: int,
    group_mix: dict[str, float],
    hired_share: float = 0.48,
    reapply: float = 0.8,
) -> tuple[Cohort, ...]:
    """Applicants split by group, and by earlier rounds as a steady queue would hold them: a
    doctor without a position (share ``1 - hired_share``) applies again with ``reapply``."""
    stay = max(0.0, min(1.0, (1 - hired_share) * reapply))
    weights = [stay**k for k in range(6)]
    cohorts = []
    for group, count in zip(
        GROUPS, apportion(applicants, [group_mix[g] for g in GROUPS]), strict=True
    ):
        for k, n in enumerate(apportion(count, weights)):
            if n:
                cohorts.append(Cohort(group=group, earlier_rounds=k, count=n))
    return tuple(cohorts)


def national_snapshot(
    *,
    season: str = "spring",
    year: int = 2024,
    positions: int = 593,
    applicants: int = 1190,
    group_mix: dict[str, float] | None = None,
    hired_share: float = 0.48,
    list_length: float = 17.0,
) -> MarketSnapshot:
    """A national round as published: by default spring 2024, 593 positions, ~1,190 applicants."""
    mix = group_mix or {"norway": 0.35, "eea": 0.40, "outside": 0.25}
    return MarketSnapshot(
        season=season,
        year=year,
        programs=national_programs(positions),
        cohorts=national_cohorts(applicants, mix, hired_share),
        list_length=list_length,
    )
