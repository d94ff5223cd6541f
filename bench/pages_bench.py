"""Every page of every role, timed in-process on PostgreSQL: p50/p95 and the query count.

Two databases: the demo (1,200 applicants in the current round) and a national-history one
(45,000 applicants in the current round plus ten earlier rounds of national size, copied
from a demo-sized sample with shifted dates). Each is measured before the main match (the
ranking phase) and after a published match. The pages are requested through Django's test
client as the demo users (applicant, employer, municipality, directorate staff, admin), so
middleware, templates and every query are in the figure; the network and gunicorn are not
(see bench/load_applicants.py for those).

    python bench/pages_bench.py [--quick] [--requests 15] [--database-url postgres://...]

Targets (issue 11): p95 under 150 ms on the demo and under 500 ms on the national history,
and the same query count on both for every page.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import (  # noqa: E402  (bench/ is not a package)
    bench_environment,
    pass_ranking_deadline,
    verified,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lis1_bench_pages"
EARLIER_ROUNDS = 10
TARGETS_MS = {"demo": 150.0, "national history": 500.0}


def _earlier_rounds(count: int, sample: int) -> None:
    """Earlier rounds of national size: the current round's positions and a sample of its
    applicants (applications, both sides' rankings and a published main match in which each
    sampled applicant takes their first choice while seats last), copied into closed rounds
    one season apart going back. Marked as demo rounds, so the next seeding removes them."""
    import datetime as dt
    from collections import Counter

    import pgtrigger
    from django.db import transaction

    from lis1.jobs.models import JobStatus
    from lis1.rounds.calendar import season_start_date
    from lis1.rounds.demo.service import UNAUDITED_DEMO_TRIGGERS
    from lis1.rounds.enums import MatchRunKind, PlacementStatus, Season
    from lis1.rounds.models import (
        ApplicantRanking,
        Application,
        EmployerRanking,
        MatchRun,
        Placement,
        Position,
        Round,
    )

    current = Round.objects.order_by("-start_date").first()
    assert current is not None
    sampled = set(
        Application.objects.filter(position__round=current)
        .order_by("applicant_id")
        .values_list("applicant_id", flat=True)
        .distinct()[:sample]
    )
    positions = list(Position.objects.filter(round=current).order_by("pk"))
    applications = list(
        Application.objects.filter(position__round=current, applicant_id__in=sampled).values(
            "applicant_id", "position_id", "status", "submitted_at"
        )
    )
    applicant_lists = list(
        ApplicantRanking.objects.filter(round=current, applicant_id__in=sampled)
        .order_by("applicant_id", "rank")
        .values_list("applicant_id", "position_id", "rank")
    )
    employer_lists = list(
        EmployerRanking.objects.filter(position__round=current, applicant_id__in=sampled)
        .order_by("position_id", "rank")
        .values_list("position_id", "applicant_id", "rank")
    )
    season, year = current.season, current.year
    with pgtrigger.ignore(*UNAUDITED_DEMO_TRIGGERS), transaction.atomic():
        for back in range(1, count + 1):
            season, year = (
                (Season.AUTUMN, year - 1) if season == Season.SPRING else (Season.SPRING, year)
            )
            shift = dt.timedelta(days=182 * back)
            start = season_start_date(season, year)
            published = current.answer_deadline - shift - dt.timedelta(days=7)
            old = Round.objects.create(
                season=season,
                year=year,
                slug=f"{season}-{year}",
                is_demo=True,
                advertising_opens=current.advertising_opens - shift,
                applications_open=current.applications_open - shift,
                applications_close=current.applications_close - shift,
                ranking_deadline=current.ranking_deadline - shift,
                match_date=current.match_date - shift,
                results_published=current.results_published - shift,
                answer_deadline=current.answer_deadline - shift,
                start_date=start,
                published_at=published,
                closed_at=current.answer_deadline - shift + dt.timedelta(days=30),
            )
            copies = Position.objects.bulk_create(
                [
                    Position(
                        round=old,
                        employer_id=p.employer_id,
                        reference=p.reference,
                        title=p.title,
                        kind=p.kind,
                        rotation=p.rotation,
                        municipality_id=p.municipality_id,
                        municipal_area_id=p.municipal_area_id,
                        start_date=start,
                        seats=p.seats,
                        status=p.status,
                        ranking_submitted_at=published,
                    )
                    for p in positions
                ],
                batch_size=2000,
            )
            new = {p.pk: c.pk for p, c in zip(positions, copies, strict=True)}
            Application.objects.bulk_create(
                [
                    Application(
                        applicant_id=a["applicant_id"],
                        position_id=new[a["position_id"]],
                        status=a["status"],
                        submitted_at=a["submitted_at"] and a["submitted_at"] - shift,
                        created_at=current.applications_open - shift,
                    )
                    for a in applications
                ],
                batch_size=5000,
            )
            ApplicantRanking.objects.bulk_create(
                [
                    ApplicantRanking(round=old, applicant_id=a, position_id=new[p], rank=r)
                    for a, p, r in applicant_lists
                ],
                batch_size=5000,
            )
            EmployerRanking.objects.bulk_create(
                [
                    EmployerRanking(position_id=new[p], applicant_id=a, rank=r)
                    for p, a, r in employer_lists
                ],
                batch_size=5000,
            )
            run = MatchRun.objects.create(
                round=old,
                kind=MatchRunKind.MAIN,
                seed=1,
                status=JobStatus.SUCCEEDED,
                engine_version="copied by bench/pages_bench.py",
                published_at=published,
                verified_ok=True,
                attempt=1,
            )
            seats = {p.pk: p.seats for p in positions}
            taken: Counter[int] = Counter()
            placed = []
            first_choice: dict[int, int] = {}
            for applicant, position, _rank in applicant_lists:
                first_choice.setdefault(applicant, position)
            for applicant, position in sorted(first_choice.items()):
                if taken[position] < seats[position]:
                    taken[position] += 1
                    placed.append(
                        Placement(
                            match_run=run,
                            applicant_id=applicant,
                            position_id=new[position],
                            choice_rank=1,
                            status=PlacementStatus.DECLINED
                            if applicant % 5 == 0
                            else PlacementStatus.ACCEPTED,
                            answered_at=published,
                        )
                    )
            Placement.objects.bulk_create(placed, batch_size=5000)


def _pages(stage: str):  # type: ignore[no-untyped-def]
    """(role, name, e-mail of the user, path) for every page of every role."""
    from django.urls import reverse

    from lis1.accounts.models import User
    from lis1.reports.models import Scenario
    from lis1.rounds.demo.service import DEMO_EMAIL_DOMAIN, DEMO_EMPLOYER_CODE
    from lis1.rounds.models import (
        Application,
        MatchRun,
        MunicipalArea,
        Placement,
        Position,
        Round,
    )
    from lis1.rounds.permissions import municipality_positions

    round_ = Round.objects.order_by("-start_date").first()
    applicant_email = f"soker@{DEMO_EMAIL_DOMAIN}"
    employer_email = f"arbeidsgiver@{DEMO_EMAIL_DOMAIN}"
    municipality_email = f"kommune@{DEMO_EMAIL_DOMAIN}"
    staff_email = f"direktorat@{DEMO_EMAIL_DOMAIN}"
    position = (
        Position.objects.filter(round=round_, employer__code=DEMO_EMPLOYER_CODE)
        .order_by("-seats", "pk")
        .first()
    )
    applied = Application.objects.filter(position=position).order_by("pk").first()
    mine = (
        Application.objects.filter(applicant__user__email=applicant_email, position__round=round_)
        .order_by("pk")
        .first()
    )
    area = (
        MunicipalArea.objects.filter(
            positions__round=round_,
            municipalities__memberships__user__email=municipality_email,
        )
        .order_by("pk")
        .first()
    )
    # The positions the municipality's staff may review (its own, alone or in an area).
    municipal_position = (
        municipality_positions(User.objects.get(email=municipality_email))
        .filter(round=round_)
        .order_by("pk")
        .first()
    )
    needed = {
        "an application to the employer's position": applied,
        "an application of the applicant": mine,
        "an area of the municipality": area,
        "a position the municipality reviews": municipal_position,
    }
    if stage == "after":
        needed["a placement of the applicant"] = placement = Placement.objects.filter(
            applicant__user__email=applicant_email, match_run__round=round_
        ).first()
    missing = [what for what, found in needed.items() if found is None]
    if missing:  # a page left out would go unmeasured without a word
        raise SystemExit(f"the seeded round has no {', '.join(missing)}")
    pages = [
        ("public", "start page", None, reverse("home")),
        ("public", "how the match works", None, reverse("how_the_match_works")),
        ("applicant", "dashboard", applicant_email, reverse("applicants:dashboard")),
        ("applicant", "positions", applicant_email, reverse("applicants:positions")),
        (
            "applicant",
            "positions filtered",
            applicant_email,
            reverse("applicants:positions") + "?q=indremedisin&page=2",
        ),
        (
            "applicant",
            "position",
            applicant_email,
            reverse("applicants:position", args=[position.pk]),
        ),
        ("applicant", "ranking", applicant_email, reverse("applicants:ranking")),
        ("applicant", "documents", applicant_email, reverse("applicants:documents")),
        ("applicant", "profile", applicant_email, reverse("applicants:profile")),
        ("applicant", "couple", applicant_email, reverse("applicants:couple")),
        ("employer", "dashboard", employer_email, reverse("employers:dashboard")),
        ("employer", "positions", employer_email, reverse("employers:positions")),
        ("employer", "position", employer_email, reverse("employers:position", args=[position.pk])),
        (
            "employer",
            "applicants",
            employer_email,
            reverse("employers:applicants", args=[position.pk]),
        ),
        (
            "employer",
            "ranking",
            employer_email,
            reverse("employers:ranking", args=[position.pk]),
        ),
        ("municipality", "dashboard", municipality_email, reverse("municipalities:dashboard")),
        ("directorate", "rounds", staff_email, reverse("directorate:dashboard")),
        ("directorate", "round", staff_email, reverse("directorate:round", args=[round_.slug])),
        (
            "directorate",
            "calendar",
            staff_email,
            reverse("directorate:round_calendar", args=[round_.slug]),
        ),
        (
            "directorate",
            "reports",
            staff_email,
            reverse("directorate:round_reports", args=[round_.slug]),
        ),
        ("directorate", "audit history", staff_email, reverse("directorate:audit")),
        ("directorate", "scenarios", staff_email, reverse("directorate:scenarios")),
        (
            "directorate",
            "new scenario",
            staff_email,
            reverse("directorate:scenario_new") + f"?runde={round_.slug}",
        ),
        ("admin", "placements", staff_email, "/admin/rounds/placement/"),
        ("admin", "applications", staff_email, "/admin/rounds/application/"),
        ("admin", "applicants", staff_email, "/admin/rounds/applicant/"),
        ("admin", "positions", staff_email, "/admin/rounds/position/"),
        ("admin", "match runs", staff_email, "/admin/rounds/matchrun/"),
        ("admin", "rounds", staff_email, "/admin/rounds/round/"),
        (
            "employer",
            "applicant",
            employer_email,
            reverse("employers:applicant", args=[position.pk, applied.pk]),
        ),
        (
            "applicant",
            "application",
            applicant_email,
            reverse("applicants:application", args=[mine.pk]),
        ),
        (
            "municipality",
            "area",
            municipality_email,
            reverse("municipalities:area", args=[area.pk]),
        ),
        (
            "municipality",
            "position review",
            municipality_email,
            reverse("municipalities:position", args=[municipal_position.pk]),
        ),
    ]
    stored = list(Scenario.objects.order_by("pk").values_list("pk", flat=True)[:2])
    if len(stored) == 2:
        pages += [
            (
                "directorate",
                "scenario",
                staff_email,
                reverse("directorate:scenario", args=[stored[0]]),
            ),
            (
                "directorate",
                "compare scenarios",
                staff_email,
                reverse("directorate:scenario_compare") + f"?s={stored[0]}&s={stored[1]}",
            ),
        ]
    if stage == "after":
        run = MatchRun.objects.filter(round=round_, kind="main").order_by("-pk").first()
        pages += [
            (
                "employer",
                "placed doctors",
                employer_email,
                reverse("employers:placements", args=[position.pk]),
            ),
            (
                "directorate",
                "match run",
                staff_email,
                reverse("directorate:match_run", args=[run.pk]),
            ),
            (
                "directorate",
                "seats",
                staff_email,
                reverse("directorate:round_seats", args=[round_.slug]),
            ),
            (
                "municipality",
                "doctors' wishes",
                municipality_email,
                reverse("municipalities:my_placements"),
            ),
            (
                "applicant",
                "offer",
                applicant_email,
                reverse("applicants:offer", args=[placement.pk]),
            ),
        ]
    return pages


def _stored_scenarios() -> str:
    """Two finished scenarios to show and compare (5 rounds, 20 replications each), run
    on the latest round of national LIS1 size: the current round when it is one, else the
    latest earlier round (the lab refuses a 45,000-applicant market, and the earlier rounds
    here keep the current round's 6,000 positions, so 10 rounds of them are too large too;
    see lis1.simulation.projection.MAX_MARKET_CELLS). Returns the round's slug."""
    from django.db.models import Count, Q

    from lis1.reports.models import Scenario
    from lis1.reports.scenarios import scenario_request, scenario_run
    from lis1.rounds.enums import ApplicationStatus
    from lis1.rounds.models import Round
    from lis1.simulation_data import scenario_defaults

    Scenario.objects.all().delete()
    sized = Round.objects.annotate(
        n=Count(
            "positions__applications__applicant",
            filter=Q(positions__applications__status=ApplicationStatus.SUBMITTED),
            distinct=True,
        )
    )
    round_ = sized.filter(n__lte=5000, n__gt=0).order_by("-start_date").first()
    for name, extra in (("Baseline", 0), ("Fifty more seats", 50)):
        parameters = {
            **scenario_defaults(round_),
            "rounds": 5,
            "replications": 20,
            "extra_seats": extra,
        }
        scenario = scenario_request(round_=round_, name=name, parameters=parameters)
        done = scenario_run(scenario=scenario)
        if done.error:
            raise SystemExit(f"scenario {name!r} failed: {done.error}")
    return round_.slug


