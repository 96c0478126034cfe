"""Admissions against the target over the years, and transfers in and out, for the charts of a subtree.

Past years change rarely and cost a pass over the subtree's members (the target's base is the membership at the
start of each year): one pass for all five years, at most once a day per organization (``core.charts.daily``).
This year's admissions are counted live, as the dashboard's admissions card counts them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import Chart, Series, daily, recent
from core.tree import prefix_q
from lifecycle.choices import LetterState
from lifecycle.models import DevelopmentTarget, TransferLetter
from lifecycle.services import target_value
from members.choices import ACTIVE_STATUSES
from members.models import Member

YEARS = 5


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year - YEARS + 1, this_year + 1))


def admission_figures(org: Any, years: list[int]) -> dict[int, dict[str, int]]:
    """Admitted and the target's base (the membership at the start of the year) of several years, in one pass.

    The same definitions as ``lifecycle.services.admission_counts`` (a test holds them equal), counted with one
    filtered count per year and figure instead of two grouped queries per year: one scan of the subtree.
    """
    counts = {}
    for year in years:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        counts[f"actual_{year}"] = Count("id", filter=Q(admission_date__gte=start, admission_date__lte=end))
        counts[f"base_{year}"] = Count("id", filter=Q(admission_date__lt=start)
                                       & (Q(status__in=ACTIVE_STATUSES) | Q(status_since__gte=start)))
    row = Member.objects.within_path(org.path).aggregate(**counts)
    return {year: {"actual": row[f"actual_{year}"], "base": row[f"base_{year}"]} for year in years}


def admissions_by_year(org: Any) -> list[dict]:
    """Admitted and target of each of the last five years. The pass over the registry runs once a day; this
    year's admissions are counted live (a range of the admission-date index), as the dashboard's card counts them.
    """
    years = _years()
    figures = dict(daily("admissions", org, lambda: admission_figures(org, years)))
    this_year = dt.date(years[-1], 1, 1)
    figures[years[-1]] = {**figures[years[-1]], "actual": recent(f"admitted-count:{years[-1]}", org, lambda: (
        Member.objects.within_path(org.path).filter(admission_date__gte=this_year,
                                                    admission_date__lte=dt.date(years[-1], 12, 31)).count()))}
    targets = {t.year: t for t in DevelopmentTarget.objects.filter(organization=org, year__in=years)}
    return [{"year": year, "actual": figures[year]["actual"],
             "target": target_value(targets.get(year), figures[year]["base"], year)[0]} for year in years]


def transfers_by_year(org: Any) -> dict[int, dict[str, int]]:
    """Letters into the subtree from outside (received) and out of it (issued, not cancelled), by year.

    Counted on the letter's own dates: the year it was issued for the letters out, the year it was received for
    the letters in. Letters within the subtree move no one in or out of it.
    """
    years = _years()
    inside_from, inside_to = prefix_q("from_org__path", org.path), prefix_q("to_org__path", org.path)
    out = (TransferLetter.objects.filter(inside_from).exclude(inside_to)
           .exclude(state=LetterState.CANCELLED).filter(issued_on__year__gte=years[0])
           .values(year=ExtractYear("issued_on")).annotate(n=Count("id")).order_by())
    into = (TransferLetter.objects.filter(inside_to).exclude(inside_from)
            .filter(Q(state=LetterState.RECEIVED) | Q(state=LetterState.ENDED), received_on__year__gte=years[0])
            .values(year=ExtractYear("received_on")).annotate(n=Count("id")).order_by())
    result = {y: {"in": 0, "out": 0} for y in years}
    for row in out:
        if row["year"] in result:
            result[row["year"]]["out"] = row["n"]
    for row in into:
        if row["year"] in result:
            result[row["year"]]["in"] = row["n"]
    return result


def lifecycle_charts(org: Any) -> list[Chart]:
    """Admissions against the target, and transfers in and out, over the last five years."""
    rows = admissions_by_year(org)
    transfers = daily("transfers", org, lambda: transfers_by_year(org))
    years = [str(row["year"]) for row in rows]
    return [
        Chart("admissions-target", _("Admissions against the target"), _("Year"), years,
              [Series(_("Admitted"), [row["actual"] for row in rows]),
               Series(_("Target"), [row["target"] for row in rows], kind="line")]),
        Chart("transfers", _("Transfers in and out"), _("Year"), [str(y) for y in transfers],
              [Series(_("Transferred in"), [t["in"] for t in transfers.values()]),
               Series(_("Transferred out"), [t["out"] for t in transfers.values()])],
              note=_("Transfer letters to and from organizations outside this one; counted once a day.")),
    ]
