"""Parsing and validation of ``lis1-match/1`` instances into frozen dataclasses.

Everything that can be wrong with an instance is reported as one :class:`InstanceError`
whose message is a single line naming the problem, so the CLI can print it as is and the
Django side can show it to directorate staff.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter, lt

from lis1.matching.compiled import NONE, Compiled

TYPE_CHECKING = False  # as typing's; importing typing would be a tenth of a small CLI run
if TYPE_CHECKING:
    from typing import Any

MATCH_FORMAT = "lis1-match/1"
MATCH_RESULT_FORMAT = "lis1-match-result/1"
RSD_FORMAT = "lis1-rsd/1"  # municipal placement (lis1.matching.rsd), here for the CLI's dispatch

# Keys allowed in a lis1-match/1 document. "meta" is free-form and ignored by the engine
# (but covered by input_sha256), so callers can carry a round id without a format change.
_TOP_KEYS = {"format", "seed", "programs", "applicants", "couples", "meta"}
_PROGRAM_KEYS = {"id", "capacity", "ranking"}
_APPLICANT_KEYS = {"id", "ranking"}
_PROGRAM_KEY_COUNT = {len(_PROGRAM_KEYS)}
_APPLICANT_KEY_COUNT = {len(_APPLICANT_KEYS)}
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
    # The integer form, when the parser built it on the way (see compile_instance).
    compiled: Compiled | None = field(default=None, compare=False, repr=False)
    # The canonical encoding ``input_sha256`` was computed over, when the parser made it: a
    # caller that stores the document takes these bytes instead of encoding it again.
    canonical: bytes | None = field(default=None, compare=False, repr=False)


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
    """Validate a decoded ``lis1-match/1`` document and return an :class:`Instance`.

    A valid document is checked and compiled in one pass (:func:`_parse_fast`); anything it
    does not take goes through the checks below, which name the problem."""
    with gc_paused():
        instance = _parse_fast(obj)
        if instance is not None:
            return instance
        return _parse_checked(obj)


def parse_checked(obj: Any) -> Instance:
    """:func:`parse_instance` without the one-pass attempt, for a caller that has made it
    (:func:`compile_document` returned ``None``)."""
    with gc_paused():
        return _parse_checked(obj)


def _parse_checked(obj: Any) -> Instance:
    check_format(obj, MATCH_FORMAT)
    check_keys(obj, _TOP_KEYS, {"format", "seed", "programs", "applicants"}, "the instance")
    seed = check_seed(obj)
    canonical = canonical_json_bytes(obj)
    digest = hashlib.sha256(canonical).hexdigest()

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

    return Instance(
        seed, tuple(programs), tuple(applicants), tuple(couples), digest, canonical=canonical
    )


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
    with gc_paused():
        return parse_instance(load_json(text))


@contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """No garbage collection inside the block; the collector's state is restored after it,
    also when the block raises. Nested blocks leave the state to the outermost.

    The engine's data are acyclic lists, dicts and tuples that live until the run ends, so
    collecting while they are built only costs time (at 100,000 applicants, a third of the
    run). With ``freeze`` the objects are moved out of the collector's reach when the block
    ends (``gc.freeze``), so they are not scanned once after it either; that also keeps
    any cyclic garbage of the whole process for good, so only a process that is about to
    end (the CLI) asks for it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if freeze:
                gc.freeze()
            gc.enable()


def _plain(value: Any) -> bool:
    """Only strings, integers, booleans, null, lists and string-keyed objects (no floats:
    orjson writes some of them unlike ``json.dumps``, and NaN as null)."""
    t = type(value)
    if t is str or t is int or t is bool or value is None:
        return True
    try:
        if t is list or t is tuple:
            return all(_plain(v) for v in value)
        if t is dict:
            return all(type(k) is str and _plain(v) for k, v in value.items())
    except RecursionError:
        pass
    return False


# orjson encodes several times faster than json.dumps, but importing it costs as much as
# encoding a few thousand applicants; below that size json.dumps does it.
ORJSON_FROM = 5_000
_orjson_module: Any = None


def optional_orjson(size: int) -> Any:
    """The orjson module for a document of ``size`` entries, or None (small, or missing)."""
    global _orjson_module
    if size < ORJSON_FROM:
        return None
    if _orjson_module is None:
        try:
            import orjson

            _orjson_module = orjson
        except ImportError:  # pragma: no cover - orjson is a dependency
            _orjson_module = False
    return _orjson_module or None


