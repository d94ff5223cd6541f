"""The municipal placement's draw: a lis1-rsd/1 document in, the engine's random serial
dictatorship (lis1.matching.rsd) run on it, what to record and apply out.

lis1.rounds is the one layer that drives the matching engine: the municipalities app builds
the document from its own rows and writes the outcome, and calls this in between."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lis1.matching.instance import canonical_json_bytes
from lis1.matching.rsd import parse_rsd_instance, rsd_result_json, solve_rsd


@dataclass(frozen=True, slots=True)
class MunicipalDraw:
    """One solved draw: the recorded input and result, and who got which municipality."""

    instance_json: str  # the canonical document the input hash is computed over
    input_sha256: str
    result_json: str
    engine_version: str
    order: tuple[str, ...]  # doctor ids in the drawn serial order
    assignment: Mapping[str, str]  # doctor id -> municipality id, for those placed


def municipal_draw(document: Mapping[str, Any]) -> MunicipalDraw:
    """Solve a lis1-rsd/1 document with its own seed; the same document gives the same draw."""
    canonical = canonical_json_bytes(document)
    instance = parse_rsd_instance(json.loads(canonical))
    result = solve_rsd(instance)
    result_doc = rsd_result_json(instance, result)
    return MunicipalDraw(
        instance_json=canonical.decode(),
        input_sha256=instance.input_sha256,
        result_json=json.dumps(result_doc, sort_keys=True),
        engine_version=str(result_doc["engine"]),
        order=result.order,
        assignment=result.assignment,
    )
