"""Statistics tables as XLSX: members by status, gender, age band and ethnicity for the organizations
directly under a chosen one.

Status comes from the organizations' counters (one row read per organization). The other tables are
grouped counts computed by the database over the chosen subtree (an index range of organization paths),
grouped by the child's path segment: one query per table, never a Python loop over members.
"""

from __future__ import annotations

import datetime as dt
import tempfile

from django.db.models import Case, CharField, Count, Value, When
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core import l10n
from core.exports import Quantity, SafeSheet
from core.tree import STEP, prefix_q
from members.choices import ACTIVE_STATUSES, Gender
from members.filtersets import years_ago
from members.models import Member
from orgs.models import Organization

TOP_ETHNICITIES = 12


def _children(org: Organization) -> list[Organization]:
    return list(Organization.objects.filter(parent=org).order_by("name_key", "id").only(
        "id", "code", "name", "path", "direct_official", "direct_probationary", "subtree_official",
        "subtree_probationary"))


def _grouped(org: Organization, column, values_key: str) -> dict[tuple[str, str], int]:
    """{(child path, value): active members} in one grouped query over the subtree."""
    width = len(org.path) + STEP
    qs = (Member.objects.filter(prefix_q("organization__path", org.path), status__in=ACTIVE_STATUSES)
          .annotate(child=Substr("organization__path", 1, width), bucket=column)
          .values("child", "bucket").annotate(n=Count("id")).order_by())
    return {(row["child"], row["bucket"] or ""): row["n"] for row in qs}


def age_band_expression(today: dt.date):
    bands = [("u30", 30), ("30-45", 46), ("46-60", 61)]
    whens = [When(birth_date__gt=years_ago(limit, today), then=Value(code)) for code, limit in bands]
    return Case(*whens, default=Value("o60"), output_field=CharField())


def build_statistics(org: Organization, target: str) -> int:
    """Write the workbook to ``target``; returns the number of organizations listed."""
    from openpyxl import Workbook

    children = _children(org)
    today = timezone.localdate()
    workbook = Workbook(write_only=True)

    def header(sheet, labels):
        sheet.header(labels)

    sheet = SafeSheet(workbook, _("By status"))
    sheet.append([_("Organization: %(name)s (%(code)s), %(date)s") % {
        "name": org.name, "code": org.code, "date": l10n.day(today)}])
    header(sheet, [_("Code"), _("Organization"), _("Official members"), _("Probationary members"), _("Total")])
    for child in children:
        sheet.append([child.code, child.name, Quantity(child.subtree_official), Quantity(child.subtree_probationary),
                      Quantity(child.subtree_official + child.subtree_probationary)])
    if org.direct_official or org.direct_probationary:
        sheet.append([org.code, _("Directly in %(name)s") % {"name": org.name}, Quantity(org.direct_official),
                      Quantity(org.direct_probationary), Quantity(org.direct_official + org.direct_probationary)])
    sheet.append(["", _("Total"), Quantity(org.subtree_official), Quantity(org.subtree_probationary),
                  Quantity(org.subtree_official + org.subtree_probationary)])

    def grouped_sheet(title, column, buckets):
        counts = _grouped(org, column, "bucket")
        sheet = SafeSheet(workbook, title)
        header(sheet, [_("Code"), _("Organization"), *[label for _code, label in buckets], _("Total")])
        totals = [0] * len(buckets)
        for child in children:
            values = [counts.get((child.path, code), 0) for code, _label in buckets]
            totals = [a + b for a, b in zip(totals, values)]
            sheet.append([child.code, child.name, *map(Quantity, values), Quantity(sum(values))])
        direct = [counts.get((org.path + "", code), 0) for code, _label in buckets]  # members held by org itself
        if any(direct):
            totals = [a + b for a, b in zip(totals, direct)]
            sheet.append([org.code, _("Directly in %(name)s") % {"name": org.name}, *map(Quantity, direct),
                          Quantity(sum(direct))])
        sheet.append(["", _("Total"), *map(Quantity, totals), Quantity(sum(totals))])

    grouped_sheet(_("By gender"), Case(When(gender=Gender.MALE, then=Value("M")), default=Value("F"),
                                        output_field=CharField()), [(v, str(label)) for v, label in Gender.choices])
    grouped_sheet(_("By age"), age_band_expression(today),
                  [("u30", _("under 30")), ("30-45", _("30 to 45")), ("46-60", _("46 to 60")), ("o60", _("over 60"))])
    top = list(Member.objects.filter(prefix_q("organization__path", org.path), status__in=ACTIVE_STATUSES)
               .exclude(ethnicity="").values("ethnicity").annotate(n=Count("id")).order_by("-n")[:TOP_ETHNICITIES])
    names = [row["ethnicity"] for row in top]
    whens = [When(ethnicity=name, then=Value(name)) for name in names]
    ethnicity = Case(*whens, default=Value("~other"), output_field=CharField()) if whens else Value("~other")
    grouped_sheet(_("By ethnicity"), ethnicity, [(n, n) for n in names] + [("~other", _("Other or not recorded"))])
    workbook.save(target)
    return len(children)


def statistics_file(org: Organization):
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # deleted when the response closes it
    build_statistics(org, handle.name)
    handle.seek(0)
    return handle