def _canonical_fast(obj: dict[str, Any], size: int) -> bytes | None:
    """:func:`canonical_json_bytes`, for the plain documents :func:`_parse_fast` accepts.

    orjson's sorted compact encoding is that byte for byte there (the same escapes, UTF-8,
    keys in code point order); ``None`` if it refuses (an integer beyond 64 bits, a lone
    surrogate) and the caller takes the checking path."""
    orjson = optional_orjson(size)
    if orjson is None:
        try:
            return canonical_json_bytes(obj)
        except InstanceError:
            return None
    try:
        return bytes(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS))
    except orjson.JSONEncodeError:
        return None


_REQUIRED_TOP = frozenset({"format", "seed", "programs", "applicants"})
_STR_ONLY = {str}
_DICT_ONLY = {dict}
_INT_ONLY = {int}
_ID = itemgetter("id")
_CAPACITY = itemgetter("capacity")
_RANKING = itemgetter("ranking")
_LIST_ONLY = {list}
_NO_IDS: frozenset[str] = frozenset()


def _increasing(ids: list[str]) -> bool:
    """Each id greater than the one before (so no two are equal)."""
    return all(map(lt, ids, islice(ids, 1, None)))


def _parse_fast(obj: Any) -> Instance | None:
    """:func:`_compile_fast` with the object form (:class:`Program`, :class:`Applicant`,
    :class:`Couple`) built too, or ``None``."""
    fast = _compile_fast(obj)
    if fast is None:
        return None
    return Instance(
        fast.seed,
        tuple(map(Program, fast.program_ids, fast.capacities, map(tuple, fast.program_rankings))),
        tuple(map(Applicant, fast.single_ids, map(tuple, fast.single_rankings))),
        fast.couples,
        fast.input_sha256,
        fast.compiled,
        fast.canonical,
    )


@dataclass(frozen=True, slots=True)
class CompiledDocument:
    """What :func:`compile_document` makes of a valid document: the integer form and the
    input's digest, without the object form (a caller that only solves never reads it,
    and building it was a sixth of the parse)."""

    seed: int
    input_sha256: str
    compiled: Compiled
    canonical: bytes
    # The document's own lists, in its order, for the object form (_parse_fast).
    program_ids: list[str] = field(repr=False)
    capacities: list[int] = field(repr=False)
    program_rankings: list[list[str]] = field(repr=False)
    single_ids: list[str] = field(repr=False)
    single_rankings: list[list[str]] = field(repr=False)
    couples: tuple[Couple, ...] = field(repr=False)


def compile_document(obj: Any) -> CompiledDocument | None:
    """The integer form and digest of a valid decoded ``lis1-match/1`` document, or ``None``
    when the one-pass check does not take it: then :func:`parse_instance` names the problem
    (or, for a valid document it does not take, builds the instance the slow way)."""
    with gc_paused():
        return _compile_fast(obj)


