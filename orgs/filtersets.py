from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import PartyFilterSet, ScopedOrganizationFilter
from core.text import search_key
from core.tree import prefix_q
from orgs.choices import OrgType
from orgs.models import Organization


class OrganizationFilterSet(PartyFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or code"))
    within = ScopedOrganizationFilter(path_field="path", label=_("Within organization"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Parent organization"), min_value=1,
                                         max_value=2**53)
    org_type = django_filters.MultipleChoiceFilter(choices=OrgType.choices, label=_("Type"))
    active = django_filters.BooleanFilter(field_name="dissolved_on", lookup_expr="isnull", label=_("Active"))

    class Meta:
        model = Organization
        fields: list[str] = []

    def search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        key = search_key(value)
        return qs.filter(prefix_q("name_key", key) | prefix_q("code", value.upper()))
