"""The audit trail: who changed what, when, from where, with the values before and after."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actions import current_action, is_system
from core.models import ScopedQuerySet

SYSTEM_LABEL = "system"
OBJECT_TEXT = "object_text"  # key of ``changes`` holding the object's name as a stored text (core.phrases)


class AuditRecord(models.Model):
    class Event(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        BULK_LOAD = "bulk_load", _("bulk load")
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logged out")

    at = models.DateTimeField(_("time"), default=timezone.now)
    # The trail is append-only and outlives what it names: no database constraint (it would cost a check per
    # record on every write - a third of the commit of a large import - and SET NULL would rewrite history).
    # The actor's name is kept in actor_label; users are deactivated, not deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.DO_NOTHING,
        related_name="+", db_constraint=False, db_index=False,  # audit_actor_idx starts with it
    )
    actor_label = models.CharField(_("user name"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=100, blank=True)
    event = models.CharField(_("event"), max_length=16, choices=Event.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, blank=True, on_delete=models.DO_NOTHING,
        related_name="+", db_constraint=False, db_index=False,  # audit_object_idx starts with it
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    org_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    # The second side of an object that belongs to two organizations (a transfer letter's receiver): the record
    # is visible on both. NULL (not "") for the one-sided rest, so its partial index holds only two-sided records
    # and costs the registry's bulk writes nothing.
    org_path_2 = models.CharField(max_length=255, null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)

    scope_sides = ("org_path", "org_path_2")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
            models.Index(fields=["at"], name="audit_at_idx"),
            # ``org_path_2 LIKE 'p%'`` (PostgreSQL) or a range (SQLite) implies IS NOT NULL: the partial index serves.
            models.Index(fields=["org_path_2"], name="audit_path2_idx", opclasses=["varchar_pattern_ops"],
                         condition=models.Q(org_path_2__isnull=False)),
        ]
        permissions = [("export_auditrecord", "Can export audit records")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.event} {self.object_repr}"

    @property
    def by_system(self) -> bool:
        """Written by the SYSTEM actor (commands, scheduled work, seeding, migrations), not by a user."""
        return self.actor_id is None and self.actor_label == SYSTEM_LABEL

    @classmethod
    def context_fields(cls) -> dict[str, Any]:
        ctx = current_action()
        actor = ctx.actor
        if is_system(actor):
            return {"actor": None, "actor_label": SYSTEM_LABEL, **cls._request_fields(ctx)}
        return {
            "actor": actor,
            "actor_label": getattr(actor, "username", "") if actor is not None else "",
            **cls._request_fields(ctx),
        }

    @staticmethod
    def _request_fields(ctx: Any) -> dict[str, Any]:
        return {
            "ip": ctx.request.ip,
            "user_agent": ctx.request.user_agent[:255],
            "request_id": ctx.request.request_id,
            "action": ctx.name[:100],
        }

    @staticmethod
    def side_fields(paths: list[str] | str | None) -> dict[str, Any]:
        """``org_path`` and ``org_path_2`` from the paths of an object's sides (at most two are kept)."""
        if isinstance(paths, str) or paths is None:
            paths = [paths] if paths else []
        return {"org_path": paths[0] if paths else "", "org_path_2": paths[1] if len(paths) > 1 else None}

    @classmethod
    def build(cls, model: type[models.Model], pk: Any, repr_: str, event: str, changes: dict,
              paths: list[str] | str | None) -> AuditRecord:
        return cls(
            **cls.context_fields(),
            event=event,
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(pk),
            object_repr=repr_[:200],
            **cls.side_fields(paths),
            changes=changes,
        )


class AuditRecordWriter:
    """The writer core's audited models use (registered in ``AuditConfig.ready``)."""

    build = staticmethod(AuditRecord.build)

    @staticmethod
    def save_many(records: list[AuditRecord]) -> None:
        if len(records) == 1:
            records[0].save(force_insert=True)
        elif records:
            AuditRecord.objects.bulk_create(records, batch_size=2000)
