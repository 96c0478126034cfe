"""Audit records as read over the API (the trail is written only by actions, never through the API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from audit.models import AuditRecord
from core.api import ChoiceDisplayField


class AuditRecordSerializer(serializers.ModelSerializer):
    event_display = ChoiceDisplayField(source="event", choices=AuditRecord.Event.choices)
    object_type = serializers.SerializerMethodField()
    by_system = serializers.BooleanField(read_only=True, help_text=_("Written by the system (commands, "
                                         "scheduled work, seeding, migrations), not by a user."))

    class Meta:
        model = AuditRecord
        fields = ["id", "at", "actor", "actor_label", "by_system", "ip", "user_agent", "request_id", "action", "event",
                  "event_display", "object_type", "object_id", "object_repr", "changes"]
        read_only_fields = fields

    def get_object_type(self, record: AuditRecord) -> str | None:
        """``app_label.model``, the value the ``object_type`` filter takes."""
        ct = record.content_type
        return f"{ct.app_label}.{ct.model}" if ct is not None else None
