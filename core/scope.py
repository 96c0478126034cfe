"""Subtree scope, built once: a role granted on an organization covers its whole subtree.

``ScopedQuerySet.restrict(user, action)`` turns the user's grants into ``path LIKE 'prefix%'``
filters; everything outside simply does not exist for the user.

A model is placed in the tree by one or more *sides* (``scope_sides``), each a path reached from the
model (``"organization__path"``); ``scope_path_field`` is the one-side shorthand. An object that belongs to
two organizations (a transfer letter: the sender and the receiver; an inspection: the inspecting and the
inspected body) is granted to a user when ANY of its sides is: the filter is an OR of index ranges, one set
per side.

Core knows nothing of how grants are stored: the app that keeps them registers a provider
(:func:`register_grant_provider`, done by ``accounts`` in its ``AppConfig.ready``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.actions import SYSTEM
from core.tree import STEP, prefix_q

if TYPE_CHECKING:
    from django.db.models import Model

# ``provider(user, "app_label.codename")`` -> the paths of organizations on which the user holds that
# permission today.
GrantProvider = Callable[[Any, str], Iterable[str]]
_grant_provider: GrantProvider | None = None

NOTHING = Q(pk__in=[])


class OutOfScope(Exception):
    """A write would put an object outside the acting user's subtree; the action is rolled back."""

    message = _("This change would place the record outside the organizations you are responsible for.")

    def __str__(self) -> str:
        return str(self.message)


class NotPermitted(OutOfScope):
    """The object is the user's to see, but this business event needs a right the user does not hold there.

    A subclass of :class:`OutOfScope` so every caller that refuses a write already refuses this one; the API
    answers 403 with the message.
    """

    message = _("Your role does not allow this action here.")

    def __init__(self, message: Any = None) -> None:
        super().__init__()
        if message is not None:
            self.message = message


def register_grant_provider(provider: GrantProvider) -> None:
    """Called once by the app that stores role grants (``accounts``)."""
    global _grant_provider
    _grant_provider = provider


def permission_label(model: type[Model], action: str) -> str:
    """``app_label.codename`` of the right to do ``action`` on ``model``.

    A model's own custom permissions (``Meta.permissions``) win: ``action`` may be the codename itself
    (``"transfer_out_of_province"``) or its verb (``"decide"`` for ``decide_admissioncase``). Otherwise the
    default permissions of ``scope_permission_model`` (or of the model itself) apply.
    """
    opts = model._meta
    own = {codename for codename, _label in opts.permissions}
    for codename in (action, f"{action}_{opts.model_name}"):
        if codename in own:
            return f"{opts.app_label}.{codename}"
    target = getattr(model, "scope_permission_model", None)
    if target:
        app_label, model_name = target.split(".")
    else:
        app_label, model_name = opts.app_label, opts.model_name
    return f"{app_label}.{action}_{model_name}"


