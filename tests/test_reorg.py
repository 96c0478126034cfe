"""Reorganization by decision: every operation, history as of any date, scope, scheduling, atomicity, UI, API."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import translation

from accounts.models import RoleGrant
from core.actions import SYSTEM
from core.l10n import day
from core.scope import OutOfScope
from core.tree import child_path
from members.models import Member, MemberHistory
from orgs.models import Organization, OrganizationVersion
from reorg import services
from reorg.choices import ReorgState
from reorg.models import Reorganization
from tests import factories

pytestmark = pytest.mark.django_db

D = dt.date(2025, 7, 1)
BEFORE = dt.date(2025, 6, 30)


def assert_consistent():
    """Paths follow parents, members follow their organization, counters are true."""
    for org in Organization.objects.all():
        expected = child_path(org.parent.path if org.parent_id else "", org.pk)
        assert org.path == expected, org.code
        if org.is_active:
            current = OrganizationVersion.objects.get(organization=org, valid_to__isnull=True)
            assert (current.path, current.parent_id) == (org.path, org.parent_id), org.code
    for m in Member.objects.select_related("organization"):
        if m.is_active:
            assert m.organization.is_active
    real = {(r["organization_id"], r["status"]): r["n"]
            for r in Member.objects.active().values("organization_id", "status").annotate(n=Count("id"))}
    for org in Organization.objects.all():
        sub = Member.objects.active().within_path(org.path)
        assert org.subtree_official == sub.filter(status="official").count(), org.code
        assert org.subtree_probationary == sub.filter(status="probationary").count(), org.code
        assert org.direct_official == real.get((org.pk, "official"), 0), org.code
        assert org.direct_probationary == real.get((org.pk, "probationary"), 0), org.code
    # The as-of member count relies on it: an organization's open history rows of active members are its counters.
    open_rows = {(r["organization_id"], r["status"]): r["n"] for r in MemberHistory.objects.filter(
        valid_to__isnull=True, status__in=["official", "probationary"]).values("organization_id", "status")
        .annotate(n=Count("id"))}
    assert open_rows == {k: n for k, n in real.items() if n}


def make(kind, plan, on=D, decision="99-QĐ/TW", actor=SYSTEM, **kw):
    return services.create_reorganization(actor, kind=kind, plan=plan, effective_on=on, decision=decision,
                                          decision_date=on, today=kw.pop("today", dt.date(2026, 1, 1)), **kw)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_merge_two_provinces_into_a_new_one(world):
    total = fresh(world.central).subtree_members
    preview = services.preview(SYSTEM, "merge", {"sources": [world.a.org.pk, world.b.org.pk],
                                               "new": {"parent": world.central.pk, "code": "T99", "name": "Tỉnh mới",
                                                       "org_type": "level1"}},
                               effective_on=D, decision="759-QĐ/TW")
    assert preview["totals"]["members"] == 6 and len(preview["moves"]) == 2
    assert Organization.objects.filter(code="T99").count() == 0  # the preview wrote nothing
    r = make("merge", {"sources": [world.a.org.pk, world.b.org.pk],
                       "new": {"parent": world.central.pk, "code": "T99", "name": "Tỉnh mới", "org_type": "level1"}},
             decision="759-QĐ/TW")
    assert r.state == ReorgState.APPLIED
    new = Organization.objects.get(code="T99")
    assert fresh(world.central).subtree_members == total
    assert new.subtree_members == 6
    assert not fresh(world.a.org).is_active and fresh(world.a.org).dissolving_decision == "759-QĐ/TW"
    assert fresh(world.a.grassroots).parent_id == new.pk
    assert_consistent()
    # History: as of the day before, province A still held its members; from the date the new one does.
    assert services.member_count_as_of(fresh(world.a.org), BEFORE, user=SYSTEM)["total"] == 4
    assert services.member_count_as_of(fresh(world.a.org), D, user=SYSTEM) is None
    assert services.member_count_as_of(new, D, user=SYSTEM)["total"] == 6
    assert services.member_count_as_of(new, BEFORE, user=SYSTEM) is None
    before = {v["organization_id"] for v in services.tree_as_of(fresh(world.central), BEFORE, user=SYSTEM)}
    after = {v["organization_id"] for v in services.tree_as_of(fresh(world.central), D, user=SYSTEM)}
    assert world.a.org.pk in before and world.a.org.pk not in after and new.pk in after
    assert world.a.cells[0].pk in before and world.a.cells[0].pk in after
    # Predecessors / successors with the deciding document.
    links = services.links_of(new)
    assert {link.predecessor_id for link in links["predecessors"]} == {world.a.org.pk, world.b.org.pk}
    assert links["predecessors"][0].reorganization.decision == "759-QĐ/TW"
    # Grants on the merged provinces moved to the new one (closed and reopened).
    grant = RoleGrant.objects.get(user=world.a_secretary, valid_to__isnull=True)
    assert grant.organization_id == new.pk and grant.valid_from == D
    assert RoleGrant.objects.get(user=world.a_secretary, organization=world.a.org).valid_to == D


def test_merge_cells_moves_members_with_history(world):
    c1, c2 = world.a.cells
    r = make("merge", {"sources": [c1.pk], "target": c2.pk})
    assert r.state == "applied"
    assert Member.objects.filter(organization=c2).count() == 4
    rows = MemberHistory.objects.filter(organization=c2, valid_from=D, event="reorganized")
    assert rows.count() == 2 and set(rows.values_list("decision", flat=True)) == {"99-QĐ/TW"}
    assert MemberHistory.objects.as_of(BEFORE).filter(organization=c1).count() == 2
    assert_consistent()


def test_a_cell_with_a_member_who_died_before_can_be_merged_and_one_who_died_after_cannot(world):
    """A former member's record stays in the cell it ended in; it conflicts only if it ended after the date."""
    from lifecycle.services import record_leaving

    c1, c2 = world.a.cells
    died_before, died_after = Member.objects.filter(organization=c1)[:2]
    record_leaving(SYSTEM, died_before, kind="death", on=BEFORE - dt.timedelta(days=30), decision="1-QĐ/ĐU")
    record_leaving(SYSTEM, died_after, kind="death", on=D + dt.timedelta(days=3), decision="2-QĐ/ĐU")
    with pytest.raises(ValidationError) as refused:
        make("merge", {"sources": [c1.pk], "target": c2.pk})
    assert day(D + dt.timedelta(days=3)) in str(refused.value)  # the date of the later change, as the reader writes it
    assert fresh(c1).is_active
    r = make("merge", {"sources": [c1.pk], "target": c2.pk}, on=D + dt.timedelta(days=10))
    assert r.state == "applied" and not fresh(c1).is_active
    assert fresh(died_before).organization_id == c1.pk  # the history stays where it ended
    assert_consistent()


