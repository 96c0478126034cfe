from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filtersets import PartyFilterSet, ScopedOrganizationFilter
from core.search import fuzzy_words_q, query_words, spaced_words_q
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
        """By the words of the name in any order (``core.search``: ``doi san xuat`` finds "Chi bộ Đội sản xuất
        số 3"), or by the beginning of the code; one typo tolerated on PostgreSQL when nothing matches exactly."""
        value = (value or "").strip()
        if not value:
            return qs
        words = query_words(value)
        by_code = prefix_q("code", value.upper())
        exact = qs.filter((spaced_words_q("name_key", words) if words else Q(pk__in=[])) | by_code)
        loose = fuzzy_words_q("name_key", words)
        if loose is not None and not exact.exists():
            return qs.filter(loose)
        return exact
