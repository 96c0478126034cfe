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
