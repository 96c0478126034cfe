"""Generated over every route: a user scoped to province A never sees province B.

Routes are discovered from the URL configuration, so a new page or API route is covered the day it
is added. Routes that address an object (a ``pk`` in the URL) must answer 404 for B's objects; every
route's answer, with B's ids in its query string too, must not contain anything of B.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role
from audit.models import AuditRecord
from core.actions import SYSTEM
from members.models import Member
from orgs.models import Organization

pytestmark = pytest.mark.django_db

SKIP_NAMESPACES = {"admin"}  # Django's admin is for national administrators (superusers) only.
SKIP_NAMES = {"api-schema", "api-docs", "set_language", "logout", "login"}
MARKER = re.compile(r"Zeta(province|member)|zetauser")  # in B's names; the query below only says 'zetam'

# Values for URL parameters that are not object ids; a new kind of parameter must be added here.
SAMPLE_KWARGS = {"format": "json", "fmt": "csv", "which": "result", "code": "PROBATION_MONTHS"}


def _routes(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in SKIP_NAMESPACES:
                continue
            yield from _routes(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry, namespace


def _model_of(callback):
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    model = getattr(view_class, "model", None)
    if model is None:
        queryset = getattr(view_class, "queryset", None)
        model = getattr(queryset, "model", None)
    return model


@pytest.fixture
def busy_world(world):
    """The two provinces, with open work of every kind in province B for the walker to aim at."""
    import datetime as dt

    from jobs.services import enqueue_job
    from lifecycle.services import issue_transfer_letter, submit_application
    from orgs.services import establish_organization
    from reorg.services import create_reorganization

    b = world.b
    spare = establish_organization(SYSTEM, parent=b.grassroots, code="T45.G1.C9", name="Chi bộ Zetaprovince tạm",
                                   org_type="cell", effective_on=dt.date(2020, 1, 1))
    create_reorganization(SYSTEM, kind="merge", plan={"sources": [spare.pk], "target": b.cells[1].pk},
                          effective_on=dt.date(2026, 1, 1), decision="8-QĐ/TU")  # applied: leaves a link
    submit_application(SYSTEM, cell=b.cells[0], applied_on=dt.date(2026, 1, 5), full_name="Zetamember Lê Văn",
                       gender="M", birth_date=dt.date(2000, 1, 1))
    issue_transfer_letter(SYSTEM, b.members[0], to_org=b.cells[1], number="1-GGT", issued_on=dt.date(2026, 1, 10))
    create_reorganization(SYSTEM, kind="change", plan={"organization": b.cells[1].pk, "name": "Chi bộ Zetaprovince 9"},
                          effective_on=dt.date(2030, 1, 1), decision="9-QĐ/TU")
    enqueue_job(SYSTEM, kind="members.import", params={"file": "/nonexistent", "mode": "all"}, org_path=b.org.path,
                label="Zetaprovince import", start_inline=False)
    return world


# Models whose objects are not data of a province (a shared catalogue), so there is nothing to hide.
UNSCOPED_MODELS = {"Role"}


def _foreign_object_id(world, model) -> int | None:
    """An object of `model` that belongs to province B only."""
    b_path = world.b.org.path
    if model is Organization:
        return world.b.cells[0].pk
    if model is Member:
        return world.b.members[0].pk
    if model is AuditRecord:
        return AuditRecord.objects.filter(org_path__startswith=b_path).values_list("pk", flat=True).first()
    if model is Role:
        return None  # roles are a shared catalogue, not data of a province
    field = getattr(model, "scope_path_field", None)
    if field:
        return model._base_manager.filter(**{f"{field}__startswith": b_path}).values_list("pk", flat=True).first()
    return None


def _fill(route: str, values: dict[str, str]) -> str | None:
    """Turn a route (path converters or regex) into a concrete URL."""
    url = route.lstrip("^").replace("\\.", ".")
    url = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: values.get(m.group(2), "\0"), url)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), "\0"), url)
    url = url.rstrip("$").replace("/?", "/")
    if "\0" in url or any(c in url for c in "()[]*+?\\"):
        return None
    return "/" + url


def _collect(world):
    cases = []
    for route, pattern, namespace in _routes():
        name = pattern.name or ""
        if name in SKIP_NAMES or route.startswith(("static", "media")):
            continue
        model = _model_of(pattern.callback)
        needs_pk = "pk" in route
        values = dict(SAMPLE_KWARGS)
        if needs_pk:
            if model is None:
                raise AssertionError(f"route {route} addresses an object but its view names no model")
            pk = _foreign_object_id(world, model)
            if pk is None:
                assert model.__name__ in UNSCOPED_MODELS, (
                    f"route {route}: no {model.__name__} of province B to aim at; add one to busy_world"
                )
                continue
            values["pk"] = str(pk)
        url = _fill(route, values)
        assert url is not None, f"cannot build a URL for route {route!r}; name its object kwarg 'pk'"
        cases.append((url, needs_pk, f"{namespace}:{name}"))
    return cases


def _foreign_query(world) -> str:
    b = world.b
    return (f"?organization={b.org.pk}&within={b.org.pk}&parent={b.org.pk}&root={b.org.pk}&member={b.members[0].pk}"
            f"&q=zetam&object_id={b.members[0].pk}")


def test_every_route_is_isolated(busy_world, client):
    world = busy_world
    client.force_login(world.a_secretary)
    cases = _collect(world)
    assert len(cases) >= 5, "the route walker found suspiciously few routes"
    leaks = []
    for url, needs_pk, name in cases:
        for method in ("get", "post"):
            target = url if needs_pk else url + _foreign_query(world)
            response = getattr(client, method)(target, HTTP_ACCEPT="text/html,application/json")
            body = response.content.decode("utf-8", "replace") if not response.streaming else ""
            if needs_pk and response.status_code not in (404, 405):
                leaks.append(f"{method.upper()} {url} ({name}) answered {response.status_code}, not 404")
            if response.status_code >= 500:
                leaks.append(f"{method.upper()} {target} ({name}) answered {response.status_code}")
            if MARKER.search(body):
                leaks.append(f"{method.upper()} {target} ({name}) shows province B's data")
    assert not leaks, "\n".join(leaks)


def test_the_walker_sees_what_a_leak_would_look_like(busy_world, client):
    world = busy_world
    """The same walk as a national administrator must see province B (else the test could not fail)."""
    client.force_login(world.admin)
    seen = False
    for url, needs_pk, _name in _collect(world):
        if needs_pk:
            response = client.get(url)
            seen = seen or response.status_code == 200
    assert seen, "no object route answered 200 for the administrator: the walker checks nothing"


def test_anonymous_gets_nothing(busy_world, client):
    world = busy_world
    for url, _needs_pk, name in _collect(world):
        response = client.get(url)
        body = response.content.decode("utf-8", "replace") if not response.streaming else ""
        assert response.status_code in (302, 401, 403, 404, 405), f"{url} ({name}) -> {response.status_code}"
        assert not MARKER.search(body), f"{url} ({name}) shows data to an anonymous caller"
