"""Whole match runs on PostgreSQL: load the round, run the engine, write placements.

Seeds the demo round (1,200 applicants) and a national round at NRMP scale (45,000
applicants, 6,000 advertisements, 40,000 seats) into a dedicated benchmark database and
times `round_run_match`, which loads, solves and writes in one transaction.

    python bench/match_run_bench.py [--quick] [--database-url postgres://.../lis1_bench]

Targets (issue 3): under 5 s for the demo round and under 60 s at 45,000 applicants.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import ensure_database  # noqa: E402  (bench/ is not a package)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lis1_bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Only the demo round.")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.pop("CELERY_BROKER_URL", None)  # run in-process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lis1.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    from lis1.rounds.demo import demo_round_seed
    from lis1.rounds.services.matching import match_run_create, round_run_match

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)

    scenarios = [("demo round", {"applicants": 1200, "positions": 31})]
    if not args.quick:
        scenarios.append(("NRMP scale", {"applicants": 45000, "positions": 6000, "seats": 40000}))
    print(
        f"{'scenario':<12} {'applicants':>10} {'seats':>7} {'seed s':>8} "
        f"{'load ms':>8} {'engine ms':>10} {'write ms':>9} {'total s':>8} {'placed':>7} stable"
    )
    for name, options in scenarios:
        began = time.perf_counter()
        summary = demo_round_seed(seed=1, replace=True, **options)
        seeded = time.perf_counter() - began
        from lis1.rounds.models import Round

        round_ = Round.objects.get(slug=summary.round_slug)
        began = time.perf_counter()
        run = round_run_match(match_run=match_run_create(round_=round_, seed=7))
        total = time.perf_counter() - began
        print(
            f"{name:<12} {summary.applicants:>10,} {summary.seats:>7,} {seeded:>8.1f} "
            f"{run.load_ms:>8,} {run.engine_ms:>10,} {run.write_ms:>9,} {total:>8.2f} "
            f"{run.statistics['matched']:>7,} {'yes' if run.stable else 'NO'}"
        )
    # Leave a small database behind, not the 45,000-applicant one.
    demo_round_seed(seed=1, replace=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
