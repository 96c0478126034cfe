"""Filters shared by pages and API: one FilterSet drives both (NetBox's rule)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.registry import organization_model
from core.scope import paths_q


class ScopedOrganizationFilter(django_filters.NumberFilter):
    """An organization id whose subtree is wanted; an id outside the caller's scope finds nothing.

    A plain id field rather than a select: a select of 330,000 organizations is not a form field.
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
        # Not an id at all: nothing matches (and SQLite would overflow on a huge number).
        if not 0 < value < 2**53 or value != int(value):
            return qs.none()
        request = getattr(self.parent, "request", None)
        user = getattr(request, "user", None)
        org = organization_model().objects.restrict(user, "view").filter(pk=value).only("path").first()
        if org is None:
            return qs.none()
        self.parent.selected_organization = org
        q = paths_q(self.path_fields[0], [org.path])
        for field in self.path_fields[1:]:
            q |= paths_q(field, [org.path])
        return qs.filter(q)


class PartyFilterSet(django_filters.FilterSet):
    selected_organization = None
