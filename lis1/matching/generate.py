"""Seeded generators of realistic ``lis1-match/1`` documents (benchmarks, demo data, tests).

* :func:`national_instance`: a Norwegian LIS1 round: ~1,200 applicants, 575 seats in 31
  programs, ~17 choices each, with popularity skew (university hospitals are popular);
* :func:`nrmp_instance`: NRMP scale: 45,000 applicants, 6,000 programs, 40,000 seats, mean
  list length 12 and the longest 300, optionally a share of applicants in couples who rank
  pairs of programs in the same city.

Programs rank the applicants who listed them by a common applicant score plus a
program-specific noise, and leave a few out (not acceptable). Same arguments, same document.
"""

from __future__ import annotations

import math
import random
from itertools import accumulate
from typing import Any


def _split(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to ``weights`` summing to ``total`` (largest remainder)."""
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    out = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (out[i] - exact[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def _sample(rng: random.Random, cum: list[float], n_items: int, k: int) -> list[int]:
    """``k`` distinct indices drawn with probability proportional to the weights."""
    k = min(k, n_items)
    chosen: dict[int, None] = {}
    while len(chosen) < k:
        for i in rng.choices(range(n_items), cum_weights=cum, k=2 * (k - len(chosen)) + 4):
            chosen.setdefault(i, None)
            if len(chosen) == k:
                break
    return list(chosen)


def _rank_programs(
    rng: random.Random,
    applied: list[list[str]],
    score: dict[str, float],
    drop: float,
) -> list[list[str]]:
    rankings = []
    for applicants in applied:
        noisy = [(score[a] + rng.gauss(0.0, 0.5), a) for a in applicants if rng.random() >= drop]
        noisy.sort(reverse=True)
        rankings.append([a for _, a in noisy])
    return rankings


def national_instance(seed: int = 1) -> dict[str, Any]:
    """A national LIS1 round: 1,200 applicants, 31 programs, 575 seats, ~17 choices each."""
    rng = random.Random(seed)
    n_programs, n_applicants, seats = 31, 1200, 575
    size = [rng.lognormvariate(0.0, 0.6) for _ in range(n_programs)]
    capacity = _split(seats, size)
    # Big (university) hospitals and the cities are more popular than their size alone.
    popularity = [s**1.5 * rng.lognormvariate(0.0, 0.5) for s in size]
    cum = list(accumulate(popularity))
    pids = [f"P{i + 1:02d}" for i in range(n_programs)]
    aids = [f"A{i + 1:04d}" for i in range(n_applicants)]
    score = {a: rng.gauss(0.0, 1.0) for a in aids}
    applied: list[list[str]] = [[] for _ in range(n_programs)]
    applicants = []
    for a in aids:
        k = max(1, min(n_programs, round(rng.gauss(17.0, 6.0))))
        chosen = _sample(rng, cum, n_programs, k)
        for p in chosen:
            applied[p].append(a)
        applicants.append({"id": a, "ranking": [pids[p] for p in chosen]})
    rankings = _rank_programs(rng, applied, score, drop=0.03)
    programs = [
        {"id": pids[p], "capacity": capacity[p], "ranking": rankings[p]} for p in range(n_programs)
    ]
    return {
        "format": "lis1-match/1",
        "seed": seed,
        "programs": programs,
        "applicants": applicants,
        "couples": [],
    }


def nrmp_instance(
    seed: int = 1,
    *,
    n_applicants: int = 45_000,
    n_programs: int = 6_000,
    seats: int = 40_000,
    mean_list: float = 12.0,
    longest: int = 300,
    couple_share: float = 0.0,
    n_cities: int = 150,
) -> dict[str, Any]:
    """An NRMP-scale instance; ``couple_share`` of the applicants are in couples."""
    rng = random.Random(seed)
    pids = [f"P{i + 1:05d}" for i in range(n_programs)]
    size = [rng.lognormvariate(0.0, 0.7) for _ in range(n_programs)]
    capacity = _split(seats, size)
    popularity = [rng.lognormvariate(0.0, 1.0) for _ in range(n_programs)]
    cum = list(accumulate(popularity))
    city = [rng.randrange(n_cities) for _ in range(n_programs)]
    in_city: list[list[int]] = [[] for _ in range(n_cities)]
    for p in range(n_programs):
        in_city[city[p]].append(p)
    city_cum = [list(accumulate(popularity[p] for p in members)) for members in in_city]
    city_weight = list(accumulate(sum(popularity[p] for p in members) for members in in_city))

    n_couples = int(n_applicants * couple_share) // 2
    n_singles = n_applicants - 2 * n_couples
    aids = [f"A{i + 1:05d}" for i in range(n_applicants)]
    score = {a: rng.gauss(0.0, 1.0) for a in aids}
    applied: list[list[str]] = [[] for _ in range(n_programs)]

    # A lognormal with this mu has mean `mean_list`; clipped to [1, longest].
    sigma = 0.8
    mu = math.log(mean_list) - sigma * sigma / 2
    applicants = []
    for i in range(n_singles):
        a = aids[i]
        k = longest if i == 0 else max(1, min(longest, round(rng.lognormvariate(mu, sigma))))
        chosen = _sample(rng, cum, n_programs, k)
        for p in chosen:
            applied[p].append(a)
        applicants.append({"id": a, "ranking": [pids[p] for p in chosen]})

    couples = []
    for j in range(n_couples):
        a, b = aids[n_singles + 2 * j], aids[n_singles + 2 * j + 1]
        k = max(1, min(longest, round(rng.lognormvariate(mu, sigma))))
        pairs: dict[tuple[int, int], None] = {}
        for _ in range(4 * k):
            if len(pairs) == k:
                break
            c = rng.choices(range(n_cities), cum_weights=city_weight)[0]
            members = in_city[c]
            if not members:
                continue
            p1, p2 = (members[i] for i in rng.choices(range(len(members)), city_cum[c], k=2))
            if rng.random() < 0.05:
                pairs.setdefault((p1, -1), None)  # b would rather not work than be elsewhere
            else:
                pairs.setdefault((p1, p2), None)
        applied_a = {p1 for p1, _ in pairs}
        applied_b = {p2 for _, p2 in pairs if p2 >= 0}
        for p in sorted(applied_a):
            applied[p].append(a)
        for p in sorted(applied_b):
            applied[p].append(b)
        couples.append(
            {
                "id": f"C{j + 1:05d}",
                "members": [a, b],
                "ranking": [[pids[p1], None if p2 < 0 else pids[p2]] for p1, p2 in pairs],
            }
        )

    rankings = _rank_programs(rng, applied, score, drop=0.03)
    programs = [
        {"id": pids[p], "capacity": capacity[p], "ranking": rankings[p]} for p in range(n_programs)
    ]
    return {
        "format": "lis1-match/1",
        "seed": seed,
        "programs": programs,
        "applicants": applicants,
        "couples": couples,
    }
