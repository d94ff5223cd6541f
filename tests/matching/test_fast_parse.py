"""The one-pass parser (_parse_fast) against the checking parser it stands in for.

It must build exactly what ``compile_instance(_parse_checked(doc))`` builds for every valid
document, never accept a document the checks refuse, and its orjson encodings (the input
digest, the CLI's result text) must equal the json.dumps ones byte for byte.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lis1.matching import instance as instance_module
from lis1.matching import parse_instance, result_to_json, solve
from lis1.matching.cli import _result_text
from lis1.matching.compiled import compile_instance
from lis1.matching.generate import nrmp_instance
from lis1.matching.instance import (
    InstanceError,
    _parse_checked,
    _parse_fast,
    canonical_json_bytes,
    compile_document,
)
from tests.matching.helpers import instances
from tests.matching.invalid_cases import INVALID, valid_doc


def checked(doc: Any) -> Any:
    """The checking parser's instance with the compiled form it builds, or its error."""
    try:
        instance = _parse_checked(doc)
    except InstanceError as exc:
        return exc
    return instance, compile_instance(instance)


@settings(max_examples=300, deadline=None)
@given(instances(max_singles=5, max_programs=4, max_couples=2))
def test_fast_parse_builds_what_the_checked_parse_builds(doc: dict[str, Any]) -> None:
    fast = _parse_fast(copy.deepcopy(doc))
    instance, compiled = checked(doc)

    assert fast is not None
    assert fast == instance
    assert fast.input_sha256 == instance.input_sha256
    assert fast.compiled == compiled
    # What the CLI solves: the same integer form and digest, without the object form.
    document = compile_document(copy.deepcopy(doc))
    assert document is not None
    assert document.compiled == compiled
    assert (document.seed, document.input_sha256) == (instance.seed, instance.input_sha256)
    assert document.canonical == canonical_json_bytes(doc)


@pytest.mark.parametrize(("name", "doc", "word"), INVALID, ids=[c[0] for c in INVALID])
def test_fast_parse_refuses_every_invalid_case(name: str, doc: Any, word: str) -> None:
    assert _parse_fast(copy.deepcopy(doc)) is None
    assert compile_document(copy.deepcopy(doc)) is None


# Edits that may or may not make a document invalid: whatever the checks say, the fast
# parser must agree (accept with the same result, or step aside).
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 3),
    st.integers(2**64 - 2, 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=3),
    st.sampled_from(["A1", "A2", "A3", "A4", "P1", "P2", "C1", ""]),
    st.lists(st.sampled_from(["A1", "A2", "A3", "A4", "P1", "P2", None]), max_size=3),
    st.dictionaries(st.sampled_from(["id", "ranking", "capacity", "x"]), st.integers(0, 2)),
)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_fast_parse_agrees_with_the_checks_on_edited_documents(data: st.DataObject) -> None:
    doc: Any = valid_doc()
    doc["meta"] = {"round": "2025-autumn"}
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = data.draw(st.sampled_from(paths))
        value = data.draw(_VALUES)
        if not path:
            doc = value
            continue
        target = doc
        for key in path[:-1]:
            target = target[key]
        if data.draw(st.booleans()) and isinstance(target, dict):
            target.pop(path[-1], None)
        else:
            target[path[-1]] = value

    fast = _parse_fast(copy.deepcopy(doc))
    expected = checked(doc)

    if isinstance(expected, InstanceError):
        assert fast is None
    elif fast is not None:
        assert fast == expected[0]
        assert fast.input_sha256 == expected[0].input_sha256
        assert fast.compiled == expected[1]


_AWKWARD = [
    "A\u00e9",
    "A\u2028",
    "A\x00\x1f\x7f",
    'A"\\/',
    "A\U0001f600",
    "\ufeffA",
    "A\u0085",
    "Z",
    "a",
    "\u00e5",
]


