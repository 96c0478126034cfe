from __future__ import annotations

import datetime as dt

import django_filters
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import LocalDateInput, add_years
from core.filtersets import PartyFilterSet, ScopedOrganizationFilter
from core.pagination import any_row
from members.choices import ACTIVE_STATUSES, Gender, MemberStatus
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


class Standing(models.TextChoices):
    """Which members a search shows: the active ones (default), the former ones apart, or all."""

    ACTIVE = "active", _("Active members")
    FORMER = "former", _("Former members (left, struck off, expelled, deceased, transferred out)")
    ALL = "all", _("All")


class MemberFilterSet(PartyFilterSet):
    """The member list's and the API's filters; the search (``q``) is applied last, after the other filters.

    A search without a status filter shows the active members; the former ones are set apart (``standing``):
    a clerk looking for "Nguyễn Văn An" wants the one who is a member today, and is told when former members
    match too (:meth:`former_matches`).
    """

    q = django_filters.CharFilter(method="search", label=_("Search"))
    standing = django_filters.ChoiceFilter(choices=Standing.choices, method="search", label=_("Members"),
                                           empty_label=None)
    organization = ScopedOrganizationFilter(path_field="organization__path")
    status = django_filters.MultipleChoiceFilter(choices=MemberStatus.choices, label=_("Status"))
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("Gender"))
    age = AgeBand()
    admission_year = django_filters.NumberFilter(method="filter_admission_year", label=_("Admission year"),
                                                 min_value=1930, max_value=2100)
    admitted_after = django_filters.DateFilter(field_name="admission_date", lookup_expr="gte",
                                               label=_("Admitted on or after"), widget=LocalDateInput())
    admitted_before = django_filters.DateFilter(field_name="admission_date", lookup_expr="lte",
                                                label=_("Admitted on or before"), widget=LocalDateInput())
    born_after = django_filters.DateFilter(field_name="birth_date", lookup_expr="gte", label=_("Born on or after"),
                                           widget=LocalDateInput())
    born_before = django_filters.DateFilter(field_name="birth_date", lookup_expr="lte", label=_("Born on or before"),
                                            widget=LocalDateInput())

    class Meta:
        model = Member
        fields: list[str] = []

    search_fuzzy = False  # the search found nothing exact and shows names one typo away
    _former: QuerySet | None = None

    def search(self, qs, name, value):
        return qs  # applied last, in filter_queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        text = (data.get("q") or "").strip()
        if text:
            qs, self.search_fuzzy = qs.search_noting_typos(text)
        standing = self.standing_applied()
        if standing == Standing.ACTIVE:
            if text:
                self._former = qs.exclude(status__in=ACTIVE_STATUSES)
            return qs.filter(status__in=ACTIVE_STATUSES)
        if standing == Standing.FORMER:
            return qs.exclude(status__in=ACTIVE_STATUSES)
        return qs

    def standing_applied(self) -> str:
        """The members shown: a status filter says it all; else ``standing``, by default the active members when
        searching and everyone when not."""
        data = self.form.cleaned_data
        if data.get("status"):
            return Standing.ALL
        return data.get("standing") or (Standing.ACTIVE if (data.get("q") or "").strip() else Standing.ALL)

    def former_matches(self) -> bool:
        """Whether former members match the search that showed the active ones (one index-backed query)."""
        return self._former is not None and any_row(self._former)

    def filter_admission_year(self, qs, name, value):
        year = int(value)
        return qs.filter(admission_date__gte=dt.date(year, 1, 1), admission_date__lte=dt.date(year, 12, 31))


class MemberHistoryFilterSet(PartyFilterSet):
    member = django_filters.NumberFilter(field_name="member_id", label=_("Member"), min_value=1, max_value=2**53)

    class Meta:
        model = MemberHistory
        fields: list[str] = []