def minimal_prefixes(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by a shorter granted path."""
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(p) for p in result):
            result.append(path)
    return sorted(result)


def _is_user(user: Any) -> bool:
    return (user is not None and getattr(user, "is_authenticated", False) is True
            and getattr(user, "is_active", False) is True)


def _unrestricted(user: Any) -> bool:
    return user is SYSTEM or (_is_user(user) and getattr(user, "is_superuser", False) is True)


def granted_paths(user: Any, perm: str) -> list[str]:
    """Paths of organizations on which the user holds a role carrying ``perm`` today (cached per user object).

    Nobody (``None``, anonymous, inactive) holds anything.
    """
    if not _is_user(user) or user is SYSTEM:
        return []
    cache = user.__dict__.setdefault("_partywork_scope_cache", {})
    if perm not in cache:
        if _grant_provider is None:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured("No grant provider registered (is the accounts app installed?)")
        cache[perm] = minimal_prefixes(_grant_provider(user, perm))
    return cache[perm]


def scope_sides(model: type[Model]) -> tuple[str, ...]:
    """The paths that place objects of ``model`` in the tree: ``scope_sides``, else ``(scope_path_field,)``."""
    sides = getattr(model, "scope_sides", None)
    if sides:
        return tuple(sides)
    return (model.scope_path_field,)


def paths_q(field: str, prefixes: Iterable[str]) -> Q:
    """``field`` starts with one of ``prefixes``: an OR of index ranges (nothing for no prefix)."""
    q = None
    for prefix in prefixes:
        q = prefix_q(field, prefix) if q is None else q | prefix_q(field, prefix)
    return NOTHING if q is None else q


def grants_q(user: Any, model: type[Model], action: str, fields: Iterable[str]) -> Q | None:
    """Rows whose ``fields`` (any of them) lie where ``user`` may do ``action`` on ``model``; ``None``: all rows."""
    if _unrestricted(user):
        return None
    prefixes = granted_paths(user, permission_label(model, action))
    if not prefixes:
        return NOTHING
    q = None
    for field in fields:
        q = paths_q(field, prefixes) if q is None else q | paths_q(field, prefixes)
    return NOTHING if q is None else q


def scope_q(user: Any, model: type[Model], action: str = "view", *, sides: Iterable[str] | None = None) -> Q | None:
    """The filter ``restrict()`` applies: ``None`` means unrestricted (superuser, SYSTEM), else a Q.

    ``sides`` narrows a many-sided model to some of its sides (the receiving side confirms a letter).
    """
    all_sides = scope_sides(model)
    if sides is None:
        sides = all_sides
    else:
        sides = tuple(sides)
        unknown = set(sides) - set(all_sides)
        if unknown:
            raise ValueError(f"{model.__name__} has no scope side {sorted(unknown)}")
    return grants_q(user, model, action, sides)


def can(user: Any, model: type[Model], action: str) -> bool:
    """May the user do ``action`` on some objects of ``model`` (menus, buttons)?"""
    if _unrestricted(user):
        return True
    return bool(granted_paths(user, permission_label(model, action)))


def scope_top_paths(user: Any, model: type[Model], action: str) -> list[str] | None:
    """The paths of the top organizations where ``user`` may do ``action`` on ``model`` (a picker's first level);
    ``None``: unrestricted (the tree's roots)."""
    if _unrestricted(user):
        return None
    return granted_paths(user, permission_label(model, action))


def path_in_scope(user: Any, model: type[Model], action: str, path: str | None) -> bool:
    """Is the organization at ``path`` inside the subtrees where ``user`` may do ``action`` on ``model``?"""
    if _unrestricted(user):
        return True
    if not path:
        return False
    return any(path.startswith(p) for p in granted_paths(user, permission_label(model, action)))


def any_path_in_scope(user: Any, model: type[Model], action: str, paths: Iterable[str | None]) -> bool:
    """A many-sided object: the right on any one of its sides is enough."""
    return any(path_in_scope(user, model, action, path) for path in paths)


def may(user: Any, model: type[Model], action: str, path: str | Iterable[str | None] | None) -> bool:
    """May ``user`` do ``action`` on the object of ``model`` placed at ``path`` (or at any of several sides' paths)?

    For buttons, forms and view checks; ``None`` (nobody) may nothing.
    """
    paths = [path] if path is None or isinstance(path, str) else list(path)
    return can(user, model, action) and any_path_in_scope(user, model, action, paths)


def may_on(user: Any, obj: Any, action: str) -> bool:
    """May ``user`` do ``action`` on ``obj``, judged on all of the object's sides (``obj.scope_paths()``)."""
    return may(user, type(obj), action, obj.scope_paths())


def parent_path(path: str | None) -> str | None:
    """The path of the organization directly above (``None`` above the root)."""
    if not path or len(path) <= STEP:
        return None
    return path[:-STEP]


def may_decide_over(user: Any, model: type[Model], action: str, path: str | None) -> bool:
    """A decision taken by the body ABOVE the organization at ``path`` (the committee over a cell).

    The right must be held on a strict ancestor: a role on a cell does not let the cell decide about itself
    (rename itself, admit its own applicants), a role on its committee does.
    """
    if _unrestricted(user):
        return True
    return may(user, model, action, parent_path(path))


def get_scoped_or_404(queryset, user: Any, action: str = "view", **lookup):
    """The Zulip-style access function: fetch and check the right in one step; outside scope is 404."""
    try:
        return queryset.restrict(user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
