"""The benchmarks' own PostgreSQL databases: created on first use, never the project's."""

from __future__ import annotations

from urllib.parse import urlsplit


def ensure_database(url: str) -> None:
    """Create the database named in `url` if it is missing (connecting to `postgres`)."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def bench_environment(url: str) -> None:
    """Point Django at the benchmark database with a broker that no worker reads (kombu's
    in-memory transport): services enqueue their jobs as in production and the benchmark
    runs each job itself, in this process, to time it."""
    import os

    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lis1.settings")


def pass_ranking_deadline(round_):  # type: ignore[no-untyped-def]
    """Move a seeded round's calendar past its ranking deadline (the seeded demo round is in
    its ranking phase; the main match runs only after the deadline): the test suite's own
    helper, which keeps the dates in order and the answer deadline ahead. Needs the project's
    root on sys.path (every benchmark puts it there before setting Django up)."""
    from tests.factories import pass_ranking_deadline as move

    return move(round_)


def verified(run):  # type: ignore[no-untyped-def]
    """Verify a run in this process (the check job's work) and return it reloaded."""
    from lis1.rounds.services.matching import match_run_verify

    problems = match_run_verify(match_run=run)
    if problems:
        raise SystemExit(f"run {run.pk} does not verify: {problems}")
    run.refresh_from_db()
    return run
