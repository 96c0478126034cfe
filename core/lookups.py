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
    meta = model._meta
    columns = [meta.get_field(f).get_col(meta.db_table) for f in fields]
    # What the ORM's compiler would apply to each column (the backend's, then the field's own).
    converters = [connection.ops.get_db_converters(c) + c.field.get_db_converters(connection) for c in columns]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(probe_sql(model, key, fields), [list(values)])
            rows = cursor.fetchall()
        else:
            rows = []
            keys = list(values)
            for start in range(0, len(keys), _IN_CHUNK):
                chunk = keys[start:start + _IN_CHUNK]
                cursor.execute(in_sql(model, key, fields, len(chunk)), chunk)
                rows.extend(cursor.fetchall())
    if any(converters):
        rows = [_converted(row, converters, columns) for row in rows]
    return [dict(zip(fields, row, strict=True)) for row in rows]


# Keys per ``IN (...)`` on SQLite: under its smallest limit of bound parameters (999 before SQLite 3.32).
_IN_CHUNK = 999


def _converted(row: tuple, converters: list[list], columns: list) -> tuple:
    values = list(row)
    for i, chain in enumerate(converters):
        for convert in chain:
            values[i] = convert(values[i], columns[i], connection)
    return tuple(values)


def in_sql(model: type[models.Model], key: str, fields: Sequence[str], n: int) -> str:
    """Other databases (SQLite): ``key IN (n parameters)``, which they answer from the key's index. Written here
    rather than by the ORM, which prepares each of a batch's thousands of parameters one by one."""
    meta, qn = model._meta, connection.ops.quote_name
    columns = ", ".join(qn(meta.get_field(f).column) for f in fields)
    return (f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {qn(meta.get_field(key).column)} "
            f"IN ({', '.join(['%s'] * n)})")


def probe_sql(model: type[models.Model], key: str, fields: Sequence[str]) -> str:
    """PostgreSQL: one ``LIMIT 1`` probe of ``key``'s index per element of the array parameter."""
    meta, qn = model._meta, connection.ops.quote_name
    key_field = meta.get_field(key)
    columns = ", ".join(qn(meta.get_field(f).column) for f in fields)
    return (f"SELECT m.* FROM unnest(%s::{key_field.db_type(connection)}[]) AS k(v) "
            f"CROSS JOIN LATERAL (SELECT {columns} FROM {qn(meta.db_table)} "
            f"WHERE {qn(key_field.column)} = k.v LIMIT 1) AS m")
