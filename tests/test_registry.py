"""Apps register themselves: menu, dashboard cards, detail panels, audit types, API routes, reorg handlers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.urls import resolve, reverse

from core import registry
from core.models import AuditedModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def scratch_registry():
    """Registrations made by a test are undone afterwards."""
    saved = {name: getattr(registry.registry, name).copy() for name in ("menu", "cards", "panels", "reorg_handlers")}
    yield registry
    for name, value in saved.items():
        setattr(registry.registry, name, value)


def _login(client, user):
    client.force_login(user)
    return client


def test_menu_is_built_from_the_registry(world, client, scratch_registry):
    registry.register_menu(registry.MenuEntry("jobs:list", "Throwaway jobs entry", order=5))
    registry.register_menu(registry.MenuEntry("exchange:home", "Throwaway hidden entry", "reorg.Reorganization",
                                              "delete", order=6))
    _login(client, world.a_viewer)
    response = client.get(reverse("dashboard"))
    labels = [entry["label"] for entry in response.context["nav_menu"]]
    assert "Throwaway jobs entry" in labels
    assert labels.index("Throwaway jobs entry") == 1  # ordered: after the dashboard (0), before orgs (10)
    assert "Throwaway hidden entry" not in labels  # a viewer may not delete reorganizations: not offered
    assert "Throwaway jobs entry" in response.content.decode()
    # The apps' own entries, filtered by the user's rights as before.
    assert "Members" in labels and "Organizations" in labels
    assert "Import and export" not in labels  # a viewer may not add members


def test_dashboard_cards_come_from_the_registry(world, client, scratch_registry):
    def context(request, root):
        return {"total": 424242, "official": 1, "probationary": 2,
                "chart_data": {"throwaway": {"labels": [], "values": [], "title": root.code}}}

    registry.register_card(registry.DashboardCard("tests.card", "members/dashboard/_totals.html", context,
                                                  order=1))
    registry.register_card(registry.DashboardCard("tests.hidden", "members/dashboard/_totals.html",
                                                  lambda request, root: {"total": 515151}, "reorg.Reorganization",
                                                  "delete", order=2, area="panels"))
    _login(client, world.a_viewer)
    response = client.get(reverse("dashboard"))
    content = response.content.decode()
    assert "424,242" in content
    assert "515,151" not in content  # its permission is not held
    assert response.context_data["chart_data"]["throwaway"]["title"] == world.a.cells[0].code
    assert "types" in response.context_data["chart_data"]  # orgs' card still contributes its chart
    # Without the registration, the card is gone.
    del registry.registry.cards["tests.card"]
    assert "424,242" not in client.get(reverse("dashboard")).content.decode()


def test_cards_sharing_a_context_compute_it_once(world, client, scratch_registry):
    calls = []

    def context(request, root):
        calls.append(root.pk)
        return {"total": 1, "official": 1, "probationary": 0}

    for name in ("tests.one", "tests.two"):
        registry.register_card(registry.DashboardCard(name, "members/dashboard/_totals.html", context, order=1))
    _login(client, world.a_secretary)
    assert client.get(reverse("dashboard")).status_code == 200
    assert calls == [world.a.org.pk]


def test_detail_panels_come_from_the_registry(world, client, scratch_registry):
    registry.register_panel(registry.DetailPanel("tests.panel", "orgs.Organization", "members/dashboard/_totals.html",
                                                 lambda request, org: {"total": 313131}))
    _login(client, world.a_secretary)
    content = client.get(reverse("orgs:detail", args=[world.a.org.pk])).content.decode()
    assert "313,131" in content
    assert 'id="members-heading"' in content  # members' own panel


def test_audit_type_filter_lists_every_installed_apps_models(world, client):
    _login(client, world.admin)
    response = client.get(reverse("audit:list"))
    offered = {label for label, _name in response.context["object_types"]}
    audited = {m._meta.label_lower for m in apps.get_models() if issubclass(m, AuditedModel)}
    assert offered == audited
    for label in ("lifecycle.admissioncase", "lifecycle.transferletter", "reorg.reorganization", "jobs.job",
                  "members.member", "orgs.organization", "accounts.rolegrant"):
        assert label in offered, label
        assert f'value="{label}"' in response.content.decode()


# Every API path and URL name as they were before the apps got their own api/urls.py (clients keep working).
API_ROUTES = [
    ("/api/", "api-root"),
    ("/api/audit/", "auditrecord-list"),
    ("/api/audit/7/", "auditrecord-detail"),
    ("/api/auth/token/", "api-token"),
    ("/api/grants/", "grant-list"),
    ("/api/grants/7/", "grant-detail"),
    ("/api/lifecycle/admissions/", "lifecycle-admission-list"),
    ("/api/lifecycle/admissions/7/", "lifecycle-admission-detail"),
    ("/api/lifecycle/admissions/7/cell-resolution/", "lifecycle-admission-cell-resolution"),
    ("/api/lifecycle/admissions/7/ceremony/", "lifecycle-admission-ceremony"),
    ("/api/lifecycle/admissions/7/committee-decision/", "lifecycle-admission-committee-decision"),
    ("/api/lifecycle/admissions/7/withdraw/", "lifecycle-admission-withdraw"),
    ("/api/lifecycle/badges/", "lifecycle-badge-list"),
    ("/api/lifecycle/members/7/exemptions/", "lifecycle-member-exemptions"),
    ("/api/lifecycle/members/7/leave/", "lifecycle-member-leave"),
    ("/api/lifecycle/members/7/recognize/", "lifecycle-member-recognize"),
    ("/api/lifecycle/members/7/strike-off/", "lifecycle-member-strike-off"),
    ("/api/lifecycle/targets/", "lifecycle-target-list"),
    ("/api/lifecycle/transfers/", "lifecycle-transfer-list"),
    ("/api/lifecycle/transfers/7/", "lifecycle-transfer-detail"),
    ("/api/lifecycle/transfers/7/cancel/", "lifecycle-transfer-cancel"),
    ("/api/lifecycle/transfers/7/confirm/", "lifecycle-transfer-confirm"),
    ("/api/lifecycle/transfers/7/end/", "lifecycle-transfer-end"),
    ("/api/lifecycle/transfers/7/return/", "lifecycle-transfer-return"),
    ("/api/lifecycle/transfers/bulk/", "lifecycle-transfer-bulk"),
    ("/api/lifecycle/worklist/", "lifecycle-worklist-list"),
    ("/api/me/", "api-me"),
    ("/api/members/", "member-list"),
    ("/api/members/7/", "member-detail"),
    ("/api/members/7/history/", "member-history"),
    ("/api/organization-links/", "organizationlink-list"),
    ("/api/organization-links/7/", "organizationlink-detail"),
    ("/api/organizations/", "organization-list"),
    ("/api/organizations/7/", "organization-detail"),
    ("/api/organizations/7/children/", "organization-children"),
    ("/api/organizations/7/history/", "organization-history"),
    ("/api/organizations/7/members/", "organization-members"),
    ("/api/organizations/7/stats/", "organization-stats"),
    ("/api/organizations/7/subtree/", "organization-subtree"),
    ("/api/organizations/tree/", "organization-tree"),
    ("/api/reorganizations/", "reorganization-list"),
    ("/api/reorganizations/7/", "reorganization-detail"),
    ("/api/reorganizations/7/apply/", "reorganization-apply"),
    ("/api/reorganizations/7/cancel/", "reorganization-cancel"),
    ("/api/reorganizations/as-of/", "reorganization-as-of"),
    ("/api/reorganizations/preview/", "reorganization-preview"),
    ("/api/roles/", "role-list"),
    ("/api/roles/7/", "role-detail"),
    ("/api/users/", "user-list"),
    ("/api/users/7/", "user-detail"),
]


@pytest.mark.parametrize(("path", "name"), API_ROUTES)
def test_api_routes_keep_their_paths_and_names(path, name):
    match = resolve(path)
    assert match.url_name == name
    assert reverse(name, kwargs=match.kwargs) == path
    if name not in ("api-root", "api-token", "api-me"):
        assert resolve(path.rstrip("/") + ".json").url_name == name  # the format suffix too


def test_api_routes_answer_at_their_old_paths(world, client):
    _login(client, world.admin)
    lists = [path for path, name in API_ROUTES if "7" not in path and name not in ("api-token",)
             and not path.endswith(("/bulk/", "/preview/"))]
    for path in lists:
        response = client.get(path, HTTP_ACCEPT="application/json")
        assert response.status_code == (400 if path.endswith("/as-of/") else 200), (path, response.status_code)
    root = client.get("/api/", HTTP_ACCEPT="application/json").json()
    for prefix in ("organizations", "members", "users", "roles", "grants", "audit", "lifecycle/admissions",
                   "lifecycle/transfers", "reorganizations", "organization-links"):
        assert root[prefix].endswith(f"/api/{prefix}/"), prefix
    # The organization's members moved to the members app; the path and the answer did not change.
    response = client.get(f"/api/organizations/{world.a.cells[0].pk}/members/")
    assert response.status_code == 200
    assert {row["full_name"] for row in response.json()["results"]} == {m.full_name for m in world.a.members
                                                                        if m.organization_id == world.a.cells[0].pk}


def test_login_urls_keep_their_names_and_paths():
    assert reverse("login") == "/accounts/login/"
    assert reverse("logout") == "/accounts/logout/"
    assert reverse("password_change") == "/accounts/password/"


def test_reorganization_calls_the_registered_handlers(world, scratch_registry):
    from reorg.services import create_reorganization, preview

    seen = []

    def preview_handler(hand):
        return {"review": [{"throwaway": hand.source.code, "to": hand.target_name}]}

    def apply_handler(hand):
        seen.append((hand.source.pk, hand.target.pk if hand.target is not None else None, hand.on))
        return {"throwaway_moved": 1}

    registry.register_reorg_handler(registry.ReorgHandler("tests.throwaway", preview_handler, apply_handler))
    source, target = world.a.cells[0], world.a.cells[1]
    plan = {"sources": [source.pk], "target": target.pk}
    on = dt.date(2025, 7, 1)
    described = preview(world.a_secretary, "merge", plan, effective_on=on, decision="9-QĐ/ĐU")
    assert {"throwaway": source.code, "to": target.name} in described["review"]
    reorg = create_reorganization(world.a_secretary, kind="merge", plan=plan, effective_on=on, decision="9-QĐ/ĐU",
                                  decision_date=on, today=dt.date(2026, 1, 1))
    assert seen == [(source.pk, target.pk, on)]
    assert reorg.summary["applied"]["throwaway_moved"] == 1
