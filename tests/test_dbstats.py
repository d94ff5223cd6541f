"""ANALYZE after bulk loads: PostgreSQL's statistics are fresh once the load commits."""

import pytest
from django.db import connection

from lis1.dbstats import ANALYZE_MIN_ROWS, analyze_tables
from lis1.notifications.models import Outbox

pytestmark = pytest.mark.django_db


def _estimated_rows() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Outbox._meta.db_table])
        return cursor.fetchone()[0]


def test_analyze_runs_once_the_load_commits(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    # ANALYZE writes its estimate in place (kept when the test's transaction rolls back): a
    # row count that differs from the estimate left by any earlier run.
    rows = max(int(_estimated_rows()), 0) + 3
    Outbox.objects.bulk_create(Outbox(to=f"a{n}@example.no") for n in range(rows))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert analyze_tables(Outbox, Outbox) is True
    assert len(callbacks) == 1
    assert _estimated_rows() != rows  # nothing analysed before the commit
    callbacks[0]()
    assert _estimated_rows() == rows


def test_a_small_load_is_not_analysed(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks() as callbacks:
        assert analyze_tables(Outbox, rows=ANALYZE_MIN_ROWS - 1) is False
        assert analyze_tables(Outbox, rows=ANALYZE_MIN_ROWS) is True
    assert len(callbacks) == 1


def test_nothing_is_done_on_sqlite(monkeypatch, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with django_capture_on_commit_callbacks() as callbacks:
        assert analyze_tables(Outbox) is False
    assert callbacks == []
