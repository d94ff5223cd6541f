"""The policy lab's parameters and documents: a scenario's parameters as a plain dict (what a
form or a command line gives) into the model, and the results into the JSON documents
``lis1-scenario/1``, ``lis1-offer-waves/1`` and ``lis1-seats-needed/1``.

Pure. Every bad value raises :class:`~lis1.simulation.model.ScenarioError` (a ``ValueError``)
with a one-line English message naming the parameter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lis1.simulation.model import (
    EEA,
    GROUPS,
    MAX_EARLIER,
    NORWAY,
    OUTSIDE,
    Assumptions,
    MarketSnapshot,
    Scenario,
    ScenarioError,
    check_range,
    field_error,
    gettext_noop,
)
from lis1.simulation.projection import (
    MAX_REPLICATIONS,
    MAX_ROUNDS,
    METRICS,
    Comparison,
    Projection,
    RoundSummary,
    SeatsNeeded,
)

SCENARIO_FORMAT = "lis1-scenario/1"
WAVES_FORMAT = "lis1-offer-waves/1"
SEATS_NEEDED_FORMAT = "lis1-seats-needed/1"

SOURCE_DATABASE = "database"
SOURCE_PUBLISHED = "published"
SOURCE_PUBLISHED_SCALED = "published_scaled"  # national figures in proportion to the round's seats
SOURCE_DEFAULT = "default"
SOURCE_USER = "user"
SOURCES = (
    SOURCE_DATABASE,
    SOURCE_PUBLISHED,
    SOURCE_PUBLISHED_SCALED,
    SOURCE_DEFAULT,
    SOURCE_USER,
)


GROUP_WORDS = {
    NORWAY: gettext_noop("educated in Norway"),
    EEA: gettext_noop("educated in another EU/EEA country"),
    OUTSIDE: gettext_noop("educated outside the EU/EEA"),
}

# name -> (kind, label). kind: "count", "share", "number", "probabilities".
ASSUMPTIONS: dict[str, tuple[str, str]] = {
    "new_graduates_spring": ("count", gettext_noop("New applicants in a spring round")),
    "new_graduates_autumn": ("count", gettext_noop("New applicants in an autumn round")),
    "share_norway": ("share", gettext_noop("Share of new applicants educated in Norway")),
    "share_eea": (
        "share",
        gettext_noop("Share of new applicants educated in another EU/EEA country"),
    ),
    "share_outside": ("share", gettext_noop("Share of new applicants educated outside the EU/EEA")),
    "reapply_norway": (
        "probabilities",
        gettext_noop(
            "Probability that a doctor educated in Norway without a position applies again, "
            "after 0, 1, 2, 3, 4 and 5 or more earlier rounds"
        ),
    ),
    "reapply_eea": (
        "probabilities",
        gettext_noop(
            "Probability that a doctor educated in another EU/EEA country without a position "
            "applies again, after 0, 1, 2, 3, 4 and 5 or more earlier rounds"
        ),
    ),
    "reapply_outside": (
        "probabilities",
        gettext_noop(
            "Probability that a doctor educated outside the EU/EEA without a position applies "
            "again, after 0, 1, 2, 3, 4 and 5 or more earlier rounds"
        ),
    ),
    "advantage_norway": (
        "number",
        gettext_noop("Employers' mean score of doctors educated in Norway (spread of doctors 1)"),
    ),
    "advantage_eea": (
        "number",
        gettext_noop(
            "Employers' mean score of doctors educated in another EU/EEA country "
            "(spread of doctors 1)"
        ),
    ),
    "advantage_outside": (
        "number",
        gettext_noop(
            "Employers' mean score of doctors educated outside the EU/EEA (spread of doctors 1)"
        ),
    ),
    "employer_noise": ("number", gettext_noop("Spread of each employer's own view of a doctor")),
    "withdrawal_rate": (
        "share",
        gettext_noop("Share of placed doctors who withdraw before the start"),
    ),
    "list_length": (
        "number",
        gettext_noop("Positions each applicant ranks (applications per applicant)"),
    ),
    "ranked_share": ("share", gettext_noop("Share of its applicants an employer ranks")),
    "one_part_share": (
        "share",
        gettext_noop("Share of applicants who lack only one part (hospital or municipality)"),
    ),
    "long_foreign_share": (
        "share",
        gettext_noop(
            "Share of doctors educated abroad who were educated 5 or more years before the round"
        ),
    ),
}


@dataclass(frozen=True)
class Inputs:
    """What a projection needs, with the source of every assumption."""

    snapshot: MarketSnapshot
    assumptions: Assumptions
    sources: Mapping[str, str]  # assumption name -> SOURCES


def assumption_values(inputs: Inputs) -> dict[str, Any]:
    a, s = inputs.assumptions, inputs.snapshot
    values: dict[str, Any] = {
        "new_graduates_spring": int(a.new_graduates["spring"]),
        "new_graduates_autumn": int(a.new_graduates["autumn"]),
        "employer_noise": a.employer_noise,
        "withdrawal_rate": a.withdrawal_rate,
        "list_length": s.list_length,
        "ranked_share": s.ranked_share,
        "one_part_share": s.one_part_share,
        "long_foreign_share": s.long_foreign_share,
    }
    for g in GROUPS:
        values[f"share_{g}"] = round(float(a.group_mix[g]), 4)
        values[f"reapply_{g}"] = [round(float(p), 4) for p in a.reapply[g]]
        values[f"advantage_{g}"] = float(a.group_advantage[g])
    return values


def assumptions_table(inputs: Inputs) -> dict[str, dict[str, Any]]:
    values = assumption_values(inputs)
    return {
        name: {
            "value": values[name],
            "source": inputs.sources.get(name, SOURCE_DEFAULT),
            "label": label,
        }
        for name, (_, label) in ASSUMPTIONS.items()
    }


def _number(name: str, value: Any) -> float:
    not_a_number = gettext_noop("%(name)s must be a number, not %(value)s.")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise field_error(name, not_a_number, value=repr(value))
    try:
        number = float(value)
    except ValueError:
        raise field_error(name, not_a_number, value=repr(value)) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise field_error(name, gettext_noop("%(name)s must be a finite number."))
    return number


def _integer(name: str, value: Any, low: int, high: int) -> int:
    number = _number(name, value)
    if number != int(number):
        raise field_error(
            name, gettext_noop("%(name)s must be a whole number, not %(value)s."), value=repr(value)
        )
    check_range(name, int(number), low, high)
    return int(number)


def _share(name: str, value: Any) -> float:
    number = _number(name, value)
    if not 0 <= number <= 1:
        raise field_error(
            name, gettext_noop("%(name)s must be a share from 0 to 1, not %(value)s."), value=number
        )
    return number


def _probabilities(name: str, value: Any) -> tuple[float, ...]:
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    if not isinstance(value, list | tuple) or len(value) != MAX_EARLIER + 1:
        raise field_error(
            name,
            gettext_noop("%(name)s must be %(count)s probabilities (0 to 5+ rounds)."),
            count=MAX_EARLIER + 1,
        )
    return tuple(_share(name, v) for v in value)


def with_assumptions(inputs: Inputs, changes: Mapping[str, Any]) -> Inputs:
    """``inputs`` with the named assumptions changed; a changed one's source becomes "user"."""
    if not isinstance(changes, Mapping):
        raise ScenarioError(gettext_noop("The assumptions must be an object of name: value."))
    values = assumption_values(inputs)
    sources = dict(inputs.sources)
    for name, raw in changes.items():
        if name not in ASSUMPTIONS:
            raise ScenarioError(
                gettext_noop("There is no assumption called %(assumption)s."), assumption=repr(name)
            )
        value = raw["value"] if isinstance(raw, Mapping) and "value" in raw else raw
        kind = ASSUMPTIONS[name][0]
        if kind == "count":
            parsed: Any = _integer(name, value, 0, 100_000)
        elif kind == "share":
            parsed = _share(name, value)
        elif kind == "probabilities":
            parsed = list(_probabilities(name, value))
        else:
            parsed = _number(name, value)
            if name in ("employer_noise", "list_length") and parsed < 0:
                raise field_error(name, gettext_noop("%(name)s must be 0 or more."))
            check_range(name, parsed, -1000, 1000)
        if parsed != values[name]:
            values[name] = parsed
            sources[name] = SOURCE_USER
    assumptions = Assumptions(
        new_graduates={
            "spring": values["new_graduates_spring"],
            "autumn": values["new_graduates_autumn"],
        },
        group_mix={g: values[f"share_{g}"] for g in GROUPS},
        reapply={g: tuple(values[f"reapply_{g}"]) for g in GROUPS},
        group_advantage={g: values[f"advantage_{g}"] for g in GROUPS},
        employer_noise=values["employer_noise"],
        withdrawal_rate=values["withdrawal_rate"],
    )
    snapshot = dataclasses.replace(
        inputs.snapshot,
        list_length=values["list_length"],
        ranked_share=values["ranked_share"],
        one_part_share=values["one_part_share"],
        long_foreign_share=values["long_foreign_share"],
    )
    assumptions.validate()
    snapshot.validate()
    return Inputs(snapshot=snapshot, assumptions=assumptions, sources=sources)


