"""Benchmark of the exact couples step (lis1.matching.exact): time and verdicts.

Run from the repository root:  python bench/exact_bench.py [--quick] [--seeds N]

* LIS1 scale: 1,300 applicants, 31 programs, 575 seats, ~17 choices, with 10, 20 and 30 %
  of the applicants in couples (lis1.matching.generate.nrmp_instance with LIS1 sizes);
  --seeds markets per share;
* NRMP scale with 5 % couples: over the exact step's size budget, so the step is skipped
  when the engine's matching is unstable (the result says so); the engine's time is printed
  beside it.

The exact step's time is solve() with it minus solve() without it (same instance), in CPU
seconds of this one process (the solver is single-threaded), so a busy machine does not
inflate it. Targets: under 15 s typical (median), 60 s worst.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lis1.matching import parse_instance, solve
from lis1.matching.compiled import compile_instance
from lis1.matching.exact import DEFAULT_BUDGET, blocking_agents, size_problem
from lis1.matching.generate import nrmp_instance

TYPICAL_S, WORST_S = 15.0, 60.0


def lis1_market(seed: int, share: float) -> dict[str, Any]:
    return nrmp_instance(
        seed,
        n_applicants=1300,
        n_programs=31,
        seats=575,
        mean_list=17.0,
        longest=31,
        couple_share=share,
        n_cities=6,
    )


def run(doc: dict[str, Any]) -> dict[str, Any]:
    instance = parse_instance(doc)
    # CPU time of this process: the figures mean "on one core" even on a shared machine.
    t0 = time.process_time()
    engine = solve(instance, exact=None)
    t1 = time.process_time()
    result = solve(instance)
    t2 = time.process_time()
    engine_s, full_s = t1 - t0, t2 - t1
    exact = result.exact or {}
    return {
        "engine_s": engine_s,
        "exact_s": max(0.0, full_s - engine_s) if result.exact is not None else 0.0,
        "verdict": result.verdict,
        "ran": result.exact is not None and "skipped_reason" not in exact,
        "source": exact.get("matching_source", "engine"),
        "engine_agents": blocking_agents(engine.blocking_pairs),
        "agents": blocking_agents(result.blocking_pairs),
        "skipped": exact.get("skipped_reason", ""),
        "favouring": exact.get("applicant_favouring"),
        "conflicts": exact.get("decide_conflicts"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2 seeds per share, no NRMP")
    parser.add_argument("--seeds", type=int, default=8)
    args = parser.parse_args()
    seeds = 2 if args.quick else args.seeds

    print("exact couples step, LIS1 scale (1,300 applicants, 31 programs, 575 seats), CPU s")
    print(
        f"{'share':>5} {'seed':>4} {'engine':>7} {'exact':>7} {'verdict':<12} "
        f"{'source':<30} {'agents':>11} {'conflicts':>9}"
    )
    rows = []
    for share in (0.1, 0.2, 0.3):
        for seed in range(1, seeds + 1):
            row = run(lis1_market(seed, share))
            rows.append(row)
            print(
                f"{share:>5.0%} {seed:>4} {row['engine_s']:>6.2f}s {row['exact_s']:>6.2f}s "
                f"{row['verdict']:<12} {row['source']:<30} "
                f"{row['engine_agents']:>4} -> {row['agents']:<4} {row['conflicts'] or '':>9}",
                flush=True,
            )
    ran = [r["exact_s"] for r in rows if r["ran"]]
    verdicts = Counter(r["verdict"] for r in rows)
    print(f"\n{len(rows)} markets; the engine was unstable on {len(ran)} (the exact step ran)")
    for verdict in ("stable", "none_exists", "unknown", "skipped"):
        print(
            f"  verdict {verdict:<12} {verdicts[verdict]:>3}  ({verdicts[verdict] / len(rows):.0%})"
        )
    if ran:
        median, worst = statistics.median(ran), max(ran)
        print(
            f"exact step: median {median:.2f}s (target < {TYPICAL_S:.0f}s), "
            f"worst {worst:.2f}s (target < {WORST_S:.0f}s): "
            f"{'OK' if median < TYPICAL_S and worst < WORST_S else 'OVER TARGET'}"
        )
    better = sum(1 for r in rows if r["agents"] < r["engine_agents"])
    print(f"fewer blocking agents than the engine on {better} markets")

    if not args.quick:
        print("\nNRMP scale, 45,000 applicants, 5 % in couples")
        doc = nrmp_instance(1, couple_share=0.05)
        problem = size_problem(compile_instance(parse_instance(doc)), DEFAULT_BUDGET)
        print(f"  size budget: {'skipped: ' + problem if problem else 'within'}")
        row = run(doc)
        print(
            f"  engine {row['engine_s']:.2f}s, verdict {row['verdict']}"
            + (f" ({row['skipped']})" if row["skipped"] else "")
            + f", exact step {row['exact_s']:.2f}s"
        )


if __name__ == "__main__":
    main()
