"""Audit events that are not model writes: exports of personal data, logins."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import OBJECT_TEXT, AuditRecord
from core.actions import acting


def record_export(actor: Any, model: type[models.Model], *, scope_path: str, description: str, count: int,
                  filters: dict[str, Any]) -> AuditRecord:
    """Exports of personal data are recorded like changes: who took what, filtered how, how many rows.

    A ``description`` written with ``core.phrases.Said`` is also kept as its code and parameters
    (``changes["object_text"]``): the trail names the export in the reader's language; ``object_repr`` keeps the
    actor's text (the API, and records written before)."""
    changes: dict[str, Any] = {"filters": filters, "rows": count}
    stored = getattr(description, "stored", None)
    if isinstance(stored, dict):
        changes[OBJECT_TEXT] = stored
    with acting(actor, "audit.record_export"):
        return AuditRecord.objects.create(
            **AuditRecord.context_fields(),
            event=AuditRecord.Event.EXPORT,
            content_type=ContentType.objects.get_for_model(model),
            object_repr=str(description)[:200],
            org_path=scope_path,
            changes=changes,
        )


def record_event(actor: Any, event: str, *, label: str = "", scope_path: str = "", details: dict | None = None,
                 model: type[models.Model] | None = None) -> AuditRecord:
    with acting(actor, f"audit.{event}", check_scope=False):
        fields = AuditRecord.context_fields()
        if actor is None and label:
            fields["actor_label"] = label[:150]
        return AuditRecord.objects.create(
            **fields,
            event=event,
            content_type=ContentType.objects.get_for_model(model) if model else None,
            object_repr=label[:200],
            org_path=scope_path,
            changes=details or {},
        )
