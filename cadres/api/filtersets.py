"""Filters of the committee API: an organization (id with its subtree, or code), a date, current rows only."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from cadres.choices import BodyKind, Post
from cadres.models import Body, PostHolding, Term
from core.dates import LocalDateInput
from core.filtersets import PartyFilterSet, ScopedOrganizationFilter
from core.models import DatedRecord


class _CadresFilterSet(PartyFilterSet):
    organization = ScopedOrganizationFilter()
    organization_code = django_filters.CharFilter(field_name="organization__code", max_length=32,
                                                  label=_("Organization code (this organization only)"))


class _DatedFilterSet(_CadresFilterSet):
    as_of = django_filters.DateFilter(method="on_date", label=_("As of"), widget=LocalDateInput())
    current = django_filters.BooleanFilter(field_name="valid_to", lookup_expr="isnull", label=_("Current only"))

    def on_date(self, qs, name, value):
        return qs if value is None else qs.filter(DatedRecord.as_of_q(value))


class TermFilterSet(_DatedFilterSet):
    class Meta:
        model = Term
        fields = ["opened_by", "closed_by", "label"]


class BodyFilterSet(_CadresFilterSet):
    kind = django_filters.ChoiceFilter(choices=BodyKind.choices, label=_("Body"))
    vacant = django_filters.BooleanFilter(method="open_seats", label=_("With open seats or no head"))
    as_of = django_filters.DateFilter(method="on_date", label=_("As of"), widget=LocalDateInput())

    class Meta:
        model = Body
        fields = ["term"]

    def open_seats(self, qs, name, value):
        if value is None:
            return qs
        open_q = {"vacant": True, "ended_on__isnull": True}
        return qs.filter(**open_q) if value else qs.exclude(**open_q)

    def on_date(self, qs, name, value):
        from django.db.models import Q

        if value is None:
            return qs
        return qs.filter(DatedRecord.as_of_q(value, "term__")).filter(Q(ended_on__isnull=True)
                                                                     | Q(ended_on__gt=value))


class PostHoldingFilterSet(_DatedFilterSet):
    post = django_filters.ChoiceFilter(choices=Post.choices, label=_("Post"))

    class Meta:
        model = PostHolding
        fields = ["body", "member"]
