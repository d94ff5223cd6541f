"""Load test of every role at once on the demo round, against gunicorn, PostgreSQL and Redis
on the loopback interface only: 200 applicants, 30 employer staff, 10 municipality staff and
3 directorate staff doing their real work, first in the ranking phase, then after the main
match is published.

    python bench/load_all_roles.py [--seconds 60] [--think 5-15]

- applicants browse and open positions, reorder their ranking (before) or open their offer
  (after), and look at their overview;
- employer staff open their positions, filter, search and page through a position's
  applicants, open an applicant, write interview notes, and move entries of the ranking to
  another place (before), or look at the placed doctors (after);
- municipality staff open their positions and areas and approve or comment on rankings;
- directorate staff open the rounds, the round page (checklist and log), the reports page,
  the match run and the seats page.

The runner seeds the demo round (1,200 applicants, ~810 applicants on the largest position)
into BENCH_ROLES_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lis1_bench_roles),
gives every user a ready session (password hashing and the log-in throttle are not what is
measured), starts gunicorn (one worker per core) with the Redis cache in BENCH_REDIS_URL and
the broker in BENCH_BROKER_URL (requests queue their e-mails; no worker runs and the queue is
emptied), runs locust headless for a bounded time per phase, and prints the figures per role.
Targets (issue 11): p95 under 300 ms and no errors at 5-15 s think time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_applicants import _cookie, _free_port, start_gunicorn

ROOT = Path(__file__).resolve().parents[1]
TMP = Path(tempfile.gettempdir())
USERS_FILE = Path(os.environ.get("LIS1_BENCH_ROLES", str(TMP / "lis1-bench-roles.json")))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
THINK = tuple(float(x) for x in os.environ.get("LIS1_BENCH_THINK", "5-15").split("-", 1))
PHASE = os.environ.get("LIS1_BENCH_PHASE", "before")
COUNTS = {"applicant": 200, "employer": 30, "municipality": 10, "directorate": 3}


def _people(role: str) -> list[dict]:  # type: ignore[type-arg]
    data = json.loads(USERS_FILE.read_text()) if USERS_FILE.exists() else {}
    return list(data.get(role, []))


class _Staff(FastHttpUser):
    """A user of one role with a ready session (and what it works on, from the seeding)."""

    abstract = True
    role = ""
    wait_time = between(*THINK)
    _pools: dict[str, list[dict]] = {}  # type: ignore[type-arg]

    def on_start(self) -> None:
        pool = _Staff._pools.setdefault(self.role, _people(self.role))
        self.me = pool.pop() if pool else {}
        self.client.cookiejar.set_cookie(_cookie("sessionid", self.me.get("session", "")))
        self.client.cookiejar.set_cookie(
            _cookie("lis1_language", random.choice(["nb", "nn", "en"]))
        )

    def token(self, html: str) -> str:
        match = CSRF.search(html)
        return match.group(1) if match else ""

    def name(self, page: str) -> str:
        return f"{self.role}: {page}"


class Applicant(_Staff):
    role = "applicant"
    fixed_count = COUNTS["applicant"]

    @task(5)
    def positions(self) -> None:
        params = random.choice([{}, {"q": "LIS1"}, {"page": random.randint(1, 3)}])
        query = f"?{urlencode(params)}" if params else ""
        page = self.client.get(f"/soker/stillinger/{query}", name=self.name("positions"))
        self.position_ids = [int(x) for x in re.findall(r"/soker/stillinger/(\d+)/", page.text)]

    @task(3)
    def position(self) -> None:
        ids = getattr(self, "position_ids", [])
        if ids:
            self.client.get(f"/soker/stillinger/{random.choice(ids)}/", name=self.name("position"))

    @task(3)
    def ranking(self) -> None:
        page = self.client.get("/soker/rangering/", name=self.name("ranking"))
        ids = re.findall(r'name="order" value="(\d+)"', page.text)
        if PHASE != "before" or len(ids) < 2:
            return
        random.shuffle(ids)
        self.client.post(
            "/soker/rangering/",
            urlencode({"csrfmiddlewaretoken": self.token(page.text), "order": ids}, doseq=True),
            headers={**FORM, "HX-Request": "true"},
            name=self.name("ranking save"),
        )

    @task(2)
    def dashboard(self) -> None:
        page = self.client.get("/soker/", name=self.name("dashboard"))
        offer = re.search(r"/soker/tilbud/(\d+)/", page.text)
        if offer:
            self.client.get(offer.group(0), name=self.name("offer"))


class Employer(_Staff):
    role = "employer"
    fixed_count = COUNTS["employer"]

    def _position(self) -> int | None:
        positions = self.me.get("positions") or []
        return random.choice(positions) if positions else None

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/arbeidsgiver/", name=self.name("dashboard"))
        self.client.get("/arbeidsgiver/stillinger/", name=self.name("positions"))

    @task(5)
    def applicants(self) -> None:
        pk = self._position()
        if pk is None:
            return
        params = random.choice(
            [
                {},
                {"page": random.randint(1, 8)},
                {"q": random.choice(["Hansen", "Olsen", "Berg", "Nilsen"])},
                {"ranked": "no"},
                {"education": "norway"},
                {"sort": "-education_year"},
            ]
        )
        query = f"?{urlencode(params)}" if params else ""
        page = self.client.get(
            f"/arbeidsgiver/stillinger/{pk}/sokere/{query}", name=self.name("applicants")
        )
        ids = re.findall(rf"/arbeidsgiver/stillinger/{pk}/sokere/(\d+)/", page.text)
        if not ids:
            return
        url = f"/arbeidsgiver/stillinger/{pk}/sokere/{random.choice(ids)}/"
        detail = self.client.get(url, name=self.name("applicant"))
        if random.random() < 0.3:
            self.client.post(
                url,
                urlencode(
                    {"csrfmiddlewaretoken": self.token(detail.text), "text": "Godt intervju."}
                ),
                headers=FORM,
                name=self.name("interview note"),
            )

    @task(3)
    def ranking(self) -> None:
        pk = self._position()
        if pk is None:
            return
        page_number = random.randint(1, 6)
        page = self.client.get(
            f"/arbeidsgiver/stillinger/{pk}/rangering/?page={page_number}",
            name=self.name("ranking"),
        )
        # Ranked entries only (the unranked applicants below the list have "add" forms).
        ids = re.findall(
            r'name="action" value="to"><input type="hidden" name="applicant" value="(\d+)"',
            page.text,
        )
        places = [int(n) for n in re.findall(r'name="to" min="1" max="(\d+)"', page.text)]
        if PHASE != "before" or not ids or not places:
            return
        self.client.post(
            f"/arbeidsgiver/stillinger/{pk}/rangering/endre/?page={page_number}",
            urlencode(
                {
                    "csrfmiddlewaretoken": self.token(page.text),
                    "action": "to",
                    "applicant": random.choice(ids),
                    "to": random.randint(1, min(places[0], 50)),
                }
            ),
            headers=FORM,
            name=self.name("ranking move to place"),
        )

    @task(1)
    def placements(self) -> None:
        pk = self._position()
        if pk is not None and PHASE == "after":
            self.client.get(
                f"/arbeidsgiver/stillinger/{pk}/plasserte/", name=self.name("placed doctors")
            )


class Municipality(_Staff):
    role = "municipality"
    fixed_count = COUNTS["municipality"]

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/kommune/", name=self.name("dashboard"))

    @task(3)
    def review(self) -> None:
        positions = self.me.get("positions") or []
        if not positions:
            return
        url = f"/kommune/stillinger/{random.choice(positions)}/"
        page = self.client.get(url, name=self.name("position review"))
        if PHASE == "before" and random.random() < 0.2:
            self.client.post(
                url,
                urlencode({"csrfmiddlewaretoken": self.token(page.text), "decision": "approved"}),
                headers=FORM,
                name=self.name("approve ranking"),
            )

    @task(1)
    def area(self) -> None:
        areas = self.me.get("areas") or []
        if areas:
            self.client.get(f"/kommune/omrader/{random.choice(areas)}/", name=self.name("area"))


class Directorate(_Staff):
    role = "directorate"
    fixed_count = COUNTS["directorate"]

    @task(2)
    def rounds(self) -> None:
        self.client.get("/direktorat/", name=self.name("rounds"))

    @task(3)
    def round_page(self) -> None:
        slug = self.me.get("round")
        self.client.get(f"/direktorat/runder/{slug}/", name=self.name("round"))

    @task(1)
    def reports(self) -> None:
        slug = self.me.get("round")
        self.client.get(f"/direktorat/runder/{slug}/rapporter/", name=self.name("reports"))

    @task(1)
    def after(self) -> None:
        if PHASE != "after":
            return
        slug = self.me.get("round")
        self.client.get(f"/direktorat/runder/{slug}/plasser/", name=self.name("seats"))
        if self.me.get("run"):
            self.client.get(f"/direktorat/kjoringer/{self.me['run']}/", name=self.name("match run"))


# Runner side ------------------------------------------------------------------------------


def _django() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lis1.settings")
    django.setup()


def _sessions_for(users) -> list[str]:  # type: ignore[no-untyped-def]
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "lis1.accounts.backends.UserBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def _seed() -> None:
    """In a child process with Django: the demo round, staff users of every role with their
    positions, and a session each (written to USERS_FILE)."""
    _django()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.management import call_command

    from lis1.accounts.models import User
    from lis1.notifications.models import Outbox
    from lis1.rounds.demo import demo_round_seed
    from lis1.rounds.enums import OrganisationKind
    from lis1.rounds.models import (
        Application,
        Organisation,
        Position,
        Round,
        StaffMembership,
    )
    from lis1.rounds.permissions import (
        areas_of_municipality_staff,
        employer_positions,
        municipality_positions,
    )

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    summary = demo_round_seed(seed=1, replace=True)
    round_ = Round.objects.get(slug=summary.round_slug)
    User.objects.filter(email__startswith="bench-role-").delete()
    Outbox.objects.all().delete()  # the previous run's results e-mails

    def staff(prefix: str, organisations: list[Organisation], count: int):  # type: ignore[no-untyped-def]
        users = []
        for i in range(count):
            user = User.objects.create(email=f"bench-role-{prefix}{i}@example.no")
            StaffMembership.objects.create(
                user=user, organisation=organisations[i % len(organisations)]
            )
            users.append(user)
        return users

    # The trusts with the most positions, one staff member per trust in turn.
    trusts = sorted(
        {p.employer for p in Position.objects.filter(round=round_).select_related("employer")},
        key=lambda t: -Position.objects.filter(round=round_, employer=t).count(),
    )
    employers = staff("employer", trusts, COUNTS["employer"])
    towns = list(
        Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPALITY, municipal_positions__round=round_
        ).distinct()[: COUNTS["municipality"]]
    )
    municipalities = staff("municipality", towns, COUNTS["municipality"])
    directorate = list(Organisation.objects.filter(kind=OrganisationKind.DIRECTORATE)[:1])
    staff_users = staff("directorate", directorate, COUNTS["directorate"])
    applicants = list(
        User.objects.filter(
            applicant__applications__position__round=round_,
        )
        .distinct()
        .order_by("pk")[: COUNTS["applicant"]]
    )
    data = {
        "applicant": [{"session": k} for k in _sessions_for(applicants)],
        "employer": [
            {
                "session": k,
                "positions": list(
                    employer_positions(user).filter(round=round_).values_list("pk", flat=True)
                ),
            }
            for user, k in zip(employers, _sessions_for(employers), strict=True)
        ],
        "municipality": [
            {
                "session": k,
                "positions": list(
                    municipality_positions(user).filter(round=round_).values_list("pk", flat=True)
                ),
                "areas": list(areas_of_municipality_staff(user).values_list("pk", flat=True)),
            }
            for user, k in zip(municipalities, _sessions_for(municipalities), strict=True)
        ],
        "directorate": [{"session": k, "round": round_.slug} for k in _sessions_for(staff_users)],
        "applications": Application.objects.filter(position__round=round_).count(),
    }
    USERS_FILE.write_text(json.dumps(data))


def _publish() -> None:
    """In a child process: past the ranking deadline, run, verify and publish the main match
    (and write its results e-mails), so that the second phase sees a published round."""
    _django()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from benchdb import pass_ranking_deadline, verified

    from lis1.notifications.models import EmailBatch
    from lis1.notifications.services import email_batch_run
    from lis1.rounds.models import Round
    from lis1.rounds.services.matching import match_run_create, match_run_publish, round_run_match

    data = json.loads(USERS_FILE.read_text())
    round_ = pass_ranking_deadline(Round.objects.get(slug=data["directorate"][0]["round"]))
    run = verified(round_run_match(match_run=match_run_create(round_=round_, seed=7)))
    match_run_publish(match_run=run, confirm=True, reason="load test")
    email_batch_run(batch=EmailBatch.objects.get(key=f"results:{run.pk}"))
    for person in data["directorate"]:
        person["run"] = run.pk
    USERS_FILE.write_text(json.dumps(data))


def _warm_up(port: int, rounds: int) -> None:
    """A server in a real round has run for weeks: load each role's pages on every worker
    before measuring, so the figures are not of a cold start."""
    from urllib.request import Request, urlopen

    data = json.loads(USERS_FILE.read_text())
    pages = {
        "applicant": ["/soker/", "/soker/stillinger/", "/soker/rangering/"],
        "employer": ["/arbeidsgiver/", "/arbeidsgiver/stillinger/"]
        + [
            f"/arbeidsgiver/stillinger/{pk}/{tab}"
            for pk in data["employer"][0]["positions"][:2]
            for tab in ("sokere/", "rangering/")
        ],
        "municipality": ["/kommune/"]
        + [f"/kommune/stillinger/{pk}/" for pk in data["municipality"][0]["positions"][:2]],
        "directorate": ["/direktorat/", f"/direktorat/runder/{data['directorate'][0]['round']}/"],
    }
    for _ in range(rounds):
        for role, paths in pages.items():
            for language in ("nb", "nn", "en"):
                cookie = f"sessionid={data[role][0]['session']}; lis1_language={language}"
                for path in paths:
                    request = Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
                    with urlopen(request, timeout=60):  # noqa: S310
                        pass


def _locust(port: int, seconds: int, think: str, phase: str) -> list[dict]:  # type: ignore[type-arg]
    prefix = str(TMP / f"lis1-bench-roles-{phase}")
    # locust exits non-zero when a request failed (so no check=True); a stale file of an
    # earlier run must not stand in for figures this run did not write.
    Path(f"{prefix}_stats.csv").unlink(missing_ok=True)
    total = sum(COUNTS.values())
    subprocess.run(
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            __file__,
            "--headless",
            "-u",
            str(total),
            "-r",
            str(max(1, total // 10)),
            "-t",
            f"{seconds}s",
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
            "LIS1_BENCH_ROLES": str(USERS_FILE),
            "LIS1_BENCH_THINK": think,
            "LIS1_BENCH_PHASE": phase,
        },
        check=False,
    )
    with open(f"{prefix}_stats.csv") as handle:
        return list(csv.DictReader(handle))


def _report(rows: list[dict], phase: str) -> bool:  # type: ignore[type-arg]
    """Print the figures per endpoint and per role; True when a role misses its targets."""
    print(f"\n{phase} publication:")
    print(f"  {'endpoint':<38} {'requests':>8} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7}")
    for row in rows:
        if row["Name"] == "Aggregated":
            continue
        print(
            f"  {row['Name'][:38]:<38} {int(row['Request Count']):>8} "
            f"{int(row['Failure Count']):>5} {row['50%']:>7} {row['95%']:>7}"
        )
    missed = False
    print(f"  {'role':<13} {'requests':>8} {'errors':>6} {'worst p95 ms':>12}")
    for role in COUNTS:
        mine = [r for r in rows if r["Name"].startswith(f"{role}:")]
        requests = sum(int(r["Request Count"]) for r in mine)
        errors = sum(int(r["Failure Count"]) for r in mine)
        worst = max((float(r["95%"]) for r in mine if int(r["Request Count"])), default=0.0)
        missed |= requests == 0 or errors > 0 or worst > 300  # a role that did nothing missed
        print(f"  {role:<13} {requests:>8} {errors:>6} {worst:>12.0f}")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(
        f"  all: {float(total['Requests/s']):.1f} requests/s, p95 {float(total['95%']):.0f} ms"
        f" (target < 300), errors {int(total['Failure Count'])} (target 0)"
    )
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="Seconds per phase.")
    parser.add_argument("--think", default="5-15", help="Seconds between actions, MIN-MAX.")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--step", choices=["seed", "publish"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    database_url = os.environ.get(
        "BENCH_ROLES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lis1_bench_roles"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/4"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    if args.step == "seed":
        _seed()
        return 0
    if args.step == "publish":
        _publish()
        return 0
    from benchdb import ensure_database

    ensure_database(database_url)
    print(f"seeding the demo round into {database_url} …", flush=True)
    subprocess.run([sys.executable, __file__, "--step", "seed"], cwd=ROOT, env=env, check=True)
    data = json.loads(USERS_FILE.read_text())
    print(
        f"{len(data['applicant'])} applicants, {len(data['employer'])} employer staff, "
        f"{len(data['municipality'])} municipality staff, {len(data['directorate'])} "
        f"directorate staff; {data['applications']:,} applications in the round"
    )
    port = _free_port()
    server_env = {
        **env,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
    }
    server = start_gunicorn(server_env, port, args.workers, TMP / "lis1-bench-roles-gunicorn.log")
    missed = False
    try:
        _warm_up(port, rounds=args.workers)
        missed |= _report(_locust(port, args.seconds, args.think, "before"), "before")
        subprocess.run(
            [sys.executable, __file__, "--step", "publish"], cwd=ROOT, env=env, check=True
        )
        # The cache holds the pages' round and positions: the round page must show publication.
        import redis

        redis.Redis.from_url(server_env["REDIS_URL"]).flushdb()
        _warm_up(port, rounds=args.workers)
        missed |= _report(_locust(port, args.seconds, args.think, "after"), "after")
    finally:
        server.terminate()
        server.wait(timeout=30)
        import redis

        redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