def test_split_with_explicit_assignment_and_none_left(world):
    grass = world.a.grassroots
    c1, c2 = world.a.cells
    plan = {"source": grass.pk, "rule": "list", "parts": [
        {"new": {"code": "N1", "name": "Đảng bộ 1", "org_type": "grassroots_committee"}, "children": [c1.pk]},
        {"new": {"code": "N2", "name": "Đảng bộ 2", "org_type": "grassroots_committee"}, "children": []},
    ]}
    with pytest.raises(ValidationError):
        make("split", plan)  # c2 left unassigned
    assert not Organization.objects.filter(code="N1").exists()
    plan["parts"][1]["children"] = [c2.pk]
    make("split", plan)
    n1, n2 = Organization.objects.get(code="N1"), Organization.objects.get(code="N2")
    assert fresh(c1).parent_id == n1.pk and fresh(c2).parent_id == n2.pk
    assert not fresh(grass).is_active
    assert fresh(world.a.org).subtree_members == 4
    assert {link.successor_id for link in services.links_of(grass)["successors"]} == {n1.pk, n2.pk}
    assert_consistent()


def test_split_a_cell_by_rule_balances_members(world):
    c1 = world.a.cells[0]
    extra = [factories.member(c1, f"Người {i}") for i in range(3)]
    plan = {"source": c1.pk, "rule": "balance", "parts": [
        {"new": {"code": "S1", "name": "Chi bộ 1", "org_type": "cell"}, "members": [extra[0].pk]},
        {"new": {"code": "S2", "name": "Chi bộ 2", "org_type": "cell"}},
    ]}
    make("split", plan)
    s1, s2 = Organization.objects.get(code="S1"), Organization.objects.get(code="S2")
    assert s1.direct_members + s2.direct_members == 5
    assert abs(s1.direct_members - s2.direct_members) <= 1
    assert fresh(extra[0]).organization_id == s1.pk
    assert_consistent()


