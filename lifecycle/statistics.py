"""Admissions against the target over the years, and transfers in and out, for the charts of a subtree.

Past years change rarely and cost a pass over the subtree's members each (the target's base is the membership at
the start of the year): they are computed at most once a day per organization (``core.charts.daily``). The current
year is read live, by the same ``target_summary`` as the dashboard's admissions card, so the two never disagree.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import Chart, Series, daily
from core.tree import prefix_q
from lifecycle.choices import LetterState
from lifecycle.models import TransferLetter
from lifecycle.services import target_summary

YEARS = 5


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year - YEARS + 1, this_year + 1))


def admissions_by_year(org: Any) -> list[dict]:
    """Target and admissions of each of the last five years (``target_summary`` rows)."""
    years = _years()
    past = daily("admissions", org, lambda: {y: target_summary(org, y) for y in years[:-1]})
    return [*(past[y] for y in years[:-1]), target_summary(org, years[-1])]


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
