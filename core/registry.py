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
class ObjectAction:
    """Something a user can do to one object, linked from that object's page (a member's transfer letter,
    leaving, exemption, correction; later discipline and review).

    Offered when the user holds ``permission`` (an action name of ``model``'s rights, ``core.scope.may`` on the
    object's sides; empty: no such check) and ``allowed(obj, user, state)`` says the object's state allows it.
    ``state`` is what the registered :class:`ObjectState` loaders said about the object (e.g. its open transfer
    letter). Both are judged from the row and the user's grants already loaded: no query per action. The link is
    ``url_name`` with the object's pk, or with ``query_param`` set, ``url_name`` plus ``?<query_param>=<pk>``
    (a form that starts from the object, prefilled).
    """

    model: str
    code: str
    label: Any
    url_name: str
    permission: str = ""
    allowed: Callable[[Any, Any, dict], bool] | None = None
    order: int = 100
    query_param: str = ""

    def url(self, obj: Any) -> str:
        from django.urls import reverse

        if self.query_param:
            return f"{reverse(self.url_name)}?{self.query_param}={obj.pk}"
        return reverse(self.url_name, kwargs={"pk": obj.pk})


@dataclass(frozen=True)
class ObjectState:
    """What an app knows about objects of ``model`` that their row does not say (a member's open transfer letter).

    ``load(user, pks)`` answers ``{pk: value}`` for the pks that have something, in ONE query for a whole page of a
    list, restricted to what ``user`` may see; the pages put the value under ``name`` in the object's ``states``.
    """

    model: str
    name: str
    load: Callable[[Any, list[Any]], dict[Any, Any]]


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
class Moved:
    """Members a reorganization moved to another place in the tree on ``on`` (their organization did not end).

    Either whole subtrees (``new_paths``: where their roots stand now, below ``arrived``) or members moved one by
    one (``member_ids``, now in the organization at ``arrived``). ``left`` is the path of the organization they
    left: a moved subtree's old parent, or the organization the members were moved out of; ``left_ends`` when it
    ends in the same reorganization (its own items are handed over). Sent after the move is written, inside the
    reorganization's action.
    """

    left: str
    arrived: str
    on: Any
    decision: str = ""
    new_paths: tuple[str, ...] = ()
    member_ids: tuple[int, ...] | None = None
    left_ends: bool = False


@dataclass(frozen=True)
class ReorgHandler:
    """Moves an app's open items of an organization that ends (merge, split, transfer, dissolution).

    ``preview(hand_over)`` describes without writing, ``apply(hand_over)`` writes (inside the reorganization's
    action); both return a dict that is merged into the preview / summary (lists extended, numbers added).
    ``moved(moved)``, if given, is called when members change place without their organization ending (a subtree
    transferred to another province, members moved to the successor): what was tied to their old place ends.
    """

    name: str
    preview: Callable[[HandOver], dict]
    apply: Callable[[HandOver], dict]
    moved: Callable[[Moved], dict] | None = None


@dataclass
class Registry:
    menu: dict[str, MenuEntry] = field(default_factory=dict)
    cards: dict[str, DashboardCard] = field(default_factory=dict)
    panels: dict[str, DetailPanel] = field(default_factory=dict)
    reorg_handlers: dict[str, ReorgHandler] = field(default_factory=dict)
    object_actions: dict[tuple[str, str], ObjectAction] = field(default_factory=dict)
    object_states: dict[tuple[str, str], ObjectState] = field(default_factory=dict)
    hooks: dict[str, Callable[..., Any]] = field(default_factory=dict)
    member_listeners: dict[str, list[Callable[..., Any]]] = field(default_factory=dict)
    organization_model: str | None = None
    member_model: str | None = None


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


def register_object_action(entry: ObjectAction) -> ObjectAction:
    """Add (or replace, by model and code) an action linked from an object's page."""
    registry.object_actions[(entry.model.lower(), entry.code)] = entry
    return entry


def register_object_state(entry: ObjectState) -> ObjectState:
    """Add (or replace, by model and name) a loader of what an app knows about objects of a model."""
    registry.object_states[(entry.model.lower(), entry.name)] = entry
    return entry


