"""The audit trail page: filterable, keyset paginated newest first."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from audit.filtersets import AuditRecordFilterSet
from audit.models import AuditRecord
from core.object_views import ObjectListView

# Object types offered in the filter (value "app_label.model"); others can still be typed in the URL.
OBJECT_TYPES = ("orgs.organization", "orgs.organizationversion", "members.member", "members.memberhistory",
                "accounts.user", "accounts.rolegrant")


def object_type_choices():
    result = []
    for label in OBJECT_TYPES:
        app_label, model = label.split(".")
        try:
            ct = ContentType.objects.get_by_natural_key(app_label, model)
        except ContentType.DoesNotExist:
            continue
        model_class = ct.model_class()
        result.append((label, str(model_class._meta.verbose_name) if model_class else label))
    return result


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
