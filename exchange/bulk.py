"""Audited bulk inserts for the member import, without a model instance or an ORM compile per row.

``AuditedQuerySet.bulk_create`` (core/models.py) builds a model instance per row, prepares every value
through the SQL compiler, then builds one ``AuditRecord`` per object (context fields, content type
and ``audit_values()`` each time). For hundreds of thousands of rows that bookkeeping costs far more
than the database. :func:`audited_insert` writes **the same rows and the same audit records** (same
columns, same ``changes`` in the same field order, same ``object_repr`` and ``org_path``) from
*drafts*:

- a :class:`Drafter` turns a row ({attname: value}) into a :class:`Draft` before the database is asked
  anything: its values ready for the database (dates as ISO text, which both databases take), and the text
  of its CREATE audit record's ``changes`` with a ``%d`` slot for each key not known yet (the row's own
  primary key and the ``late`` foreign keys). The import drafts in its parsing process
  (exchange/importer.py), on the other core, so that the importing process has only the keys to add;
- the keys are reserved first (:meth:`_Table.new_keys`), one query per call;
- the action's context fields, the content type, the event and the time are prepared once per call;
- on PostgreSQL every row (the model's and its audit records) is written with ``COPY ... FROM STDIN`` on the
  connection's psycopg cursor, inside the same transaction; on SQLite with ``executemany`` on its own cursor.
  ``changes`` is written as the JSON text ``DjangoJSONEncoder`` makes (dates as ISO strings), as the
  ``JSONField`` would.

It must run inside an action (``core.actions.acting``), like any audited write.
tests/test_exchange.py compares its audit records with those of ``AuditedQuerySet.bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
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
from core.models import jsonable

_PLAIN = {"CharField", "TextField", "ForeignKey", "OneToOneField", "IntegerField", "BigIntegerField",
          "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField",
          "BooleanField", "SlugField", "AutoField", "BigAutoField"}
_KEYS = {"ForeignKey", "OneToOneField", "AutoField", "BigAutoField", "IntegerField", "BigIntegerField",
         "PositiveIntegerField", "PositiveBigIntegerField"}


def _preparer(field: models.Field) -> Callable[[Any], Any] | None:
    """How a Python value of ``field`` becomes what the database is sent; ``None`` when it is sent as it is.
    Dates go as ISO text (``str``, Django's SQLite adapter), which SQLite stores and PostgreSQL reads."""
    kind = field.get_internal_type()
    if kind in _PLAIN:
        return None
    if kind == "DateField":
        return str
    if connection.vendor == "postgresql":
        if kind == "DateTimeField":
            return None  # psycopg's COPY writes it, with its time zone
        if kind == "JSONField":
            encoder = field.encoder or DjangoJSONEncoder
            if encoder is DjangoJSONEncoder:
                return _JSON_TEXT
            return lambda value: json.dumps(value, cls=encoder)
    return lambda value: field.get_db_prep_save(value, connection)


_JSON_TEXT = DjangoJSONEncoder().encode  # what json.dumps(value, cls=DjangoJSONEncoder) writes


class _Table:
    """One model's table: its keys reserved, prepared rows written."""

    def __init__(self, model: type[models.Model]) -> None:
        meta = model._meta
        self.model = model
        self.qn = connection.ops.quote_name
        self.table = self.qn(meta.db_table)
        self.pk_column = meta.pk.column
        self._sequence: str | None = None

    def new_keys(self, n: int) -> list[int]:
        """``n`` fresh primary keys, ascending, reserved: no other row, of this transaction or another, gets them.

        PostgreSQL: from the table's sequence (identity or serial). SQLite: the ones after the highest key the
        table has had (its ``AUTOINCREMENT`` counter in ``sqlite_sequence``, or its highest key now), and the
        counter is moved past them, as SQLite does for the rows it numbers itself. SQLite lets one transaction
        write at a time (the transaction begins ``IMMEDIATE``), so no other writer can insert between this read
        and the insert; under a deferred transaction, a writer that got in first makes this one fail with
        "database is locked", it does not take a key twice.
        """
        if connection.vendor == "sqlite":
            return self._sqlite_new_keys(n)
        if connection.vendor != "postgresql":
            raise NotImplementedError(f"reserving keys on {connection.vendor}")
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            if self._sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", (self.model._meta.db_table, self.pk_column))
                self._sequence = cursor.fetchone()[0]
                if self._sequence is None:
                    raise RuntimeError(f"{self.table} has no sequence for its primary key")
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (self._sequence, n))
            return sorted(r[0] for r in cursor.fetchall())

    def _sqlite_new_keys(self, n: int) -> list[int]:
        name = self.model._meta.db_table
        connection.ensure_connection()
        with closing(connection.connection.cursor()) as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
            counted = bool(cursor.fetchone()[0])
            counter = "(SELECT seq FROM sqlite_sequence WHERE name = ?)" if counted else "NULL"
            cursor.execute(f"SELECT max(coalesce({counter}, 0), coalesce((SELECT max({self.qn(self.pk_column)}) "
                           f"FROM {self.table}), 0))", (name,) if counted else ())
            last = cursor.fetchone()[0]
            if counted:  # an AUTOINCREMENT key (Django's): its counter now says the n keys are taken
                cursor.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (last + n, name))
                if cursor.rowcount == 0:
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, last + n))
        return list(range(last + 1, last + 1 + n))

    def insert_params(self, columns: Sequence[str], params: Iterable[Sequence[Any]]) -> None:
        """Insert prepared parameter rows (one value per column of ``columns``, in that order)."""
        names = ", ".join(self.qn(c) for c in columns)
        if connection.vendor == "sqlite":
            # Its own cursor with its own "?" placeholders: Django's would rewrite every "%s" of the statement
            # with a regular expression, once per row.
            connection.ensure_connection()
            with closing(connection.connection.cursor()) as cursor:
                cursor.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({', '.join(['?'] * len(columns))})",
                                   params)
            return
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",
                               list(params))

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