@dataclass(frozen=True)
class Run:
    """Parsed parameters of one scenario run."""

    scenario: Scenario
    rounds: int
    replications: int
    seed: int


PARAMETER_KEYS = (
    "rounds",
    "replications",
    "seed",
    "extra_seats",
    "extra_seats_by_region",
    "extra_seats_by_trust",
    "part_only_months",
    "fill_from_last_lists",
    "foreign_track_share",
    "assumptions",
)


def defaults_document(inputs: Inputs) -> dict[str, Any]:
    return {
        "rounds": 10,
        "replications": 200,
        "seed": 1,
        "extra_seats": 0,
        "extra_seats_by_region": {},
        "extra_seats_by_trust": {},
        "part_only_months": 0,
        "fill_from_last_lists": False,
        "foreign_track_share": 0.0,
        "assumptions": assumptions_table(inputs),
    }


def _seats_by(name: str, value: Any) -> dict[str, int]:
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise field_error(name, gettext_noop("%(name)s must be an object of name: seats."))
    return {str(k): _integer(f"{name}[{k}]", v, 0, 10_000) for k, v in value.items()}


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1, "0", "1", "true", "false", "on", "off", ""):
        return value in (1, "1", "true", "on")
    raise field_error(
        name, gettext_noop("%(name)s must be true or false, not %(value)s."), value=repr(value)
    )


