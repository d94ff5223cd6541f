"""Load test of the applicant's pages at the deadline: 200 applicants browsing, applying and
ranking at once, against gunicorn and PostgreSQL on the loopback interface only.

Run from the repository root:
    python bench/load_applicants.py [--users 200] [--seconds 60] [--think 5-15]

Each user waits --think seconds between actions: 5-15 by default, a doctor reading a position
page or a list; 1-3 is a stress test, each user clicking every two seconds.

The runner creates (or reuses) the database in BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/lis1_bench) and uses the Redis cache in BENCH_REDIS_URL
(default redis://127.0.0.1:6379/3). It migrates the database, builds an open round with 60
positions and the applicants with ready log-in sessions (so that password hashing and the
log-in throttle are not what is measured), starts gunicorn on 127.0.0.1 with the Redis
broker in BENCH_BROKER_URL (default redis://127.0.0.1:6379/4: requests queue their receipt
e-mails as in production; no worker runs and the queue is emptied afterwards), runs locust
headless for a bounded time and prints requests per second, p95 latency and errors.
Locust imports this same file for the user behaviour (the classes below).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlencode, urlparse

from locust import FastHttpUser, between, task

ROOT = Path(__file__).resolve().parents[1]
TMP = Path(tempfile.gettempdir())
SESSIONS_FILE = Path(os.environ.get("LIS1_BENCH_SESSIONS", str(TMP / "lis1-bench-sessions.txt")))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# Locust side ------------------------------------------------------------------------------


def _sessions() -> list[str]:
    return SESSIONS_FILE.read_text().split() if SESSIONS_FILE.exists() else []


def _cookie(name: str, value: str) -> Cookie:
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain="127.0.0.1",
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# Seconds a user waits between two actions (LIS1_BENCH_THINK, set by --think).
THINK = tuple(float(x) for x in os.environ.get("LIS1_BENCH_THINK", "5-15").split("-", 1))


class Applicant(FastHttpUser):
    """A doctor in the last hour before the application deadline.

    FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator runs
    on the same two cores as the server, and it needs several times less CPU per request."""

    wait_time = between(*THINK)
    _pool: list[str] = []

    def on_start(self) -> None:
        if not Applicant._pool:
            Applicant._pool = _sessions()
        self.client.cookiejar.set_cookie(_cookie("sessionid", Applicant._pool.pop()))
        self.client.cookiejar.set_cookie(
            _cookie("lis1_language", random.choice(["nb", "nn", "en"]))
        )
        page = self.client.get("/soker/stillinger/", name="positions")
        self.position_ids = [int(x) for x in re.findall(r"/soker/stillinger/(\d+)/", page.text)]
        self.page_count = 3

    def _token(self, html: str) -> str:
        match = CSRF.search(html)
        return match.group(1) if match else ""

    @task(5)
    def browse(self) -> None:
        params = random.choice(
            [{}, {"q": "LIS1"}, {"rotation": "three_part"}, {"page": random.randint(1, 3)}]
        )
        query = f"?{urlencode(params)}" if params else ""
        self.client.get(f"/soker/stillinger/{query}", name="positions")

    @task(3)
    def position(self) -> None:
        if self.position_ids:
            pk = random.choice(self.position_ids)
            self.client.get(f"/soker/stillinger/{pk}/", name="position detail")

    @task(3)
    def apply(self) -> None:
        if not self.position_ids:
            return
        pk = random.choice(self.position_ids)
        form = self.client.get(f"/soker/stillinger/{pk}/sok/", name="apply form")
        if "csrfmiddlewaretoken" not in form.text:
            return  # already applied: the page redirected to the application
        self.client.post(
            f"/soker/stillinger/{pk}/sok/",
            urlencode({"csrfmiddlewaretoken": self._token(form.text), "motivation": "Motivert."}),
            headers=FORM,
            name="apply",
        )

    @task(4)
    def rank(self) -> None:
        page = self.client.get("/soker/rangering/", name="ranking")
        ids = re.findall(r'name="order" value="(\d+)"', page.text)
        if len(ids) < 2:
            return
        random.shuffle(ids)
        self.client.post(
            "/soker/rangering/",
            urlencode({"csrfmiddlewaretoken": self._token(page.text), "order": ids}, doseq=True),
            headers={**FORM, "HX-Request": "true"},
            name="ranking save (htmx)",
        )

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/soker/", name="dashboard")


# Runner side ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(database_url: str, users: int) -> None:
    """Create the database when missing, migrate, and build the round and the applicants."""
    url = urlparse(database_url)
    name = url.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"unexpected database name {name!r}")
    exists = subprocess.run(
        [
            "psql",
            "-h",
            url.hostname or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",  # noqa: S608 (checked name)
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(
            [
                "createdb",
                "-h",
                url.hostname or "127.0.0.1",
                "-p",
                str(url.port or 5432),
                "-U",
                url.username or "postgres",
                name,
            ],
            check=True,
        )
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    subprocess.run([sys.executable, __file__, "--seed", str(users)], cwd=ROOT, env=env, check=True)


def start_gunicorn(env: dict[str, str], port: int, workers: int, log_path: Path):  # type: ignore[no-untyped-def]
    """gunicorn on 127.0.0.1:`port`, returned once it accepts connections."""
    log = log_path.open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "lis1.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.2)
    return server


def _seed(users: int) -> None:
    """In a child process with Django set up: the open round, its positions, the applicants
    and a ready session per applicant (written to SESSIONS_FILE for the locust users)."""
    import datetime as dt

    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lis1.settings")
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from lis1.accounts.models import User
    from lis1.rounds.enums import OrganisationKind
    from lis1.rounds.models import (
        Applicant,
        ApplicantRanking,
        Application,
        Organisation,
        Position,
        Region,
        Round,
    )

    now = timezone.now()
    # The newest start date among running rounds makes the bench round the current one.
    round_, _ = Round.objects.update_or_create(
        slug="bench-2099",
        defaults={
            "season": "spring",
            "year": 2099,
            "advertising_opens": now - dt.timedelta(days=10),
            "applications_open": now - dt.timedelta(days=10),
            "applications_close": now + dt.timedelta(hours=2),
            "ranking_deadline": now + dt.timedelta(days=10),
            "match_date": now + dt.timedelta(days=11),
            "results_published": now + dt.timedelta(days=12),
            "answer_deadline": now + dt.timedelta(days=15),
            "start_date": dt.date(2099, 9, 1),
        },
    )
    ApplicantRanking.objects.filter(round=round_).delete()
    Application.objects.filter(position__round=round_).delete()
    region, _ = Region.objects.get_or_create(code="bench", defaults={"name": "Helse Benk RHF"})
    trust, _ = Organisation.objects.get_or_create(
        code="bench-trust",
        defaults={"kind": OrganisationKind.HEALTH_TRUST, "name": "Benk HF", "region": region},
    )
    town, _ = Organisation.objects.get_or_create(
        code="bench-town",
        defaults={
            "kind": OrganisationKind.MUNICIPALITY,
            "name": "Benkvik",
            "municipality_number": "9998",
            "county_number": "34",
        },
    )
    sites = [
        Organisation.objects.get_or_create(
            code=f"bench-site-{i}",
            defaults={
                "kind": OrganisationKind.HOSPITAL_SITE,
                "name": f"Benk sykehus {i}",
                "parent": trust,
            },
        )[0]
        for i in range(6)
    ]
    for i in range(60):
        position, _ = Position.objects.get_or_create(
            round=round_,
            reference=f"B-{i:03d}",
            defaults={
                "employer": trust,
                "title": f"LIS1 Benk {i}",
                "rotation": "three_part" if i % 3 else "two_part",
                "municipality": town,
                "start_date": round_.start_date,
                "seats": 2,
                "status": "published",
                "description": "Stilling for belastningstest.",
            },
        )
        position.sites.set([sites[i % 6]])
    keys = []
    for i in range(users):
        user, created = User.objects.get_or_create(email=f"bench{i}@example.no")
        if created:
            user.set_unusable_password()
            user.save()
        Applicant.objects.get_or_create(
            user=user, defaults={"given_name": "Benk", "family_name": str(i)}
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "lis1.accounts.backends.UserBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    SESSIONS_FILE.write_text(" ".join(keys))


def _warm_up(port: int, rounds: int) -> None:
    """A server at the deadline has run for weeks: its workers have loaded their templates and
    the cache holds the position cards. Request every page kind in each language a few times
    (spread over the workers) before measuring, so the figures are of that server and not of
    a cold start."""
    from urllib.request import Request, urlopen

    session = _sessions()[0]
    base = f"http://127.0.0.1:{port}"
    for _ in range(rounds):
        for language in ("nb", "nn", "en"):
            cookie = {"Cookie": f"sessionid={session}; lis1_language={language}"}
            html = ""
            for path in [
                "/soker/stillinger/",
                "/soker/stillinger/?page=2",
                "/soker/stillinger/?page=3",
                "/soker/",
                "/soker/rangering/",
            ]:
                request = Request(base + path, headers=cookie)  # noqa: S310 (loopback http)
                with urlopen(request, timeout=30) as response:  # noqa: S310
                    html += response.read().decode()
            for pk in sorted(set(re.findall(r"/soker/stillinger/(\d+)/", html)))[:5]:
                request = Request(f"{base}/soker/stillinger/{pk}/", headers=cookie)  # noqa: S310
                with urlopen(request, timeout=30):  # noqa: S310
                    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--think",
        default="5-15",
        help="seconds between a user's actions, MIN-MAX (default 5-15: reading a page; 1-3 is"
        " a stress test)",
    )
    # One gunicorn worker per core: the pages are CPU-bound and share the cores with
    # PostgreSQL, Redis and locust. On 2 cores, 4 workers served 79-88 requests/s with p95
    # 1.2-1.6 s at --think 1-3; 3 workers 106-115 (p95 450-610 ms); 2 workers 107-121
    # (p95 240-750 ms).
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        _seed(args.seed)
        return 0
    try:
        low, high = (float(part) for part in args.think.split("-", 1))
    except ValueError:
        parser.error(f"--think must be MIN-MAX seconds, such as 5-15, not {args.think!r}")
    if not 0 <= low <= high:
        parser.error(f"--think must be MIN-MAX seconds with 0 <= MIN <= MAX, not {args.think!r}")
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lis1_bench"
    )
    print(f"preparing {database_url} with {args.users} applicants …", flush=True)
    _prepare(database_url, args.users)

    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        # As in production: the shared Redis cache (sessions are read from it).
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
    }
    # As in production, a request only queues its receipt e-mail on the Redis broker; no
    # worker runs here, and the queue is emptied afterwards (the outbox keeps the rows).
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/4")
    env["CELERY_BROKER_URL"] = broker
    env["CELERY_TASK_ALWAYS_EAGER"] = "false"
    server = start_gunicorn(env, port, args.workers, TMP / "lis1-bench-gunicorn.log")
    try:
        _warm_up(port, rounds=args.workers)
        prefix = str(TMP / "lis1-bench")
        subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                __file__,
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(max(1, args.users // 10)),
                "-t",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LIS1_BENCH_SESSIONS": str(SESSIONS_FILE),
                "LIS1_BENCH_THINK": args.think,
            },
            check=False,
        )
        with open(f"{prefix}_stats.csv") as handle:
            rows = list(csv.DictReader(handle))
        print("\nendpoint                    requests  failures   rps   p50 ms  p95 ms")
        for row in rows:
            print(
                f"{row['Name'][:26]:<26} {int(row['Request Count']):>9}"
                f" {int(row['Failure Count']):>9} {float(row['Requests/s']):>6.1f}"
                f" {row['50%']:>8} {row['95%']:>7}"
            )
        total = next(r for r in rows if r["Name"] == "Aggregated")
        p95 = float(total["95%"])
        failures = int(total["Failure Count"])
        print(
            f"\napplicant load: {args.users} users thinking {args.think} s, {args.seconds} s,"
            f" {args.workers} gunicorn workers:"
            f" {float(total['Requests/s']):.1f} requests/s, p95 {p95:.0f} ms (target < 300),"
            f" errors {failures} (target 0)"
        )
        return 0 if failures == 0 else 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        import redis

        redis.Redis.from_url(broker).flushdb()


if __name__ == "__main__":
    sys.exit(main())
