"""The audit history's cost per row when a match run writes its placements.

Each Placement insert fires django-pghistory's trigger, which writes the audit event. The
benchmark writes 4,000, 16,000 and 38,000 placements of one published-looking run through
`placements_bulk_insert` (the match write's own path) and, for comparison, through a plain
`bulk_create` with the foreign keys left deferred (the write before issue 16), each in a
transaction that is rolled back, and prints the cost per row. The target: the per-row cost
does not grow with the number of rows (the deferred write grew about sevenfold from 4,000
to 38,000 rows).

    python bench/audit_bench.py [--quick] [--database-url postgres://.../lis1_bench_audit]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import bench_environment  # noqa: E402  (bench/ is not a package)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lis1_bench_audit"
SIZES = (4_000, 16_000, 38_000)
PREFIX = "bench-audit-"


def _people(count: int):  # type: ignore[no-untyped-def]
    """`count` applicants (with their users) for the benchmark, created once."""
    from django.contrib.auth.hashers import make_password

    from lis1.accounts.models import User
    from lis1.rounds.models import Applicant

    have = Applicant.objects.filter(user__email__startswith=PREFIX).count()
    if have < count:
        users = User.objects.bulk_create(
            User(email=f"{PREFIX}{i}@example.invalid", password=make_password(None))
            for i in range(have, count)
        )
        Applicant.objects.bulk_create(
            (Applicant(user=u, given_name="Bench", family_name=f"Audit {u.pk}") for u in users),
            batch_size=5000,
        )
    return list(
        Applicant.objects.filter(user__email__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )


def _time_write(applicants: list[int], *, immediate: bool) -> tuple[float, int]:
    """Seconds to write one run's placements for `applicants`, and the audit events written;
    rolled back afterwards."""
    from django.db import transaction

    from lis1.jobs.models import JobStatus
    from lis1.rounds.enums import MatchRunKind, PlacementStatus
    from lis1.rounds.models import MatchRun, Placement
    from lis1.rounds.services.placements import placements_bulk_insert
    from tests import factories as f

    class Rollback(Exception):
        pass

    events = 0
    elapsed = 0.0
    try:
        with transaction.atomic():
            position = f.PositionFactory(seats=100)  # the seats are not checked by the insert
            run = MatchRun.objects.create(
                round=position.round, kind=MatchRunKind.MAIN, seed=0, status=JobStatus.RUNNING
            )
            rows = [
                Placement(
                    match_run=run,
                    applicant_id=pk,
                    position=position,
                    status=PlacementStatus.OFFERED,
                )
                for pk in applicants
            ]
            began = time.perf_counter()
            if immediate:
                placements_bulk_insert(rows)
            else:
                Placement.objects.bulk_create(rows, batch_size=2000)
            elapsed = time.perf_counter() - began
            events = Placement.pgh_event_model.objects.filter(match_run_id=run.pk).count()
            raise Rollback
    except Rollback:
        pass
    return elapsed, events


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Only 4,000 and 16,000 rows.")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    bench_environment(args.database_url)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    sizes = SIZES[:2] if args.quick else SIZES
    applicants = _people(max(sizes))
    print(f"{'rows':>7} {'write':>10} {'ms/row':>8} {'events':>7}")
    per_row: dict[tuple[str, int], float] = {}
    for label, immediate in (("immediate", True), ("deferred", False)):
        for size in sizes:
            seconds, events = _time_write(applicants[:size], immediate=immediate)
            per_row[(label, size)] = seconds * 1000 / size
            print(f"{size:>7,} {label:>10} {per_row[(label, size)]:>8.3f} {events:>7,}")
            if events != size:
                raise SystemExit(f"{events} audit events for {size} placements")
    growth = per_row[("immediate", sizes[-1])] / per_row[("immediate", sizes[0])]
    print(f"per-row cost, largest over smallest write: {growth:.2f} (target: under 1.5)")
    return 0 if growth < 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
