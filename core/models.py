"""Base models: scoped querysets and audited writes, used by every domain model.

Core does not know where audit records go: the audit app registers a writer (:func:`register_audit_writer`,
in its ``AppConfig.ready``), so core imports no app above it.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any, ClassVar, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.actions import WriteOutsideAction, current_action, in_action
from core.scope import OutOfScope, scope_q, scope_sides

CREATE, UPDATE, DELETE = "create", "update", "delete"


class AuditWriter(Protocol):
    """Where audited writes are recorded; ``paths`` are the object's sides' paths at write time."""

    def build(self, model: type[models.Model], pk: Any, repr_: str, event: str, changes: dict,
              paths: list[str]) -> Any:
        """An unsaved record (for bulk writes)."""

    def save_many(self, records: list[Any]) -> None:
        """Insert records built by :meth:`build`."""


_audit_writer: AuditWriter | None = None


def register_audit_writer(writer: AuditWriter) -> None:
    """Called once by the audit app."""
    global _audit_writer
    _audit_writer = writer


def audit_writer() -> AuditWriter:
    if _audit_writer is None:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("No audit writer registered (is the audit app installed?)")
    return _audit_writer


def _paths(*values: Any) -> list[str]:
    """Distinct non-empty paths, in side order."""
    result: list[str] = []
    for value in values:
        if value and value not in result:
            result.append(value)
    return result


def jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, dict, str, int, float, bool)) or value is None:
        return value
    return str(value)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view", *, sides: tuple[str, ...] | None = None) -> ScopedQuerySet:
        """What ``user`` may ``action``: granted on any of the model's sides (or on the given ``sides`` only)."""
        q = scope_q(user, self.model, action, sides=sides)
        return self if q is None else self.filter(q)


class AuditedQuerySet(ScopedQuerySet):
    """Bulk writes are audited row by row too; only derived columns may change unaudited."""

    def update(self, **kwargs: Any) -> int:
        if not in_action():
            raise WriteOutsideAction("queryset.update() outside an action")
        writer = audit_writer()
        fields = [f for f in kwargs if f not in self.model.audit_exclude]
        sides = scope_sides(self.model)
        extra = [side for side in sides if side not in fields]
        rows = list(self.values("pk", *fields, *extra)) if fields else []
        count = super().update(**kwargs)
        if fields:
            changed = self.model._base_manager.filter(pk__in=[r["pk"] for r in rows]).values("pk", *fields)
            after = {r["pk"]: r for r in changed}
            records = []
            for row in rows:
                new = after.get(row["pk"], {})
                changes = {f: [jsonable(row[f]), jsonable(new.get(f))] for f in fields if row[f] != new.get(f)}
                if changes:
                    paths = _paths(*(row.get(side) for side in sides))
                    records.append(writer.build(self.model, row["pk"], "", UPDATE, changes, paths))
            writer.save_many(records)
        return count

    def derived_update(self, **kwargs: Any) -> int:
        """Update columns derived from other audited data (counters, denormalized paths)."""
        if not in_action():
            raise WriteOutsideAction("derived_update() outside an action")
        return super().update(**kwargs)

    def delete(self):
        if not in_action():
            raise WriteOutsideAction("queryset.delete() outside an action")
        for obj in self.iterator(chunk_size=2000):
            obj.delete()
        return None

    def bulk_create(self, objs, *args: Any, **kwargs: Any):
        if not in_action():
            raise WriteOutsideAction("bulk_create() outside an action")
        writer = audit_writer()
        created = super().bulk_create(objs, *args, **kwargs)
        records = [
            writer.build(self.model, obj.pk, str(obj)[:200], CREATE,
                         {k: [None, v] for k, v in obj.audit_values().items()}, obj.scope_paths())
            for obj in created
        ]
        writer.save_many(records)
        return created


