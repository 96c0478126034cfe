"""The members of a subtree by status, gender and age group, for the charts of the dashboard and organization page.

Official and probationary members come from the organization's counters (one row, always current). Everything
else - former members by status, the active members by gender and by age group - needs one grouped pass over the
subtree's members, which at the party's scale reads millions of rows: it runs at most once a day per organization
(``core.charts.daily``), and the charts say the figures are as of today's first view.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import l10n
from core.charts import Chart, Series, daily
from members.choices import ACTIVE_STATUSES, Gender, MemberStatus
from members.models import Member

# Age groups by the age reached this year (from the year of birth): the bands of the party's statistics.
AGE_GROUPS: tuple[tuple[int | None, int | None], ...] = ((None, 30), (31, 40), (41, 50), (51, 60), (61, 70),
                                                         (71, None))


def registry_figures(org: Any) -> dict[str, dict]:
    """One grouped query over the subtree: members by status, and the active ones by gender and year of birth."""
    rows = (Member.objects.within_path(org.path)
            .values("status", "gender", born=ExtractYear("birth_date"))
            .annotate(n=Count("id")).order_by())
    by_status: dict[str, int] = {}
    by_gender: dict[str, int] = {}
    by_birth_year: dict[int, int] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        if row["status"] in ACTIVE_STATUSES:
            by_gender[row["gender"]] = by_gender.get(row["gender"], 0) + row["n"]
            by_birth_year[row["born"]] = by_birth_year.get(row["born"], 0) + row["n"]
    return {"status": by_status, "gender": by_gender, "birth_year": by_birth_year}


def age_group_label(low: int | None, high: int | None) -> str:
    if low is None:
        return _("up to %(age)d") % {"age": high}
    if high is None:
        return _("%(age)d and over") % {"age": low}
    return pgettext("age group", "%(low)d–%(high)d") % {"low": low, "high": high}


def age_groups(by_birth_year: dict[int, int], year: int) -> list[int]:
    counts = [0] * len(AGE_GROUPS)
    for born, n in by_birth_year.items():
        age = year - born
        for i, (low, high) in enumerate(AGE_GROUPS):
            if (low is None or age >= low) and (high is None or age <= high):
                counts[i] += n
                break
    return counts


def member_charts(org: Any) -> list[Chart]:
    """Members by status, by gender and by age group, for ``org``'s subtree."""
    figures = daily("members", org, lambda: registry_figures(org))
    today = timezone.localdate()
    by_status = {**figures["status"], MemberStatus.OFFICIAL: org.subtree_official,
                 MemberStatus.PROBATIONARY: org.subtree_probationary}
    statuses = [s for s in MemberStatus if by_status.get(s) or s in ACTIVE_STATUSES]
    note = _("Official and probationary members as of now; the other figures as of %(date)s.") % {
        "date": l10n.day(today)}
    members = _("Members")
    return [
        Chart("members-status", _("Members by status"), _("Status"), [str(s.label) for s in statuses],
              [Series(members, [by_status.get(s, 0) for s in statuses])], note=note),
        Chart("members-gender", _("Members by gender"), _("Gender"), [str(g.label) for g in Gender],
              [Series(members, [figures["gender"].get(g, 0) for g in Gender])], kind="doughnut"),
        Chart("members-age", _("Members by age group"), _("Age"), [age_group_label(*g) for g in AGE_GROUPS],
              [Series(members, age_groups(figures["birth_year"], today.year))],
              note=_("Age reached this year; official and probationary members.")),
    ]