def test_transfer_subtree_and_past_date_conflicts(world):
    grass = world.a.grassroots
    # Establish a second grassroots committee in the past, then move the cell there.
    r = make("establish", {"parent": world.a.org.pk, "code": "G2", "name": "Đảng bộ phường 2",
                           "org_type": "grassroots_committee"}, on=dt.date(2024, 1, 1))
    g2 = Organization.objects.get(code="G2")
    assert r.state == "applied" and g2.established_on == dt.date(2024, 1, 1)
    make("transfer", {"organizations": [world.a.cells[0].pk], "to": g2.pk}, on=dt.date(2024, 6, 1))
    cell = fresh(world.a.cells[0])
    assert cell.parent_id == g2.pk and cell.path.startswith(g2.path)
    assert fresh(grass).subtree_members == 2 and fresh(g2).subtree_members == 2
    assert services.member_count_as_of(fresh(grass), dt.date(2024, 5, 31), user=SYSTEM)["total"] == 4
    assert services.member_count_as_of(fresh(grass), dt.date(2024, 6, 1), user=SYSTEM)["total"] == 2
    assert_consistent()
    # An earlier decision cannot be recorded over a later change of the same organization.
    with pytest.raises(ValidationError):
        make("transfer", {"organizations": [cell.pk], "to": grass.pk}, on=dt.date(2024, 3, 1))
    # A transfer into its own subtree is refused.
    with pytest.raises(ValidationError):
        make("transfer", {"organizations": [world.a.grassroots.pk], "to": world.a.cells[1].pk})


def test_past_transfer_rewrites_later_history_of_descendants(world):
    """A decision recorded late: the descendants' later rows follow the new place, earlier ones keep the old."""
    grass = world.a.grassroots
    cell = world.a.cells[0]
    make("change", {"organization": cell.pk, "name": "Chi bộ đổi tên"}, on=dt.date(2024, 3, 1))
    make("establish", {"parent": world.a.org.pk, "code": "G3", "name": "Đảng bộ 3",
                       "org_type": "grassroots_committee"}, on=dt.date(2021, 1, 1))
    g3 = Organization.objects.get(code="G3")
    make("merge", {"sources": [grass.pk], "target": g3.pk}, on=dt.date(2022, 1, 1))
    cell = fresh(cell)
    old = OrganizationVersion.objects.as_of(dt.date(2021, 6, 1)).get(organization=cell)
    mid = OrganizationVersion.objects.as_of(dt.date(2023, 6, 1)).get(organization=cell)
    new = OrganizationVersion.objects.as_of(dt.date(2024, 6, 1)).get(organization=cell)
    assert old.path.startswith(fresh(grass).path)
    assert mid.path.startswith(g3.path) and mid.name != "Chi bộ đổi tên"
    assert new.path == cell.path and new.name == "Chi bộ đổi tên"
    assert_consistent()