def register_organization_model(label: str) -> None:
    """Name the model of the organization tree (``"orgs.Organization"``): scope roots and filters use it."""
    registry.organization_model = label


def register_member_model(label: str) -> None:
    """Name the model of the member registry (``"members.Member"``): the member picker (``core.pickers``) uses it."""
    registry.member_model = label


def register_hook(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A function core calls but an app above it implements (e.g. ``"scope_root"``)."""
    registry.hooks[name] = func
    return func


# Events of a member's life that other apps follow (``register_member_listener``); the lifecycle actions announce
# them with ``member_event`` inside their own transaction.
MEMBER_LEFT = "left"  # no longer on the active register: left, struck off, expelled (``status`` says which)
MEMBER_DIED = "died"
MEMBER_MOVED = "moved"  # now in another organization (``from_org``, ``to_org``): a transfer letter received
MEMBER_EVENTS = (MEMBER_LEFT, MEMBER_DIED, MEMBER_MOVED)


def register_member_listener(event: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Call ``func(member, on, **details)`` when ``event`` happens to a member (several listeners per event).

    Why: an app above the lifecycle (cadres: a post ends when its holder dies) cannot be imported by it; it
    listens instead. The listener runs inside the lifecycle's action, so its writes are audited with it and a
    refusal rolls the whole event back. Registering the same function twice keeps it once.
    """
    if event not in MEMBER_EVENTS:
        raise ValueError(f"unknown member event {event!r}")
    listeners = registry.member_listeners.setdefault(event, [])
    if func not in listeners:
        listeners.append(func)
    return func


def member_event(event: str, member: Any, on: Any, **details: Any) -> None:
    """Announce ``event`` of ``member`` on the date ``on`` to every listener, in the order they registered."""
    if event not in MEMBER_EVENTS:
        raise ValueError(f"unknown member event {event!r}")
    for func in list(registry.member_listeners.get(event, ())):
        func(member, on, **details)


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


def object_states(model: str, user: Any, objects: list[Any]) -> dict[Any, dict[str, Any]]:
    """``{pk: {state name: value}}`` for ``objects`` of ``model``: one query per registered loader, whatever the
    number of objects. Every object gets a dict, empty when no loader knows anything of it."""
    pks = [obj.pk for obj in objects]
    result: dict[Any, dict[str, Any]] = {pk: {} for pk in pks}
    if not pks:
        return result
    for (label, name), entry in sorted(registry.object_states.items()):
        if label != model.lower():
            continue
        for pk, value in entry.load(user, pks).items():
            if pk in result:
                result[pk][name] = value
    return result


def object_actions(model: str, obj: Any, user: Any, state: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The actions of ``model`` that ``user`` may take on ``obj`` in its current state: ``[{code, label, url}]``,
    in order. Judged from the object's row, ``state`` (:func:`object_states`) and the user's grants (cached on the
    user): no query per action."""
    from core.scope import may

    state = state or {}
    target = apps.get_model(model)
    result = []
    entries = [e for (label, _code), e in registry.object_actions.items() if label == model.lower()]
    for entry in sorted(entries, key=lambda e: (e.order, e.code)):
        if entry.permission and not may(user, target, entry.permission, obj.scope_paths()):
            continue
        if entry.allowed is not None and not entry.allowed(obj, user, state):
            continue
        result.append({"code": entry.code, "label": entry.label, "url": entry.url(obj)})
    return result


def reorg_handlers() -> list[ReorgHandler]:
    return [registry.reorg_handlers[name] for name in sorted(registry.reorg_handlers)]


def organization_model():
    """The model class of the organization tree, as registered by the app that owns it."""
    if registry.organization_model is None:
        raise LookupError("no app registered the organization model (register_organization_model)")
    return apps.get_model(registry.organization_model)


def member_model():
    """The model class of the member registry, as registered by the app that owns it."""
    if registry.member_model is None:
        raise LookupError("no app registered the member model (register_member_model)")
    return apps.get_model(registry.member_model)


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