def _compile_fast(obj: Any) -> CompiledDocument | None:
    """Check and compile a valid document in one pass, or return ``None``.

    Every check of :func:`_parse_checked` is made here too, but on whole lists at once and
    as a side effect of compiling: mapping a ranking to indices (``map`` over the id table)
    fails on anything but a known id, and its rank table or set is shorter than the list
    when an id is there twice; so nothing runs per list entry in Python. On
    anything unusual the answer is ``None`` and the caller runs the checks that name the
    problem; so this never accepts what they refuse, and for what it accepts it builds
    exactly what ``compile_instance(_parse_checked(obj))`` does."""
    if type(obj) is not dict:
        return None
    keys = obj.keys()
    if not (keys >= _REQUIRED_TOP and keys <= _TOP_KEYS) or obj["format"] != MATCH_FORMAT:
        return None
    seed = obj["seed"]
    progs = obj["programs"]
    apps = obj["applicants"]
    cps = obj.get("couples", [])
    if type(seed) is not int or type(progs) is not list or type(apps) is not list:
        return None
    if type(cps) is not list or ("meta" in obj and not _plain(obj["meta"])):
        return None
    try:
        # Plain objects (a mapping type of its own could make up a missing key when it is
        # read) with exactly the allowed keys: as many keys as allowed, and each allowed
        # one is read below (its itemgetter raises KeyError when it is missing).
        if not set(map(type, progs)) | set(map(type, apps)) <= _DICT_ONLY:
            return None
        if set(map(len, progs)) - _PROGRAM_KEY_COUNT or set(map(len, apps)) - _APPLICANT_KEY_COUNT:
            return None
        pids = list(map(_ID, progs))
        sids = list(map(_ID, apps))
        if not set(map(type, pids)) | set(map(type, sids)) <= _STR_ONLY:
            return None
        # Ids in increasing order (as lis1 writes them) are unique and need no permutation.
        pids_sorted = _increasing(pids)
        sids_sorted = _increasing(sids)
        if "" in pids or "" in sids:
            return None
        if not pids_sorted and len(set(pids)) != len(pids):
            return None
        if not sids_sorted and len(set(sids)) != len(sids):
            return None
        pid_set = set(pids) if cps else _NO_IDS  # for couples' pairs only

        couples: list[Couple] = []
        member_ids: list[str] = []
        for e in cps:
            if type(e) is not dict or e.keys() != _COUPLE_KEYS:
                return None
            cid, members, ranking = e["id"], e["members"], e["ranking"]
            if type(cid) is not str or not cid or type(members) is not list:
                return None
            if len(members) != 2 or type(ranking) is not list:
                return None
            m1, m2 = members
            if type(m1) is not str or type(m2) is not str or not m1 or not m2 or m1 == m2:
                return None
            pairs = []
            for pair in ranking:
                if type(pair) is not list or len(pair) != 2:
                    return None
                p1, p2 = pair
                if p1 is None:
                    if p2 is None:
                        return None
                elif p1 not in pid_set or type(p1) is not str:
                    return None
                if p2 is not None and (p2 not in pid_set or type(p2) is not str):
                    return None
                pairs.append((p1, p2))
            if len(set(pairs)) != len(pairs):
                return None
            member_ids += members
            couples.append(Couple(cid, (m1, m2), tuple(pairs)))
        if member_ids and len(set(sids).union(member_ids)) != len(sids) + len(member_ids):
            return None
        if len({c.id for c in couples}) != len(couples):
            return None

        # Index order is sorted id order; a permutation of the document's order (linear
        # when the document is sorted already).
        porder = None if pids_sorted else sorted(range(len(pids)), key=pids.__getitem__)
        program_ids = pids if porder is None else [pids[i] for i in porder]
        pidx = dict(zip(program_ids, range(len(program_ids)), strict=True))
        everyone = sids + member_ids
        aorder = (
            None
            if sids_sorted and not member_ids
            else sorted(range(len(everyone)), key=everyone.__getitem__)
        )
        applicant_ids = everyone if aorder is None else [everyone[i] for i in aorder]
        aidx = dict(zip(applicant_ids, range(len(applicant_ids)), strict=True))
        pget = pidx.__getitem__
        aget = aidx.__getitem__

        caps = list(map(_CAPACITY, progs))
        prankings = list(map(_RANKING, progs))
        arankings = list(map(_RANKING, apps))
        if not (
            set(map(type, caps)) <= _INT_ONLY
            and (not caps or min(caps) >= 0)
            and set(map(type, prankings)) <= _LIST_ONLY
            and set(map(type, arankings)) <= _LIST_ONLY
        ):
            return None
        # map() over an id table raises KeyError on anything but a known id.
        program_list = [
            list(map(aget, r))
            for r in (prankings if porder is None else [prankings[i] for i in porder])
        ]
        program_rank = [dict(zip(lst, range(len(lst)), strict=True)) for lst in program_list]
        if sum(map(len, program_rank)) != sum(map(len, program_list)):
            return None  # an applicant ranked twice
        single_prefs = [list(map(pget, r)) for r in arankings]
        if sum(map(len, map(set, single_prefs))) != sum(map(len, single_prefs)):
            return None  # a program ranked twice
        single_prefs += [[] for _ in member_ids]
        prefs = single_prefs if aorder is None else [single_prefs[i] for i in aorder]
        capacity = caps if porder is None else [caps[i] for i in porder]
    except (TypeError, KeyError):  # an unhashable value or an unknown id where an id belongs
        return None

    canonical = _canonical_fast(obj, len(sids) + len(member_ids) + len(pids))
    if canonical is None:
        return None

    couple_of = [NONE] * len(applicant_ids)
    ordered = sorted(couples, key=lambda c: c.id)
    couple_members: list[tuple[int, int]] = []
    couple_options: list[list[tuple[int, int]]] = []
    for k, couple in enumerate(ordered):
        a, b = aget(couple.members[0]), aget(couple.members[1])
        couple_of[a] = couple_of[b] = k
        couple_members.append((a, b))
        couple_options.append(
            [
                (NONE if p1 is None else pget(p1), NONE if p2 is None else pget(p2))
                for p1, p2 in couple.ranking
            ]
        )
    compiled = Compiled(
        program_ids=program_ids,
        applicant_ids=applicant_ids,
        couple_ids=[c.id for c in ordered],
        capacity=capacity,
        program_rank=program_rank,
        program_list=program_list,
        prefs=prefs,
        couple_of=couple_of,
        singles=sorted(map(aget, sids)) if couples else list(range(len(sids))),
        couple_members=couple_members,
        couple_options=couple_options,
    )
    return CompiledDocument(
        seed,
        hashlib.sha256(canonical).hexdigest(),
        compiled,
        canonical,
        pids,
        caps,
        prankings,
        sids,
        arankings,
        tuple(couples),
    )