def test_dissolve_only_when_empty_or_with_successor(world):
    c1, c2 = world.a.cells
    with pytest.raises(ValidationError):
        make("dissolve", {"organization": c1.pk})
    make("dissolve", {"organization": c1.pk, "move_to": c2.pk})
    assert not fresh(c1).is_active and fresh(c2).direct_members == 4
    assert services.links_of(c2)["predecessors"][0].kind == "dissolved"
    empty = make("establish", {"parent": world.a.grassroots.pk, "code": "E1", "name": "Chi bộ trống",
                               "org_type": "cell"})
    assert empty.state == "applied"
    e1 = Organization.objects.get(code="E1")
    r = make("dissolve", {"organization": e1.pk})
    assert fresh(e1).dissolved_on == D and r.state == "applied"
    assert_consistent()


def test_dissolving_a_granted_org_without_successor_reports_grants(world):
    e1 = make("establish", {"parent": world.a.grassroots.pk, "code": "E1", "name": "Chi bộ trống",
                            "org_type": "cell"}, on=dt.date(2024, 1, 1))
    assert e1.state == "applied"
    org = Organization.objects.get(code="E1")
    factories.user_with_role("e1_viewer", "viewer", org)
    r = make("dissolve", {"organization": org.pk})
    assert [g["user"] for g in r.summary["applied"]["review"]] == ["e1_viewer"]
    assert not RoleGrant.objects.active().filter(organization=org).exists()


def test_rename_and_change_type(world):
    g = world.a.grassroots
    make("change", {"organization": g.pk, "name": "Đảng bộ mới tên"})
    assert fresh(g).name == "Đảng bộ mới tên"
    assert OrganizationVersion.objects.as_of(BEFORE).get(organization=g).name != "Đảng bộ mới tên"
    with pytest.raises(ValidationError):
        make("change", {"organization": g.pk, "org_type": "cell"}, on=dt.date(2025, 8, 1))


def test_scheduled_then_applied_by_the_daily_job_or_cancelled(world):
    c1, c2 = world.a.cells
    r = make("merge", {"sources": [c1.pk], "target": c2.pk}, on=dt.date(2030, 1, 1))
    assert r.state == "scheduled" and fresh(c1).is_active
    other = make("change", {"organization": c2.pk, "name": "Chi bộ X"}, on=dt.date(2030, 1, 1))
    services.cancel_reorganization(SYSTEM, other)
    assert fresh(other).state == "cancelled"
    assert services.apply_due_reorganizations(SYSTEM, today=dt.date(2029, 12, 31)) == {"applied": [], "failed": []}
    call_command("apply_reorganizations", "--today", "2030-01-01", stdout=mock.MagicMock())
    assert fresh(r).state == "applied" and not fresh(c1).is_active
    assert fresh(c2).name != "Chi bộ X"
    with pytest.raises(ValidationError):
        services.cancel_reorganization(SYSTEM, fresh(r))
    assert_consistent()


def test_scheduled_that_became_invalid_is_marked_failed(world):
    c1, c2 = world.a.cells
    r = make("merge", {"sources": [c1.pk], "target": c2.pk}, on=dt.date(2030, 1, 1))
    make("dissolve", {"organization": c1.pk, "move_to": c2.pk}, on=dt.date(2029, 1, 1))
    result = services.apply_due_reorganizations(SYSTEM, today=dt.date(2030, 1, 2))
    assert result["failed"] == [r.pk] and fresh(r).state == "failed" and fresh(r).error


def test_failure_half_way_leaves_nothing(world):
    total = Organization.objects.get(pk=world.central.pk).subtree_members
    snapshot = list(Organization.objects.order_by("pk").values_list("pk", "path", "parent_id", "subtree_official"))
    versions = OrganizationVersion.objects.count()
    with mock.patch("reorg.services._dissolve", side_effect=RuntimeError("killed")), pytest.raises(RuntimeError):
        make("merge", {"sources": [world.a.org.pk, world.b.org.pk],
                       "new": {"parent": world.central.pk, "code": "T99", "name": "Mới", "org_type": "level1"}})
    assert list(Organization.objects.order_by("pk").values_list("pk", "path", "parent_id",
                                                                 "subtree_official")) == snapshot
    assert OrganizationVersion.objects.count() == versions
    assert not Reorganization.objects.exists()
    assert Organization.objects.get(pk=world.central.pk).subtree_members == total


