"""Benchmark of lis1.matching, and a comparison with the PyPI package `matching`.

Run from the repository root:  python bench/matching_bench.py [--quick]

* national: 1,200 applicants, 575 seats in 31 programs, ~17 choices (best of --repeat runs);
* NRMP scale: 45,000 applicants, 6,000 programs, 40,000 seats, mean list 12, longest 300,
  once all singles and once with 5 % of the applicants in couples.

Engine time is `solve()` alone (DA, couples, verifier, statistics; the integer form is built
by the parser, in the same pass as the checks); parsing and JSON output are timed separately.
`matching` (HospitalResident, resident-optimal) runs on the singles instances in a child
process with a time limit; --quick skips it at NRMP scale.

Whole process against the plain reference (bench/reference_da.py, heap deferred acceptance):
singles instances of 1,300, 20,000, 45,000 and 100,000 applicants (NRMP proportions) are
written to files; `python -m lis1.matching FILE > OUT` (parse and check, input digest,
solve, verify, statistics, result JSON) and the reference (parse, solve, write the
matching) run as child processes, interleaved, and their CPU times (user + system) are
compared by median. The reference is run twice: with the standard library's json (as a
plain implementation would be written), and with orjson for decoding and encoding (the
engine encodes with orjson above a few thousand applicants; it decodes with the standard
library, which is as fast as orjson on these documents). The engine's modules are compiled
to bytecode first, as in an installed package; the reference is one script, compiled on
every run as scripts are.

The same comparison is made with bench/reference_full.py: the engine's whole job on a
singles document (checks, input digest, deferred acceptance, verifier, result JSON), each
step written plainly. It shows what the checks, the digest and the verification cost a
plain implementation; the target above is against the matching alone.
"""

from __future__ import annotations

import argparse
import compileall
import json
import multiprocessing as mp
import resource
import statistics
import subprocess
import sys
import tempfile
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


REPO = Path(__file__).resolve().parents[1]
WHOLE_SIZES = (1_300, 20_000, 45_000, 100_000)


def sized_instance(seed: int, n: int) -> Doc:
    """A singles instance of ``n`` applicants in the NRMP proportions (45k : 6k : 40k)."""
    return nrmp_instance(
        seed, n_applicants=n, n_programs=round(n * 6000 / 45000), seats=round(n * 40000 / 45000)
    )


def child_cpu(cmd: list[str], stdout: Path, cwd: Path = REPO) -> tuple[float, float]:
    """CPU seconds (user + system) of one child process run to the end, and the system part."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with stdout.open("wb") as out:
        subprocess.run(cmd, stdout=out, check=True, cwd=cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    system = after.ru_stime - before.ru_stime
    return (after.ru_utime - before.ru_utime) + system, system


def compile_engine(checkout: Path) -> None:
    """Bytecode for a checkout's engine, as an installed package (and the image) has it: with
    PYTHONDONTWRITEBYTECODE set no import writes it, and compiling the modules on every run
    would be timed as the engine's work."""
    compileall.compile_dir(checkout / "lis1" / "matching", quiet=1)