class AuditedModel(models.Model):
    """A model whose every create, change and delete is written to the audit trail in the same transaction.

    ``scope_path_field`` names the materialized path that places the object in the tree; an object that
    belongs to more than one organization declares all of them in ``scope_sides`` (its audit records are
    then visible on every side); ``audit_exclude`` lists derived columns (counters) whose changes are not news.
    """

    scope_path_field: ClassVar[str] = "path"
    scope_sides: ClassVar[tuple[str, ...]] = ()
    audit_exclude: ClassVar[set[str]] = set()
    # True when the object is named by words and dates rather than a name (a history row: "Recognized 06/11/2025"):
    # the trail then shows the live row's ``audit_text()`` in the reader's language, not the text stored with it.
    audit_repr_is_text: ClassVar[bool] = False
    scope_check_on_write: ClassVar[bool] = True

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Keep the loaded values as they came; the audit snapshot is made only if the object is saved.
        instance._audit_loaded_raw = (field_names, values)
        return instance

    def _audit_before(self) -> dict[str, Any]:
        loaded = self.__dict__.get("_audit_loaded")
        if loaded is not None:
            return loaded
        raw = self.__dict__.get("_audit_loaded_raw")
        if raw is None:
            return {}
        names, values = raw
        return {name: jsonable(value) for name, value in zip(names, values) if name not in self.audit_exclude}

    def audit_values(self) -> dict[str, Any]:
        return {
            f.attname: jsonable(getattr(self, f.attname))
            for f in self._meta.concrete_fields
            if f.attname not in self.audit_exclude and f.attname in self.__dict__
        }

    def _path_of(self, field: str) -> str | None:
        value: Any = self
        for part in field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def scope_paths(self) -> list[str]:
        """The paths of all the object's sides, as they are now (distinct, in side order)."""
        return _paths(*(self._path_of(side) for side in scope_sides(type(self))))

    def audit_scope_path(self) -> str | None:
        """The first side's path."""
        paths = self.scope_paths()
        return paths[0] if paths else None

    def audit_record(self, event: str, changes: dict) -> Any:
        """The unsaved audit record of a write to this object (placed on all its sides)."""
        return audit_writer().build(type(self), self.pk, str(self)[:200], event, changes, self.scope_paths())

    def save(self, *args: Any, **kwargs: Any) -> None:
        ctx = current_action()
        creating = self._state.adding
        before = {} if creating else self._audit_before()
        super().save(*args, **kwargs)
        if creating:
            self.after_insert()
        after = self.audit_values()
        if ctx.check_scope and self.scope_check_on_write:
            self.ensure_in_scope(ctx.actor, "add" if creating else "change")
        changes = {k: [before.get(k), v] for k, v in after.items() if creating or before.get(k) != v}
        if changes:
            audit_writer().save_many([self.audit_record(CREATE if creating else UPDATE, changes)])
        self._audit_loaded = after

    def after_insert(self) -> None:
        """Hook for columns that need the new primary key (the organization's path)."""

    def delete(self, *args: Any, **kwargs: Any):
        ctx = current_action()
        if ctx.check_scope and self.scope_check_on_write:
            self.ensure_in_scope(ctx.actor, "delete")
        record = self.audit_record(DELETE, {k: [v, None] for k, v in self.audit_values().items()})
        result = super().delete(*args, **kwargs)
        audit_writer().save_many([record])
        return result

    def ensure_in_scope(self, actor: Any, action: str) -> None:
        """After a write the object must still lie where the actor may ``action`` (on any of its sides)."""
        q = scope_q(actor, type(self), action)
        if q is not None and not type(self)._base_manager.filter(q, pk=self.pk).exists():
            raise OutOfScope()


class DatedRecord(models.Model):
    """A row of dated history: valid from one date until (not including) another; never overwritten."""

    valid_from = models.DateField(_("valid from"), db_index=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True, db_index=True)

    class Meta:
        abstract = True

    @staticmethod
    def as_of_q(on: dt.date, prefix: str = "") -> models.Q:
        return models.Q(**{f"{prefix}valid_from__lte": on}) & (
            models.Q(**{f"{prefix}valid_to__isnull": True}) | models.Q(**{f"{prefix}valid_to__gt": on})
        )


# The rule versions live in their own module; imported here so that Django finds the model in ``core``.
from core.rule_models import RuleVersion  # noqa: E402,F401