def test_scope_a_secretary_cannot_touch_another_province(world):
    with pytest.raises(ValidationError):  # province B's organizations do not exist for A's secretary
        make("merge", {"sources": [world.a.cells[0].pk, world.b.cells[0].pk],
                       "new": {"parent": world.a.grassroots.pk, "code": "X", "name": "X", "org_type": "cell"}},
             actor=world.a_secretary)
    with pytest.raises(OutOfScope):  # a viewer sees the cell but may not change anything there
        make("establish", {"parent": world.a.cells[0].pk, "code": "X", "name": "X", "org_type": "cell"},
             actor=world.admin.__class__.objects.get(username="a_viewer"))
    r = make("merge", {"sources": [world.a.cells[0].pk], "target": world.a.cells[1].pk}, actor=world.a_secretary)
    assert r.scope_path == world.a.grassroots.path
    assert Reorganization.objects.restrict(world.a_secretary).filter(pk=r.pk).exists()
    assert not Reorganization.objects.restrict(world.b_secretary).filter(pk=r.pk).exists()


def test_access_follows_the_new_structure(world):
    """After A is merged into B, A's secretary's grant is on B (from the date): B's members are visible."""
    make("merge", {"sources": [world.a.org.pk], "target": world.b.org.pk}, on=dt.date(2026, 1, 1),
         today=dt.date(2026, 1, 1))
    user = world.a_secretary.__class__.objects.get(pk=world.a_secretary.pk)
    visible = set(Member.objects.restrict(user).values_list("pk", flat=True))
    assert {m.pk for m in world.b.members} <= visible


def test_scenario_242_is_reproducible_and_idempotent(world):
    from reorg.scenarios import BLOC_AGENCIES, BLOC_BUSINESS, NEW_COMMITTEE, run_scenario_242

    first = run_scenario_242()
    assert first["applied"]
    second = run_scenario_242()
    assert not second["applied"]
    central = fresh(world.central)
    names_2024 = {v["name"] for v in services.tree_as_of(central, dt.date(2024, 12, 31), max_depth=1, user=SYSTEM)}
    names_2025 = {v["name"] for v in services.tree_as_of(central, dt.date(2025, 2, 1), max_depth=1, user=SYSTEM)}
    assert BLOC_AGENCIES in names_2024 and BLOC_BUSINESS in names_2024 and NEW_COMMITTEE not in names_2024
    assert NEW_COMMITTEE in names_2025 and BLOC_AGENCIES not in names_2025
    new = Organization.objects.get(name=NEW_COMMITTEE)
    links = services.links_of(new)["predecessors"]
    assert {link.reorganization.decision for link in links} == {"242-QĐ/TW"}
    assert_consistent()


# --- UI and API ----------------------------------------------------------------------------------------------
def test_ui_guided_form_preview_then_confirm(world, client):
    client.force_login(world.a_secretary)
    url = reverse("reorg:create_merge")
    assert client.get(url).status_code == 200
    data = {"sources": [world.a.cells[0].code], "target": world.a.cells[1].code, "decision": "5-QĐ/ĐU",
            "effective_on": "2025-07-01", "decision_date": "2025-06-20"}
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nguyễn Văn Đức" in body or "Lê Minh An" in body  # the members that will move are listed
    assert not Reorganization.objects.exists()
    response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302
    r = Reorganization.objects.get()
    assert r.state == "applied"
    assert client.get(reverse("reorg:detail", kwargs={"pk": r.pk})).status_code == 200
    assert client.get(reverse("reorg:list")).status_code == 200
    page = client.get(reverse("reorg:as_of") + f"?organization={world.a.grassroots.code}&on=2025-06-30")
    assert page.status_code == 200 and world.a.cells[1].name in page.content.decode()