def parse_run(params: Mapping[str, Any], snapshot: MarketSnapshot) -> Run:
    if not isinstance(params, Mapping):
        raise ScenarioError(gettext_noop("The parameters must be an object."))
    unknown = sorted(set(params) - set(PARAMETER_KEYS))
    if unknown:
        raise ScenarioError(
            gettext_noop("There is no parameter called %(parameter)s."), parameter=repr(unknown[0])
        )
    scenario = Scenario(
        extra_seats=_integer("extra_seats", params.get("extra_seats", 0), 0, 10_000),
        extra_seats_by_region=_seats_by(
            "extra_seats_by_region", params.get("extra_seats_by_region")
        ),
        extra_seats_by_trust=_seats_by("extra_seats_by_trust", params.get("extra_seats_by_trust")),
        part_only_months=_integer("part_only_months", params.get("part_only_months", 0), 0, 12),
        fill_from_last_lists=_flag(
            "fill_from_last_lists", params.get("fill_from_last_lists", False)
        ),
        foreign_track_share=_share("foreign_track_share", params.get("foreign_track_share", 0.0)),
    )
    scenario.validate(snapshot)
    return Run(
        scenario=scenario,
        rounds=_integer("rounds", params.get("rounds", 10), 1, MAX_ROUNDS),
        replications=_integer("replications", params.get("replications", 200), 1, MAX_REPLICATIONS),
        seed=_integer("seed", params.get("seed", 1), 0, 2**31 - 1),
    )


