"""Measure how much work a query does, from PostgreSQL's own plan: the rows every plan node
produced (EXPLAIN ANALYZE), summed over its loops. Unlike a timing, the figure is the same on
every machine, so a test can tell a linear page from one whose work multiplies."""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.db.models import QuerySet


def rows_processed(queryset: QuerySet, *, timeout_s: int = 20) -> int:  # type: ignore[type-arg]
    """The rows the query's plan produced. A query whose work explodes is cut off after
    `timeout_s` (it would otherwise run for minutes and fill the disk with temporary files)."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {int(timeout_s) * 1000}")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    total = 0

    def walk(node: dict) -> None:  # type: ignore[type-arg]
        nonlocal total
        total += int(node.get("Actual Rows", 0)) * int(node.get("Actual Loops", 1))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return total
