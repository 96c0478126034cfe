"""Pages shared by every app: the dashboard and the generic keyset list helper.

Views are thin: they read through ``restrict(user, "view")``, write through ``services.py``
actions and render templates. Lists never count or offset the registry; they page by keyset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.pagination import BadCursor, Page, keyset_page
from core.registry import dashboard_cards, hook
from core.scope import can


@dataclass
class KeysetList:
    """What a list template needs: the page, the filter form and the sort columns."""

    page: Page
    filterset: Any = None
    sort: str = ""
    columns: list[dict] = field(default_factory=list)
    error: str = ""

    @property
    def items(self) -> list[Any]:
        return self.page.items


def keyset_list(request, queryset, *, filterset_class=None, sorts: dict[str, list[str]] | None = None,
                default_sort: str = "", size: int | None = None, filterset_kwargs: dict | None = None,
                data=None) -> KeysetList:
    """Filter ``queryset`` (already restricted) with ``filterset_class`` and cut one keyset page.

    ``sorts`` maps a whitelisted ``sort`` parameter to a keyset order ending in a unique column; a
    bad filter value shows the form's errors and an empty page, a bad cursor falls back to page one.
    """
    data = request.GET if data is None else data
    if any(v == "" for values in data.lists() for v in values[1]):
        # An empty field of the GET form (or of htmx's serialization) means "no filter", not a bad value.
        data = data.copy()
        for key in list(data.keys()):
            kept = [v for v in data.getlist(key) if v != ""]
            if kept:
                data.setlist(key, kept)
            else:
                del data[key]
    size = size or getattr(settings, "LIST_PAGE_SIZE", 50)
    sorts = sorts or {"": ["-id"]}
    sort = data.get("sort", default_sort)
    if sort not in sorts:
        sort = default_sort
    order = sorts[sort]
    filterset = None
    error = ""
    if filterset_class is not None:
        filterset = filterset_class(data, queryset=queryset, request=request, **(filterset_kwargs or {}))
        if filterset.is_valid():
            queryset = filterset.qs
        else:
            queryset = queryset.none()
            error = _("Some filter values are not valid. Correct them and search again.")
    try:
        page = keyset_page(queryset, order, data.get("cursor") or None, size)
    except BadCursor as exc:
        messages.warning(request, exc.messages[0])
        page = keyset_page(queryset, order, None, size)
    return KeysetList(page=page, filterset=filterset, sort=sort, error=error)


def sort_columns(current: str, columns: list[tuple[str, Any]]) -> list[dict]:
    """Header cells of a sortable table: each click toggles ascending/descending on that column."""
    result = []
    for key, label in columns:
        if current == key:
            state, next_sort = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, next_sort = "descending", key
        else:
            state, next_sort = "none", key
        result.append({"key": key, "label": label, "aria_sort": state, "next": next_sort})
    return result


class DashboardView(LoginRequiredMixin, TemplateView):
    """The start page: the cards the installed apps registered, for the organization at the root of the scope."""

    template_name = "core/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        user = request.user
        root = hook("scope_root")(user)
        context["root"] = root
        if root is None:
            return context
        computed: dict[Any, dict] = {}
        chart_data: dict[str, Any] = {}
        areas: dict[str, list[str]] = {"stats": [], "panels": []}
        for card in dashboard_cards():
            if card.model is not None and not can(user, apps.get_model(card.model), card.action):
                continue
            if card.context not in computed:  # cards sharing a context function compute it once
                computed[card.context] = card.context(request, root)
            card_context = {"root": root, **computed[card.context]}
            chart_data.update(card_context.pop("chart_data", {}))
            areas.setdefault(card.area, []).append(render_to_string(card.template, card_context, request=request))
        context.update({"stat_cards": areas["stats"], "panel_cards": areas["panels"], "chart_data": chart_data})
        return context


def apply_service_errors(form, exc) -> None:
    """Attach a service's ValidationError to the form: field errors to their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
