"""The main menu, filtered by what the user's roles allow."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def menu_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    from audit.models import AuditRecord
    from core.scope import can
    from members.models import Member
    from orgs.models import Organization

    entries = [("dashboard", _("Dashboard"), None, "view")]
    entries += [
        ("orgs:tree", _("Organizations"), Organization, "view"),
        ("members:list", _("Members"), Member, "view"),
        ("lifecycle:home", _("Member lifecycle"), Member, "view"),
        ("reorg:list", _("Reorganization"), Organization, "view"),
        ("audit:list", _("Audit trail"), AuditRecord, "view"),
        ("exchange:home", _("Import and export"), Member, "add"),
        # Rules (h4): every signed-in user reads them; national administrators change them there. The lead moves
        # this entry into the menu registry (h1).
        ("rules:list", _("Rules"), None, "view"),
    ]
    path = request.path
    menu = []
    for url_name, label, model, perm in entries:
        if model is not None and not can(user, model, perm):
            continue
        url = reverse(url_name)
        menu.append({"url": url, "label": label, "active": path.startswith(url) and (url != "/" or path == "/")})
    return menu
