"""Tree marks: pending scheduled reorganizations of organizations."""

from __future__ import annotations

from django import template

from reorg.models import Reorganization
from reorg.services import pending_for

register = template.Library()


@register.simple_tag
def pending_reorganizations(org):
    """Scheduled reorganizations concerning ``org`` (for the tree: mark nodes with pending changes)."""
    return list(pending_for(org)[:20])


@register.simple_tag(takes_context=True)
def pending_map(context, rows) -> dict:
    """Scheduled reorganizations of the tree rows shown, in one query: {organization id: [reorganization]}."""
    ids = [row["pk"] for row in rows]
    if not ids:
        return {}
    user = getattr(context.get("request"), "user", None)
    through = Reorganization.organizations.through
    links = through.objects.filter(organization_id__in=ids, reorganization__state="scheduled")
    if user is not None:
        links = links.filter(reorganization__in=Reorganization.objects.restrict(user, "view"))
    result: dict = {}
    for link in links.select_related("reorganization").order_by("reorganization__effective_on")[:500]:
        result.setdefault(link.organization_id, []).append(link.reorganization)
    return result
