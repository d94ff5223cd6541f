"""Municipal placement within an area by random serial dictatorship (format ``lis1-rsd/1``).

The order is ``random.Random(seed).shuffle`` applied to the sorted doctor ids, so it depends
only on the seed and the set of doctors. Each doctor in turn gets the best municipality on
its list that still has a free place; a doctor whose listed places are all taken gets none.

Input: ``{"format": "lis1-rsd/1", "seed": 7, "places": {"M1": 2, ...},
"doctors": [{"id": "A1", "ranking": ["M1", "M2"]}]}``. Result: ``{"format":
"lis1-rsd-result/1", "order": [...], "assignment": {"A1": "M1"}, "unassigned": [...sorted],
"input_sha256": ..., "engine": ...}``; ``input_sha256`` is defined as for ``lis1-match/1``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lis1.matching.instance import (
    RSD_FORMAT,
    InstanceError,
    check_format,
    check_id,
    check_keys,
    check_seed,
    input_sha256,
    is_int,
    quote,
)
from lis1.matching.result import ENGINE_VERSION

RSD_RESULT_FORMAT = "lis1-rsd-result/1"


@dataclass(frozen=True, slots=True)
class RsdInstance:
    """A validated municipal-placement instance."""

    seed: int
    places: Mapping[str, int]
    rankings: Mapping[str, tuple[str, ...]]  # doctor id -> municipalities, best first
    input_sha256: str


@dataclass(frozen=True, slots=True)
class RsdResult:
    """The serial order used and who got which municipality."""

    order: tuple[str, ...]
    assignment: Mapping[str, str]
    unassigned: tuple[str, ...]  # sorted


def random_serial_dictatorship(
    places: Mapping[str, int], rankings: Mapping[str, Sequence[str]], *, seed: int
) -> RsdResult:
    """Place doctors one by one, in an order drawn from ``seed``, in their best free place."""
    order = sorted(rankings)
    random.Random(seed).shuffle(order)
    free = dict(places)
    assignment: dict[str, str] = {}
    for doctor in order:
        for municipality in rankings[doctor]:
            if free.get(municipality, 0) > 0:
                free[municipality] -= 1
                assignment[doctor] = municipality
                break
    unassigned = tuple(sorted(d for d in rankings if d not in assignment))
    return RsdResult(tuple(order), dict(sorted(assignment.items())), unassigned)


def parse_rsd_instance(obj: Any) -> RsdInstance:
    """Validate a decoded ``lis1-rsd/1`` document."""
    check_format(obj, RSD_FORMAT)
    check_keys(
        obj,
        {"format", "seed", "places", "doctors", "meta"},
        {"format", "seed", "places", "doctors"},
        "the instance",
    )
    seed = check_seed(obj)
    digest = input_sha256(obj)
    places = obj["places"]
    if not isinstance(places, dict):
        raise InstanceError('"places" must be an object of municipality id -> places')
    for mid, n in places.items():
        check_id(mid, "municipality")
        if not is_int(n) or n < 0:
            raise InstanceError(
                f"municipality {quote(mid)} places must be a non-negative integer, not {quote(n)}"
            )
    doctors = obj["doctors"]
    if not isinstance(doctors, list):
        raise InstanceError('"doctors" must be a list')
    rankings: dict[str, tuple[str, ...]] = {}
    for entry in doctors:
        if not isinstance(entry, dict):
            raise InstanceError(f'every entry of "doctors" must be an object, not {quote(entry)}')
        did = check_id(entry.get("id"), "doctor")
        what = f"doctor {quote(did)}"
        check_keys(entry, {"id", "ranking"}, {"id", "ranking"}, what)
        if did in rankings:
            raise InstanceError(f"{what} appears twice")
        ranking = entry["ranking"]
        if not isinstance(ranking, list):
            raise InstanceError(f"{what} ranking must be a list")
        seen: set[str] = set()
        for mid in ranking:
            if not isinstance(mid, str) or mid not in places:
                raise InstanceError(f"{what} ranks unknown municipality {quote(mid)}")
            if mid in seen:
                raise InstanceError(f"{what} ranking lists municipality {quote(mid)} twice")
            seen.add(mid)
        rankings[did] = tuple(ranking)
    return RsdInstance(seed, dict(places), rankings, digest)


def solve_rsd(instance: RsdInstance) -> RsdResult:
    return random_serial_dictatorship(instance.places, instance.rankings, seed=instance.seed)


def rsd_result_json(instance: RsdInstance, result: RsdResult) -> dict[str, Any]:
    return {
        "format": RSD_RESULT_FORMAT,
        "order": list(result.order),
        "assignment": dict(result.assignment),
        "unassigned": list(result.unassigned),
        "input_sha256": instance.input_sha256,
        "engine": ENGINE_VERSION,
    }
