"""Subtree scope, built once: a role granted on an organization covers its whole subtree.

``ScopedQuerySet.restrict(user, action)`` turns the user's grants into ``path LIKE 'prefix%'``
filters on the model's ``scope_path_field``; everything outside simply does not exist for the user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import Model


class OutOfScope(Exception):
    """A write would put an object outside the acting user's subtree; the action is rolled back."""

    message = _("This change would place the record outside the organizations you are responsible for.")

    def __str__(self) -> str:
        return str(self.message)


def permission_label(model: type[Model], action: str) -> str:
    target = getattr(model, "scope_permission_model", None)
    if target:
        app_label, model_name = target.split(".")
    else:
        app_label, model_name = model._meta.app_label, model._meta.model_name
    return f"{app_label}.{action}_{model_name}"


def minimal_prefixes(paths: list[str]) -> list[str]:
    """Drop paths already covered by a shorter granted path."""
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(p) for p in result):
            result.append(path)
    return sorted(result)


def granted_paths(user: Any, perm: str) -> list[str]:
    """Paths of organizations on which the user holds a role carrying ``perm`` today (cached per user object)."""
    cache = user.__dict__.setdefault("_partywork_scope_cache", {})
    if perm not in cache:
        from accounts.models import RoleGrant

        cache[perm] = minimal_prefixes(list(RoleGrant.objects.active_paths_for(user, perm)))
    return cache[perm]


def scope_q(user: Any, model: type[Model], action: str = "view") -> Q | None:
    """``None`` means unrestricted; an empty Q-with-nothing is expressed as ``Q(pk__in=[])``."""
    if user is None:
        return None
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    prefixes = granted_paths(user, permission_label(model, action))
    if not prefixes:
        return Q(pk__in=[])
    from core.tree import prefix_q

    field = model.scope_path_field
    q = Q()
    for prefix in prefixes:
        q |= prefix_q(field, prefix)
    return q


def can(user: Any, model: type[Model], action: str) -> bool:
    """May the user do ``action`` on some objects of ``model`` (menus, buttons)?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(granted_paths(user, permission_label(model, action)))


def path_in_scope(user: Any, model: type[Model], action: str, path: str) -> bool:
    if user is None or user.is_superuser:
        return True
    return any(path.startswith(p) for p in granted_paths(user, permission_label(model, action)))


def may(user: Any, model: type[Model], action: str, path: str) -> bool:
    """May ``user`` do ``action`` on the object of ``model`` placed at ``path`` (buttons, forms, view checks)?

    Unlike :func:`path_in_scope` alone, an anonymous or missing user may nothing here.
    """
    return can(user, model, action) and path_in_scope(user, model, action, path)


def get_scoped_or_404(queryset, user: Any, action: str = "view", **lookup):
    """The Zulip-style access function: fetch and check the right in one step; outside scope is 404."""
    try:
        return queryset.restrict(user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
