"""Who applies where, both sides' rankings and the couples' joint lists, in plain Python.

Applicants draw advertisements without replacement with weights: the employer's popularity
(big-city university hospitals first), the advertisement's size, its own appeal, and a
preference for the home region; part-only advertisements only for those who need that
part. The order of the draw is the applicant's ranking. Employers rank 60–80 % of their
applicants by the latent score plus an interview impression; the rest are not acceptable.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from lis1.rounds.demo.people import ApplicantPlan
from lis1.rounds.demo.positions import AdPlan
from lis1.rounds.enums import PositionKind

HOME_REGION_FACTOR = 2.5
PART_ONLY_FACTOR = 3.0


def _ad_weights(
    ads: Sequence[AdPlan], appeal: Sequence[float], region: str, need: str
) -> list[float]:
    weights = []
    for ad, extra in zip(ads, appeal, strict=True):
        if ad.kind == PositionKind.FULL:
            factor = 1.0
        elif (ad.kind == PositionKind.HOSPITAL_ONLY and need == "hospital") or (
            ad.kind == PositionKind.MUNICIPALITY_ONLY and need == "municipality"
        ):
            factor = PART_ONLY_FACTOR
        else:
            factor = 0.0
        if ad.employer.region == region:
            factor *= HOME_REGION_FACTOR
        weights.append(ad.employer.popularity * ad.seats**0.6 * extra * factor)
    return weights


class _Sampler:
    """Weighted draws without replacement from one weight vector; the order drawn is the
    order of preference."""

    def __init__(self, weights: list[float]) -> None:
        self.weights = weights
        self.eligible = [i for i, w in enumerate(weights) if w > 0]
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random, k: int) -> list[int]:
        k = min(k, len(self.eligible))
        if len(self.eligible) <= 200 or 3 * k > len(self.eligible):
            # Efraimidis–Spirakis: sort by u ** (1 / w); exact for small lists.
            keys = sorted(
                ((rng.random() ** (1 / self.weights[i]), i) for i in self.eligible), reverse=True
            )
            return [i for _, i in keys[:k]]
        # Large lists: repeated draws, skipping repeats (cheap when k is much smaller).
        chosen: list[int] = []
        seen: set[int] = set()
        total = self.cumulative[-1]
        last = len(self.cumulative) - 1
        while len(chosen) < k:
            i = min(bisect.bisect(self.cumulative, rng.random() * total), last)
            if i not in seen and self.weights[i] > 0:
                seen.add(i)
                chosen.append(i)
        return chosen


def plan_applications(
    *, rng: random.Random, applicants: Sequence[ApplicantPlan], ads: Sequence[AdPlan]
) -> list[list[int]]:
    """Per applicant, the advertisements applied to, most wanted first."""
    appeal = [rng.lognormvariate(0, 0.25) for _ in ads]
    samplers: dict[tuple[str, str], _Sampler] = {}
    lists = []
    for applicant in applicants:
        key = (applicant.home_region, applicant.need)
        if key not in samplers:
            samplers[key] = _Sampler(_ad_weights(ads, appeal, *key))
        lists.append(samplers[key].draw(rng, applicant.wanted_applications))
    return lists


def plan_employer_rankings(
    *,
    rng: random.Random,
    applicants: Sequence[ApplicantPlan],
    applied: Sequence[list[int]],
    ad_count: int,
) -> list[list[int]]:
    """Per advertisement, the applicants it ranks (best first); the rest are not acceptable."""
    by_ad: list[list[int]] = [[] for _ in range(ad_count)]
    for applicant_index, ad_indices in enumerate(applied):
        for ad_index in ad_indices:
            by_ad[ad_index].append(applicant_index)
    rankings = []
    for candidates in by_ad:
        share = rng.uniform(0.6, 0.8)
        scored = sorted(
            ((applicants[i].score + rng.gauss(0, 0.6), i) for i in candidates), reverse=True
        )
        keep = math.ceil(share * len(scored))
        rankings.append([i for _, i in scored[:keep]])
    return rankings


@dataclass(frozen=True)
class CouplePlan:
    first: int
    second: int
    # Pairs of advertisement indices (None: that member stays without a position).
    pairs: tuple[tuple[int | None, int | None], ...]


def pick_couples(
    *,
    rng: random.Random,
    applicants: Sequence[ApplicantPlan],
    count: int,
    fixed_first: int | None,
    excluded: set[int],
) -> list[tuple[int, int]]:
    """`count` couples of applicants who need the whole position; `fixed_first` (a demo
    log-in) is in the first one. Partners share the first member's home region."""
    pool = sorted(
        a.index
        for a in applicants
        if a.need == "full" and a.index not in excluded and a.index != fixed_first
    )
    members = rng.sample(pool, min(len(pool), 2 * count))
    pairs = []
    if fixed_first is not None and members:
        pairs.append((fixed_first, members.pop()))
    while len(pairs) < count and len(members) >= 2:
        pairs.append((members.pop(), members.pop()))
    for first, second in pairs:
        applicants[second].home_region = applicants[first].home_region
    return pairs


def plan_couple_lists(
    *,
    rng: random.Random,
    couples: Sequence[tuple[int, int]],
    applied: Sequence[list[int]],
    ads: Sequence[AdPlan],
) -> list[CouplePlan]:
    """Joint lists: pairs from the two members' applications, the same employer (town) first,
    then the same region, then anything; a few pairs with one side empty at the end."""
    plans = []
    for first, second in couples:
        rank_a = {ad: r for r, ad in enumerate(applied[first])}
        rank_b = {ad: r for r, ad in enumerate(applied[second])}
        candidates = []
        for a, b in itertools.product(applied[first], applied[second]):
            if a == b and ads[a].seats < 2:
                continue
            if ads[a].employer.code == ads[b].employer.code:
                penalty = 0
            elif ads[a].employer.region == ads[b].employer.region:
                penalty = 4
            else:
                penalty = 15
            candidates.append((rank_a[a] + rank_b[b] + penalty + rng.random(), a, b))
        candidates.sort()
        length = rng.randint(12, 25)
        pairs: list[tuple[int | None, int | None]] = [(a, b) for _, a, b in candidates[:length]]
        pairs.append((applied[first][0], None))
        if rng.random() < 0.5:
            pairs.append((None, applied[second][0]))
        plans.append(CouplePlan(first=first, second=second, pairs=tuple(pairs)))
    return plans