def audited_insert(drafter: Drafter, drafts: Sequence[Draft], late: Sequence[tuple[int, ...]],
                   reprs: Sequence[str], paths: Sequence[str | None]) -> list[int]:
    """Insert the drafted rows of ``drafter.model`` and one CREATE audit record each.

    ``late`` gives each row's late keys (in ``drafter.late`` order); ``reprs`` and ``paths`` each row's
    ``str(obj)`` and ``obj.audit_scope_path()``. Returns the new primary keys in the order of ``drafts``.
    """
    if not in_action():
        raise WriteOutsideAction("audited_insert() outside an action")
    if not drafts:
        return []
    if not len(drafts) == len(late) == len(reprs) == len(paths):
        raise ValueError("one late key tuple, repr and path per draft")
    model = drafter.model
    table = _table(model)
    ids = table.new_keys(len(drafts))
    rows = [(pk, *keys, *draft[0]) for pk, keys, draft in zip(ids, late, drafts, strict=True)]
    columns, tail = _audit_columns(model)
    # Built while they are sent: with COPY, the server stores the first records while the next are made.
    records = ((str(pk), repr_[:200], path or "", draft[1] % (pk, *keys), *tail)
               for pk, keys, draft, repr_, path in zip(ids, late, drafts, reprs, paths, strict=True))
    audit = _table(AuditRecord)
    if use_copy():
        table.copy_params(drafter.columns, rows)
        audit.copy_params(columns, records)
    else:
        table.insert_params(drafter.columns, rows)
        audit.insert_params(columns, records)
    return ids


# Columns of an audit record that vary per row; every other column is the same for the whole call.
_AUDIT_VARYING = ("object_id", "object_repr", "org_path", "changes")


def _audit_columns(model: type[models.Model]) -> tuple[list[str], tuple[Any, ...]]:
    """The audit table's columns (the varying ones first) and the prepared values of the others, for one
    call: the action's context, the time, the event and the content type, prepared once."""
    context = AuditRecord.context_fields()
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
    """What ``jsonable`` (the model's ``audit_values``) makes of a value JSON has no type for."""
    if type(value) is dt.date:
        return value.isoformat()
    return jsonable(value)


def _json_encoder() -> Callable[[Any], str]:
    """``json.dumps(changes, cls=DjangoJSONEncoder)`` of the ``jsonable`` values (what the JSONField stores for
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


# One row to insert, drafted before its keys are known (see :class:`Drafter`): the early columns' values, ready for
# the database, and its CREATE audit record's JSON text with "%d" where each key goes ("%" doubled elsewhere).
# A plain tuple: drafts cross from the parsing process by the hundred thousand, and a tuple is the cheapest to
# pickle and unpickle.
Draft = tuple[tuple[Any, ...], str]


class Drafter:
    """Drafts rows of ``model`` whose primary key and ``late`` foreign keys are known only when they are written.

    Everything else of a row is prepared by :meth:`draft` (anywhere: the import drafts in its parsing process);
    :func:`audited_insert` adds the keys. A field missing from a row takes its default, as in ``bulk_create``.
    The keys must be audited (they are in the audit record) and are never ``None``.
    """

    def __init__(self, model: type[models.Model], late: Sequence[str] = ()) -> None:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        known = {f.attname: f for f in fields}
        audited = [f.attname for f in meta.concrete_fields if f.attname not in model.audit_exclude]
        for attname in late:
            if attname not in known or known[attname].get_internal_type() not in _KEYS:
                raise ValueError(f"{model.__name__}.{attname} is not a key column")
        keys = {meta.pk.attname, *late}
        if not keys <= set(audited) or audited[0] != meta.pk.attname:
            raise ValueError(f"{model.__name__}: the primary key first, and every late key, must be audited")
        self.model = model
        self.late = [f.attname for f in fields if f.attname in keys]  # in field order, as their slots are
        early = [f for f in fields if f.attname not in keys]
        self.columns = [meta.pk.column] + [known[a].column for a in self.late] + [f.column for f in early]
        self._defaults = {f.attname: f.get_default() for f in early}
        self._values = _getter([f.attname for f in early])
        self._prepare = [(i, p) for i, p in enumerate(_preparer(f) for f in early) if p is not None]
        # The changes as json.dumps writes them, '{"id": [null, %s], "full_name": [null, %s], ...}', with NUL
        # where a key goes: the JSON text of a value never holds a NUL (JSON escapes it), so the NULs become
        # the "%d" slots once the "%" of the values are doubled.
        self._audited = _getter([a for a in audited if a not in keys])
        entries = (_json_str(a).replace("%", "%%") + (": [null, \x00]" if a in keys else ": [null, %s]")
                   for a in audited)
        self._template = "{" + ", ".join(entries) + "}"

    def draft(self, row: dict[str, Any]) -> Draft:
        row = {**self._defaults, **row}
        values = self._values(row)
        if self._prepare:
            values = list(values)
            for i, prepare in self._prepare:
                if values[i] is not None:
                    values[i] = prepare(values[i])
            values = tuple(values)
        text = self._template % tuple(map(_json_value, self._audited(row)))
        return values, text.replace("%", "%%").replace("\x00", "%d")


def _getter(names: Sequence[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The values of ``names`` of a dict, as a tuple, in one C-level call (itemgetter gives a bare value for one)."""
    if len(names) == 1:
        name = names[0]
        return lambda row: (row[name],)
    return itemgetter(*names) if names else (lambda row: ())
