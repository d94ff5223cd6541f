"""Parsing and validation of ``lis1-match/1`` instances into frozen dataclasses.

Everything that can be wrong with an instance is reported as one :class:`InstanceError`
whose message is a single line naming the problem, so the CLI can print it as is and the
Django side can show it to directorate staff.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MATCH_FORMAT = "lis1-match/1"
MATCH_RESULT_FORMAT = "lis1-match-result/1"

# Keys allowed in a lis1-match/1 document. "meta" is free-form and ignored by the engine
# (but covered by input_sha256), so callers can carry a round id without a format change.
_TOP_KEYS = {"format", "seed", "programs", "applicants", "couples", "meta"}
_PROGRAM_KEYS = {"id", "capacity", "ranking"}
_APPLICANT_KEYS = {"id", "ranking"}
_COUPLE_KEYS = {"id", "members", "ranking"}


class InstanceError(ValueError):
    """The input is not a valid instance; the message is one line naming the problem."""


@dataclass(frozen=True, slots=True)
class Program:
    """A program (LIS1 position group): seat count and ranking of acceptable applicants."""

    id: str
    capacity: int
    ranking: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Applicant:
    """A single applicant with its ranking of programs, best first."""

    id: str
    ranking: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Couple:
    """Two applicants ranking pairs of programs; ``None`` means that member stays unmatched."""

    id: str
    members: tuple[str, str]
    ranking: tuple[tuple[str | None, str | None], ...]


@dataclass(frozen=True, slots=True)
class Instance:
    """A validated matching instance. ``input_sha256`` identifies the input document."""

    seed: int
    programs: tuple[Program, ...]
    applicants: tuple[Applicant, ...]
    couples: tuple[Couple, ...]
    input_sha256: str


def quote(value: object) -> str:
    """Quote a value for an error message; JSON escaping keeps the message on one line."""
    return json.dumps(value, ensure_ascii=False)


def canonical_json_bytes(obj: Any) -> bytes:
    """The canonical encoding that ``input_sha256`` is computed over."""
    try:
        return json.dumps(
            obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        ).encode()
    except UnicodeEncodeError as exc:
        raise InstanceError("input contains a string that is not valid Unicode") from exc
    except (TypeError, ValueError) as exc:
        raise InstanceError(f"input is not plain JSON data: {exc}") from exc


def input_sha256(obj: Any) -> str:
    """sha256 (hex) of the canonical JSON of an input document."""
    return hashlib.sha256(canonical_json_bytes(obj)).hexdigest()


def _reject_constant(name: str) -> Any:
    raise InstanceError(f"malformed JSON: {name} is not allowed")


def load_json(text: str | bytes) -> Any:
    """Decode JSON text strictly (no NaN/Infinity); any problem is an InstanceError."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InstanceError(f"input is not valid UTF-8 (byte {exc.start})") from exc
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InstanceError(
            f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise InstanceError("malformed JSON: nested too deeply") from exc


def check_format(obj: Any, expected: str) -> None:
    if not isinstance(obj, dict):
        raise InstanceError("input must be a JSON object")
    if "format" not in obj:
        raise InstanceError(f'missing "format" (expected {quote(expected)})')
    if obj["format"] != expected:
        raise InstanceError(f"wrong format {quote(obj['format'])} (expected {quote(expected)})")


def check_seed(obj: Mapping[str, Any]) -> int:
    if "seed" not in obj:
        raise InstanceError('missing "seed" (an integer)')
    seed = obj["seed"]
    if not is_int(seed):
        raise InstanceError(f"seed must be an integer, not {quote(seed)}")
    return int(seed)


def is_int(value: object) -> bool:
    # bool is an int subclass, but true is not a seat count or a seed.
    return isinstance(value, int) and not isinstance(value, bool)


def check_keys(entry: Mapping[str, Any], allowed: set[str], required: set[str], what: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise InstanceError(f"{what} has unknown key {quote(unknown[0])}")
    missing = sorted(required - set(entry))
    if missing:
        raise InstanceError(f"{what} is missing {quote(missing[0])}")


def check_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise InstanceError(f"{what} id must be a non-empty string, not {quote(value)}")
    return value


def _list_of_objects(obj: Mapping[str, Any], key: str, *, required: bool) -> list[Any]:
    if key not in obj:
        if required:
            raise InstanceError(f"missing {quote(key)} (a list)")
        return []
    value = obj[key]
    if not isinstance(value, list):
        raise InstanceError(f"{quote(key)} must be a list")
    for entry in value:
        if not isinstance(entry, dict):
            raise InstanceError(
                f"every entry of {quote(key)} must be an object, not {quote(entry)}"
            )
    return value


def _string_list(value: Any, what: str, item: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise InstanceError(f"{what} ranking must be a list")
    seen: set[str] = set()
    for x in value:
        if not isinstance(x, str) or not x:
            raise InstanceError(f"{what} ranking contains {quote(x)}, not a {item} id")
        if x in seen:
            raise InstanceError(f"{what} ranking lists {item} {quote(x)} twice")
        seen.add(x)
    return tuple(value)


def parse_instance(obj: Any) -> Instance:
    """Validate a decoded ``lis1-match/1`` document and return an :class:`Instance`."""
    check_format(obj, MATCH_FORMAT)
    check_keys(obj, _TOP_KEYS, {"format", "seed", "programs", "applicants"}, "the instance")
    seed = check_seed(obj)
    digest = input_sha256(obj)

    programs: list[Program] = []
    program_ids: set[str] = set()
    for entry in _list_of_objects(obj, "programs", required=True):
        pid = check_id(entry.get("id"), "program")
        what = f"program {quote(pid)}"
        check_keys(entry, _PROGRAM_KEYS, _PROGRAM_KEYS, what)
        if pid in program_ids:
            raise InstanceError(f"{what} appears twice")
        program_ids.add(pid)
        capacity = entry["capacity"]
        if not is_int(capacity) or capacity < 0:
            raise InstanceError(
                f"{what} capacity must be a non-negative integer, not {quote(capacity)}"
            )
        programs.append(Program(pid, capacity, _string_list(entry["ranking"], what, "applicant")))

    # Every applicant id, single or couple member, names exactly one person.
    owner: dict[str, str] = {}

    applicants: list[Applicant] = []
    for entry in _list_of_objects(obj, "applicants", required=True):
        aid = check_id(entry.get("id"), "applicant")
        what = f"applicant {quote(aid)}"
        check_keys(entry, _APPLICANT_KEYS, _APPLICANT_KEYS, what)
        if aid in owner:
            raise InstanceError(f"{what} appears twice")
        owner[aid] = "a single applicant"
        ranking = _string_list(entry["ranking"], what, "program")
        for pid in ranking:
            if pid not in program_ids:
                raise InstanceError(f"{what} ranks unknown program {quote(pid)}")
        applicants.append(Applicant(aid, ranking))

    couples: list[Couple] = []
    couple_ids: set[str] = set()
    for entry in _list_of_objects(obj, "couples", required=False):
        cid = check_id(entry.get("id"), "couple")
        what = f"couple {quote(cid)}"
        check_keys(entry, _COUPLE_KEYS, _COUPLE_KEYS, what)
        if cid in couple_ids:
            raise InstanceError(f"{what} appears twice")
        couple_ids.add(cid)
        members = entry["members"]
        if (
            not isinstance(members, list)
            or len(members) != 2
            or not all(isinstance(m, str) and m for m in members)
            or members[0] == members[1]
        ):
            raise InstanceError(f"{what} must have exactly 2 distinct member ids")
        for m in members:
            if m in owner:
                raise InstanceError(f"couple member {quote(m)} of {what} is also {owner[m]}")
            owner[m] = f"a member of {what}"
        pairs = _couple_ranking(entry, what, program_ids)
        couples.append(Couple(cid, (members[0], members[1]), pairs))

    for program in programs:
        for aid in program.ranking:
            if aid not in owner:
                raise InstanceError(
                    f"program {quote(program.id)} ranks unknown applicant {quote(aid)}"
                )

    return Instance(seed, tuple(programs), tuple(applicants), tuple(couples), digest)


def _couple_ranking(
    entry: Mapping[str, Any], what: str, program_ids: set[str]
) -> tuple[tuple[str | None, str | None], ...]:
    ranking = entry["ranking"]
    if not isinstance(ranking, list):
        raise InstanceError(f"{what} ranking must be a list of pairs")
    pairs: list[tuple[str | None, str | None]] = []
    seen: set[tuple[str | None, str | None]] = set()
    for pair in ranking:
        if not isinstance(pair, list) or len(pair) != 2:
            raise InstanceError(f"{what} ranking has {quote(pair)}, not a pair of 2")
        for pid in pair:
            if pid is None:
                continue
            if not isinstance(pid, str):
                raise InstanceError(f"{what} ranking has {quote(pid)}, not a program id or null")
            if pid not in program_ids:
                raise InstanceError(f"{what} ranks unknown program {quote(pid)}")
        if pair[0] is None and pair[1] is None:
            raise InstanceError(f"{what} ranking has a pair of two nulls")
        key = (pair[0], pair[1])
        if key in seen:
            raise InstanceError(f"{what} ranking lists pair {quote(pair)} twice")
        seen.add(key)
        pairs.append(key)
    return tuple(pairs)


def instance_from_json(text: str | bytes) -> Instance:
    """Decode and validate a ``lis1-match/1`` document."""
    return parse_instance(load_json(text))
