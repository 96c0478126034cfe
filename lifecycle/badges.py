"""Party badges (30, 40, 45, ... 90 years of party age): who reaches one in a period, in a scope.

Party age counts from the admission decision (``Member.admission_date``), so "reaches Y years between
``start`` and ``end``" is the index range ``admission_date BETWEEN start - Y years AND end - Y years``: one
query per badge year on the (status, admission_date) index, never a loop over members.

Early award: the rules allow awarding a badge ahead of time (a member gravely ill, for instance). Who is ill is
not in the registry, so the list offers the *candidates*: official members who reach a badge within
``BADGE_EARLY_MONTHS`` after the period; the officer decides which of them to propose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.dates import add_days, add_months, add_years
from core.rules import rule
from core.tree import prefix_q
from members.choices import MemberStatus
from members.models import Member


def shift_years(day: dt.date, years: int) -> dt.date:
    return add_years(day, years)


def badge_years(on: dt.date | None = None) -> list[int]:
    """The badge years of the rule in force on ``on`` (a list's date is the end of its period)."""
    return sorted(int(y) for y in rule("BADGE_YEARS", on))


def early_months(on: dt.date | None = None) -> int:
    return int(rule("BADGE_EARLY_MONTHS", on))


@dataclass
class BadgeGroup:
    years: int
    queryset: QuerySet
    early: bool = False

    @property
    def count(self) -> int:
        return self.queryset.count()


def _base(user: Any, organization=None, action: str = "view") -> QuerySet:
    qs = Member.objects.restrict(user, action).filter(status=MemberStatus.OFFICIAL)
    if organization is not None:
        qs = qs.filter(prefix_q("organization__path", organization.path))
    return qs


def badge_range_q(years: int, start: dt.date, end: dt.date) -> Q:
    return Q(admission_date__gte=shift_years(start, -years), admission_date__lte=shift_years(end, -years))


def badge_groups(user: Any, start: dt.date, end: dt.date, *, organization=None,
                 only: list[int] | None = None) -> list[BadgeGroup]:
    """One queryset per badge year: official members in scope reaching that party age in [start, end]."""
    base = _base(user, organization)
    chosen = [y for y in badge_years(end) if not only or y in only]
    return [BadgeGroup(y, base.filter(badge_range_q(y, start, end)).order_by("admission_date", "id"))
            for y in chosen]


def early_groups(user: Any, end: dt.date, *, organization=None, only: list[int] | None = None) -> list[BadgeGroup]:
    """Candidates for an early award: members reaching a badge within BADGE_EARLY_MONTHS after ``end``."""
    base = _base(user, organization)
    window_end = add_months(end, early_months(end))
    chosen = [y for y in badge_years(end) if not only or y in only]
    return [BadgeGroup(y, base.filter(badge_range_q(y, add_days(end, 1), window_end))
                       .order_by("admission_date", "id"), early=True) for y in chosen]


def badge_queryset(user: Any, start: dt.date, end: dt.date, *, organization=None, only: list[int] | None = None,
                   early: bool = False, action: str = "view") -> QuerySet:
    """All members of the chosen badges in one queryset (OR of the ranges), for paging and export.

    ``action`` is the right the rows are restricted by: "view" for the page and the API, "export" for the file.
    """
    chosen = [y for y in badge_years(end) if not only or y in only]
    if early:
        window_end = add_months(end, early_months(end))
        start, end = add_days(end, 1), window_end
    q = Q(pk__in=[])
    for y in chosen:
        q |= badge_range_q(y, start, end)
    return _base(user, organization, action).filter(q)


def badge_reached(member: Member, start: dt.date, end: dt.date) -> tuple[int | None, dt.date | None]:
    """Which badge the member reaches in [start, end] (the largest), and on which day."""
    found = (None, None)
    for y in badge_years(end):
        day = shift_years(member.admission_date, y)
        if start <= day <= end:
            found = (y, day)
    return found


def badge_period(form: Any) -> tuple[dt.date, dt.date]:
    """The period of the badge filter form: its dates, else this calendar year (page and export alike)."""
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    start = data.get("start") or dt.date(today.year, 1, 1)
    end = data.get("end") or dt.date(start.year, 12, 31)
    if end < start:
        end = start
    return start, end
