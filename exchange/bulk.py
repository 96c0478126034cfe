"""Audited bulk inserts for the member import, without a model instance or an ORM compile per row.

``AuditedQuerySet.bulk_create`` (core/models.py) builds a model instance per row, prepares every value
through the SQL compiler, then builds one ``AuditRecord`` per object (context fields, content type
and ``audit_values()`` each time). For hundreds of thousands of rows that bookkeeping costs far more
than the database. :func:`audited_insert` writes **the same rows and the same audit records** (same
columns, same ``changes`` in the same field order, same ``object_repr`` and ``org_path``) with
plain parameter tuples:

- the action's context fields, the content type, the event and the time are prepared once per call;
- only dates and the JSON ``changes`` go through the backend's adapters, per value;
- on SQLite, rows whose primary keys are needed are inserted with multi-row ``INSERT ... RETURNING``,
  the audit records with ``executemany``;
- on PostgreSQL, the keys are taken from the table's sequence first (one ``nextval`` query per call)
  and every row (the model's and its audit records) is written with ``COPY ... FROM STDIN`` on the
  connection's psycopg cursor, inside the same transaction; ``changes`` is written as the JSON text
  ``DjangoJSONEncoder`` makes (dates as ISO strings), as the ``JSONField`` would.

It must run inside an action (``core.actions.acting``), like any audited write.
tests/test_exchange.py compares its audit records with those of ``AuditedQuerySet.bulk_create``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from audit.models import AuditRecord
from core.actions import WriteOutsideAction, in_action
from core.models import _jsonable

_PLAIN = {"CharField", "TextField", "ForeignKey", "OneToOneField", "IntegerField", "BigIntegerField",
          "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField",
          "BooleanField", "SlugField", "AutoField", "BigAutoField"}
MAX_ROWS_PER_STATEMENT = 500


def _preparer(field: models.Field) -> Callable[[Any], Any] | None:
    """How a Python value of ``field`` becomes a query parameter; ``None`` when it is passed as it is."""
    kind = field.get_internal_type()
    if kind in _PLAIN:
        return None
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def _copy_preparer(field: models.Field) -> Callable[[Any], Any] | None:
    """How a Python value of ``field`` becomes a value psycopg's ``COPY`` writes; ``None``: as it is."""
    kind = field.get_internal_type()
    if kind in _PLAIN or kind in ("DateField", "DateTimeField"):
        return None
    if kind == "JSONField":
        encoder = field.encoder or DjangoJSONEncoder
        if encoder is DjangoJSONEncoder:
            return _JSON_TEXT
        return lambda value: json.dumps(value, cls=encoder)
    return lambda value: field.get_db_prep_save(value, connection)


_JSON_TEXT = DjangoJSONEncoder().encode  # what json.dumps(value, cls=DjangoJSONEncoder) writes


def _max_params() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:  # Python < 3.11
            return connection.features.max_query_params or 999
    return connection.features.max_query_params or 65535


