"""Planner statistics after bulk loads.

PostgreSQL plans a query from each table's statistics, which autovacuum refreshes only after
a while. A table filled in one go (seeding a national round, a match run's placements, a big
CSV import) is planned as if it were still empty until then: the directorate's round page
took over two minutes on 45,000-applicant tables never analysed, and under a second after
ANALYZE. So whoever loads in bulk asks for ANALYZE of what it loaded, once it commits.
"""

from __future__ import annotations

from django.db import connection, models, transaction

#: Fewer rows than this change no plan worth a statistics pass (ANALYZE reads a sample of
#: up to 30,000 rows of each table, a noticeable cost on a request).
ANALYZE_MIN_ROWS = 5000


def analyze_tables(*tables: type[models.Model], rows: int | None = None) -> bool:
    """Run ANALYZE on the models' tables once the current transaction commits (at once
    outside one). PostgreSQL only: SQLite plans without it, and nothing is done there. With
    `rows` (how many were written), a small load is not worth it and is skipped. Returns
    whether ANALYZE was asked for."""
    if connection.vendor != "postgresql" or not tables:
        return False
    if rows is not None and rows < ANALYZE_MIN_ROWS:
        return False
    names = ", ".join(
        connection.ops.quote_name(table._meta.db_table)
        for table in dict.fromkeys(tables)  # each table once, in the order given
    )

    def analyze() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {names}")

    transaction.on_commit(analyze)
    return True