def test_ui_forms_for_every_kind_render(world, client):
    client.force_login(world.admin)
    for kind in ("establish", "merge", "split", "transfer", "dissolve", "change"):
        assert client.get(reverse(f"reorg:create_{kind}")).status_code == 200, kind


def test_ui_split_preview_and_apply(world, client):
    client.force_login(world.a_secretary)
    url = reverse("reorg:create_split")
    c1, c2 = world.a.cells
    data = {"source": world.a.grassroots.code, "rule": "list", "decision": "6-QĐ/ĐU", "effective_on": "2025-07-01",
            "part0-code": "P1", "part0-name": "Đảng bộ P1", "part0-org_type": "grassroots_committee",
            "part0-term": "2025-2030", "part0-children": c1.code,
            "part1-code": "P2", "part1-name": "Đảng bộ P2", "part1-org_type": "grassroots_committee",
            "part1-children": c2.code}
    response = client.post(url, data)
    assert response.status_code == 200 and "Đảng bộ P1" in response.content.decode()
    response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert fresh(c2).parent.code == "P2"
    assert Organization.objects.get(code="P1").term == "2025-2030"  # the form takes the new organizations' term


def test_ui_scheduled_can_be_cancelled(world, client):
    client.force_login(world.a_secretary)
    r = make("merge", {"sources": [world.a.cells[0].pk], "target": world.a.cells[1].pk}, on=dt.date(2099, 1, 1))
    assert client.post(reverse("reorg:cancel", kwargs={"pk": r.pk})).status_code == 302
    assert fresh(r).state == "cancelled"
    client.force_login(world.b_secretary)
    assert client.get(reverse("reorg:detail", kwargs={"pk": r.pk})).status_code == 404


def test_links_panel_on_the_organization_page(world, client):
    """reorg adds its predecessors/successors panel to the organization page through the registry."""
    make("merge", {"sources": [world.a.cells[0].pk], "target": world.a.cells[1].pk}, decision="77-QĐ/ĐU")
    client.force_login(world.a_secretary)
    html = client.get(reverse("orgs:detail", args=[world.a.cells[1].pk])).content.decode()
    assert "77-QĐ/ĐU" in html and world.a.cells[0].name in html
    assert 'id="members-heading"' in html


