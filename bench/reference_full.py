"""The engine's whole job on a singles instance, written plainly: the like-for-like reference.

    python bench/reference_full.py INSTANCE.json OUT.json

``bench/reference_da.py`` only matches. This one does what ``python -m lis1.matching`` does
for a singles ``lis1-match/1`` document, each step the way a plain implementation would
write it: checks the document (the format, the keys and types of every entry, unique
non-empty ids, capacities, rankings of known ids without repeats; an invalid document exits
with status 2 and one line), computes the input digest over the canonical JSON
(``json.dumps`` with sorted keys, compact, UTF-8), runs the same heap deferred acceptance as
``reference_da.py``, checks the matching (seat counts, both sides rank each matched pair)
and lists its blocking pairs, and writes the matches, the unmatched, the verdict, the
blocking pairs and the digest (sorted keys, 2-space indent). Couples are refused: the
comparison in ``bench/matching_bench.py`` runs on singles instances.
"""

from __future__ import annotations

import hashlib
import json
import sys

from reference_da import deferred_acceptance, write

PROGRAM_KEYS = {"id", "capacity", "ranking"}
APPLICANT_KEYS = {"id", "ranking"}


class Invalid(Exception):
    pass


def check(doc: object) -> None:
    if not isinstance(doc, dict) or doc.get("format") != "lis1-match/1":
        raise Invalid("not a lis1-match/1 document")
    if not set(doc) <= {"format", "seed", "programs", "applicants", "couples", "meta"}:
        raise Invalid("unknown top-level key")
    if type(doc.get("seed")) is not int:
        raise Invalid("seed must be an integer")
    if doc.get("couples"):
        raise Invalid("couples are not supported here")
    programs, applicants = doc.get("programs"), doc.get("applicants")
    if not isinstance(programs, list) or not isinstance(applicants, list):
        raise Invalid("programs and applicants must be lists")
    program_ids: set[str] = set()
    for p in programs:
        if not isinstance(p, dict) or set(p) != PROGRAM_KEYS:
            raise Invalid("a program must have exactly id, capacity and ranking")
        if not isinstance(p["id"], str) or not p["id"] or p["id"] in program_ids:
            raise Invalid(f"bad or repeated program id {p['id']!r}")
        if type(p["capacity"]) is not int or p["capacity"] < 0:
            raise Invalid(f"program {p['id']}: bad capacity")
        program_ids.add(p["id"])
    applicant_ids: set[str] = set()
    for a in applicants:
        if not isinstance(a, dict) or set(a) != APPLICANT_KEYS:
            raise Invalid("an applicant must have exactly id and ranking")
        if not isinstance(a["id"], str) or not a["id"] or a["id"] in applicant_ids:
            raise Invalid(f"bad or repeated applicant id {a['id']!r}")
        applicant_ids.add(a["id"])
    for entries, known, what in (
        (programs, applicant_ids, "applicant"),
        (applicants, program_ids, "program"),
    ):
        for entry in entries:
            ranking = entry["ranking"]
            if not isinstance(ranking, list):
                raise Invalid(f"{entry['id']}: ranking must be a list")
            seen: set[str] = set()
            for x in ranking:
                if not isinstance(x, str) or x not in known:
                    raise Invalid(f"{entry['id']} ranks unknown {what} {x!r}")
                if x in seen:
                    raise Invalid(f"{entry['id']} ranks {x} twice")
                seen.add(x)


def blocking_pairs(doc: dict, matches: dict[str, str]) -> list[dict[str, str]]:
    """Checks the matching (an error is a bug) and returns its blocking pairs, sorted."""
    rank = {p["id"]: {a: r for r, a in enumerate(p["ranking"])} for p in doc["programs"]}
    capacity = {p["id"]: p["capacity"] for p in doc["programs"]}
    held: dict[str, list[int]] = {pid: [] for pid in capacity}
    for a in doc["applicants"]:
        p = matches.get(a["id"])
        if p is None:
            continue
        if p not in a["ranking"] or a["id"] not in rank[p]:
            raise AssertionError(f"{a['id']} and {p} do not rank each other")
        held[p].append(rank[p][a["id"]])
    for p, ranks in held.items():
        if len(ranks) > capacity[p]:
            raise AssertionError(f"{p} is over capacity")
    # A program takes an applicant it ranks better than its worst held one, or any it ranks
    # while it has a free seat.
    worst = {p: max(ranks, default=-1) for p, ranks in held.items()}
    free = {p: len(ranks) < capacity[p] for p, ranks in held.items()}
    found = []
    for a in doc["applicants"]:
        current = matches.get(a["id"])
        for p in a["ranking"]:
            if p == current:
                break
            r = rank[p].get(a["id"])
            if r is not None and (free[p] or worst[p] > r):
                found.append({"applicant": a["id"], "program": p})
    return sorted(found, key=lambda pair: (pair["applicant"], pair["program"]))


def main(argv: list[str]) -> int:
    src, dst = argv[0], argv[1]
    with open(src, "rb") as f:
        data = f.read()
    try:
        doc = json.loads(data)
        check(doc)
    except (ValueError, Invalid) as exc:
        print(f"reference_full: error: {exc}", file=sys.stderr)
        return 2
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    matches = deferred_acceptance(doc)
    blocking = blocking_pairs(doc, matches)
    out = {
        "matches": matches,
        "unmatched": sorted(a["id"] for a in doc["applicants"] if a["id"] not in matches),
        "stable": not blocking,
        "blocking_pairs": blocking,
        "input_sha256": digest,
    }
    write(dst, json.dumps(out, sort_keys=True, indent=2, ensure_ascii=False).encode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
