"""Every URL route of the project, discovered from the URL configuration, with a way to build real URLs.

Used by the tests that must reach every route (scope isolation, format suffixes): a route added tomorrow is
covered without editing a list. URLs are built with each parameter's own converter (``to_url``), so
``<drf_format_suffix:format>`` becomes ``.json/`` and ``<int:pk>`` a number, exactly what the resolver accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
SKIP_NAMESPACES = {"admin"}  # Django's admin is for national administrators (superusers) only.
# Values for URL parameters that are not object ids (the first of each is the usual one); a route with a new kind of
# parameter makes the walkers fail until its values are added here.
SAMPLE_KWARGS: dict[str, list[str]] = {"format": ["json"], "fmt": ["csv", "xlsx"], "which": ["result", "errors"],
                                       "code": ["PROBATION_MONTHS"]}


def view_class_of(callback: Any) -> Any:
    """The class behind a view function (Django's ``view_class``, DRF's ``cls``), or None."""
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def model_of(callback: Any) -> Any:
    """The model a view serves (its ``model`` or ``queryset.model``), or None."""
    view_class = view_class_of(callback)
    model = getattr(view_class, "model", None)
    if model is None:
        model = getattr(getattr(view_class, "queryset", None), "model", None)
    return model


@dataclass
class Route:
    """One URL pattern with its full route, namespace and the converters of all its parameters."""

    route: str
    pattern: URLPattern
    namespace: str
    converters: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.namespace}:{self.pattern.name or ''}" if self.namespace else (self.pattern.name or "")

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in PARAM.finditer(self.route)]

    @property
    def view_class(self) -> Any:
        return view_class_of(self.pattern.callback)

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def has_format_suffix(self) -> bool:
        return "format" in self.params

    def model(self) -> Any:
        return model_of(self.pattern.callback)

    def methods(self) -> list[str]:
        """The HTTP methods the view answers (a viewset's action map, a class view's handlers)."""
        actions = getattr(self.pattern.callback, "actions", None)
        if actions:
            return [m for m in HTTP_METHODS if m in actions]
        view_class = self.view_class
        if view_class is None:
            return ["get", "post"]
        names = getattr(view_class, "http_method_names", HTTP_METHODS)
        return [m for m in HTTP_METHODS if m in names and hasattr(view_class, m)]

    def url(self, values: dict[str, Any]) -> str:
        """A concrete URL; every parameter must be in ``values`` (KeyError otherwise)."""

        def one(match: re.Match) -> str:
            name = match.group("name")
            converter = self.converters.get(name)
            value = values[name]
            return converter.to_url(value) if converter is not None else str(value)

        return "/" + PARAM.sub(one, self.route)


def routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "",
           converters: dict[str, Any] | None = None) -> list[Route]:
    """Every URL pattern below ``resolver`` (the project's root by default), Django's admin left out."""
    resolver = resolver or get_resolver()
    found: list[Route] = []
    for entry in resolver.url_patterns:
        merged = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in SKIP_NAMESPACES:
                continue
            found.extend(routes(entry, prefix + str(entry.pattern), ns, merged))
        elif isinstance(entry, URLPattern):
            found.append(Route(prefix + str(entry.pattern), entry, namespace, merged))
    return found
