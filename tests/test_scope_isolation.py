"""Generated over every route: users scoped inside province A never see anything of province B.

Routes come from the URL configuration (tests/routes.py), so a page or API route is covered the day it is added;
each parameter is filled through its own converter (``<drf_format_suffix:format>`` gives ``.json/``, a URL that
resolves). The walk, for each of several users of province A (a province viewer, a grassroots office clerk, a cell
secretary, the province secretary):

- a route that addresses an object (``pk``) is aimed at an object of B, for every routed model (the walk fails
  when a model has nothing in B to aim at), and must answer exactly as for an id that exists nowhere (404, or the
  same 403/405): B's objects do not exist for A;
- every route is also sent B's ids in the query string and, for every method it answers, in the body (JSON for
  the API, a form for pages);
- every answer is read whole (streamed exports and file downloads too, workbooks unzipped) and searched for B:
  its objects' ids (JSON ``id`` fields and references, links to their pages), codes and names;
- nothing answers 5xx.

The walker proves itself: a planted leak in throwaway views (tests/leaky_urls.py) must make it report each kind.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import Resolver404, get_resolver, resolve

from core.scope import scope_sides
from orgs.choices import OrgType
from orgs.models import Organization
from tests import factories
from tests.routes import SAMPLE_KWARGS, Route, model_of, routes

pytestmark = pytest.mark.django_db

SKIP_NAMES = {"api-schema", "api-docs", "set_language", "logout", "login"}  # no data of anyone; or ends the session
MISSING_ID = 2**31 - 7  # an id no object has
# Public by design: the committees directly under the Centre (ids, codes, names) to which any sender may address a
# transfer letter for another province; the receiving committee assigns the cell. Routes that offer that list are
# checked without B's committee itself; anything else of B is still a leak there.
PUBLIC_COMMITTEE_ROUTES = {"lifecycle-transfer-committees"}
# Models whose objects are not data of a province (a shared catalogue), so there is nothing to hide.
UNSCOPED_MODELS = {"accounts.Role"}
# Fields whose values name an object (checked in the answers when at least MIN_FINGERPRINT characters long).
NAME_FIELDS = {"name", "full_name", "code", "label", "number", "citizen_id", "party_card_no", "username"}
MIN_FINGERPRINT = 5
# JSON keys that hold a reference to an object of a known model.
REFERENCE_KEYS = {
    "organization": "orgs.Organization", "parent": "orgs.Organization", "to_org": "orgs.Organization",
    "from_org": "orgs.Organization", "cell": "orgs.Organization", "predecessor": "orgs.Organization",
    "successor": "orgs.Organization", "root": "orgs.Organization", "member": "members.Member",
}
HREF = re.compile(r"""(?:href|action|hx-get|hx-post|data-url)=["']([^"'#?]+)""")


# --- what belongs to province B ------------------------------------------------------------------------------


def in_province(model, path: str) -> models.QuerySet:
    """Objects of ``model`` that belong to the province at ``path`` only (every side of theirs inside it)."""
    first, *others = scope_sides(model)
    qs = model._base_manager.filter(**{f"{first}__startswith": path})
    for side in others:
        qs = qs.filter(models.Q(**{f"{side}__startswith": path}) | models.Q(**{f"{side}__isnull": True}))
    return qs


def _scoped_models() -> list:
    found = []
    for model in apps.get_models():
        if not (getattr(model, "scope_sides", None) or getattr(model, "scope_path_field", None)):
            continue
        try:
            in_province(model, "x").exists()
        except Exception:  # noqa: BLE001 - a path field that is not a field: not a scoped model
            continue
        found.append(model)
    return found


@dataclass
class Foreign:
    """Province B as the walker looks for it: ids per model, and the strings that name B's objects."""

    ids: dict[str, set[int]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)

    def target(self, model) -> int | None:
        """The id of an object of ``model`` in B only (the newest)."""
        ids = self.ids.get(model._meta.label)
        return max(ids) if ids else None

    def without_committees(self) -> Foreign:
        """The same, less the public list of committees directly under the Centre."""
        public = Organization.objects.filter(org_type=OrgType.LEVEL1)
        names = set(public.values_list("name", flat=True)) | set(public.values_list("code", flat=True))
        ids = dict(self.ids)
        ids["orgs.Organization"] = self.ids.get("orgs.Organization", set()) - set(public.values_list("pk", flat=True))
        return Foreign(ids=ids, names=self.names - names)

    def has(self, label: str, value: Any) -> bool:
        try:
            return int(value) in self.ids.get(label, set())
        except (TypeError, ValueError):
            return False


def foreign_of(world) -> Foreign:
    b_path, a_path = world.b.org.path, world.a.org.path
    foreign = Foreign()
    elsewhere: set[str] = set()
    for model in _scoped_models():
        label = model._meta.label
        names = [f.name for f in model._meta.concrete_fields
                 if isinstance(f, (models.CharField, models.TextField)) and f.name in NAME_FIELDS]
        b_rows = in_province(model, b_path)
        foreign.ids[label] = set(b_rows.values_list("pk", flat=True))
        if names:
            for row in b_rows.values_list(*names):
                foreign.names.update(v for v in row if v and len(v) >= MIN_FINGERPRINT)
            for row in model._base_manager.exclude(pk__in=foreign.ids[label]).values_list(*names):
                elsewhere.update(v for v in row if v)
    # A string that also names something outside B (e.g. the same cell name) proves nothing.
    foreign.names -= elsewhere
    assert a_path not in foreign.names
    return foreign


# --- reading answers -----------------------------------------------------------------------------------------


def body_text(response) -> str:
    """The whole answer as text: streamed bodies read to the end, workbooks (zip) unzipped."""
    if response.streaming:
        # Read to the end: the test client closes the response (and its file) when the iteration ends. Closing it
        # here would send request_finished, and Django would drop the test's connection (PostgreSQL).
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            raw = b"\n".join(book.read(name) for name in book.namelist() if name.endswith((".xml", ".rels")))
    return html.unescape(raw.decode("utf-8", "replace"))


def _json_leaks(data: Any, model_label: str | None, foreign: Foreign, where: str = "") -> Iterable[str]:
    """B's ids in a JSON answer: ``id`` of the route's own objects (top level, results, children) and references."""
    if isinstance(data, list):
        for item in data:
            yield from _json_leaks(item, model_label, foreign, where)
    elif isinstance(data, dict):
        if model_label and "id" in data and foreign.has(model_label, data["id"]):
            yield f"{where}id={data['id']} is a {model_label} of province B"
        for key, value in data.items():
            label = REFERENCE_KEYS.get(key)
            if label and not isinstance(value, (dict, list)) and foreign.has(label, value):
                yield f"{where}{key}={value} is a {label} of province B"
            if key in ("results", "children"):
                yield from _json_leaks(value, model_label, foreign, f"{where}{key}/")
            elif isinstance(value, (dict, list)):
                yield from _json_leaks(value, None, foreign, f"{where}{key}/")


def _link_leaks(text: str, foreign: Foreign) -> Iterable[str]:
    """Links to B's objects' own pages (``/members/12/``), found by resolving every link in the page."""
    for url in set(HREF.findall(text)):
        if not url.startswith("/"):
            continue
        try:
            match = resolve(url)
        except Resolver404:
            continue
        model = model_of(match.func)
        if model is not None and "pk" in match.kwargs and foreign.has(model._meta.label, match.kwargs["pk"]):
            yield f"links to {url}, a {model._meta.label} of province B"


# --- the walk ------------------------------------------------------------------------------------------------


@dataclass
class Case:
    route: Route
    url: str
    missing_url: str | None  # the same route aimed at an id that exists nowhere (object routes only)
    model: Any

    @property
    def addresses_an_object(self) -> bool:
        return self.missing_url is not None


def cases(world, foreign: Foreign, all_routes: list[Route] | None = None) -> list[Case]:
    """Every route as concrete URLs aimed at province B."""
    found = []
    for route in all_routes if all_routes is not None else routes():
        if route.pattern.name in SKIP_NAMES or route.route.startswith(("static", "media")):
            continue
        assert "(?P<" not in route.route and "^" not in route.route, f"{route.route}: a regex route; use path()"
        model = route.model()
        params = route.params
        values: list[dict[str, Any]] = [{}]
        for name in params:
            if name == "pk":
                continue
            assert name in SAMPLE_KWARGS, f"route {route.route}: add sample values for {name!r} to SAMPLE_KWARGS"
            values = [{**v, name: sample} for v in values for sample in SAMPLE_KWARGS[name]]
        if "pk" in params:
            assert model is not None, f"route {route.route} addresses an object but its view names no model"
            pk = foreign.target(model)
            if pk is None:
                assert model._meta.label in UNSCOPED_MODELS, (
                    f"route {route.route}: no {model._meta.label} of province B to aim at; add one to "
                    "factories.busy_world")
                continue
            found.extend(Case(route, route.url({**v, "pk": pk}), route.url({**v, "pk": MISSING_ID}), model)
                         for v in values)
        else:
            found.extend(Case(route, route.url(v), None, model) for v in values)
    return found


def foreign_payload(world) -> dict[str, Any]:
    """B's ids under every name a request uses for an organization, a member or a plan."""
    b = world.b
    org, cell, other, member = b.org.pk, b.cells[0].pk, b.cells[1].pk, b.members[0].pk
    return {
        "organization": cell, "within": org, "parent": org, "root": org, "cell": cell, "org": cell,
        "to_org": other, "to": other, "from_org": cell, "target": other, "source": cell, "member": member,
        "object_id": member, "former_member": b.members[1].pk, "user": world.b_secretary.pk,
        "members": [member], "sources": [cell], "organizations": [cell], "children": [cell],
        "plan": {"organization": cell, "sources": [cell], "target": other, "to": other, "parent": org,
                 "organizations": [cell], "source": cell, "name": "x"},
        "q": "zeta", "kind": "change", "lock_version": 0, "name": "Tên mới", "full_name": "Tên mới",
        # The pickers (core/pickers.py): browse under B's province, by its code.
        "under": b.org.code, "scope": "members.member",
    }


def _query(payload: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode({k: v for k, v in payload.items() if not isinstance(v, (list, dict))})


def send(client: Client, method: str, url: str, payload: dict[str, Any], api: bool):
    """One request with B's ids in the body; its writes are rolled back so every request meets the same world."""
    with transaction.atomic():
        if method == "get":
            response = client.get(url, HTTP_ACCEPT="text/html,application/json")
        elif api:
            response = getattr(client, method)(url, json.dumps(payload), content_type="application/json",
                                               HTTP_ACCEPT="application/json")
        else:
            form = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in payload.items()}
            if method == "post":
                response = client.post(url, form)
            else:
                from django.test.client import encode_multipart

                response = getattr(client, method)(url, encode_multipart("B", form),
                                                   content_type="multipart/form-data; boundary=B")
        body = body_text(response)  # read it inside, while the world is the same
        response._walked_text = body
        transaction.set_rollback(True)
    return response


def check(client: Client, all_cases: list[Case], world, foreign: Foreign, user_label: str) -> list[str]:
    """Walk every case as the logged-in user; the problems found (empty when province B stays invisible)."""
    payload = foreign_payload(world)
    public = foreign.without_committees()
    problems = []
    for case in all_cases:
        api = case.route.is_api
        for method in case.route.methods():
            target = case.url if case.addresses_an_object or method != "get" else case.url + _query(payload)
            response = send(client, method, target, payload, api)
            where = f"[{user_label}] {method.upper()} {target} ({case.route.name})"
            if response.status_code >= 500:
                problems.append(f"{where} answered {response.status_code}")
            if case.addresses_an_object:
                missing = send(client, method, case.missing_url, payload, api)
                if response.status_code not in (403, 404, 405) or response.status_code != missing.status_code:
                    problems.append(f"{where} answered {response.status_code}; for an id that exists nowhere "
                                    f"{missing.status_code}")
            name = case.route.name or ""
            public_list = name in PUBLIC_COMMITTEE_ROUTES or name.split(":", 1)[-1] in PUBLIC_COMMITTEE_ROUTES
            seen_as = public if public_list else foreign
            problems.extend(f"{where} {leak}" for leak in _leaks_of(response, seen_as, case.model))
    return problems


def _leaks_of(response, foreign: Foreign, model) -> list[str]:
    text = response._walked_text
    found = [f"shows {name!r}" for name in sorted(foreign.names) if name in text]
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        found.extend(_json_leaks(data, model._meta.label if model is not None else None, foreign))
    else:
        found.extend(_link_leaks(text, foreign))
    return found


# --- the users of province A ---------------------------------------------------------------------------------


def walkers(world) -> dict[str, Any]:
    """A viewer of the whole province, a grassroots office clerk, a cell secretary, the province secretary."""
    a = world.a
    return {
        "province viewer": factories.user_with_role("a_province_viewer", "viewer", a.org),
        "grassroots clerk": factories.user_with_role("a_clerk", "office_clerk", a.grassroots),
        "cell secretary": factories.user_with_role("a_cell_secretary", "secretary", a.cells[0]),
        "province secretary": world.a_secretary,
    }


def test_every_route_is_isolated(busy_world):
    world = busy_world
    foreign = foreign_of(world)
    assert {"Zetaprovince", "Zetamember Nguyễn Văn", "zetauser", "T45.G1.C1"} <= foreign.names
    all_cases = cases(world, foreign)
    api_suffixed = [c for c in all_cases if c.route.has_format_suffix]
    assert len(all_cases) >= 140 and len(api_suffixed) >= 45, "the route walker found suspiciously few routes"
    problems = []
    for label, user in walkers(world).items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        problems.extend(check(client, all_cases, world, foreign, label))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_walker_reports_a_planted_leak(busy_world):
    """Throwaway views that ignore the scope, each in its own way, must each be reported."""
    world = busy_world
    foreign = foreign_of(world)
    with override_settings(ROOT_URLCONF="tests.leaky_urls"):
        planted = [r for r in routes(get_resolver("tests.leaky_urls")) if r.route.startswith("leak/")]
        assert len(planted) == 6
        client = Client(raise_request_exception=False)
        client.force_login(world.a_secretary)
        problems = check(client, cases(world, foreign, planted), world, foreign, "province secretary")
    report = "\n".join(problems)
    assert re.search(r"GET /leak/member/\d+/ .* answered 200; for an id that exists nowhere 404", report), report
    assert re.search(r"GET /leak/names/\?.* shows 'Zetamember Nguyễn Văn'", report), report
    assert re.search(r"GET /leak/ids/\?.* results/id=\d+ is a members.Member of province B", report), report
    assert re.search(r"GET /leak/links/\?.* links to /members/\d+/, a members.Member of province B", report), report
    assert re.search(r"GET /leak/export/\?.* shows 'Zetamember Trần Thị'", report), report
    assert re.search(r"POST /leak/echo/ .* shows 'Zetamember Nguyễn Văn'", report), report
    assert not re.search(r"GET /leak/echo/", report), "the echo view leaks only what the body asks for"
    assert re.search(r"POST /leak/ids/ .* answered 500", report), report


def test_the_walker_aims_at_every_routed_model(busy_world):
    """Every model a route addresses has an object in B; without one, collecting the routes fails."""
    world = busy_world
    foreign = foreign_of(world)
    aimed = {c.model._meta.label for c in cases(world, foreign) if c.addresses_an_object}
    assert {"orgs.Organization", "members.Member", "audit.AuditRecord", "jobs.Job", "lifecycle.TransferLetter",
            "lifecycle.AdmissionCase", "reorg.Reorganization", "reorg.OrganizationLink"} <= aimed
    foreign.ids["jobs.Job"] = set()
    with pytest.raises(AssertionError, match="no jobs.Job of province B to aim at"):
        cases(world, foreign)


def test_anonymous_gets_nothing(busy_world):
    world = busy_world
    foreign = foreign_of(world)
    client = Client(raise_request_exception=False)
    for case in cases(world, foreign):
        response = client.get(case.url)
        text = body_text(response)
        assert response.status_code in (302, 401, 403, 404, 405), f"{case.url} -> {response.status_code}"
        assert not [name for name in foreign.names if name in text], f"{case.url} shows data to an anonymous caller"


def test_a_province_and_its_members_are_found_as_b(busy_world):
    """The fingerprints are B's own: the same walk as a national administrator finds B on its pages."""
    world = busy_world
    foreign = foreign_of(world)
    assert foreign.has("members.Member", world.b.members[0].pk)
    assert not foreign.has("members.Member", world.a.members[0].pk)
    assert not foreign.has("orgs.Organization", world.central.pk)
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    detail = [c for c in cases(world, foreign) if c.route.name in ("members:detail", "orgs:detail")
              or c.route.pattern.name == "member-detail"]
    problems = check(client, detail, world, foreign, "administrator")
    assert len([p for p in problems if "answered 200" in p]) >= 3, problems
    assert any("shows 'Zetamember" in p for p in problems), problems
