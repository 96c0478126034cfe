"""Committees through a reorganization (issue 13): the ending organization's terms close, its bodies end, its
holders leave their posts with the grants the posts gave; the preview lists the posts the successor must fill;
the successor's committee is appointed in one decision."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Role, RoleGrant
from accounts.services import grant_role
from cadres import services
from cadres.choices import BodyKind, HoldingEnd, Post, Selection, TermClosing, TermOpening
from cadres.models import Body, PostHolding, Term
from core.actions import SYSTEM
from orgs.services import establish_organization
from reorg.services import create_reorganization, preview
from tests import factories
from tests.test_cadres_services import account_for

pytestmark = pytest.mark.django_db

D2020 = dt.date(2020, 10, 15)
MERGED = dt.date(2025, 7, 1)
CELL = {BodyKind.EXECUTIVE_COMMITTEE: 2}


def cell_committee(world, cell, members):
    term = services.open_term(world.a_secretary, organization=cell, label="2020-2025", valid_from=D2020,
                              opened_by=TermOpening.CONGRESS, seats=CELL)
    ec = Body.objects.get(term=term)
    holdings = [services.record_holding(world.a_secretary, body=ec, member=m, post=p, valid_from=D2020,
                                        selection=Selection.ELECTED)
                for m, p in zip(members, (Post.SECRETARY, Post.DEPUTY_SECRETARY))]
    return term, holdings


def test_a_merger_closes_the_terms_and_ends_posts_and_their_grants(world):
    source, target = world.a.cells
    secretary = world.a.members[0]  # in cells[0]
    user = account_for(secretary, "cell_secretary")
    manual = grant_role(SYSTEM, user=user, role=Role.objects.get(code="viewer"), organization=source,
                        valid_from=D2020)
    term, (holding, deputy) = cell_committee(world, source, [secretary, world.a.members[2]])
    target_term, _ = cell_committee(world, target, [world.a.members[1]])
    plan = {"sources": [source.pk], "target": target.pk}

    described = preview(world.a_secretary, "merge", plan, effective_on=MERGED, decision="9-QĐ/ĐU")
    posts = [row for row in described["posts"] if row["kind"] == "post"]
    assert [(r["label"], r["member"], r["how"], r["to"]) for r in posts] == [
        (Post.SECRETARY, secretary.full_name, "to_fill", target.name),
        (Post.DEPUTY_SECRETARY, world.a.members[2].full_name, "to_fill", target.name)]
    assert {"kind": "term", "id": term.pk, "label": "2020-2025", "member": "", "from": source.name, "to": None,
            "how": "closes"} in described["posts"]
    assert described["posts_totals"] == {"terms": 1, "holdings": 2, "to_fill": 2}
    # The post's grant is not among the grants that move: it ends with the post.
    assert {g["id"] for g in described["grants"]} >= {manual.pk}
    assert holding.role_grant_id not in {g["id"] for g in described["grants"]}
    assert PostHolding.objects.filter(valid_to__isnull=True).count() == 3  # the preview wrote nothing

    reorg = create_reorganization(world.a_secretary, kind="merge", plan=plan, effective_on=MERGED,
                                  decision="9-QĐ/ĐU", decision_date=MERGED, today=dt.date(2026, 1, 1))
    term.refresh_from_db()
    assert (term.valid_to, term.closed_by, term.closing_decision) == (MERGED, TermClosing.REORGANIZED, "9-QĐ/ĐU")
    for h in (holding, deputy):
        h.refresh_from_db()
        assert (h.valid_to, h.end_reason) == (MERGED, HoldingEnd.REORGANIZED)
    assert set(Body.objects.filter(term=term).values_list("ended_on", "vacant")) == {(MERGED, False)}
    assert RoleGrant.objects.get(pk=holding.role_grant_id).valid_to == MERGED
    # Only the manual grant follows to the successor; the secretary's post does not make them the target's secretary.
    moved = RoleGrant.objects.filter(user=user, organization=target)
    assert list(moved.values_list("role__code", flat=True)) == ["viewer"]
    assert reorg.summary["applied"]["posts_totals"]["holdings"] == 2
    target_term.refresh_from_db()
    assert target_term.valid_to is None  # the successor's committee goes on

    # The committee above appoints the merged cell's committee: one decision.
    appointed = services.appoint_committee(
        world.a_secretary, organization=target, label="2025-2030", valid_from=MERGED, decision="10-QĐ/ĐU",
        decision_date=MERGED, seats=CELL,
        holdings=[(secretary, Post.SECRETARY, BodyKind.EXECUTIVE_COMMITTEE),
                  (world.a.members[1], Post.DEPUTY_SECRETARY, BodyKind.EXECUTIVE_COMMITTEE)])
    assert appointed.opened_by == TermOpening.APPOINTMENT
    target_term.refresh_from_db()
    assert (target_term.valid_to, target_term.closed_by) == (MERGED, TermClosing.NEXT_TERM)
    assert [(h.member, h.post) for h in services.composition(target, MERGED)] == [
        (secretary, Post.SECRETARY), (world.a.members[1], Post.DEPUTY_SECRETARY)]
    grant = RoleGrant.objects.get(user=user, organization=target, role__code="secretary")
    assert (grant.valid_from, grant.decision) == (MERGED, "10-QĐ/ĐU")


def test_a_dissolution_without_successor_closes_the_term_as_dissolved(world):
    empty = establish_organization(SYSTEM, parent=world.a.grassroots, code="T22.G1.C7", name="Chi bộ tạm",
                                   org_type="cell", effective_on=dt.date(2020, 1, 1))
    term = services.open_term(world.a_secretary, organization=empty, label="2020-2025", valid_from=D2020,
                              opened_by=TermOpening.CONGRESS, seats=CELL)
    plan = {"organization": empty.pk}
    described = preview(world.a_secretary, "dissolve", plan, effective_on=MERGED, decision="3-QĐ/ĐU")
    assert described["posts_totals"]["terms"] == 1
    create_reorganization(world.a_secretary, kind="dissolve", plan=plan, effective_on=MERGED, decision="3-QĐ/ĐU",
                          today=dt.date(2026, 1, 1))
    term.refresh_from_db()
    assert (term.valid_to, term.closed_by) == (MERGED, TermClosing.DISSOLVED)
    assert not services.vacant_bodies(world.a_secretary).filter(term=term).exists()


def test_a_split_closes_the_term_and_lists_the_posts(world):
    g = world.a.grassroots
    term = services.open_term(world.a_secretary, organization=g, label="2020-2025", valid_from=D2020,
                              opened_by=TermOpening.CONGRESS, seats={BodyKind.EXECUTIVE_COMMITTEE: 3})
    holding = services.record_holding(world.a_secretary, body=Body.objects.get(term=term),
                                      member=world.a.members[0], post=Post.SECRETARY, valid_from=D2020,
                                      selection=Selection.ELECTED)
    plan = {"source": g.pk, "rule": "rest_to_first", "parts": [
        {"new": {"code": "X1", "name": "Đảng bộ X1", "org_type": "grassroots_committee"}},
        {"new": {"code": "X2", "name": "Đảng bộ X2", "org_type": "grassroots_committee"}}]}
    create_reorganization(SYSTEM, kind="split", plan=plan, effective_on=MERGED, decision="2-QĐ",
                          today=dt.date(2026, 1, 1))
    term.refresh_from_db()
    holding.refresh_from_db()
    assert (term.valid_to, term.closed_by) == (MERGED, TermClosing.REORGANIZED)
    assert (holding.valid_to, holding.end_reason) == (MERGED, HoldingEnd.REORGANIZED)
    assert not Term.objects.filter(valid_to__isnull=True).exists()


def test_another_province_cannot_appoint_the_successor(world):
    from core.scope import OutOfScope

    with pytest.raises(OutOfScope):
        services.appoint_committee(world.b_secretary, organization=world.a.cells[1], label="2025-2030",
                                   valid_from=MERGED, decision="1-QĐ", decision_date=MERGED, seats=CELL,
                                   holdings=[])
    assert factories.PASSWORD and not Term.objects.exists()


def test_the_reorganization_page_lists_the_posts_to_fill(world, client):
    from django.urls import reverse

    source, target = world.a.cells
    cell_committee(world, source, [world.a.members[0]])
    client.force_login(world.a_secretary)
    data = {"sources": [source.code], "target": target.code, "decision": "5-QĐ/ĐU", "effective_on": "2025-07-01",
            "decision_date": "2025-06-20"}
    body = client.post(reverse("reorg:create_merge"), data).content.decode()
    assert "posts the successor must fill" in body
    assert "Secretary (Executive committee)" in body and "Term <bdi>" not in body
    assert "by the appointing decision" in body and "secretary</td>" not in body


# --- planning entries and rotations through a reorganization (h-cadplan2) ------------------------------------------
PLANNED = dt.date(2024, 3, 1)
LATER = dt.date(2026, 1, 1)


def _plan(world, org, member, post=Post.SECRETARY):
    from cadres import planning

    return planning.plan_member(SYSTEM, organization=org, term_label="2030-2035", reference_date=dt.date(2030, 6, 1),
                                member=member, post=post, theory_level="advanced", qualification="",
                                decision="1-QĐ", decision_date=PLANNED, valid_from=PLANNED)


def _rotate(world, member, from_org, to_org):
    from cadres import planning

    return planning.record_rotation(SYSTEM, member=member, from_org=from_org, to_org=to_org, position="Phó bí thư",
                                    valid_from=PLANNED, decision="2-QĐ")


def _audited(obj, field):
    from django.contrib.contenttypes.models import ContentType

    from audit.models import AuditRecord

    return AuditRecord.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
                                      changes__has_key=field).exists()


def test_a_merger_moves_planning_and_rotations_to_the_successor(world):
    from cadres import planning
    from cadres.models import PlanningEntry, Rotation

    source, target = world.a.cells
    entry = _plan(world, source, world.a.members[0])
    old = _plan(world, source, world.a.members[2], Post.DEPUTY_SECRETARY)
    planning.end_planning(SYSTEM, old, on=dt.date(2024, 6, 1), reason="removed")
    out = _rotate(world, world.a.members[2], source, world.a.grassroots)
    into = _rotate(world, world.a.members[1], target, source)  # both sides become the successor: it is over
    plan = {"sources": [source.pk], "target": target.pk}

    described = preview(world.a_secretary, "merge", plan, effective_on=MERGED, decision="9-QĐ/ĐU")
    rows = {(r["kind"], r["id"]): r for r in described["planning"]}
    assert set(rows) == {("planning", entry.pk), ("rotation_from", out.pk), ("rotation_to", into.pk)}
    assert rows["planning", entry.pk] == {"kind": "planning", "id": entry.pk, "label": Post.SECRETARY,
                                          "member": world.a.members[0].full_name, "from": source.name,
                                          "to": target.name, "how": "moves", "term": "2030-2035"}
    assert (rows["rotation_from", out.pk]["how"], rows["rotation_from", out.pk]["to"]) == ("moves", target.name)
    assert rows["rotation_to", into.pk]["how"] == "closes"
    assert described["planning_totals"] == {"planning": 1, "rotations": 2, "planning_decide": 0}
    # The preview wrote nothing.
    assert PlanningEntry.objects.filter(organization=source, valid_to__isnull=True).count() == 1
    assert Rotation.objects.filter(valid_to__isnull=True).count() == 2

    reorg = create_reorganization(world.a_secretary, kind="merge", plan=plan, effective_on=MERGED,
                                  decision="9-QĐ/ĐU", decision_date=MERGED, today=LATER)
    for obj in (entry, old, out, into):
        obj.refresh_from_db()
    assert (entry.organization_id, entry.valid_to) == (target.pk, None)
    assert _audited(entry, "organization_id")
    assert (old.organization_id, old.end_reason) == (source.pk, "removed")  # history stays where it was
    assert (out.from_org_id, out.to_org_id, out.valid_to) == (target.pk, world.a.grassroots.pk, None)
    assert (into.from_org_id, into.to_org_id, into.valid_to) == (target.pk, source.pk, MERGED)
    assert _audited(out, "from_org_id") and _audited(into, "valid_to")
    assert reorg.summary["applied"]["planning_totals"]["planning"] == 1


def test_a_split_moves_planning_with_its_member_or_leaves_it_for_review(world):
    from cadres.models import PlanningEntry

    g = world.a.grassroots
    c0, c1 = world.a.cells
    stays_home = world.a.members[0]  # in c0, which goes to the second successor
    entry = _plan(world, g, stays_home)
    other = _plan(world, g, world.a.members[1], Post.DEPUTY_SECRETARY)  # in c1: the first successor
    rotation = _rotate(world, world.a.members[2], world.a.org, g)  # rotated into the ending committee
    plan = {"source": g.pk, "rule": "list", "parts": [
        {"new": {"code": "X1", "name": "Đảng bộ X1", "org_type": "grassroots_committee"}, "children": [c1.pk]},
        {"new": {"code": "X2", "name": "Đảng bộ X2", "org_type": "grassroots_committee"}, "children": [c0.pk]}]}
    described = preview(world.a_secretary, "split", plan, effective_on=MERGED, decision="2-QĐ")
    hows = {(r["kind"], r["id"]): r["how"] for r in described["planning"]}
    assert hows == {("planning", entry.pk): "follows_member", ("planning", other.pk): "follows_member",
                    ("rotation_to", rotation.pk): "first_successor"}
    assert PlanningEntry.objects.filter(organization=g).count() == 2  # nothing written

    create_reorganization(world.a_secretary, kind="split", plan=plan, effective_on=MERGED, decision="2-QĐ",
                          today=LATER)
    x1, x2 = (type(g).objects.get(code=code) for code in ("X1", "X2"))
    for obj in (entry, other, rotation):
        obj.refresh_from_db()
    assert (entry.organization_id, other.organization_id) == (x2.pk, x1.pk)
    assert entry.valid_to is None and other.valid_to is None
    assert (rotation.to_org_id, rotation.valid_to) == (x1.pk, None)  # the first successor, listed to check


def test_a_split_leaves_the_planning_of_a_member_from_elsewhere_for_review(world):
    g = world.a.grassroots
    c0, c1 = world.a.cells
    entry = _plan(world, world.a.org, world.a.members[0])
    # planned by the grassroots committee, the member then moved up out of it: the entry cannot follow anyone
    entry_g = _plan(world, g, world.a.members[1])
    from core.actions import acting

    with acting(SYSTEM, "test.setup"):
        type(world.a.members[1]).objects.filter(pk=world.a.members[1].pk).update(organization=world.a.org)
    plan = {"source": g.pk, "rule": "list", "parts": [
        {"new": {"code": "X1", "name": "Đảng bộ X1", "org_type": "grassroots_committee"}, "children": [c0.pk]},
        {"new": {"code": "X2", "name": "Đảng bộ X2", "org_type": "grassroots_committee"}, "children": [c1.pk]}]}
    described = preview(world.a_secretary, "split", plan, effective_on=MERGED, decision="2-QĐ")
    assert [(r["id"], r["how"]) for r in described["planning"]] == [(entry_g.pk, "review")]
    assert described["planning_totals"]["planning_decide"] == 1
    create_reorganization(world.a_secretary, kind="split", plan=plan, effective_on=MERGED, decision="2-QĐ",
                          today=LATER)
    entry_g.refresh_from_db()
    entry.refresh_from_db()
    assert (entry_g.organization_id, entry_g.valid_to) == (g.pk, None)  # left where it was, for a decision
    assert entry.organization_id == world.a.org.pk


def test_a_dissolution_without_successor_ends_the_planning(world):
    from cadres.models import PlanningEntry

    empty = establish_organization(SYSTEM, parent=world.a.grassroots, code="T22.G1.C7", name="Chi bộ tạm",
                                   org_type="cell", effective_on=dt.date(2020, 1, 1))
    from core.actions import acting

    member = world.a.members[0]
    with acting(SYSTEM, "test.setup"):  # entries recorded as they stand, without the form's checks
        entry = PlanningEntry.objects.create(organization=empty, term_label="2030-2035", reference_date=LATER,
                                             member=member, post=Post.SECRETARY, valid_from=PLANNED)
        later = PlanningEntry.objects.create(organization=empty, term_label="2030-2035", reference_date=LATER,
                                             member=world.a.members[2], post=Post.DEPUTY_SECRETARY,
                                             valid_from=dt.date(2025, 9, 1))
    rotation = _rotate(world, world.a.members[2], world.a.cells[0], empty)
    plan = {"organization": empty.pk}
    described = preview(world.a_secretary, "dissolve", plan, effective_on=MERGED, decision="3-QĐ/ĐU")
    assert {(r["kind"], r["how"], r["to"]) for r in described["planning"]} == {
        ("planning", "ends", None), ("rotation_to", "ends", None)}
    assert PlanningEntry.objects.filter(valid_to__isnull=True).count() == 2
    create_reorganization(world.a_secretary, kind="dissolve", plan=plan, effective_on=MERGED, decision="3-QĐ/ĐU",
                          today=LATER)
    for obj in (entry, later, rotation):
        obj.refresh_from_db()
    assert (entry.valid_to, entry.end_reason, entry.end_decision) == (MERGED, "term_ended", "3-QĐ/ĐU")
    assert (later.valid_to, later.end_reason) == (later.valid_from, "term_ended")  # begun after: no day
    assert rotation.valid_to == MERGED
    assert _audited(entry, "valid_to")


def test_the_reorganization_page_lists_the_planning_that_moves(world, client):
    from django.urls import reverse

    source, target = world.a.cells
    _plan(world, source, world.a.members[0])
    client.force_login(world.a_secretary)
    data = {"sources": [source.code], "target": target.code, "decision": "5-QĐ/ĐU", "effective_on": "2025-07-01",
            "decision_date": "2025-06-20"}
    body = client.post(reverse("reorg:create_merge"), data).content.decode()
    assert "Cadre planning and rotations" in body
    assert "Planned for Secretary 2030-2035" in body and "moves to" in body


def test_a_subtree_transferred_to_another_province_leaves_its_posts_in_the_old_committees(world):
    """A cell moved to province B by a reorganization: its members' posts in province A's committee and in the
    grassroots committee it left end (moved) with their grants; the posts in the cell itself and the Central
    Committee's above both go on."""
    cell = world.a.cells[0]
    moving, staying = world.a.members[0], world.a.members[1]  # cells[0] and cells[1]
    user = account_for(moving, "moving_secretary")
    province = services.open_term(world.a_secretary, organization=world.a.org, label="2020-2025", valid_from=D2020,
                                  opened_by=TermOpening.CONGRESS, seats={BodyKind.EXECUTIVE_COMMITTEE: 5})
    grass = services.open_term(world.a_secretary, organization=world.a.grassroots, label="2020-2025",
                               valid_from=D2020, opened_by=TermOpening.CONGRESS,
                               seats={BodyKind.EXECUTIVE_COMMITTEE: 5})
    up = services.record_holding(world.a_secretary, body=Body.objects.get(term=province), member=moving,
                                 post=Post.COMMITTEE_MEMBER, valid_from=D2020, selection=Selection.ELECTED)
    middle = services.record_holding(world.a_secretary, body=Body.objects.get(term=grass), member=moving,
                                     post=Post.SECRETARY, valid_from=D2020, selection=Selection.ELECTED)
    other = services.record_holding(world.a_secretary, body=Body.objects.get(term=grass), member=staying,
                                    post=Post.DEPUTY_SECRETARY, valid_from=D2020, selection=Selection.ELECTED)
    _term, (own,) = cell_committee(world, cell, [moving])
    assert middle.role_grant is not None and middle.role_grant.user == user
    on = dt.date(2025, 3, 1)
    reorg = create_reorganization(SYSTEM, kind="transfer", plan={"organizations": [cell.pk],
                                                                 "to": world.b.grassroots.pk},
                                  effective_on=on, decision="4-QĐ/TW", today=dt.date(2026, 1, 1))
    for h in (up, middle, other, own):
        h.refresh_from_db()
    assert (up.valid_to, up.end_reason, up.end_decision) == (on, HoldingEnd.MOVED, "4-QĐ/TW")
    assert (middle.valid_to, middle.end_reason) == (on, HoldingEnd.MOVED)
    assert RoleGrant.objects.get(pk=middle.role_grant_id).valid_to == on
    assert other.valid_to is None and own.valid_to is None  # not moved / moved with the cell
    assert reorg.summary["applied"]["posts_moved_away"] == 2
    grass_ec = Body.objects.get(term=grass)
    assert (grass_ec.filled, grass_ec.head_filled, grass_ec.vacant) == (1, False, True)