def whole_process(
    seed: int, sizes: tuple[int, ...], runs: int, workdir: Path, baseline: Path | None = None
) -> list[dict]:
    rows = []
    for checkout in (REPO,) if baseline is None else (REPO, baseline):
        compile_engine(checkout)
    py = sys.executable
    ref = str(REPO / "bench" / "reference_da.py")
    full = str(REPO / "bench" / "reference_full.py")
    for n in sizes:
        path = workdir / f"singles-{n}.json"
        if not path.exists():
            path.write_text(json.dumps(sized_instance(seed, n)), encoding="utf-8")
        ours_out, ref_out, ref2_out, full_out = (
            workdir / f"{name}-{n}.out" for name in ("ours", "ref", "ref2", "full")
        )
        commands: dict[str, tuple[list[str], Path, Path]] = {
            "ours": ([py, "-m", "lis1.matching", str(path)], ours_out, REPO),
            "ref": ([py, ref, str(path), str(ref_out)], workdir / "null", REPO),
            "ref_orjson": (
                [py, ref, str(path), str(ref2_out), "--json", "orjson"],
                workdir / "null",
                REPO,
            ),
            "ref_full": ([py, full, str(path), str(full_out)], workdir / "null", REPO),
        }
        if baseline is not None:  # another checkout's engine, e.g. main before a change
            commands["baseline"] = (
                [py, "-m", "lis1.matching", str(path)],
                workdir / f"baseline-{n}.out",
                baseline,
            )
        times: dict[str, list[float]] = {name: [] for name in commands}
        system: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs if n < 100_000 else max(1, runs // 2)):
            for name, (cmd, out, cwd) in commands.items():  # interleaved: same load for each
                total, sys_part = child_cpu(cmd, out, cwd)
                times[name].append(total)
                system[name].append(sys_part)
        ours = json.loads(ours_out.read_bytes())
        theirs = json.loads(ref_out.read_bytes())
        plain = json.loads(full_out.read_bytes())
        med = {name: statistics.median(t) for name, t in times.items()}
        rows.append(
            {
                "n": n,
                "runs": len(times["ours"]),
                **med,
                "same": ours["matches"] == theirs["matches"]
                and ours["unmatched"] == theirs["unmatched"],
                "same_job": all(
                    ours[key] == plain[key]
                    for key in ("matches", "unmatched", "stable", "blocking_pairs", "input_sha256")
                ),
                "stable": ours["stable"],
            }
        )
        print(
            f"  {n:>7,} applicants: ours {fmt(med['ours'])}, reference {fmt(med['ref'])} "
            f"(with orjson {fmt(med['ref_orjson'])}); ratio {med['ours'] / med['ref']:.2f} "
            f"({med['ours'] / med['ref_orjson']:.2f}); same matching: {rows[-1]['same']}",
            flush=True,
        )
        # System time (page faults, mostly) is what varies most between runs and machines.
        print(
            f"           system time in that: ours {fmt(min(system['ours']))}–"
            f"{fmt(max(system['ours']))}, reference {fmt(min(system['ref']))}–"
            f"{fmt(max(system['ref']))}",
            flush=True,
        )
        print(
            f"           the same job written plainly (reference_full.py): "
            f"{fmt(med['ref_full'])}, ratio {med['ours'] / med['ref_full']:.2f}; same result: "
            f"{rows[-1]['same_job']}",
            flush=True,
        )
        if baseline is not None:
            same = (workdir / f"baseline-{n}.out").read_bytes() == ours_out.read_bytes()
            print(
                f"           baseline {baseline}: {fmt(med['baseline'])}, ratio "
                f"{med['baseline'] / med['ref']:.2f} ({med['baseline'] / med['ref_orjson']:.2f}); "
                f"same output as ours: {same}",
                flush=True,
            )
    return rows


def solve_cpu(doc: Doc, runs: int) -> tuple[float, float]:
    """Median CPU seconds of parse_instance and of solve, in this process."""
    parse_times, solve_times = [], []
    for _ in range(runs):
        t = time.process_time()
        instance = parse_instance(doc)
        parse_times.append(time.process_time() - t)
        t = time.process_time()
        solve(instance)
        solve_times.append(time.process_time() - t)
    return statistics.median(parse_times), statistics.median(solve_times)


def fmt(t: float | None) -> str:
    return "-" if t is None else f"{t * 1000:,.1f} ms" if t < 1 else f"{t:,.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip `matching` at NRMP scale")
    parser.add_argument("--repeat", type=int, default=7, help="runs of the national instance")
    parser.add_argument("--timeout", type=float, default=600.0, help="limit for `matching`, s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--whole-runs", type=int, default=5, help="interleaved runs per size (0 skips them)"
    )
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, WHOLE_SIZES)),
        help="applicant counts of the whole-process comparison, comma-separated",
    )
    parser.add_argument("--whole-only", action="store_true", help="only the whole-process part")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also run the engine of this checkout (run from it), e.g. the main branch",
    )
    args = parser.parse_args()

    if args.whole_runs:
        sizes = tuple(int(x) for x in args.sizes.split(","))
        print(
            "Whole process, CPU medians of interleaved child processes: "
            "python -m lis1.matching against bench/reference_da.py (target: ratio <= 1.00 at "
            "20,000):",
            flush=True,
        )
        with tempfile.TemporaryDirectory(prefix="lis1-bench-") as tmp:
            whole_process(args.seed, sizes, args.whole_runs, Path(tmp), args.baseline)
        if 45_000 in sizes:
            parse_t, solve_t = solve_cpu(sized_instance(args.seed, 45_000), 3)
            print(
                f"  45,000 applicants in this process: parse_instance {fmt(parse_t)}, "
                f"solve {fmt(solve_t)} (target: solve <= 1 s), CPU medians of 3",
                flush=True,
            )
        print()
    if args.whole_only:
        return 0

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
