"""What members contributes: its menu entry and the dashboard's member totals."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.registry import DashboardCard, MenuEntry, register_card, register_menu
from members.choices import MemberStatus


def member_totals(request: Any, root: Any) -> dict:
    """The members under the user's root, read from the organization's counters (no count of the registry)."""
    return {"total": root.subtree_official + root.subtree_probationary,
            "official": root.subtree_official,
            "probationary": root.subtree_probationary,
            "chart_data": {"status": {"labels": [str(MemberStatus.OFFICIAL.label),
                                                 str(MemberStatus.PROBATIONARY.label)],
                                      "values": [root.subtree_official, root.subtree_probationary],
                                      "title": _("Members by status")}}}


register_menu(MenuEntry("members:list", gettext_lazy("Members"), "members.Member", "view", order=20))
register_card(DashboardCard("members.totals", "members/dashboard/_totals.html", member_totals,
                            "members.Member", "view", order=10))
