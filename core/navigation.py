"""The main menu, built from the apps' registered entries and filtered by what the user's roles allow."""

from __future__ import annotations

from django.apps import apps
from django.urls import reverse

from core.registry import menu_entries
from core.scope import can


def menu_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    path = request.path
    menu = []
    for entry in menu_entries():
        if entry.model is not None and not can(user, apps.get_model(entry.model), entry.action):
            continue
        url = reverse(entry.url_name)
        menu.append({"url": url, "label": entry.label,
                     "active": path.startswith(url) and (url != "/" or path == "/")})
    return menu
