"""Rows by a unique key for a whole batch of keys, always answered from the key's index.

``WHERE key IN (5,000 values)`` is planned by PostgreSQL as one sequential scan of the table whenever
it thinks 5,000 index probes dearer than reading the table (the default ``random_page_cost`` of 4 says
so for a registry of under a million members, and the estimate only gets worse while a long import
grows the table in one transaction). The import then reads the whole registry once per batch, and
its cost grows with the registry instead of with the batch. A ``LATERAL`` subquery with ``LIMIT 1``
cannot be turned into a join, so each key is one probe of the unique index, whatever the costs say.
SQLite always answers ``IN`` from the index.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from django.db import connection, models


def rows_by_unique_key(model: type[models.Model], key: str, values: Collection[Any],
                       fields: Sequence[str]) -> list[dict[str, Any]]:
    """``model``'s rows whose unique field ``key`` is one of ``values``, as {field: value} of ``fields``.

    Unscoped: callers use it to find clashes with the whole registry and decide themselves what they may
    say about a row they found.
    """
    if not values:
        return []
    if connection.vendor != "postgresql":
        return list(model._default_manager.filter(**{f"{key}__in": list(values)}).order_by().values(*fields))
    converters = [getattr(model._meta.get_field(f), "from_db_value", None) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(probe_sql(model, key, fields), [list(values)])
        rows = cursor.fetchall()
    if any(converters):
        rows = [tuple(c(v, None, connection) if c else v for c, v in zip(converters, row, strict=True))
                for row in rows]
    return [dict(zip(fields, row, strict=True)) for row in rows]


def probe_sql(model: type[models.Model], key: str, fields: Sequence[str]) -> str:
    """PostgreSQL: one ``LIMIT 1`` probe of ``key``'s index per element of the array parameter."""
    meta, qn = model._meta, connection.ops.quote_name
    key_field = meta.get_field(key)
    columns = ", ".join(qn(meta.get_field(f).column) for f in fields)
    return (f"SELECT m.* FROM unnest(%s::{key_field.db_type(connection)}[]) AS k(v) "
            f"CROSS JOIN LATERAL (SELECT {columns} FROM {qn(meta.db_table)} "
            f"WHERE {qn(key_field.column)} = k.v LIMIT 1) AS m")
