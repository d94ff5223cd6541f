"""The plain reference the engine is measured against: heap-based deferred acceptance.

    python bench/reference_da.py INSTANCE.json OUT.json [--json stdlib|orjson]

It reads the same ``lis1-match/1`` file as ``python -m lis1.matching``, runs
applicant-proposing deferred acceptance with one heap per program (its worst held applicant
on top), and writes the matching as JSON (sorted keys, 2-space indent). Nothing more: no
validation, no input digest, no verifier, no statistics, and couples are ignored (their
members are simply not matched), so the comparison in ``bench/matching_bench.py`` is run on
instances of singles only. ``--json orjson`` decodes and encodes with orjson instead of the
standard library, to compare parsers like for like.
"""

from __future__ import annotations

import json
import sys
from heapq import heappush, heapreplace


def deferred_acceptance(doc: dict) -> dict[str, str]:
    capacity: dict[str, int] = {}
    rank: dict[str, dict[str, int]] = {}
    for p in doc["programs"]:
        capacity[p["id"]] = p["capacity"]
        rank[p["id"]] = {a: r for r, a in enumerate(p["ranking"])}
    prefs = {a["id"]: a["ranking"] for a in doc["applicants"]}
    held: dict[str, list[tuple[int, str]]] = {pid: [] for pid in capacity}
    nxt = dict.fromkeys(prefs, 0)
    free = sorted(prefs, reverse=True)
    while free:
        a = free.pop()
        lst = prefs[a]
        i = nxt[a]
        n = len(lst)
        while i < n:
            p = lst[i]
            i += 1
            r = rank[p].get(a)
            if r is None:
                continue
            h = held[p]
            if len(h) < capacity[p]:
                heappush(h, (-r, a))
                break
            if h and -h[0][0] > r:
                free.append(heapreplace(h, (-r, a))[1])
                break
        nxt[a] = i
    return {a: p for p, h in held.items() for _, a in h}


def main(argv: list[str]) -> int:
    use_orjson = "--json" in argv and argv[argv.index("--json") + 1] == "orjson"
    src, dst = argv[0], argv[1]
    with open(src, "rb") as f:
        data = f.read()
    if use_orjson:
        import orjson

        doc = orjson.loads(data)
    else:
        doc = json.loads(data)
    matches = deferred_acceptance(doc)
    matched = set(matches)
    everyone = [a["id"] for a in doc["applicants"]]
    everyone += [m for c in doc.get("couples", ()) for m in c["members"]]
    out = {"matches": matches, "unmatched": sorted(a for a in everyone if a not in matched)}
    if use_orjson:
        text = orjson.dumps(out, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    else:
        text = json.dumps(out, sort_keys=True, indent=2, ensure_ascii=False).encode()
    write(dst, text)
    return 0


def write(dst: str, text: bytes) -> None:
    with open(dst, "wb") as f:
        f.write(text + b"\n")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
