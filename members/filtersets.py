from __future__ import annotations

import datetime as dt

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import add_years
from core.filtersets import PartyFilterSet, ScopedOrganizationFilter
from members.choices import Gender, MemberStatus
from members.models import Member, MemberHistory


def years_ago(years: int, today: dt.date) -> dt.date:
    """The day ``years`` years before ``today`` (for age bands)."""
    return add_years(today, -years)


class AgeBand(django_filters.ChoiceFilter):
    BANDS = {"u30": (None, 30), "30-45": (30, 46), "46-60": (46, 61), "o60": (61, None)}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("u30", _("under 30")), ("30-45", _("30 to 45")), ("46-60", _("46 to 60")),
                                      ("o60", _("over 60"))])
        kwargs.setdefault("label", _("Age"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value not in self.BANDS:
            return qs
        low, high = self.BANDS[value]
        today = timezone.localdate()
        if low is not None:  # at least `low` years old: born on or before today - low years
            qs = qs.filter(birth_date__lte=years_ago(low, today))
        if high is not None:  # younger than `high`: born after today - high years
            qs = qs.filter(birth_date__gt=years_ago(high, today))
        return qs


class MemberFilterSet(PartyFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    organization = ScopedOrganizationFilter(path_field="organization__path")
    status = django_filters.MultipleChoiceFilter(choices=MemberStatus.choices, label=_("Status"))
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("Gender"))
    age = AgeBand()
    admission_year = django_filters.NumberFilter(method="filter_admission_year", label=_("Admission year"),
                                                 min_value=1930, max_value=2100)
    admitted_after = django_filters.DateFilter(field_name="admission_date", lookup_expr="gte",
                                               label=_("Admitted on or after"))
    admitted_before = django_filters.DateFilter(field_name="admission_date", lookup_expr="lte",
                                                label=_("Admitted on or before"))
    born_after = django_filters.DateFilter(field_name="birth_date", lookup_expr="gte", label=_("Born on or after"))
    born_before = django_filters.DateFilter(field_name="birth_date", lookup_expr="lte", label=_("Born on or before"))

    class Meta:
        model = Member
        fields: list[str] = []

    def search(self, qs, name, value):
        return qs.search(value)

    def filter_admission_year(self, qs, name, value):
        year = int(value)
        return qs.filter(admission_date__gte=dt.date(year, 1, 1), admission_date__lte=dt.date(year, 12, 31))


class MemberHistoryFilterSet(PartyFilterSet):
    member = django_filters.NumberFilter(field_name="member_id", label=_("Member"), min_value=1, max_value=2**53)

    class Meta:
        model = MemberHistory
        fields: list[str] = []
