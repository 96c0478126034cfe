"""The audit trail page: filterable, keyset paginated newest first."""

from __future__ import annotations

from audit.filtersets import AuditRecordFilterSet
from audit.models import AuditRecord
from core.object_views import ObjectListView
from core.registry import audit_types


def object_type_choices() -> list[tuple[str, str]]:
    """Object types offered in the filter (value "app_label.model"): every audited model of every installed app,
    from the registry; others can still be typed in the URL."""
    return audit_types()


class AuditListView(ObjectListView):
    model = AuditRecord
    select_related = ("content_type",)
    template_name = "audit/list.html"
    partial_template_name = "audit/_table.html"
    context_object_name = "records"
    filterset_class = AuditRecordFilterSet
    sorts = {"": ["-id"]}

    def get_extra_context(self, listing) -> dict:
        return {"object_types": object_type_choices(), "selected_type": self.request.GET.get("object_type", "")}
