"""Whole match runs on PostgreSQL, then their verification and publication.

Seeds the demo round (1,200 applicants) and national rounds of the sizes asked for (at
45,000 applicants: 6,000 advertisements and 40,000 seats, the NRMP scale; other sizes in
proportion) into a dedicated benchmark database, moves each past its ranking deadline, and
times each step as a deployment runs it:
- the run job (`round_run_match`): load (build the instance), engine, write (placements,
  result and statistics in one transaction), and the whole run;
- the verification job (re-run the engine on the stored instance and compare);
- the publish request: a directorate user's POST to the publish page, which only records
  the decision and enqueues the results e-mails;
- the publish job: the results e-mails queued in one insert and rendered in batches of 500;
- sending them: each batch over one connection (the in-memory backend here), as the workers do.

Jobs are enqueued to kombu's in-memory broker, which no worker reads; the benchmark runs
each job in this process to time it.

    python bench/match_run_bench.py [--applicants 10000 --applicants 45000] [--quick]
        [--database-url postgres://.../lis1_bench]

Targets (issue 16): at 45,000 applicants the whole run under 30 s (load under 10 s, write
under 5 s), the publish request under 300 ms and its job under 60 s; the demo round's run
and publish job under 2 s each. A run that fails, is not stable or does not verify, and a
results batch that does not finish or leaves an e-mail unsent, fail the benchmark too.
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
    parser.add_argument(
        "--applicants",
        type=int,
        action="append",
        help="A national round of this many applicants (repeatable; default 45,000).",
    )
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
    from lis1.notifications.services import SEND_BATCH, email_batch_run, notification_send_many
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

    # (name, seed options, targets: whole run s, load ms, write ms, publish job s)
    scenarios: list[tuple[str, dict[str, int], tuple[float, float, float, float]]] = [
        ("demo round", {"applicants": 1200, "positions": 31}, (2.0, 2000, 2000, 2.0))
    ]
    for applicants in [] if args.quick else (args.applicants or [45000]):
        scale = applicants / 45000
        options = {
            "applicants": applicants,
            "positions": max(31, round(6000 * scale)),
            "seats": max(100, round(40000 * scale)),
        }
        # The targets are set for 45,000 applicants; a smaller round must meet them too.
        targets = (30.0, 10000, 5000, 60.0)
        scenarios.append((f"{applicants // 1000}k", options, targets))
    print(
        f"{'scenario':<10} {'applicants':>10} {'seats':>7} {'seed s':>7} "
        f"{'load ms':>8} {'engine ms':>9} {'write ms':>8} {'run s':>6} {'placed':>7} stable "
        f"{'verify s':>8} {'publish ms':>10} {'e-mails':>8} {'job s':>6} {'send s':>7}"
    )
    failed = False
    misses: list[str] = []
    for name, options, (run_target_s, load_target, write_target, job_target) in scenarios:
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
        # What the workers do with the batches the job handed over: render-free sends.
        ids = list(Outbox.objects.order_by("pk").values_list("pk", flat=True))
        began = time.perf_counter()
        sent = sum(
            notification_send_many(ids=ids[start : start + SEND_BATCH])
            for start in range(0, len(ids), SEND_BATCH)
        )
        send_s = time.perf_counter() - began
        checks = {
            f"whole run {total:.1f} s > {run_target_s} s": total > run_target_s,
            f"load {run.load_ms} ms > {load_target} ms": run.load_ms > load_target,
            f"write {run.write_ms} ms > {write_target} ms": run.write_ms > write_target,
            "not stable": not run.stable,
            f"publish request {publish_ms:.0f} ms > 300 ms": publish_ms > 300,
            f"publish job {emails_s:.1f} s > {job_target} s": emails_s > job_target,
            "the e-mail batch did not succeed": batch is None
            or batch.status != JobStatus.SUCCEEDED,
            f"{written - sent} e-mails unsent": sent != written,
        }
        misses.extend(f"{name}: {miss}" for miss, missed in checks.items() if missed)
        failed |= any(checks.values())
        print(
            f"{name:<10} {summary.applicants:>10,} {summary.seats:>7,} {seeded:>7.1f} "
            f"{run.load_ms:>8,} {run.engine_ms:>9,} {run.write_ms:>8,} {total:>6.2f} "
            f"{run.statistics['matched']:>7,} {'yes   ' if run.stable else 'NO    '} "
            f"{verify_s:>8.2f} {publish_ms:>10.0f} {written:>8,} {emails_s:>6.2f} {send_s:>7.2f}",
            flush=True,
        )
    for miss in misses:
        print(f"MISSED {miss}")
    # Leave a small database behind, not the 45,000-applicant one (nor its e-mails).
    Outbox.objects.all().delete()
    EmailBatch.objects.filter(key__startswith="results:").delete()
    demo_round_seed(seed=1, replace=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