def test_api_preview_create_and_list(world, client):
    client.force_login(world.a_secretary)
    body = {"kind": "merge", "plan": {"sources": [world.a.cells[0].pk], "target": world.a.cells[1].pk},
            "decision": "8-QĐ/ĐU", "effective_on": "2025-07-01"}
    response = client.post("/api/reorganizations/preview/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["totals"]["members"] == 2
    assert not Reorganization.objects.exists()
    response = client.post("/api/reorganizations/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["state"] == "applied"
    assert client.get("/api/reorganizations/").json()["results"][0]["id"] == pk
    bad = {**body, "plan": {"sources": [world.b.cells[0].pk], "target": world.a.cells[1].pk}}
    response = client.post("/api/reorganizations/preview/", bad, content_type="application/json")
    assert response.status_code == 400 and "zeta" not in response.content.decode().lower()
    response = client.get(f"/api/reorganizations/as-of/?organization={world.a.grassroots.pk}&on=2025-06-30")
    assert response.status_code == 200 and response.json()["members"]["total"] == 4
    response = client.get(f"/api/reorganizations/as-of/?organization={world.b.org.pk}&on=2025-06-30")
    assert response.status_code == 404
    client.force_login(world.b_secretary)
    assert client.get(f"/api/reorganizations/{pk}/").status_code == 404


def test_api_schedule_and_cancel(world, client):
    client.force_login(world.a_secretary)
    body = {"kind": "change", "plan": {"organization": world.a.cells[0].pk, "name": "Chi bộ tương lai"},
            "decision": "9-QĐ/ĐU", "effective_on": "2099-01-01"}
    response = client.post("/api/reorganizations/", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["state"] == "scheduled"
    pk = response.json()["id"]
    assert client.post(f"/api/reorganizations/{pk}/cancel/").status_code == 200
    assert fresh(Reorganization.objects.get(pk=pk)).state == "cancelled"


def test_tree_and_org_page_show_pending_and_links(world, client):
    c1, c2 = world.a.cells
    r = make("merge", {"sources": [c1.pk], "target": c2.pk}, on=dt.date(2030, 1, 1))
    client.force_login(world.a_secretary)
    rows = client.get(reverse("orgs:children", args=[world.a.grassroots.pk])).content.decode()
    assert reverse("reorg:detail", args=[r.pk]) in rows  # the scheduled merge is marked on the tree
    services.apply_reorganization(SYSTEM, fresh(r), today=dt.date(2030, 1, 1))
    page = client.get(reverse("orgs:detail", args=[c2.pk])).content.decode()
    assert c1.name in page and "99-QĐ/TW" in page  # predecessor with its deciding document


def test_open_work_follows_a_moved_subtree(world):
    """Members, admission cases, transfer letters and targets carry no path of their own: they move with the org."""
    from django.utils import timezone

    from lifecycle import services as lifecycle
    from lifecycle.models import AdmissionCase, DevelopmentTarget, TransferLetter

    today = timezone.localdate()
    cell, other = world.a.cells[0], world.a.cells[1]
    birth = dt.date(2001, 3, 4)
    case = lifecycle.submit_application(world.a_secretary, cell=cell, applied_on=today, full_name="Lê Thị Mới",
                                        gender="F", birth_date=birth, citizen_id=factories.citizen_id(birth, "F"))
    member = Member.objects.filter(organization=cell, status="official").first()
    letter = lifecycle.issue_transfer_letter(world.a_secretary, member, to_org=other, number="07-GGT", issued_on=today)
    target = lifecycle.set_target(world.a_secretary, world.a.grassroots, year=today.year, target_count=3)
    make("transfer", {"organizations": [world.a.grassroots.pk], "to": world.b.org.pk}, on=today, today=today)
    for model, obj in ((Member, member), (AdmissionCase, case), (TransferLetter, letter), (DevelopmentTarget, target)):
        assert model.objects.restrict(world.b_secretary).filter(pk=obj.pk).exists(), model.__name__
        assert not model.objects.restrict(world.a_secretary).filter(pk=obj.pk).exists(), model.__name__
    assert TransferLetter.objects.incoming(world.b_secretary).filter(pk=letter.pk).exists()
    assert_consistent()


def test_moving_members_takes_the_same_queries_for_one_or_for_twenty(world):
    """No query per member: merging a cell costs the same with 1 member as with 20 (first merge rolled back)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    b1, b2 = world.b.cells

    class Undo(Exception):
        pass

    def merge_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            try:
                with transaction.atomic():
                    make("merge", {"sources": [b1.pk], "target": b2.pk})
                    raise Undo
            except Undo:
                pass
        return len(ctx.captured_queries)

    assert Member.objects.filter(organization=b1).count() == 1
    merge_queries()  # fills the per-process caches (content types) so both counts below are warm
    with_one = merge_queries()
    for i in range(19):
        factories.member(b1, f"Đỗ Văn Thêm {i}", birth=dt.date(1960 + i, 2, 3))
    assert Member.objects.filter(organization=b1).count() == 20
    assert merge_queries() == with_one


@pytest.mark.parametrize("language, arrow", [("vi", "\u2192"), ("ar", "\u2190")])
def test_audit_names_a_link_by_its_organizations_and_an_applied_reorganization_as_done(client, world, language,
                                                                                       arrow):
    c1, c2 = world.a.cells
    r = make("merge", {"sources": [c1.pk], "target": c2.pk})
    client.force_login(world.admin)
    client.cookies["django_language"] = language
    trail = client.get(reverse("audit:list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"{c1.name} {arrow} {c2.name}" in trail
    page = client.get(reverse("reorg:detail", kwargs={"pk": r.pk}), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'id="preview-heading">' in page
    with translation.override(language):
        assert translation.gettext("What was changed") in page
        assert translation.gettext("What will change") not in page
