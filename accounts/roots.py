"""Where a user's work starts: the organization at the root of the user's scope."""

from __future__ import annotations

from typing import Any

from accounts.models import RoleGrant
from orgs.models import Organization


def scope_root(user: Any) -> Organization | None:
    """The organization at the root of the user's scope: the Centre for a national administrator,
    otherwise the organization of the user's first active grant (``None`` without one)."""
    if user.is_superuser:
        return Organization.objects.filter(parent__isnull=True).order_by("id").first()
    grant = (RoleGrant.objects.active().filter(user=user, organization__dissolved_on__isnull=True)
             .select_related("organization").order_by("valid_from", "id").first())
    if grant is not None:
        return grant.organization
    return None
