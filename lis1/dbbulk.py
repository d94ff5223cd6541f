"""Inserting tens of thousands of rows in one statement, without model objects (PostgreSQL).

`bulk_create` builds a model instance per row and prepares every field of every row in
Python: at 38,000 offers or 45,000 e-mails that took longer than the insert itself. Here the
columns that differ from row to row travel as one array each (`unnest`), and every other
column is the value a new instance would have (Django's own defaults, `auto_now_add`
included), prepared once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def insert_rows(
    template: models.Model,
    varying: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    ignore_conflicts: bool = False,
    batch_size: int | None = None,
) -> int:
    """INSERT … SELECT FROM unnest(arrays) into `template`'s table: each row gives the
    `varying` fields' database values (ids, texts, JSON as text), in that order; every other
    column takes `template`'s value. With `ignore_conflicts`, a row that breaks a unique
    constraint is skipped (ON CONFLICT DO NOTHING). With `batch_size`, one statement per so
    many rows (a table with row triggers and foreign keys queues events per statement).
    PostgreSQL only. Returns the number of rows inserted."""
    if not rows:
        return 0
    model = type(template)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    by_name = {f.name: f for f in fields} | {f.attname: f for f in fields}
    moving = [by_name[name] for name in varying]
    constant = [f for f in fields if f not in moving]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*constant, *moving])
    constants = "".join(f"CAST(%s AS {f.db_type(connection)}), " for f in constant)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in moving)
    names = ", ".join(f"v{n}" for n in range(len(moving)))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 (our own names)
        f"SELECT {constants}{names} FROM unnest({arrays}) AS v({names})"
    )
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    fixed: list[Any] = [
        f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in constant
    ]
    size = batch_size or len(rows)
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(sql, [*fixed, *(list(column) for column in zip(*chunk, strict=True))])
            inserted += cursor.rowcount
    return inserted
