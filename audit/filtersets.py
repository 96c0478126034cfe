from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from audit.models import AuditRecord
from core.dates import LocalDateInput
from core.filtersets import PartyFilterSet, ScopedOrganizationFilter


class AuditRecordFilterSet(PartyFilterSet):
    user = django_filters.CharFilter(field_name="actor_label", label=_("User name"))
    object_type = django_filters.CharFilter(method="filter_object_type", label=_("Object type"))
    # Set by the "open in the audit trail" link of an object's page, never typed: the page shows no box for it.
    object_id = django_filters.CharFilter(field_name="object_id", label=_("Object id"), max_length=64)
    event = django_filters.ChoiceFilter(choices=AuditRecord.Event.choices, label=_("Event"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"),
                                      widget=LocalDateInput())
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"), widget=LocalDateInput())
    organization = ScopedOrganizationFilter(path_field=AuditRecord.scope_sides)

    class Meta:
        model = AuditRecord
        fields: list[str] = []

    def filter_object_type(self, qs, name, value):
        if "." not in value:
            return qs.none()
        app_label, model = value.lower().split(".", 1)
        return qs.filter(content_type__app_label=app_label, content_type__model=model)