def run_parameters(run: Run) -> dict[str, Any]:
    s = run.scenario
    return {
        "rounds": run.rounds,
        "replications": run.replications,
        "seed": run.seed,
        "extra_seats": s.extra_seats,
        "extra_seats_by_region": dict(sorted(s.extra_seats_by_region.items())),
        "extra_seats_by_trust": dict(sorted(s.extra_seats_by_trust.items())),
        "part_only_months": s.part_only_months,
        "fill_from_last_lists": s.fill_from_last_lists,
        "foreign_track_share": s.foreign_track_share,
    }


def round_json(summary: RoundSummary) -> dict[str, Any]:
    out: dict[str, Any] = {"index": summary.index, "season": summary.season, "year": summary.year}
    for key in METRICS:
        estimate = summary.values[key]
        out[key] = round(estimate.mean, 1)
        if key in ("applicants", "placed", "without_position", "unfilled"):
            out[f"{key}_low"] = round(estimate.low, 1)
            out[f"{key}_high"] = round(estimate.high, 1)
    out["queue_by_rounds_waited"] = {k: round(e.mean, 1) for k, e in summary.queue.items()}
    out["queue_by_rounds_waited_interval"] = {
        k: [round(e.low, 1), round(e.high, 1)] for k, e in summary.queue.items()
    }
    out["placed_share_by_group"] = {g: round(e.mean, 3) for g, e in summary.placed_share.items()}
    out["placed_share_by_group_interval"] = {
        g: [round(e.low, 3), round(e.high, 3)] for g, e in summary.placed_share.items()
    }
    return out


def rounds_json(projection: Projection) -> list[dict[str, Any]]:
    return [round_json(r) for r in projection.rounds]


def scenario_document(
    *, round_slug: str, inputs: Inputs, run: Run, comparison: Comparison
) -> dict[str, Any]:
    return {
        "format": SCENARIO_FORMAT,
        "round": round_slug,
        "start": {"season": inputs.snapshot.season, "year": inputs.snapshot.year},
        "parameters": run_parameters(run),
        "assumptions": assumptions_table(inputs),
        "market": {
            "positions": inputs.snapshot.seats,
            "programs": len(inputs.snapshot.programs),
            "applicants": inputs.snapshot.applicants,
            "source": inputs.sources.get("market", SOURCE_DATABASE),
        },
        "replications": run.replications,
        "seed": run.seed,
        "interval": "5th to 95th percentile over replications",
        "definitions": {
            "queue_by_rounds_waited": "doctors without a position after the round, by the "
            "rounds they have applied in without one (this round included)",
            "placed": "doctors who start in a position (withdrawn doctors not included)",
            "unfilled": "seats without a doctor after the round (withdrawals not refilled)",
            "seats": "seats of the round, the scenario's extra seats included",
        },
        "rounds": rounds_json(comparison.scenario),
        "baseline": rounds_json(comparison.baseline),
    }


def seats_needed_document(
    *,
    round_slug: str,
    inputs: Inputs,
    run: Run,
    waited_rounds: int,
    target: float,
    within: int,
    found: SeatsNeeded,
) -> dict[str, Any]:
    return {
        "format": SEATS_NEEDED_FORMAT,
        "round": round_slug,
        "parameters": {
            **run_parameters(run),
            "waited_rounds": waited_rounds,
            "target": target,
            "within": within,
        },
        "assumptions": assumptions_table(inputs),
        "extra_seats": found.extra_seats,
        "reached": found.extra_seats is not None,
        "queue": None if found.queue is None else round(found.queue, 1),
        "round_index": found.round_index,
        "evaluations": found.evaluations,
        "ceiling": found.ceiling,
    }
