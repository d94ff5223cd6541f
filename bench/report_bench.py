"""Round status reports on PostgreSQL: queries, build and every format.

Seeds the demo round (1,200 applicants) and a national round at NRMP scale (45,000
applicants, 6,000 advertisements, 40,000 seats) into a dedicated benchmark database, matches
and publishes it, records answers for most offers, and times the report: the database
queries with the pure build, the charts, and each format.

    python bench/report_bench.py [--quick] [--database-url postgres://.../lis1_bench_reports]

Targets (issue 6): every format under 5 s for the demo round, under 60 s at 45,000 applicants.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import bench_environment, pass_ranking_deadline, verified  # noqa: E402  (bench/ is not a package)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lis1_bench_reports"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Only the demo round.")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_REPORTS_DATABASE_URL", DEFAULT_URL),
    )
    args = parser.parse_args()

    bench_environment(args.database_url)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings

    # Publishing writes a results e-mail per applicant; keep 45,000 of them off the console.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.management import call_command
    from django.db.models import F
    from django.utils import timezone, translation

    from lis1.reports.render import FORMATS, report_render
    from lis1.reports.render.charts import report_charts
    from lis1.reports.services import round_report_build
    from lis1.rounds.demo import demo_round_seed
    from lis1.rounds.enums import PlacementStatus
    from lis1.rounds.models import Placement, Round
    from lis1.rounds.services.matching import (
        match_run_create,
        match_run_publish,
        round_run_match,
    )

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    translation.activate("en")

    scenarios = [("demo round", {"applicants": 1200, "positions": 31})]
    if not args.quick:
        scenarios.append(("NRMP scale", {"applicants": 45000, "positions": 6000, "seats": 40000}))
    columns = ["build", "charts", *FORMATS]
    print(
        f"{'scenario':<12} {'applicants':>10} {'seats':>7} {'offered':>7} {'seed s':>7} "
        + " ".join(f"{c + ' s':>8}" for c in columns)
        + f" {'total s':>8} {'target':>7}"
    )
    failed = False
    for name, options in scenarios:
        began = time.perf_counter()
        summary = demo_round_seed(seed=1, replace=True, **options)
        round_ = Round.objects.get(slug=summary.round_slug)
        pass_ranking_deadline(round_)
        run = verified(round_run_match(match_run=match_run_create(round_=round_, seed=7)))
        match_run_publish(match_run=run, confirm=True, reason="benchmark")
        # Answers in: about 70 % accept, 10 % decline, the rest still open.
        placements = Placement.objects.filter(match_run=run)
        now = timezone.now()
        placements.annotate(bucket=F("pk") % 10).filter(bucket__lt=7).update(
            status=PlacementStatus.ACCEPTED, answered_at=now
        )
        placements.annotate(bucket=F("pk") % 10).filter(bucket=7).update(
            status=PlacementStatus.DECLINED, answered_at=now
        )
        seeded = time.perf_counter() - began

        timings: dict[str, float] = {}
        total_began = time.perf_counter()
        began = time.perf_counter()
        report = round_report_build(round_=round_)
        timings["build"] = time.perf_counter() - began
        began = time.perf_counter()
        charts = report_charts(report)
        timings["charts"] = time.perf_counter() - began
        sizes = {}
        for fmt in FORMATS:
            began = time.perf_counter()
            _, _, content = report_render(report, fmt, charts=charts)
            timings[fmt] = time.perf_counter() - began
            sizes[fmt] = len(content)
        total = time.perf_counter() - total_began
        target = 5.0 if name == "demo round" else 60.0
        failed |= total > target
        headline = report.table("headline")
        print(
            f"{name:<12} {summary.applicants:>10,} {summary.seats:>7,} "
            f"{headline.cell('Offered a position', 'value'):>7,} {seeded:>7.1f} "
            + " ".join(f"{timings[c]:>8.2f}" for c in columns)
            + f" {total:>8.2f} {'<' if total <= target else '>'}{target:>5.0f} s"
        )
        print(
            "             sizes: "
            + ", ".join(f"{fmt} {size / 1024:,.0f} kB" for fmt, size in sizes.items())
        )
    # Leave a small database behind, not the 45,000-applicant one.
    demo_round_seed(seed=1, replace=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
