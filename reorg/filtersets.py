from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import LocalDateInput
from core.filtersets import PartyFilterSet
from reorg.choices import ReorgKind, ReorgState
from reorg.models import Reorganization


class ReorganizationFilterSet(PartyFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ReorgKind.choices, label=_("Operation"))
    state = django_filters.MultipleChoiceFilter(choices=ReorgState.choices, label=_("State"))
    decision = django_filters.CharFilter(lookup_expr="icontains", label=_("Deciding document"))
    effective_from = django_filters.DateFilter(field_name="effective_on", lookup_expr="gte", label=_("Effective from"),
                                               widget=LocalDateInput())
    effective_to = django_filters.DateFilter(field_name="effective_on", lookup_expr="lte", label=_("Effective until"),
                                             widget=LocalDateInput())
    # An id is for the API and for links; the page does not ask a person to type one (hidden, kept on filtering).
    organization = django_filters.NumberFilter(method="concerning", label=_("Concerning organization (number)"),
                                               min_value=1, max_value=2**53, widget=forms.HiddenInput)

    class Meta:
        model = Reorganization
        fields: list[str] = []

    def concerning(self, qs, name, value):
        if value in (None, ""):
            return qs
        return qs.filter(organizations__pk=int(value)).distinct()
