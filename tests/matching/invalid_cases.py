"""Invalid lis1-match/1 documents (requirement 7), each with a word its error must contain."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Doc = dict[str, Any]


def valid_doc() -> Doc:
    return {
        "format": "lis1-match/1",
        "seed": 7,
        "programs": [
            {"id": "P1", "capacity": 2, "ranking": ["A2", "A1", "A3"]},
            {"id": "P2", "capacity": 1, "ranking": ["A1", "A4"]},
        ],
        "applicants": [
            {"id": "A1", "ranking": ["P1", "P2"]},
            {"id": "A2", "ranking": ["P1"]},
        ],
        "couples": [{"id": "C1", "members": ["A3", "A4"], "ranking": [["P1", "P2"], ["P2", None]]}],
    }


def _edit(change: Callable[[Doc], None]) -> Doc:
    d = copy.deepcopy(valid_doc())
    change(d)
    return d


def _set(path: list[Any], value: Any) -> Callable[[Doc], None]:
    def change(d: Doc) -> None:
        target: Any = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(key: str) -> Callable[[Doc], None]:
    return lambda d: d.pop(key)


# (name, document, word in the one-line error)
INVALID: list[tuple[str, Any, str]] = [
    ("not_an_object", [1, 2], "JSON object"),
    ("format_missing", _edit(_delete("format")), "format"),
    ("format_wrong", _edit(_set(["format"], "lis1-match/2")), "format"),
    ("seed_missing", _edit(_delete("seed")), "seed"),
    ("seed_string", _edit(_set(["seed"], "7")), "seed"),
    ("seed_float", _edit(_set(["seed"], 7.5)), "seed"),
    ("seed_bool", _edit(_set(["seed"], True)), "seed"),
    ("programs_missing", _edit(_delete("programs")), "programs"),
    ("program_not_an_object", _edit(_set(["programs", 1], "P2")), "must be an object"),
    ("program_a_list", _edit(_set(["programs", 1], [])), "must be an object"),
    ("applicant_not_an_object", _edit(_set(["applicants", 0], 5)), "must be an object"),
    ("program_duplicate", _edit(lambda d: d["programs"].append(dict(d["programs"][0]))), "twice"),
    ("capacity_negative", _edit(_set(["programs", 0, "capacity"], -1)), "capacity"),
    ("capacity_float", _edit(_set(["programs", 0, "capacity"], 1.5)), "capacity"),
    ("capacity_string", _edit(_set(["programs", 0, "capacity"], "2")), "capacity"),
    ("program_ranks_unknown", _edit(_set(["programs", 0, "ranking"], ["A9"])), "unknown applicant"),
    ("program_ranking_duplicate", _edit(_set(["programs", 0, "ranking"], ["A1", "A1"])), "twice"),
    (
        "applicant_ranks_unknown",
        _edit(_set(["applicants", 0, "ranking"], ["P9"])),
        "unknown program",
    ),
    (
        "applicant_ranking_duplicate",
        _edit(_set(["applicants", 0, "ranking"], ["P1", "P1"])),
        "twice",
    ),
    (
        "applicant_duplicate",
        _edit(lambda d: d["applicants"].append({"id": "A1", "ranking": []})),
        "twice",
    ),
    (
        "couple_member_also_single",
        _edit(lambda d: d["applicants"].append({"id": "A3", "ranking": []})),
        "single applicant",
    ),
    (
        "couple_member_in_two_couples",
        _edit(lambda d: d["couples"].append({"id": "C2", "members": ["A4", "A5"], "ranking": []})),
        "member of couple",
    ),
    ("couple_one_member", _edit(_set(["couples", 0, "members"], ["A3"])), "2 distinct"),
    (
        "couple_three_members",
        _edit(_set(["couples", 0, "members"], ["A3", "A4", "A5"])),
        "2 distinct",
    ),
    (
        "couple_same_member_twice",
        _edit(_set(["couples", 0, "members"], ["A3", "A3"])),
        "2 distinct",
    ),
    (
        "couple_pair_of_three",
        _edit(_set(["couples", 0, "ranking"], [["P1", "P2", "P1"]])),
        "pair of 2",
    ),
    ("couple_pair_of_one", _edit(_set(["couples", 0, "ranking"], [["P1"]])), "pair of 2"),
    ("couple_pair_two_nulls", _edit(_set(["couples", 0, "ranking"], [[None, None]])), "two nulls"),
    (
        "couple_pair_unknown",
        _edit(_set(["couples", 0, "ranking"], [["P1", "P9"]])),
        "unknown program",
    ),
    (
        "couple_pair_duplicate",
        _edit(_set(["couples", 0, "ranking"], [["P1", "P2"], ["P1", "P2"]])),
        "twice",
    ),
    (
        "couple_duplicate_id",
        _edit(lambda d: d["couples"].append({"id": "C1", "members": ["A5", "A6"], "ranking": []})),
        "twice",
    ),
    ("unknown_key", _edit(_set(["aplicants"], [])), "unknown key"),
    ("id_not_string", _edit(_set(["applicants", 0, "id"], 1)), "non-empty string"),
]
