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

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from json import encoder as json_encoder
from operator import itemgetter
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
        # SQLite's adapter is str(value): the builtin itself spares a Python call per date.
        return str if connection.vendor == "sqlite" else connection.ops.adapt_datefield_value
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
        get = itemgetter(*attnames) if len(attnames) > 1 else (lambda row: (row[attnames[0]],))
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            write = copy.write_row
            if plain and ids is not None:
                for pk, row in zip(ids, rows, strict=True):
                    write((pk, *get(row), *tail_t))
            elif ids is None:
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
        attnames = [f.attname for f in varying]
        preparers = [(i, p) for i, p in enumerate(_preparer(f) for f in varying) if p is not None]
        # The values of each row in one C-level call; only the few columns with a preparer (dates) are
        # visited in Python.
        get = itemgetter(*attnames) if len(attnames) > 1 else (lambda row: (row[attnames[0]],))
        if preparers:
            params = []
            for row in rows:
                values = list(get(row))
                for i, prepare in preparers:
                    value = values[i]
                    if value is not None:
                        values[i] = prepare(value)
                values.extend(tail)
                params.append(values)
        else:
            params = [get(row) + tail for row in rows]
        return self.insert_params([f.column for f in varying + fixed], params, returning=returning)

    def insert_params(self, columns: Sequence[str], params: Sequence[Sequence[Any]], *, returning: bool) -> list[Any]:
        """Insert prepared parameter rows (one value per column of ``columns``, in that order)."""
        if not params:
            return []
        names = ", ".join(self.qn(c) for c in columns)
        width = len(columns)
        # SQLite: its own cursor with its own "?" placeholders; Django's would rewrite every "%s" of these long
        # statements with a regular expression first.
        raw = connection.vendor == "sqlite"
        one = "(" + ", ".join(["?" if raw else "%s"] * width) + ")"
        ids: list[Any] = []
        if raw:
            connection.ensure_connection()
        with closing(connection.connection.cursor()) if raw else connection.cursor() as cursor:
            if not returning:
                cursor.executemany(f"INSERT INTO {self.table} ({names}) VALUES {one}", params)
                return ids
            per = max(1, min(MAX_ROWS_PER_STATEMENT, _max_params() // width))
            for start in range(0, len(params), per):
                chunk = params[start:start + per]
                cursor.execute(f"INSERT INTO {self.table} ({names}) VALUES {', '.join([one] * len(chunk))} "
                               f"RETURNING {self.returning}", [v for row in chunk for v in row])
                ids.extend(r[0] for r in cursor.fetchall())
        if len(ids) != len(params):
            raise RuntimeError(f"inserted {len(params)} rows into {self.table} but got {len(ids)} keys back")
        return ids

    def copy_params(self, columns: Sequence[str], params: Any) -> None:
        """PostgreSQL: ``COPY`` prepared rows (one value per column of ``columns``, as psycopg writes them)."""
        sql = f"COPY {self.table} ({', '.join(self.qn(c) for c in columns)}) FROM STDIN"
        connection.ensure_connection()
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            write = copy.write_row
            for row in params:
                write(row)


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
    records = _audit_params(model, table, rows, ids, reprs, paths)
    columns, tail = _audit_columns(model)
    audit = _table(AuditRecord)
    if copying:
        # Built while they are sent: the server stores the first records while the next are encoded.
        audit.copy_params(columns, (r + tail for r in records))
    else:
        audit.insert_params(columns, [r + tail for r in records], returning=False)
    return ids


# Columns of an audit record that vary per row; every other column is the same for the whole call.
_AUDIT_VARYING = ("object_id", "object_repr", "org_path", "changes")


def _audit_columns(model: type[models.Model]) -> tuple[list[str], tuple[Any, ...]]:
    """The audit table's columns (the varying ones first) and the prepared values of the others, for one
    call: the action's context, the time, the event and the content type, prepared once."""
    context = AuditRecord._context_fields()
    by_attname = {
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
    fields = [f for f in AuditRecord._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if f.attname not in by_attname and f.attname not in _AUDIT_VARYING:
            by_attname[f.attname] = f.get_default()
    fixed = [f for f in fields if f.attname not in _AUDIT_VARYING]
    by_name = {f.attname: f for f in fields}
    columns = [by_name[a].column for a in _AUDIT_VARYING] + [f.column for f in fixed]
    return columns, tuple(f.get_db_prep_save(by_attname[f.attname], connection) for f in fixed)


def _audit_default(value: Any) -> Any:
    """What ``_jsonable`` (the model's ``audit_values``) makes of a value JSON has no type for."""
    if type(value) is dt.date:
        return value.isoformat()
    return _jsonable(value)


def _json_encoder() -> Callable[[Any], str]:
    """``json.dumps(changes, cls=DjangoJSONEncoder)`` of the ``_jsonable`` values (what the JSONField stores for
    ``AuditedModel.audit_values()``), in one pass: ``_audit_default`` is asked only for the values JSON has
    no type for (dates), as the C encoder meets them. Same separators and escaping as ``json.dumps``; the
    C encoder is made once, not once per record (no circular check: the values are flat)."""
    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the pure-Python encoder, same text
        return json.JSONEncoder(default=_audit_default).encode
    encode = make(None, _audit_default, json_encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True)
    join = "".join
    return lambda value: join(encode(value, 0))


_AUDIT_JSON = _json_encoder()
_json_str = json_encoder.encode_basestring_ascii


def _json_value(value: Any, str: type = str, int: type = int, date: type = dt.date) -> str:
    """JSON text of one audited value, as ``_AUDIT_JSON`` writes it inside the dict; the common types directly."""
    kind = type(value)
    if kind is str:
        return _json_str(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is date:
        return '"' + value.isoformat() + '"'
    return _AUDIT_JSON(value)  # anything else (enums, bools, floats, datetimes, decimals): the encoder itself


def _audit_params(model: type[models.Model], table: _Table, rows: Sequence[dict[str, Any]], ids: Sequence[Any],
                  reprs: Sequence[str], paths: Sequence[str | None]) -> Iterator[tuple[Any, ...]]:
    """(object_id, object_repr, org_path, changes as JSON text) of each row's CREATE audit record, lazily."""
    pk = model._meta.pk.attname
    audited = [f.attname for f in model._meta.concrete_fields if f.attname not in model.audit_exclude]
    defaults = {f.attname: f.get_default() for f in table.fields if f.attname not in rows[0]}
    others = [a for a in audited if a != pk]
    get = itemgetter(*others) if len(others) > 1 else (lambda row: (row[others[0]],))
    encode = _AUDIT_JSON
    if audited and audited[0] == pk and not defaults:
        # The usual case: the key first, then the row's own values, into the text of the whole dict with its
        # keys written once: '{"id": [null, %s], "full_name": [null, %s], ...}' (what json.dumps writes).
        template = "{" + ", ".join(f"{_json_str(a).replace('%', '%%')}: [null, %s]" for a in audited) + "}"
        value = _json_value
        for obj_id, row, repr_, path in zip(ids, rows, reprs, paths, strict=True):
            yield str(obj_id), repr_[:200], path or "", template % tuple(map(value, (obj_id, *get(row))))
        return
    for obj_id, row, repr_, path in zip(ids, rows, reprs, paths, strict=True):
        values = {**defaults, **row, pk: obj_id}
        yield str(obj_id), repr_[:200], path or "", encode({a: [None, values[a]] for a in audited})
