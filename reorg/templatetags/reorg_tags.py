"""``{% reorg_links org %}``: an organization's predecessors, successors and pending scheduled changes."""

from __future__ import annotations

from django import template

from reorg.models import Reorganization
from reorg.services import links_of, pending_for

register = template.Library()


@register.inclusion_tag("reorg/_links.html", takes_context=True)
def reorg_links(context, org):
    links = links_of(org)
    user = getattr(context.get("request"), "user", None)
    pending = pending_for(org)
    if user is not None:
        pending = pending.filter(pk__in=Reorganization.objects.restrict(user, "view").values("pk"))
    return {"org": org, "predecessors": links["predecessors"], "successors": links["successors"],
            "pending": list(pending[:20])}


@register.simple_tag
def pending_reorganizations(org):
    """Scheduled reorganizations concerning ``org`` (for the tree: mark nodes with pending changes)."""
    return list(pending_for(org)[:20])
