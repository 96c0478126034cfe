"""The audit trail page: filterable, keyset paginated newest first."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import render
from django.views import View

from audit.filtersets import AuditRecordFilterSet
from audit.models import AuditRecord
from core.views import keyset_list

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


class AuditListView(LoginRequiredMixin, View):
    template_name = "audit/list.html"

    def get(self, request):
        qs = AuditRecord.objects.restrict(request.user, "view").select_related("content_type")
        listing = keyset_list(request, qs, filterset_class=AuditRecordFilterSet, sorts={"": ["-id"]}, default_sort="")
        context = {"listing": listing, "records": listing.items, "page": listing.page, "filter": listing.filterset,
                   "filter_error": listing.error, "object_types": object_type_choices(),
                   "selected_type": request.GET.get("object_type", "")}
        if request.htmx and not request.htmx.boosted:
            return render(request, "audit/_table.html", context)
        return render(request, self.template_name, context)
