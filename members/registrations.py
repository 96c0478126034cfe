"""What members contributes: its menu entry, the dashboard's member totals, the organization page's member table
and the correction of a member's personal record among the actions of the member's page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.registry import (
    DashboardCard,
    DetailPanel,
    MenuEntry,
    ObjectAction,
    register_card,
    register_member_model,
    register_menu,
    register_object_action,
    register_panel,
)
from members.choices import MemberStatus
from members.models import Member


def member_totals(request: Any, root: Any) -> dict:
    """The members under the user's root, read from the organization's counters (no count of the registry)."""
    return {"total": root.subtree_official + root.subtree_probationary,
            "official": root.subtree_official,
            "probationary": root.subtree_probationary,
            "chart_data": {"status": {"labels": [str(MemberStatus.OFFICIAL.label),
                                                 str(MemberStatus.PROBATIONARY.label)],
                                      "values": [root.subtree_official, root.subtree_probationary],
                                      "title": _("Members by status")}}}


def member_charts(request: Any, org: Any) -> dict:
    """Members by status, gender and age group of the organization's subtree (the dashboard's root, or the page's)."""
    from members.statistics import member_charts as charts

    return {"charts": charts(org), "charts_id": "member-charts", "charts_heading": _("Members in figures")}


def organization_members(request: Any, org: Any) -> dict:
    """The searchable member table of an organization's page (its whole subtree, in the user's scope)."""
    from members.views import member_list_context

    members = Member.objects.restrict(request.user, "view").within_path(org.path)
    return member_list_context(request, members, fixed_organization=org)


register_menu(MenuEntry("members:list", gettext_lazy("Members"), "members.Member", "view", order=20))
register_card(DashboardCard("members.totals", "members/dashboard/_totals.html", member_totals,
                            "members.Member", "view", order=10))
register_panel(DetailPanel("members.organization_members", "orgs.Organization", "members/_org_panel.html",
                           organization_members, order=10, partial="members", partial_template="members/_table.html"))
register_object_action(ObjectAction("members.Member", "correct", gettext_lazy("Correct the personal record"),
                                    "members:edit", "correct", order=90))
register_card(DashboardCard("members.charts", "includes/charts_panel.html", member_charts,
                            "members.Member", "view", order=40, area="panels"))
register_panel(DetailPanel("members.charts", "orgs.Organization", "includes/charts_panel.html", member_charts,
                           order=40))

register_member_model("members.Member")  # the member picker of every form (core.pickers)
