"""Benchmark of lis1.matching, and a comparison with the PyPI package `matching`.

Run from the repository root:  python bench/matching_bench.py [--quick]

* national: 1,200 applicants, 575 seats in 31 programs, ~17 choices (best of --repeat runs);
* NRMP scale: 45,000 applicants, 6,000 programs, 40,000 seats, mean list 12, longest 300,
  once all singles and once with 5 % of the applicants in couples.

Engine time is `solve()` alone (compile, DA, couples, verifier, statistics); parsing and
JSON output are timed separately. `matching` (HospitalResident, resident-optimal) runs on the
singles instances in a child process with a time limit; --quick skips it at NRMP scale.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lis1.matching import parse_instance, result_to_json, solve
from lis1.matching.generate import national_instance, nrmp_instance

Doc = dict[str, Any]


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def bench_ours(name: str, doc: Doc, repeat: int) -> dict[str, Any]:
    t_parse, instance = timed(parse_instance, doc)
    times = []
    result = None
    for _ in range(repeat):
        t, result = timed(solve, instance)
        times.append(t)
    assert result is not None
    t_json, _ = timed(result_to_json, result)
    s = result.statistics
    return {
        "name": name,
        "applicants": s.applicants,
        "programs": len(doc["programs"]),
        "seats": s.seats,
        "couples": s.couples,
        "parse": t_parse,
        "solve": min(times),
        "json": t_json,
        "repeat": repeat,
        "matched": s.matched,
        "stable": result.stable,
        "blocking": len(result.blocking_pairs),
        "not_inserted": s.couples_not_inserted,
        "attempts": s.couple_insertion_attempts,
        "cycle": s.couple_cycle_detected,
        "together": s.couples_placed_together,
        "one_member": s.couples_one_member_matched,
        "couples_unmatched": s.couples_unmatched,
        "matches": dict(result.matches),
    }


def _matching_input(doc: Doc) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]:
    """`matching` wants mutually consistent lists, capacities >= 1 and non-empty lists."""
    capacity = {p["id"]: p["capacity"] for p in doc["programs"] if p["capacity"] > 0}
    ranks = {p["id"]: set(p["ranking"]) for p in doc["programs"] if p["id"] in capacity}
    residents = {
        a["id"]: [p for p in a["ranking"] if p in ranks and a["id"] in ranks[p]]
        for a in doc["applicants"]
    }
    residents = {a: lst for a, lst in residents.items() if lst}
    applied: dict[str, set[str]] = {p: set() for p in capacity}
    for a, lst in residents.items():
        for p in lst:
            applied[p].add(a)
    hospitals = {
        p["id"]: [a for a in p["ranking"] if a in applied[p["id"]]]
        for p in doc["programs"]
        if p["id"] in capacity and applied[p["id"]]
    }
    residents = {a: [p for p in lst if p in hospitals] for a, lst in residents.items()}
    return residents, hospitals, {p: capacity[p] for p in hospitals}


def _matching_child(doc: Doc, queue: Any) -> None:
    sys.setrecursionlimit(1_000_000)
    warnings.simplefilter("ignore")
    from matching.games import HospitalResident

    residents, hospitals, capacity = _matching_input(doc)
    t_build, game = timed(HospitalResident.create_from_dictionaries, residents, hospitals, capacity)
    queue.put(("built", t_build))
    t_solve, solution = timed(game.solve, "resident")
    matches = {r.name: h.name for h, rs in solution.items() for r in rs}
    queue.put(("solved", t_solve, matches))


def bench_matching(doc: Doc, timeout: float) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_matching_child, args=(doc, queue))
    proc.start()
    out: dict[str, Any] = {"build": None, "solve": None, "matches": None}
    deadline = time.monotonic() + timeout
    while out["solve"] is None:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            msg = queue.get(timeout=min(left, 5.0))
        except Exception:  # queue.Empty: check the child is still alive
            if not proc.is_alive():
                break
            continue
        if msg[0] == "built":
            out["build"] = msg[1]
        else:
            out["solve"], out["matches"] = msg[1], msg[2]
    if proc.is_alive():
        proc.kill()
    proc.join()
    return out


def fmt(t: float | None) -> str:
    return "-" if t is None else f"{t * 1000:,.1f} ms" if t < 1 else f"{t:,.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip `matching` at NRMP scale")
    parser.add_argument("--repeat", type=int, default=7, help="runs of the national instance")
    parser.add_argument("--timeout", type=float, default=600.0, help="limit for `matching`, s")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    print(
        f"Python {sys.version.split()[0]}; generating instances (seed {args.seed}) ...", flush=True
    )
    t_gen, national = timed(national_instance, args.seed)
    print(f"  national generated in {fmt(t_gen)}", flush=True)
    t_gen, nrmp = timed(nrmp_instance, args.seed)
    print(f"  NRMP singles generated in {fmt(t_gen)}", flush=True)
    t_gen, nrmp_couples = timed(lambda: nrmp_instance(args.seed, couple_share=0.05))
    print(f"  NRMP with couples generated in {fmt(t_gen)}", flush=True)

    rows = [
        bench_ours("national", national, args.repeat),
        bench_ours("NRMP singles", nrmp, 3),
        bench_ours("NRMP 5% couples", nrmp_couples, 1),
    ]

    print()
    header = (
        f"{'instance':<17}{'applicants':>11}{'programs':>9}{'seats':>7}{'couples':>8}"
        f"{'parse':>11}{'solve':>11}{'to_json':>10}{'matched':>9}"
        "  stable (blocking, couples left out)"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['name']:<17}{r['applicants']:>11,}{r['programs']:>9,}{r['seats']:>7,}"
            f"{r['couples']:>8,}{fmt(r['parse']):>11}{fmt(r['solve']):>11}{fmt(r['json']):>10}"
            f"{r['matched']:>9,}  {r['stable']} ({r['blocking']}, {r['not_inserted']})"
        )
    print(
        f"(solve: best of {rows[0]['repeat']} for national, best of {rows[1]['repeat']} for "
        "NRMP singles, one run with couples; it includes compiling and the verifier)"
    )

    couples_rows = [r for r in rows if r["couples"]]
    for r in couples_rows:
        print()
        print(f"Couples, {r['name']} ({r['couples']:,} couples, target: engine time < 5 s):")
        print(f"  engine time (solve):        {fmt(r['solve'])}")
        print(f"  stable (verifier):          {'yes' if r['stable'] else 'NO'}")
        print(f"  blocking pairs:             {r['blocking']:,}")
        print(
            f"  couples placed together:    {r['together']:,}; one member placed: "
            f"{r['one_member']:,}; neither: {r['couples_unmatched']:,}"
        )
        print(
            f"  insertion: {r['attempts']} attempt(s), cycle detected: {r['cycle']}, "
            f"couples not inserted: {r['not_inserted']:,}"
        )

    print()
    print("PyPI `matching` (HospitalResident, resident-optimal) on the singles instances:")
    comparisons = [("national", national, rows[0])]
    if args.quick:
        print("  NRMP singles: skipped (--quick)")
    else:
        comparisons.append(("NRMP singles", nrmp, rows[1]))
    for name, doc, ours in comparisons:
        got = bench_matching(doc, args.timeout)
        if got["solve"] is None:
            where = "building the game" if got["build"] is None else "solving"
            print(
                f"  {name}: did not finish in {args.timeout / 60:g} minutes (stuck {where}; "
                f"build {fmt(got['build'])})"
            )
            continue
        total = got["build"] + got["solve"]
        agree = got["matches"] == ours["matches"]
        print(
            f"  {name}: build {fmt(got['build'])}, solve {fmt(got['solve'])}; "
            f"ratio to ours: solve {got['solve'] / ours['solve']:,.1f}x, "
            f"build+solve {total / ours['solve']:,.1f}x; same matching: {agree}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
