"""Filters shared by pages and API: one FilterSet drives both (NetBox's rule)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from core.registry import organization_model
from core.scope import paths_q

MAX_REFERENCE = 32  # an organization's code is at most 32 characters; a legacy id has at most 16 digits


def organization_by_reference(user: Any, value: Any, action: str = "view") -> Model | None:
    """The organization a link names (``?organization=T22.G1``), if the user may do ``action`` there; else None.

    Links carry the organization's code, never its id; a bookmark of the old form (``?organization=4711``) still
    works: an all-digit value that is no organization's code is read as an id. Both are one unique-index probe,
    scoped; a value that is neither (too long, NUL characters, an id outside the scope) finds nothing.
    """
    text = str(value if value is not None else "").replace("\x00", "").strip()
    if not text or len(text) > MAX_REFERENCE:
        return None
    qs = organization_model().objects.restrict(user, action)
    org = qs.filter(code=text).first()
    if org is None and text.isdigit() and 0 < int(text) < 2**53:
        org = qs.filter(pk=int(text)).first()
    return org


class ScopedOrganizationFilter(django_filters.CharFilter):
    """An organization whose subtree is wanted, named by its code (an old bookmark's id works too); one outside
    the caller's scope finds nothing.

    A hidden value rather than a select: a select of 330,000 organizations is not a form field; the pages link
    to a filtered list from an organization, and say which one is applied.
    """

    def __init__(self, *args, path_field: str | tuple[str, ...] = "organization__path", **kwargs):
        # Several fields for an object of several organizations: a row matches on any of its sides.
        self.path_fields = (path_field,) if isinstance(path_field, str) else tuple(path_field)
        kwargs.setdefault("label", _("Organization (with everything under it)"))
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        request = getattr(self.parent, "request", None)
        org = organization_by_reference(getattr(request, "user", None), value)
        if org is None:
            return qs.none()
        self.parent.selected_organization = org
        q = paths_q(self.path_fields[0], [org.path])
        for field in self.path_fields[1:]:
            q |= paths_q(field, [org.path])
        return qs.filter(q)


class PartyFilterSet(django_filters.FilterSet):
    selected_organization = None


def code_named_url(request: Any, names: tuple[str, ...] = ("organization",)) -> str | None:
    """The same page with its organization parameters named by code, when an old bookmark gave an id (to redirect
    to, so the links the page builds from its query carry codes); None when there is nothing to rename."""
    query = request.GET.copy()
    changed = False
    for name in names:
        value = query.get(name, "")
        if value.isdigit():
            org = organization_by_reference(getattr(request, "user", None), value)
            if org is not None and org.code != value:
                query[name], changed = org.code, True
    return f"{request.path}?{query.urlencode()}" if changed else None


def organization_filter_names(filterset_class: Any) -> tuple[str, ...]:
    """The parameters of ``filterset_class`` that name an organization (:class:`ScopedOrganizationFilter`)."""
    filters = getattr(filterset_class, "base_filters", None) or {}
    return tuple(name for name, f in filters.items() if isinstance(f, ScopedOrganizationFilter))
