"""Audited bulk inserts for the member import, without a model instance or an ORM compile per row.

``AuditedQuerySet.bulk_create`` (core/models.py) builds a model instance per row, prepares every value
through the SQL compiler, then builds one ``AuditRecord`` per object (context fields, content type
and ``audit_values()`` each time). For hundreds of thousands of rows that bookkeeping costs far more
than the database. :func:`audited_insert` writes **the same rows and the same audit records** (same
columns, same ``changes`` in the same field order, same ``object_repr`` and ``org_path``) with
plain parameter tuples:

- the action's context fields, the content type, the event and the time are prepared once per call;
- only dates and the JSON ``changes`` go through the backend's adapters, per value;
- rows whose primary keys are needed are inserted with multi-row ``INSERT ... RETURNING``, the audit
  records with ``executemany``.

It must run inside an action (``core.actions.acting``), like any audited write.
tests/test_exchange.py compares its audit records with those of ``AuditedQuerySet.bulk_create``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
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

    def insert(self, rows: Sequence[dict[str, Any]], *, constant: dict[str, Any] | None = None,
               returning: bool) -> list[Any]:
        """Insert ``rows`` ({attname: value}); ``constant`` values are the same in every row (prepared once),
        attributes given by neither take the field's default. Returns the new keys if ``returning``."""
        if not rows:
            return []
        constant = dict(constant or {})
        for f in self.fields:
            if f.attname not in rows[0] and f.attname not in constant:
                constant[f.attname] = f.get_default()
        varying = [f for f in self.fields if f.attname not in constant]
        fixed = [f for f in self.fields if f.attname in constant]
        tail = tuple(f.get_db_prep_save(constant[f.attname], connection) for f in fixed)
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
    _table(AuditRecord).insert(records, constant=constant, returning=False)
    return ids