class _Table:
    """Columns of one model, in field order, with each column's parameter preparer."""

    def __init__(self, model: type[models.Model]) -> None:
        meta = model._meta
        self.model = model
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.qn = connection.ops.quote_name
        self.table = self.qn(meta.db_table)
        self.returning = f"{self.table}.{self.qn(meta.pk.column)}"
        self.pk_column = meta.pk.column
        self._sequence: str | None = None

    def _complete(self, rows: Sequence[dict[str, Any]], constant: dict[str, Any] | None) -> tuple[list, list]:
        """(varying fields, fixed fields with their values): what ``rows[0]`` and ``constant`` do not give
        takes the field's default."""
        constant = dict(constant or {})
        for f in self.fields:
            if f.attname not in rows[0] and f.attname not in constant:
                constant[f.attname] = f.get_default()
        varying = [f for f in self.fields if f.attname not in constant]
        fixed = [(f, constant[f.attname]) for f in self.fields if f.attname in constant]
        return varying, fixed

    def new_keys(self, n: int) -> list[int]:
        """PostgreSQL: ``n`` fresh primary keys from the table's sequence (identity or serial), ascending."""
        with connection.connection.cursor() as cursor:
            if self._sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", (self.model._meta.db_table, self.pk_column))
                self._sequence = cursor.fetchone()[0]
                if self._sequence is None:
                    raise RuntimeError(f"{self.table} has no sequence for its primary key")
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (self._sequence, n))
            return sorted(r[0] for r in cursor.fetchall())

    def copy(self, rows: Sequence[dict[str, Any]], *, constant: dict[str, Any] | None = None,
             ids: Sequence[Any] | None = None) -> None:
        """PostgreSQL: write ``rows`` with ``COPY ... FROM STDIN`` (with the primary keys ``ids`` if given),
        in the current transaction. Same values as :meth:`insert`."""
        if not rows:
            return
        varying, fixed = self._complete(rows, constant)
        tail = [value if value is None else _JSON_TEXT(value) if f.get_internal_type() == "JSONField"
                and (f.encoder or DjangoJSONEncoder) is DjangoJSONEncoder else f.get_db_prep_save(value, connection)
                for f, value in fixed]
        tail_t = tuple(tail)
        pairs = [(f.attname, _copy_preparer(f)) for f in varying]
        columns = [f.column for f in varying] + [f.column for f, _v in fixed]
        if ids is not None:
            if len(ids) != len(rows):
                raise ValueError(f"{len(rows)} rows but {len(ids)} keys")
            columns.insert(0, self.pk_column)
        sql = f"COPY {self.table} ({', '.join(self.qn(c) for c in columns)}) FROM STDIN"
        plain = all(p is None for _a, p in pairs)
        attnames = [a for a, _p in pairs]
        connection.ensure_connection()
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            write = copy.write_row
            if ids is None:
                for row in rows:
                    if plain:
                        write([row[a] for a in attnames] + tail)
                    else:
                        write([row[a] if p is None or row[a] is None else p(row[a]) for a, p in pairs] + tail)
            else:
                for pk, row in zip(ids, rows, strict=True):
                    if plain:
                        write([pk, *[row[a] for a in attnames], *tail_t])
                    else:
                        write([pk, *[row[a] if p is None or row[a] is None else p(row[a]) for a, p in pairs],
                               *tail_t])

    def insert(self, rows: Sequence[dict[str, Any]], *, constant: dict[str, Any] | None = None,
               returning: bool) -> list[Any]:
        """Insert ``rows`` ({attname: value}); ``constant`` values are the same in every row (prepared once),
        attributes given by neither take the field's default. Returns the new keys if ``returning``."""
        if not rows:
            return []
        varying, fixed_values = self._complete(rows, constant)
        fixed = [f for f, _v in fixed_values]
        tail = tuple(f.get_db_prep_save(value, connection) for f, value in fixed_values)
        pairs = [(f.attname, _preparer(f)) for f in varying]
        params = [tuple(row[a] if p is None or row[a] is None else p(row[a]) for a, p in pairs) + tail
                  for row in rows]
        columns = ", ".join(self.qn(f.column) for f in varying + fixed)
        width = len(varying) + len(fixed)
        one = "(" + ", ".join(["%s"] * width) + ")"
        ids: list[Any] = []
        with connection.cursor() as cursor:
            if not returning:
                cursor.executemany(f"INSERT INTO {self.table} ({columns}) VALUES {one}", params)
                return ids
            per = max(1, min(MAX_ROWS_PER_STATEMENT, _max_params() // width))
            for start in range(0, len(params), per):
                chunk = params[start:start + per]
                cursor.execute(f"INSERT INTO {self.table} ({columns}) VALUES {', '.join([one] * len(chunk))} "
                               f"RETURNING {self.returning}", [v for row in chunk for v in row])
                ids.extend(r[0] for r in cursor.fetchall())
        if len(ids) != len(rows):
            raise RuntimeError(f"inserted {len(rows)} rows into {self.table} but got {len(ids)} keys back")
        return ids


def use_copy() -> bool:
    """Whether rows are written with ``COPY`` (PostgreSQL) rather than ``INSERT`` statements."""
    return connection.vendor == "postgresql"


_TABLES: dict[type[models.Model], _Table] = {}


def _table(model: type[models.Model]) -> _Table:
    table = _TABLES.get(model)
    if table is None or table.table != connection.ops.quote_name(model._meta.db_table):
        table = _TABLES[model] = _Table(model)
    return table


def audited_insert(model: type[models.Model], rows: Sequence[dict[str, Any]], reprs: Sequence[str],
                   paths: Sequence[str | None]) -> list[Any]:
    """Insert ``rows`` ({attname: value}, without the primary key) and one CREATE audit record each.

    ``reprs`` and ``paths`` are each row's ``str(obj)`` and ``obj.audit_scope_path()``. Returns the new
    primary keys in the order of ``rows``.
    """
    if not in_action():
        raise WriteOutsideAction("audited_insert() outside an action")
    if not rows:
        return []
    table = _table(model)
    copying = use_copy()
    if copying:
        connection.ensure_connection()
        ids = table.new_keys(len(rows))
        table.copy(rows, ids=ids)
    else:
        ids = table.insert(rows, returning=True)
    pk = model._meta.pk.attname
    audited = [f.attname for f in model._meta.concrete_fields if f.attname not in model.audit_exclude]
    defaults = {f.attname: f.get_default() for f in table.fields if f.attname not in rows[0]}
    context = AuditRecord._context_fields()
    constant = {
        "at": timezone.now(),
        "actor_id": context["actor"].pk if context["actor"] is not None else None,
        "actor_label": context["actor_label"],
        "ip": context["ip"],
        "user_agent": context["user_agent"],
        "request_id": context["request_id"],
        "action": context["action"],
        "event": AuditRecord.Event.CREATE,
        "content_type_id": ContentType.objects.get_for_model(model).pk,
    }
    records = []
    for obj_id, row, repr_, path in zip(ids, rows, reprs, paths, strict=True):
        values = {**defaults, **row, pk: obj_id} if defaults else {**row, pk: obj_id}
        changes = {}
        for a in audited:
            v = values[a]
            changes[a] = [None, v if v is None or type(v) is str or type(v) is int else _jsonable(v)]
        records.append({"object_id": str(obj_id), "object_repr": repr_[:200], "org_path": path or "",
                        "changes": changes})
    if copying:
        _table(AuditRecord).copy(records, constant=constant)
    else:
        _table(AuditRecord).insert(records, constant=constant, returning=False)
    return ids