def test_orjson_digest_and_result_text_equal_json_dumps_on_awkward_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(instance_module, "ORJSON_FROM", 0)
    monkeypatch.setattr(instance_module, "_orjson_module", None)
    programs = [f"P{c}" for c in _AWKWARD]
    doc = {
        "format": "lis1-match/1",
        "seed": 2**63 - 1,
        "meta": {"round": "h\u00f8st \u2028", "n": [1, None, True, {"k": "\x01"}]},
        "programs": [
            {"id": p, "capacity": 1, "ranking": list(reversed(_AWKWARD))} for p in programs
        ],
        "applicants": [
            {"id": a, "ranking": programs[i:] + programs[:i]} for i, a in enumerate(_AWKWARD)
        ],
    }
    instance = parse_instance(doc)
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    result = solve(instance)

    assert instance.compiled is not None  # the one-pass parser took it
    assert instance.input_sha256 == hashlib.sha256(canonical).hexdigest()
    assert canonical_json_bytes(doc) == canonical
    assert instance.canonical == canonical  # what a match run stores, encoded once
    assert _result_text(result) == result_to_json(result)


def test_float_in_meta_or_huge_seed_goes_the_checked_way_with_the_same_digest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(instance_module, "ORJSON_FROM", 0)
    for edit in ({"meta": {"x": 1e16, "y": 1e-05}}, {"seed": 2**80}):
        doc = {**valid_doc(), **edit}
        instance = parse_instance(doc)

        assert instance.input_sha256 == hashlib.sha256(canonical_json_bytes(doc)).hexdigest()
        assert instance.canonical == canonical_json_bytes(doc)
        assert instance == _parse_checked(doc)


def test_shuffled_document_compiles_like_the_sorted_one() -> None:
    doc = nrmp_instance(5, n_applicants=400, n_programs=60, seats=350, couple_share=0.1)
    shuffled = copy.deepcopy(doc)
    shuffled["programs"].reverse()
    shuffled["applicants"].reverse()
    shuffled["couples"].reverse()

    fast = _parse_fast(shuffled)

    assert fast is not None
    assert fast.compiled == compile_instance(_parse_checked(shuffled))
    assert fast.compiled == _parse_fast(doc).compiled  # type: ignore[union-attr]
    assert result_to_json(solve(fast)) != ""  # and it solves


@pytest.mark.parametrize("order", ["reversed", "rotated"])
def test_singles_in_any_order_compile_like_the_sorted_document(order: str) -> None:
    # Ids already in increasing order skip the permutation; any other order takes it.
    doc = nrmp_instance(6, n_applicants=300, n_programs=40, seats=250, couple_share=0.0)
    assert not doc["couples"]
    other = copy.deepcopy(doc)
    for key in ("programs", "applicants"):
        entries = other[key]
        other[key] = entries[::-1] if order == "reversed" else entries[7:] + entries[:7]

    sorted_form = compile_document(doc)
    other_form = compile_document(other)

    assert sorted_form is not None and other_form is not None
    assert other_form.compiled == sorted_form.compiled
    assert other_form.compiled == compile_instance(_parse_checked(other))
    # The digest is of the document as given: its lists keep their order.
    assert other_form.canonical == canonical_json_bytes(other) != sorted_form.canonical


@pytest.mark.parametrize("key", ["programs", "applicants"])
@pytest.mark.parametrize("where", ["next to it", "far from it"])
def test_a_repeated_id_is_refused_wherever_it_stands(key: str, where: str) -> None:
    doc = nrmp_instance(6, n_applicants=300, n_programs=40, seats=250, couple_share=0.0)
    entries = doc[key]
    twin = copy.deepcopy(entries[5])
    entries.insert(6 if where == "next to it" else len(entries), twin)

    assert compile_document(copy.deepcopy(doc)) is None
    with pytest.raises(InstanceError, match=f'"{twin["id"]}" appears twice'):
        parse_instance(doc)


def test_fast_parse_refuses_a_mapping_that_makes_up_a_missing_key() -> None:
    from collections import defaultdict

    doc: Any = valid_doc()
    entry: defaultdict[str, Any] = defaultdict(list, {"id": "A2", "extra": 1})
    doc["applicants"][1] = entry

    assert _parse_fast(doc) is None
    assert compile_document(doc) is None
    assert dict(entry) == {"id": "A2", "extra": 1}  # the caller's object is left as it was
    with pytest.raises(InstanceError, match="unknown key"):
        parse_instance(doc)
