"""The audit trail over the API: read-only, scoped to the caller's subtree, newest first."""

from __future__ import annotations

from audit.api.serializers import AuditRecordSerializer
from audit.filtersets import AuditRecordFilterSet
from audit.models import AuditRecord
from core.api_views import ScopedReadOnlyViewSet


class AuditRecordViewSet(ScopedReadOnlyViewSet):
    """Who changed what, when and from where, for the organizations in the caller's subtree."""

    queryset = AuditRecord.objects.all()
    serializer_class = AuditRecordSerializer
    filterset_class = AuditRecordFilterSet
    select_related = ("content_type",)
    keyset_order = ["-id"]
