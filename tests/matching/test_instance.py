"""Parsing and validation of lis1-match/1 documents."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from lis1.matching import (
    Couple,
    InstanceError,
    Program,
    input_sha256,
    instance_from_json,
    parse_instance,
)
from tests.matching.invalid_cases import INVALID, valid_doc


def test_parse_instance_builds_frozen_dataclasses() -> None:
    instance = parse_instance(valid_doc())

    assert instance.seed == 7
    assert instance.programs[0] == Program("P1", 2, ("A2", "A1", "A3"))
    assert instance.couples == (Couple("C1", ("A3", "A4"), (("P1", "P2"), ("P2", None))),)
    with pytest.raises(AttributeError):
        instance.seed = 8  # type: ignore[misc]


def test_input_sha256_is_sha256_of_canonical_json() -> None:
    d = valid_doc()
    canonical = json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    assert parse_instance(d).input_sha256 == hashlib.sha256(canonical).hexdigest()
    assert input_sha256(d) == hashlib.sha256(canonical).hexdigest()


def test_input_sha256_ignores_key_order_and_whitespace() -> None:
    text = json.dumps(valid_doc())
    reordered = json.dumps(dict(reversed(list(valid_doc().items()))), indent=4)

    assert instance_from_json(text).input_sha256 == instance_from_json(reordered).input_sha256


def test_parse_instance_accepts_missing_couples_and_meta() -> None:
    d = valid_doc()
    del d["couples"]
    d["programs"][0]["ranking"] = ["A2", "A1"]
    d["programs"][1]["ranking"] = ["A1"]
    d["meta"] = {"round": "2025-autumn"}

    assert parse_instance(d).couples == ()


@pytest.mark.parametrize(("name", "doc", "word"), INVALID, ids=[c[0] for c in INVALID])
def test_parse_instance_rejects_invalid_input(name: str, doc: Any, word: str) -> None:
    with pytest.raises(InstanceError) as info:
        parse_instance(doc)

    message = str(info.value)
    assert word in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "word"),
    [("{", "malformed JSON"), ('{"seed": NaN}', "NaN"), (b"\xff\xfe{", "UTF-8"), ("", "malformed")],
)
def test_instance_from_json_rejects_bad_json(text: str | bytes, word: str) -> None:
    with pytest.raises(InstanceError, match=word):
        instance_from_json(text)


def test_instance_error_is_a_value_error() -> None:
    assert issubclass(InstanceError, ValueError)


def test_parse_instance_names_the_duplicate_program() -> None:
    d = valid_doc()
    d["programs"].append({"id": "P2", "capacity": 1, "ranking": []})

    with pytest.raises(InstanceError) as info:
        parse_instance(d)

    assert str(info.value) == 'program "P2" appears twice'
