"""What reorg contributes: its menu entry and the predecessors/successors panel of an organization's page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.registry import DetailPanel, MenuEntry, register_menu, register_panel
from reorg.models import Reorganization
from reorg.services import links_of, pending_for


def organization_links(request: Any, org: Any) -> dict:
    """An organization's predecessors, successors and the scheduled changes the user may see."""
    links = links_of(org)
    pending = pending_for(org).filter(pk__in=Reorganization.objects.restrict(request.user, "view").values("pk"))
    return {"org": org, "predecessors": links["predecessors"], "successors": links["successors"],
            "pending": list(pending[:20])}


register_menu(MenuEntry("reorg:list", _("Reorganization"), "orgs.Organization", "view", order=40))
register_panel(DetailPanel("reorg.links", "orgs.Organization", "reorg/_links.html", organization_links, order=20))