def test_members_merged_into_a_cell_of_another_committee_leave_their_posts_above_the_old_cell(world):
    """A cell of one grassroots committee merged into a cell of another: its members now stand under the other
    committee, so their posts in the first end (moved); their posts in the province above both go on and the
    merged cell's own posts end with its term (reorganized)."""
    g2 = establish_organization(SYSTEM, parent=world.a.org, code="T22.G2", name="Đảng bộ phường Hai",
                                org_type="grassroots_committee", effective_on=dt.date(2020, 1, 1))
    receiving = establish_organization(SYSTEM, parent=g2, code="T22.G2.C1", name="Chi bộ khu Một",
                                       org_type="cell", effective_on=dt.date(2020, 1, 1))
    source = world.a.cells[0]
    member = world.a.members[0]  # in cells[0]
    province = services.open_term(world.a_secretary, organization=world.a.org, label="2020-2025", valid_from=D2020,
                                  opened_by=TermOpening.CONGRESS, seats={BodyKind.EXECUTIVE_COMMITTEE: 5})
    grass = services.open_term(world.a_secretary, organization=world.a.grassroots, label="2020-2025",
                               valid_from=D2020, opened_by=TermOpening.CONGRESS,
                               seats={BodyKind.EXECUTIVE_COMMITTEE: 5})
    up = services.record_holding(world.a_secretary, body=Body.objects.get(term=province), member=member,
                                 post=Post.COMMITTEE_MEMBER, valid_from=D2020, selection=Selection.ELECTED)
    middle = services.record_holding(world.a_secretary, body=Body.objects.get(term=grass), member=member,
                                     post=Post.DEPUTY_SECRETARY, valid_from=D2020, selection=Selection.ELECTED)
    _term, (own,) = cell_committee(world, source, [member])
    create_reorganization(world.a_secretary, kind="merge", plan={"sources": [source.pk], "target": receiving.pk},
                          effective_on=MERGED, decision="6-QĐ/TU", today=dt.date(2026, 1, 1))
    for h in (up, middle, own):
        h.refresh_from_db()
    assert up.valid_to is None
    assert (middle.valid_to, middle.end_reason, middle.end_decision) == (MERGED, HoldingEnd.MOVED, "6-QĐ/TU")
    assert (own.valid_to, own.end_reason) == (MERGED, HoldingEnd.REORGANIZED)
