"""What orgs contributes: the organization model of the tree, its menu entry and the dashboard's type card."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.charts import recent, scope_key
from core.registry import DashboardCard, MenuEntry, register_card, register_menu, register_organization_model
from orgs.choices import OrgType
from orgs.models import Organization


def organizations_by_type(request: Any, root: Organization) -> dict:
    """Open organizations of each type under the user's root (for the table and the bar chart)."""
    type_labels = dict(OrgType.choices)
    # Read in the reader's scope, kept a few minutes for a large subtree (core.charts.recent).
    counts = recent("orgs-by-type", root, lambda: {
        row["org_type"]: row["n"]
        for row in Organization.objects.restrict(request.user, "view").within(root).filter(dissolved_on__isnull=True)
        .values("org_type").annotate(n=Count("id")).order_by()}, per=scope_key(request.user, Organization, root))
    by_type = [{"type": key, "label": str(type_labels[key]), "count": counts[key]}
               for key, _label in OrgType.choices if key in counts]
    return {"by_type": by_type,
            "chart_data": {"types": {"labels": [row["label"] for row in by_type],
                                     "values": [row["count"] for row in by_type],
                                     "title": _("Organizations by type")}}}


register_organization_model("orgs.Organization")
register_menu(MenuEntry("orgs:tree", gettext_lazy("Organizations"), "orgs.Organization", "view", order=10))
register_card(DashboardCard("orgs.by_type", "orgs/dashboard/_by_type.html", organizations_by_type,
                            "orgs.Organization", "view", order=20, area="panels"))