def _uncached_scenario_estimate() -> float:
    """Milliseconds of the estimate behind the scenario form of the current round, uncached
    (the page's figure below is the cached one a second visit gets)."""
    from lis1.rounds.models import Round
    from lis1.simulation_data import estimated_assumptions

    round_ = Round.objects.order_by("-start_date").first()
    began = time.perf_counter()
    estimated_assumptions(round_)
    return (time.perf_counter() - began) * 1000


def _measure(pages, requests: int):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lis1.accounts.models import User

    clients: dict[str | None, Client] = {}
    rows = []
    # As lis1/wsgi.py does in a worker once the app is loaded: what lives on (here also
    # the bench's own objects) is out of the collector's reach.
    gc.collect()
    gc.freeze()
    for role, name, email, path in pages:
        if email not in clients:
            client = Client()
            if email is not None:
                client.force_login(User.objects.get(email=email))
            clients[email] = client
        client = clients[email]
        response = client.get(path)  # warm caches as a user's second visit would
        # The log is a bounded deque: empty it, or a full one counts nothing.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        times = []
        for _ in range(requests):
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        rows.append(
            (
                role,
                name,
                response.status_code,
                len(queries),
                statistics.median(times),
                p95,
                len(response.content),
            )
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Only the demo database.")
    parser.add_argument("--requests", type=int, default=15, help="Timed requests per page.")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_PAGES_DATABASE_URL", DEFAULT_URL)
    )
    args = parser.parse_args()
    bench_environment(args.database_url)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.core.cache import cache
    from django.core.management import call_command

    from lis1.rounds.demo import demo_round_seed
    from lis1.rounds.models import Round
    from lis1.rounds.services.matching import match_run_create, match_run_publish, round_run_match

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)

    databases = [("demo", {"applicants": 1200, "positions": 31}, 0)]
    if not args.quick:
        databases.append(
            (
                "national history",
                {"applicants": 45000, "positions": 6000, "seats": 40000},
                EARLIER_ROUNDS,
            )
        )
    results: dict[tuple[str, str], list] = {}  # type: ignore[type-arg]
    failed = False
    for name, options, earlier in databases:
        began = time.perf_counter()
        summary = demo_round_seed(seed=1, replace=True, **options)
        if earlier:
            _earlier_rounds(earlier, sample=1200)
        from django.db import connection

        # VACUUM as well: replacing the national history leaves a million dead rows behind
        # (autovacuum gets to them later), and the demo's admin lists count whole tables:
        # 155 ms for a COUNT(*) over the dead rows instead of 7 ms.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        scenario_round = _stored_scenarios()
        cold = _uncached_scenario_estimate()
        print(
            f"\n{name}: {summary.applicants:,} applicants in the current round, "
            f"{Round.objects.count()} rounds; seeded in {time.perf_counter() - began:.0f} s; "
            f"stored scenarios of {scenario_round}; the scenario form's estimate of the "
            f"current round uncached {cold:.0f} ms (the form caches it for 5 minutes)"
        )
        for stage in ("before", "after"):
            if stage == "after":
                round_ = pass_ranking_deadline(Round.objects.get(slug=summary.round_slug))
                run = verified(round_run_match(match_run=match_run_create(round_=round_, seed=7)))
                match_run_publish(match_run=run, confirm=True, reason="benchmark")
            cache.clear()
            rows = _measure(_pages(stage), args.requests)
            results[(name, stage)] = rows
            print(f"  {stage} the published match:")
            print(
                f"    {'role':<13} {'page':<22} {'code':>4} {'queries':>7} "
                f"{'p50 ms':>8} {'p95 ms':>8} {'kB':>7}"
            )
            for role, page, code, queries, p50, p95, size in rows:
                over = p95 > TARGETS_MS[name] or code != 200  # a redirect is not the page
                failed |= over
                print(
                    f"    {role:<13} {page:<22} {code:>4} {queries:>7} {p50:>8.1f} {p95:>8.1f} "
                    f"{size / 1024:>7.0f}{'  over target' if over else ''}"
                )
    if not args.quick:
        for stage in ("before", "after"):
            small = {(r[0], r[1]): r[3] for r in results[("demo", stage)]}
            large = {(r[0], r[1]): r[3] for r in results[("national history", stage)]}
            differ = [
                f"{k[0]} {k[1]}: {small[k]} vs {large[k]}"
                for k in small
                if k in large and small[k] != large[k]
            ]
            print(
                f"\n  query counts that differ between the databases ({stage}): "
                f"{', '.join(differ) or 'none'}"
            )
            failed |= bool(differ)
    # Leave a small database behind, not the 45,000-applicant one.
    demo_round_seed(seed=1, replace=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
