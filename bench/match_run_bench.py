"""Whole match runs on PostgreSQL, then their verification and publication.

Seeds the demo round (1,200 applicants) and a national round at NRMP scale (45,000
applicants, 6,000 advertisements, 40,000 seats) into a dedicated benchmark database, moves
it past its ranking deadline, and times each step as a deployment runs it:
- the run job (`round_run_match`: load, solve, write in one transaction);
- the verification job (re-run the engine on the stored instance and compare);
- the publish request: a directorate user's POST to the publish page, which only records
  the decision and enqueues the results e-mails (target: under 300 ms at any size);
- the results e-mail job: one e-mail per applicant written to the outbox, in chunks.

Jobs are enqueued to kombu's in-memory broker, which no worker reads; the benchmark runs
each job in this process to time it.

    python bench/match_run_bench.py [--quick] [--database-url postgres://.../lis1_bench]

Targets: the run under 5 s for the demo round and under 60 s at 45,000 applicants (issue 3);
the publish request under 300 ms (issue 10). A run that fails, is not stable or does not
verify, and a results batch that does not finish, fail the benchmark too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import (  # noqa: E402  (bench/ is not a package)
    bench_environment,
    pass_ranking_deadline,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lis1_bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Only the demo round.")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    bench_environment(args.database_url)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings

    # Publishing writes a results e-mail per applicant; keep 45,000 of them off the console.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from lis1.accounts.models import User
    from lis1.jobs.models import JobStatus
    from lis1.notifications.models import EmailBatch, Outbox
    from lis1.notifications.services import email_batch_run
    from lis1.rounds.demo import demo_round_seed
    from lis1.rounds.demo.service import DEMO_EMAIL_DOMAIN
    from lis1.rounds.models import MatchRunCheck
    from lis1.rounds.services.matching import (
        match_run_check_execute,
        match_run_create,
        round_run_match,
    )

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)

    scenarios = [("demo round", {"applicants": 1200, "positions": 31}, 5.0)]
    if not args.quick:
        scenarios.append(
            ("NRMP scale", {"applicants": 45000, "positions": 6000, "seats": 40000}, 60.0)
        )
    print(
        f"{'scenario':<12} {'applicants':>10} {'seats':>7} {'seed s':>8} "
        f"{'load ms':>8} {'engine ms':>10} {'write ms':>9} {'run s':>7} {'placed':>7} stable "
        f"{'verify s':>9} {'publish ms':>11} {'e-mails':>8} {'e-mail s':>9}"
    )
    failed = False
    for name, options, run_target_s in scenarios:
        began = time.perf_counter()
        summary = demo_round_seed(seed=1, replace=True, **options)
        seeded = time.perf_counter() - began
        from lis1.rounds.models import Round

        round_ = pass_ranking_deadline(Round.objects.get(slug=summary.round_slug))
        began = time.perf_counter()
        run = round_run_match(match_run=match_run_create(round_=round_, seed=7))
        total = time.perf_counter() - began
        if run.status != JobStatus.SUCCEEDED:
            raise SystemExit(f"{name}: the run failed: {run.error}")

        staff = User.objects.get(email=f"direktorat@{DEMO_EMAIL_DOMAIN}")
        client = Client()
        client.force_login(staff)
        response = client.post(reverse("directorate:match_run_verify", args=[run.pk]))
        if response.status_code != 302:
            raise SystemExit(f"{name}: requesting the verification answered {response.status_code}")
        began = time.perf_counter()
        check = match_run_check_execute(check=MatchRunCheck.objects.get(match_run=run))
        verify_s = time.perf_counter() - began
        if check.status != JobStatus.SUCCEEDED or check.problems:
            raise SystemExit(f"{name}: the run does not verify: {check.error or check.problems}")

        Outbox.objects.all().delete()
        url = reverse("directorate:match_run_publish", args=[run.pk])
        began = time.perf_counter()
        response = client.post(url, {"confirm": "on", "reason": "benchmark"})
        publish_ms = (time.perf_counter() - began) * 1000
        if response.status_code != 302:
            raise SystemExit(f"publishing answered {response.status_code}")
        began = time.perf_counter()
        batch = email_batch_run(batch=EmailBatch.objects.get(key=f"results:{run.pk}"))
        emails_s = time.perf_counter() - began
        written = Outbox.objects.count()
        failed |= (
            total > run_target_s
            or not run.stable
            or publish_ms > 300
            or batch is None
            or batch.status != JobStatus.SUCCEEDED
        )
        print(
            f"{name:<12} {summary.applicants:>10,} {summary.seats:>7,} {seeded:>8.1f} "
            f"{run.load_ms:>8,} {run.engine_ms:>10,} {run.write_ms:>9,} {total:>7.2f} "
            f"{run.statistics['matched']:>7,} {'yes   ' if run.stable else 'NO    '} "
            f"{verify_s:>9.2f} {publish_ms:>11.0f} {written:>8,} {emails_s:>9.2f}"
        )
    # Leave a small database behind, not the 45,000-applicant one (nor its e-mails).
    Outbox.objects.all().delete()
    EmailBatch.objects.filter(key__startswith="results:").delete()
    demo_round_seed(seed=1, replace=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
