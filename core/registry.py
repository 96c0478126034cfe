"""What the apps contribute to the shell, filled by each app from its own ``registrations.py``.

Core offers the places (menu, dashboard, API, audit filter, reorganization hand-over) and never imports an app
above it: each app's ``AppConfig.ready()`` imports its ``registrations`` module, which calls the ``register_*``
functions below. Models are named as ``"app_label.ModelName"`` strings so that nothing here imports them.

Adding an app is: create it with its ``registrations.py`` (and ``api/urls.py``), add it to ``INSTALLED_APPS``,
include its page URLs in ``config/urls.py``. See README "How it is built".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class MenuEntry:
    """A link of the main menu; shown when the user may do ``action`` on ``model`` somewhere (or always)."""

    url_name: str
    label: Any
    model: str | None = None
    action: str = "view"
    order: int = 100


@dataclass(frozen=True)
class DashboardCard:
    """A block of the dashboard: ``template`` rendered with what ``context(request, root)`` returns.

    ``area`` is ``"stats"`` (the row of figures) or ``"panels"`` (the tables below). Cards that share one context
    function get it computed once per page. A context may carry ``chart_data`` (a dict merged into the page's
    chart data).
    """

    name: str
    template: str
    context: Callable[[Any, Any], dict]
    model: str | None = None
    action: str = "view"
    order: int = 100
    area: str = "stats"


@dataclass(frozen=True)
class DetailPanel:
    """A section another app adds to the detail page of ``model`` (e.g. the members of an organization).

    ``template`` is rendered with the page's context plus ``context(request, obj)``. With ``partial`` set, a
    htmx request for ``?partial=<partial>`` renders only ``partial_template`` (search inside the panel).
    """

    name: str
    model: str
    template: str
    context: Callable[[Any, Any], dict]
    order: int = 100
    partial: str | None = None
    partial_template: str | None = None


@dataclass(frozen=True)
class HandOver:
    """What a reorganization hands over: everything of ``source`` goes to ``target`` (``None``: for review).

    ``target`` is an organization when applying; when previewing it is the existing successor or ``None`` when
    the successor is yet to be established (``target_name`` and ``target_type`` are always given). A preview
    never writes. ``split``: the source is divided among several successors and
    ``target`` is only the one the plan names for what belongs to no member (the first by default); items tied
    to a member follow the member, whose organization is already the new one when ``apply`` runs.
    """

    source: Any
    target: Any
    target_name: str | None
    on: Any
    decision: str = ""
    target_type: str | None = None
    split: bool = False


@dataclass(frozen=True)
class ReorgHandler:
    """Moves an app's open items of an organization that ends (merge, split, transfer, dissolution).

    ``preview(hand_over)`` describes without writing, ``apply(hand_over)`` writes (inside the reorganization's
    action); both return a dict that is merged into the preview / summary (lists extended, numbers added).
    """

    name: str
    preview: Callable[[HandOver], dict]
    apply: Callable[[HandOver], dict]


@dataclass
class Registry:
    menu: dict[str, MenuEntry] = field(default_factory=dict)
    cards: dict[str, DashboardCard] = field(default_factory=dict)
    panels: dict[str, DetailPanel] = field(default_factory=dict)
    reorg_handlers: dict[str, ReorgHandler] = field(default_factory=dict)
    hooks: dict[str, Callable[..., Any]] = field(default_factory=dict)
    organization_model: str | None = None


registry = Registry()


def register_menu(entry: MenuEntry) -> MenuEntry:
    """Add (or replace, by URL name) a main menu entry."""
    registry.menu[entry.url_name] = entry
    return entry


def register_card(card: DashboardCard) -> DashboardCard:
    """Add (or replace, by name) a dashboard card."""
    registry.cards[card.name] = card
    return card


def register_panel(panel: DetailPanel) -> DetailPanel:
    """Add (or replace, by name) a section of another app's detail page."""
    registry.panels[panel.name] = panel
    return panel


def register_reorg_handler(handler: ReorgHandler) -> ReorgHandler:
    """Add (or replace, by name) what a reorganization calls so that an app's open items follow."""
    registry.reorg_handlers[handler.name] = handler
    return handler


def register_organization_model(label: str) -> None:
    """Name the model of the organization tree (``"orgs.Organization"``): scope roots and filters use it."""
    registry.organization_model = label


def register_hook(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A function core calls but an app above it implements (e.g. ``"scope_root"``)."""
    registry.hooks[name] = func
    return func


# --- reading ----------------------------------------------------------------------------------------------------
def menu_entries() -> list[MenuEntry]:
    return sorted(registry.menu.values(), key=lambda e: (e.order, e.url_name))


def dashboard_cards(area: str | None = None) -> list[DashboardCard]:
    cards = [c for c in registry.cards.values() if area is None or c.area == area]
    return sorted(cards, key=lambda c: (c.order, c.name))


def detail_panels(model: str) -> list[DetailPanel]:
    """The panels registered for the detail page of ``model`` (``"app_label.ModelName"``), in order."""
    panels = [p for p in registry.panels.values() if p.model.lower() == model.lower()]
    return sorted(panels, key=lambda p: (p.order, p.name))


def reorg_handlers() -> list[ReorgHandler]:
    return [registry.reorg_handlers[name] for name in sorted(registry.reorg_handlers)]


def organization_model():
    """The model class of the organization tree, as registered by the app that owns it."""
    if registry.organization_model is None:
        raise LookupError("no app registered the organization model (register_organization_model)")
    return apps.get_model(registry.organization_model)


def hook(name: str) -> Callable[..., Any]:
    try:
        return registry.hooks[name]
    except KeyError:
        raise LookupError(f"no app registered the hook {name!r}") from None


def audit_types() -> list[tuple[str, str]]:
    """(``"app_label.modelname"``, verbose name) of every audited model of every installed app."""
    from core.models import AuditedModel

    result = []
    for model in apps.get_models():
        if not issubclass(model, AuditedModel) or model._meta.proxy:
            continue
        result.append((model._meta.label_lower, str(model._meta.verbose_name)))
    return result


def merge_into(target: dict, part: dict) -> None:
    """Merge a handler's result into a preview or summary: lists are extended, numbers added, dicts merged."""
    for key, value in part.items():
        if key not in target:
            target[key] = value
        elif isinstance(value, list):
            target[key].extend(value)
        elif isinstance(value, dict):
            merge_into(target[key], value)
        else:
            target[key] += value


def autodiscover() -> None:
    """Import every installed app's ``registrations`` module (called once, from core's ``ready()``)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("registrations")
