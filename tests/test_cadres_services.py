"""Committee services (issue 13): terms, bodies and posts as dated history; size rules of the date, named in the
refusal; access follows posts; member events end posts; scope and audit as for every action."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import RoleGrant, User
from accounts.services import create_user, link_member
from audit.models import AuditRecord
from cadres import services
from cadres.choices import BodyKind, HoldingEnd, Post, Selection, TermClosing, TermOpening
from cadres.models import Body, PostHolding, Term
from core.actions import SYSTEM
from core.registry import MEMBER_LEFT, member_event, register_member_listener, registry
from core.scope import NotPermitted, OutOfScope
from core.services import StateConflict
from lifecycle import services as lifecycle
from members.models import Member
from orgs.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

D2020 = dt.date(2020, 10, 15)
D2025 = dt.date(2025, 10, 15)
SEATS = {BodyKind.EXECUTIVE_COMMITTEE: 5, BodyKind.STANDING_COMMITTEE: 3, BodyKind.INSPECTION_COMMISSION: 3}


def messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


def grass_term(world, on=D2020, label="2020-2025", seats=None, actor=None) -> Term:
    return services.open_term(actor or world.a_secretary, organization=world.a.grassroots, label=label,
                              valid_from=on, opened_by=TermOpening.CONGRESS, seats=seats or SEATS,
                              decision="01-NQ/ĐH")


def body(term: Term, kind=BodyKind.EXECUTIVE_COMMITTEE) -> Body:
    return Body.objects.get(term=term, kind=kind)


def hold(world, b: Body, member, post=Post.COMMITTEE_MEMBER, on=D2020, actor=None, selection=Selection.ELECTED):
    return services.record_holding(actor or world.a_secretary, body=b, member=member, post=post, valid_from=on,
                                   selection=selection, decision="01-NQ/ĐH")


def account_for(member: Member, username: str) -> User:
    """An account of the member, linked by its action."""
    user = create_user(SYSTEM, username=username, password=factories.PASSWORD, organization=member.organization)
    return link_member(SYSTEM, user, member)


# --- terms -------------------------------------------------------------------------------------------------------


def test_open_term_creates_bodies_and_keeps_the_organizations_term(world):
    term = grass_term(world)
    assert term.planned_end == dt.date(2025, 10, 15) and term.reference_date == D2020
    kinds = dict(Body.objects.filter(term=term).values_list("kind", "seats"))
    assert kinds == {"executive_committee": 5, "standing_committee": 3, "inspection_commission": 3}
    assert all(b.vacant and b.filled == 0 for b in Body.objects.filter(term=term))
    assert Organization.objects.get(pk=world.a.grassroots.pk).term == "2020-2025"
    assert AuditRecord.objects.filter(action="cadres.open_term", object_repr="2020-2025").exists()


def test_the_next_term_closes_the_open_one_with_its_bodies_holdings_and_grants(world):
    first = grass_term(world)
    member = world.a.members[0]
    user = account_for(member, "secretary_one")
    holding = hold(world, body(first), member, Post.SECRETARY)
    assert holding.role_grant is not None and holding.role_grant.user == user
    second = grass_term(world, on=D2025, label="2025-2030")
    first.refresh_from_db()
    holding.refresh_from_db()
    assert (first.valid_to, first.closed_by) == (D2025, TermClosing.NEXT_TERM)
    assert (holding.valid_to, holding.end_reason) == (D2025, HoldingEnd.TERM_ENDED)
    assert RoleGrant.objects.get(pk=holding.role_grant_id).valid_to == D2025
    assert set(Body.objects.filter(term=first).values_list("ended_on", flat=True)) == {D2025}
    assert Term.objects.get(organization=world.a.grassroots, valid_to__isnull=True) == second
    assert Organization.objects.get(pk=world.a.grassroots.pk).term == "2025-2030"


def test_a_term_not_after_the_last_one_is_refused(world):
    grass_term(world, on=D2025, label="2025-2030")
    with pytest.raises(ValidationError) as exc:
        grass_term(world)
    assert "2025-2030" in messages(exc)


def test_seats_above_the_ceiling_are_refused_naming_the_directive_of_the_date(world):
    with pytest.raises(ValidationError) as exc:
        grass_term(world, seats={BodyKind.EXECUTIVE_COMMITTEE: 16, BodyKind.INSPECTION_COMMISSION: 6})
    text = messages(exc)
    assert "at most 15" in text and "35-CT/TW" in text and "at most 5" in text
    assert not Term.objects.exists()
    with pytest.raises(ValidationError) as exc:
        grass_term(world, on=D2025, label="2025-2030", seats={BodyKind.EXECUTIVE_COMMITTEE: 16})
    assert "45-CT/TW" in messages(exc)


def test_a_small_cell_elects_only_a_secretary_and_a_deputy(world):
    cell = world.a.cells[0]
    with pytest.raises(ValidationError) as exc:
        services.open_term(world.a_secretary, organization=cell, label="2020-2025", valid_from=D2020,
                           opened_by=TermOpening.CONGRESS, seats={BodyKind.EXECUTIVE_COMMITTEE: 3})
    assert "fewer than 9" in messages(exc) and "Statute" in messages(exc)
    term = services.open_term(world.a_secretary, organization=cell, label="2020-2025", valid_from=D2020,
                              opened_by=TermOpening.CONGRESS, seats={BodyKind.EXECUTIVE_COMMITTEE: 2})
    assert list(term.bodies.values_list("kind", flat=True)) == ["executive_committee"]


@pytest.mark.parametrize("changes, field", [
    ({"label": "2020/25"}, "label"),
    ({"label": "2020-2031"}, "label"),
    ({"label": "2026-2030"}, "label"),
    ({"valid_from": dt.date(2199, 1, 1)}, "valid_from"),
    ({"seats": {"executive_committee": -1}}, "executive_committee"),
    ({"seats": {"politburo": 3}}, "seats"),
    ({"seats": {"inspection_commission": 3}}, "executive_committee"),
    ({"opened_by": "coup"}, "opened_by"),
    ({"seats": {"executive_committee": 5, "standing_committee": 5}}, "standing_committee"),
])
def test_every_check_of_a_term_refuses_with_a_message(world, changes, field):
    kwargs = {"organization": world.a.grassroots, "label": "2020-2025", "valid_from": D2020,
              "opened_by": TermOpening.CONGRESS, "seats": SEATS, **changes}
    with pytest.raises(ValidationError) as exc:
        services.open_term(world.a_secretary, **kwargs)
    assert field in exc.value.message_dict and all(exc.value.message_dict[field])
    assert not Term.objects.exists()


def test_an_appointed_term_needs_the_committee_above_and_a_decision(world):
    cell = world.a.cells[0]
    cell_secretary = factories.user_with_role("cellsec", "secretary", cell)
    kwargs = {"organization": cell, "label": "2025-2030", "valid_from": D2025, "decision_date": D2025,
              "opened_by": TermOpening.APPOINTMENT, "seats": {BodyKind.EXECUTIVE_COMMITTEE: 2}}
    with pytest.raises(NotPermitted):
        services.open_term(cell_secretary, decision="5-QĐ", **kwargs)
    with pytest.raises(ValidationError) as exc:
        services.open_term(world.a_secretary, **kwargs)
    assert "decision" in exc.value.message_dict
    assert services.open_term(world.a_secretary, decision="5-QĐ/ĐU", **kwargs).opened_by == "appointment"


def test_scope_another_province_gets_nothing(world):
    with pytest.raises(OutOfScope):
        grass_term(world, actor=world.b_secretary)
    term = grass_term(world)
    with pytest.raises(OutOfScope):
        hold(world, body(term), world.a.members[0], actor=world.b_secretary)
    with pytest.raises(OutOfScope):  # a viewer of a cell does not see the committee above it
        hold(world, body(term), world.a.members[0], actor=world.a_viewer)
    viewer = factories.user_with_role("grass_viewer", "viewer", world.a.grassroots)
    with pytest.raises(NotPermitted):  # a viewer sees the committee but records nothing
        hold(world, body(term), world.a.members[0], actor=viewer)
    holding = hold(world, body(term), world.a.members[0])
    with pytest.raises(OutOfScope):
        services.end_holding(world.b_secretary, holding, on=D2025, reason=HoldingEnd.MOVED)
    with pytest.raises(OutOfScope):
        services.close_term(world.b_secretary, term, on=D2025, closed_by=TermClosing.DISSOLVED)
    assert not services.vacant_bodies(world.b_secretary).exists()
    assert not services.terms_ending(world.b_secretary, dt.date(2100, 1, 1)).exists()
    assert services.vacant_bodies(world.a_secretary).count() == 3
    assert list(services.terms_ending(world.a_secretary, dt.date(2026, 1, 1), root=world.a.org)) == [term]
    assert not services.terms_ending(world.a_secretary, dt.date(2025, 1, 1)).exists()


# --- posts -------------------------------------------------------------------------------------------------------


def test_every_check_of_a_holding_refuses_with_a_message(world):
    term = grass_term(world, seats={BodyKind.EXECUTIVE_COMMITTEE: 3, BodyKind.INSPECTION_COMMISSION: 3})
    ec = body(term)
    a0, a1, a2, a3 = world.a.members
    hold(world, ec, a0, Post.SECRETARY)
    cases = [
        (dict(member=a1, post=Post.SECRETARY), "already has its Secretary (Nguyễn Văn Đức)"),
        (dict(member=a0, post=Post.COMMITTEE_MEMBER), "already holds a post"),
        (dict(member=a1, post=Post.IC_CHAIR), "has no post"),
        (dict(member=world.b.members[0], post=Post.COMMITTEE_MEMBER), "Choose a party member"),
        (dict(member=a1, post=Post.COMMITTEE_MEMBER, on=dt.date(2019, 1, 1)), "is not open on"),
        (dict(member=a1, post=Post.COMMITTEE_MEMBER, selection="bribed"), "how the holder was chosen"),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ValidationError) as exc:
            hold(world, ec, **kwargs)
        assert expected in messages(exc), kwargs
    hold(world, ec, a1, Post.DEPUTY_SECRETARY)
    hold(world, ec, a2, Post.DEPUTY_SECRETARY)  # two deputies at the grassroots level
    with pytest.raises(ValidationError) as exc:
        hold(world, ec, a3, Post.COMMITTEE_MEMBER)
    assert "All 3 seats" in messages(exc)
    assert PostHolding.objects.count() == 3


def test_deputy_secretaries_above_the_ceiling_are_refused_naming_the_directive(world):
    term = grass_term(world)
    ec = body(term)
    a0, a1, a2, _a3 = world.a.members
    hold(world, ec, a0, Post.DEPUTY_SECRETARY)
    hold(world, ec, a1, Post.DEPUTY_SECRETARY)
    with pytest.raises(ValidationError) as exc:
        hold(world, ec, a2, Post.DEPUTY_SECRETARY)
    assert "at most 2 deputy secretaries" in messages(exc) and "35-CT/TW" in messages(exc)


def test_an_inactive_member_or_one_outside_the_organization_is_refused(world):
    term = grass_term(world)
    member = world.a.members[0]
    lifecycle.record_leaving(world.a_secretary, member, kind="voluntary", on=dt.date(2020, 1, 5), decision="3-QĐ")
    with pytest.raises(ValidationError) as exc:
        hold(world, body(term), member)
    assert "no longer on the active register" in messages(exc)
    cell_term = services.open_term(world.a_secretary, organization=world.a.cells[0], label="2020-2025",
                                   valid_from=D2020, opened_by=TermOpening.CONGRESS,
                                   seats={BodyKind.EXECUTIVE_COMMITTEE: 2})
    with pytest.raises(ValidationError) as exc:
        hold(world, body(cell_term), world.a.members[1])  # a member of the other cell
    assert "is not a member of" in messages(exc)


def test_counters_follow_the_holdings(world):
    term = grass_term(world, seats={BodyKind.EXECUTIVE_COMMITTEE: 2})
    ec = body(term)
    first = hold(world, ec, world.a.members[1])
    ec.refresh_from_db()
    assert (ec.filled, ec.head_filled, ec.vacant) == (1, False, True)
    hold(world, ec, world.a.members[0], Post.SECRETARY)
    ec.refresh_from_db()
    assert (ec.filled, ec.head_filled, ec.vacant, ec.open_seats) == (2, True, False, 0)
    assert not services.vacant_bodies(world.a_secretary).exists()
    services.end_holding(world.a_secretary, first, on=dt.date(2022, 3, 1), reason=HoldingEnd.MOVED)
    ec.refresh_from_db()
    assert (ec.filled, ec.vacant) == (1, True)
    assert list(services.vacant_bodies(world.a_secretary, root=world.a.grassroots)) == [ec]


def test_composition_as_of_any_date(world):
    term = grass_term(world)
    ec = body(term)
    a0, a1, a2, _a3 = world.a.members
    member_holding = hold(world, ec, a1)
    hold(world, ec, a0, Post.SECRETARY)
    services.end_holding(world.a_secretary, member_holding, on=dt.date(2022, 3, 1), reason=HoldingEnd.RESIGNED)
    hold(world, ec, a2, Post.DEPUTY_SECRETARY, on=dt.date(2023, 1, 1))
    org = world.a.grassroots
    assert [(h.member, h.post) for h in services.composition(org, dt.date(2021, 1, 1))] == [
        (a0, Post.SECRETARY), (a1, Post.COMMITTEE_MEMBER)]
    assert [(h.member, h.post) for h in services.composition(org, dt.date(2022, 3, 1))] == [(a0, Post.SECRETARY)]
    assert [(h.member, h.post) for h in services.composition(org)] == [
        (a0, Post.SECRETARY), (a2, Post.DEPUTY_SECRETARY)]
    assert services.composition(org, dt.date(2019, 1, 1)) == []


def test_end_holding_checks_and_ends_once(world):
    term = grass_term(world)
    holding = hold(world, body(term), world.a.members[0])
    with pytest.raises(ValidationError) as exc:
        services.end_holding(world.a_secretary, holding, on=dt.date(2019, 1, 1), reason="bored")
    assert {"on", "reason"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        services.end_holding(world.a_secretary, holding, on=D2025, reason=HoldingEnd.DISMISSED)
    assert "decision" in exc.value.message_dict  # a dismissal is a decision
    services.end_holding(world.a_secretary, holding, on=D2025, reason=HoldingEnd.RETIRED)
    with pytest.raises(StateConflict):
        services.end_holding(world.a_secretary, holding, on=D2025, reason=HoldingEnd.RETIRED)
    assert AuditRecord.objects.filter(action="cadres.end_holding", event="update").exists()


# --- access follows posts ------------------------------------------------------------------------------------------


def test_a_post_grants_its_role_and_ending_it_ends_the_grant(world):
    term = grass_term(world)
    member = world.a.members[2]
    user = account_for(member, "the_chair")
    holding = hold(world, body(term, BodyKind.INSPECTION_COMMISSION), member, Post.IC_CHAIR)
    grant = RoleGrant.objects.get(pk=holding.role_grant_id)
    assert (grant.user, grant.role.code, grant.organization, grant.valid_from, grant.decision) == (
        user, "inspection_officer", world.a.grassroots, D2020, "01-NQ/ĐH")
    assert AuditRecord.objects.filter(action="cadres.record_holding", object_id=str(grant.pk),
                                      content_type__model="rolegrant").exists()
    plain = hold(world, body(term), world.a.members[3])  # a committee member: no role
    assert plain.role_grant is None
    services.end_holding(world.a_secretary, holding, on=dt.date(2023, 5, 5), reason=HoldingEnd.MOVED)
    grant.refresh_from_db()
    assert grant.valid_to == dt.date(2023, 5, 5)
    assert AuditRecord.objects.filter(action="cadres.end_holding", object_id=str(grant.pk),
                                      content_type__model="rolegrant").exists()


def test_a_clerk_recording_a_post_needs_no_right_to_grant_roles(world):
    clerk = factories.user_with_role("clerk", "office_clerk", world.a.grassroots)
    term = services.open_term(clerk, organization=world.a.grassroots, label="2020-2025", valid_from=D2020,
                              opened_by=TermOpening.CONGRESS, seats=SEATS)
    member = world.a.members[0]
    account_for(member, "new_secretary")
    holding = hold(world, body(term), member, Post.SECRETARY, actor=clerk)
    assert holding.role_grant.role.code == "secretary"


# --- member events ---------------------------------------------------------------------------------------------


def test_death_ends_the_posts_and_their_grants(world):
    term = grass_term(world)
    member = world.a.members[0]
    account_for(member, "late_secretary")
    holding = hold(world, body(term), member, Post.SECRETARY)
    lifecycle.record_leaving(world.a_secretary, member, kind="death", on=dt.date(2024, 2, 2), decision="9-QĐ")
    holding.refresh_from_db()
    assert (holding.valid_to, holding.end_reason, holding.end_decision) == (
        dt.date(2024, 2, 2), HoldingEnd.DECEASED, "9-QĐ")
    assert RoleGrant.objects.get(pk=holding.role_grant_id).valid_to == dt.date(2024, 2, 2)
    ec = body(term)
    assert (ec.filled, ec.head_filled, ec.vacant) == (0, False, True)
    assert AuditRecord.objects.filter(action="lifecycle.record_leaving", content_type__model="postholding").exists()


@pytest.mark.parametrize("kind, reason", [("voluntary", HoldingEnd.RESIGNED), ("expulsion", HoldingEnd.DISMISSED),
                                          ("removal", HoldingEnd.DISMISSED)])
def test_leaving_the_party_ends_the_posts(world, kind, reason):
    term = grass_term(world)
    holding = hold(world, body(term), world.a.members[1])
    lifecycle.record_leaving(world.a_secretary, world.a.members[1], kind=kind, on=dt.date(2024, 2, 2),
                             decision="9-QĐ")
    holding.refresh_from_db()
    assert (holding.valid_to, holding.end_reason) == (dt.date(2024, 2, 2), reason)


def test_moving_out_of_the_subtree_ends_the_posts_there_only(world):
    province = services.open_term(world.a_secretary, organization=world.a.org, label="2020-2025",
                                  valid_from=D2020, opened_by=TermOpening.CONGRESS,
                                  seats={BodyKind.EXECUTIVE_COMMITTEE: 5})
    cell_term = services.open_term(world.a_secretary, organization=world.a.cells[0], label="2020-2025",
                                   valid_from=D2020, opened_by=TermOpening.CONGRESS,
                                   seats={BodyKind.EXECUTIVE_COMMITTEE: 2})
    member = world.a.members[0]
    up = hold(world, body(province), member)
    down = hold(world, body(cell_term), member, Post.SECRETARY)
    on = dt.date(2024, 6, 1)
    letter = lifecycle.issue_transfer_letter(world.a_secretary, member, to_org=world.a.cells[1], number="7-GGT",
                                             issued_on=on)
    lifecycle.confirm_receipt(world.a_secretary, letter, received_on=on)
    up.refresh_from_db()
    down.refresh_from_db()
    assert up.valid_to is None  # still in the province
    assert (down.valid_to, down.end_reason, down.end_decision) == (on, HoldingEnd.MOVED, "7-GGT")


def test_listeners_are_generic_and_several_per_event(world):
    seen = []
    saved = {k: list(v) for k, v in registry.member_listeners.items()}
    try:
        register_member_listener(MEMBER_LEFT, lambda m, on, **kw: seen.append(("one", m.pk, on, kw["status"])))
        register_member_listener(MEMBER_LEFT, lambda m, on, **kw: seen.append(("two", m.pk)))
        member = world.a.members[3]
        lifecycle.record_leaving(world.a_secretary, member, kind="voluntary", on=dt.date(2024, 1, 1),
                                 decision="1-QĐ")
        assert seen == [("one", member.pk, dt.date(2024, 1, 1), "left"), ("two", member.pk)]
        with pytest.raises(ValueError):
            member_event("promoted", member, dt.date(2024, 1, 1))
    finally:
        registry.member_listeners.clear()
        registry.member_listeners.update(saved)


# --- appointing a committee --------------------------------------------------------------------------------------


def test_appoint_committee_is_one_decision_all_or_nothing(world):
    a0, a1, a2, a3 = world.a.members
    on = dt.date(2025, 7, 1)
    grass_term(world)
    bad = [(a0, Post.SECRETARY, BodyKind.EXECUTIVE_COMMITTEE), (a1, Post.SECRETARY, BodyKind.EXECUTIVE_COMMITTEE),
           (world.b.members[0], Post.COMMITTEE_MEMBER, BodyKind.EXECUTIVE_COMMITTEE),
           (a2, Post.IC_CHAIR, BodyKind.STANDING_COMMITTEE)]
    with pytest.raises(ValidationError) as exc:
        services.appoint_committee(world.a_secretary, organization=world.a.grassroots, label="2025-2030",
                                   valid_from=on, decision="12-QĐ/TU", decision_date=on, seats=SEATS, holdings=bad)
    errors = exc.value.message_dict["holdings"]
    assert len(errors) == 3 and "Line 2" in errors[0] and "Line 3" in errors[1] and "Line 4" in errors[2]
    assert Term.objects.count() == 1 and PostHolding.objects.count() == 0  # nothing written
    good = [(a0, Post.SECRETARY, BodyKind.EXECUTIVE_COMMITTEE), (a1, Post.DEPUTY_SECRETARY,
                                                                 BodyKind.EXECUTIVE_COMMITTEE),
            (a1, Post.STANDING_MEMBER, BodyKind.STANDING_COMMITTEE), (a3, Post.IC_CHAIR,
                                                                     BodyKind.INSPECTION_COMMISSION)]
    term = services.appoint_committee(world.a_secretary, organization=world.a.grassroots, label="2025-2030",
                                      valid_from=on, decision="12-QĐ/TU", decision_date=on, seats=SEATS,
                                      holdings=good)
    assert term.opened_by == TermOpening.APPOINTMENT
    assert set(PostHolding.objects.values_list("selection", "decision")) == {("appointed", "12-QĐ/TU")}
    assert len(services.composition(world.a.grassroots, on)) == 4


def test_appoint_committee_lists_term_and_holder_refusals_together(world):
    with pytest.raises(ValidationError) as exc:
        services.appoint_committee(world.a_secretary, organization=world.a.grassroots, label="2025",
                                   valid_from=D2025, decision="", decision_date=None,
                                   seats={BodyKind.EXECUTIVE_COMMITTEE: 99},
                                   holdings=[(world.b.members[0], Post.SECRETARY, BodyKind.EXECUTIVE_COMMITTEE)])
    assert {"label", "decision", "executive_committee", "holdings"} <= set(exc.value.message_dict)


# --- simultaneous recordings ---------------------------------------------------------------------------------------


def test_recording_locks_the_body_row(world):
    from django.test.utils import CaptureQueriesContext

    term = grass_term(world)
    with CaptureQueriesContext(connection) as queries:
        hold(world, body(term), world.a.members[0])
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in q["sql"] and "cadres_body" in q["sql"] for q in queries.captured_queries)


needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                      reason="row locks across connections: PostgreSQL only")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_clerks_recording_the_last_seat_at_once_fill_it_once():
    world = factories.build_world()
    term = services.open_term(SYSTEM, organization=world.a.grassroots, label="2020-2025", valid_from=D2020,
                              opened_by=TermOpening.CONGRESS, seats={BodyKind.EXECUTIVE_COMMITTEE: 1})
    ec = body(term)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def record(member) -> None:
        try:
            barrier.wait(10)
            hold(world, ec, member)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(m,)) for m in world.a.members[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes) == ["ok", "refused"]
    assert PostHolding.objects.filter(body=ec).count() == 1
    assert Body.objects.get(pk=ec.pk).filled == 1


# --- API -----------------------------------------------------------------------------------------------------------


def test_api_lists_terms_bodies_and_holdings_in_scope_and_as_of(world):
    from rest_framework.test import APIClient

    term = grass_term(world)
    ec = body(term)
    a0, a1, _a2, _a3 = world.a.members
    gone = hold(world, ec, a1)
    hold(world, ec, a0, Post.SECRETARY)
    services.end_holding(world.a_secretary, gone, on=dt.date(2022, 1, 1), reason=HoldingEnd.RESIGNED)
    mine, theirs = APIClient(), APIClient()
    mine.force_authenticate(world.a_secretary)
    theirs.force_authenticate(world.b_secretary)
    code = world.a.grassroots.code
    answer = mine.get(f"/api/cadres/holdings/?organization_code={code}&as_of=2021-01-01").json()
    assert {r["member_name"] for r in answer["results"]} == {a0.full_name, a1.full_name}
    answer = mine.get(f"/api/cadres/holdings/?organization={world.a.org.pk}&current=true").json()
    assert [r["post"] for r in answer["results"]] == ["secretary"]
    assert mine.get("/api/cadres/holdings/?as_of=21-01-2021").status_code == 400
    assert mine.get(f"/api/cadres/terms/{term.pk}/").json()["label"] == "2020-2025"
    vacant = mine.get("/api/cadres/bodies/?vacant=true").json()["results"]
    assert {r["kind"] for r in vacant} == {"executive_committee", "standing_committee", "inspection_commission"}
    composition = mine.get(f"/api/cadres/holdings/composition/?organization={world.a.grassroots.pk}"
                           "&as_of=2021-06-01").json()
    assert [(r["post"], r["member"]) for r in composition] == [("secretary", a0.pk), ("committee_member", a1.pk)]
    # Another province: nothing listed, every object a 404.
    assert theirs.get(f"/api/cadres/holdings/?organization_code={code}").json()["results"] == []
    assert theirs.get(f"/api/cadres/terms/{term.pk}/").status_code == 404
    assert theirs.get(f"/api/cadres/bodies/{ec.pk}/").status_code == 404
    assert theirs.get(f"/api/cadres/holdings/composition/?organization={world.a.grassroots.pk}").status_code == 404


def test_api_writes_run_the_actions_and_answer_refusals(world):
    from rest_framework.test import APIClient

    mine, theirs = APIClient(), APIClient()
    mine.force_authenticate(world.a_secretary)
    theirs.force_authenticate(world.b_secretary)
    org = world.a.grassroots
    request = {"organization": org.pk, "label": "2020-2025", "valid_from": "2020-10-15", "opened_by": "congress",
               "seats": {"executive_committee": 5}, "decision": "01-NQ/ĐH"}
    foreign = theirs.post("/api/cadres/terms/", request, format="json")
    missing = theirs.post("/api/cadres/terms/", {**request, "organization": 999999}, format="json")
    assert foreign.status_code == missing.status_code == 400 and foreign.json() == missing.json()
    too_big = mine.post("/api/cadres/terms/", {**request, "seats": {"executive_committee": 16}}, format="json")
    assert too_big.status_code == 400 and "35-CT/TW" in str(too_big.json()["executive_committee"])
    created = mine.post("/api/cadres/terms/", request, format="json")
    assert created.status_code == 201 and created.json()["organization_code"] == org.code
    ec = Body.objects.get(term_id=created.json()["id"])
    holding = {"body": ec.pk, "member": world.a.members[0].pk, "post": "secretary", "valid_from": "2020-10-15",
               "selection": "elected"}
    assert theirs.post("/api/cadres/holdings/", holding, format="json").status_code == 400
    answer = mine.post("/api/cadres/holdings/", holding, format="json")
    assert answer.status_code == 201 and answer.json()["member_name"] == world.a.members[0].full_name
    again = mine.post("/api/cadres/holdings/", {**holding, "member": world.a.members[1].pk}, format="json")
    assert again.status_code == 400 and "already has its Secretary" in str(again.json())
    pk = answer.json()["id"]
    assert theirs.post(f"/api/cadres/holdings/{pk}/end/", {"on": "2021-01-01", "reason": "moved"},
                       format="json").status_code == 404
    ended = mine.post(f"/api/cadres/holdings/{pk}/end/", {"on": "2021-01-01", "reason": "moved"}, format="json")
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2021-01-01"
    assert mine.post(f"/api/cadres/holdings/{pk}/end/", {"on": "2021-01-01", "reason": "moved"},
                     format="json").status_code == 409
    closed = mine.post(f"/api/cadres/terms/{created.json()['id']}/close/", {"on": "2022-01-01",
                                                                          "closed_by": "dissolved"}, format="json")
    assert closed.status_code == 200 and closed.json()["closed_by"] == "dissolved"


# --- checks of the holding's own dates (a back-dated holding) -------------------------------------------------------


def test_a_back_dated_secretary_cannot_overlap_a_recorded_one(world):
    term = grass_term(world)
    ec = body(term)
    a0, a1, a2, _a3 = world.a.members
    first = hold(world, ec, a0, Post.SECRETARY, on=dt.date(2021, 1, 1))
    services.end_holding(world.a_secretary, first, on=dt.date(2022, 1, 1), reason=HoldingEnd.MOVED)
    later = hold(world, ec, a1, Post.SECRETARY, on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:  # from 2021-06-01 on, the first secretary still held the post
        hold(world, ec, a2, Post.SECRETARY, on=dt.date(2021, 6, 1))
    assert "already has its Secretary (Nguyễn Văn Đức)" in messages(exc)
    with pytest.raises(ValidationError) as exc:  # open from 2023 on: it would run into the later secretary
        hold(world, ec, a2, Post.SECRETARY, on=dt.date(2023, 1, 1))
    assert "already has its Secretary (Trần Thị Hoa)" in messages(exc) and "01/01/2024" in messages(exc)
    services.end_holding(world.a_secretary, later, on=dt.date(2024, 6, 1), reason=HoldingEnd.RESIGNED)
    with pytest.raises(ValidationError):  # still overlaps the later one's months
        hold(world, ec, a2, Post.SECRETARY, on=dt.date(2023, 1, 1))
    hold(world, ec, a2, Post.SECRETARY, on=dt.date(2024, 6, 1))  # after it: accepted
    assert PostHolding.objects.filter(post=Post.SECRETARY).count() == 3


def test_back_dated_seats_and_deputies_count_the_holdings_of_their_dates(world):
    term = grass_term(world, seats={BodyKind.EXECUTIVE_COMMITTEE: 2})
    ec = body(term)
    a0, a1, a2, _a3 = world.a.members
    early = hold(world, ec, a0, on=dt.date(2021, 1, 1))
    services.end_holding(world.a_secretary, early, on=dt.date(2022, 1, 1), reason=HoldingEnd.MOVED)
    hold(world, ec, a1, on=dt.date(2023, 1, 1))
    hold(world, ec, a2, on=dt.date(2024, 1, 1))  # two seats held from 2024: none left after it
    with pytest.raises(ValidationError) as exc:  # in 2021 one seat was free, but the holding runs into 2024
        hold(world, ec, world.a.members[3], on=dt.date(2021, 6, 1))
    assert "All 2 seats" in messages(exc)
    with pytest.raises(ValidationError) as exc:  # the same member twice over one period
        hold(world, ec, a1, on=dt.date(2020, 11, 1))
    assert "already holds a post" in messages(exc)


def test_deputies_are_counted_over_the_new_holdings_period(world):
    term = grass_term(world)
    ec = body(term)
    a0, a1, a2, _a3 = world.a.members
    hold(world, ec, a0, Post.DEPUTY_SECRETARY, on=dt.date(2023, 1, 1))
    hold(world, ec, a1, Post.DEPUTY_SECRETARY, on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:  # a third deputy from 2022 would be the third in 2024
        hold(world, ec, a2, Post.DEPUTY_SECRETARY, on=dt.date(2022, 1, 1))
    assert "at most 2 deputy secretaries" in messages(exc)


def test_the_member_is_checked_on_the_holdings_date(world):
    term = grass_term(world)
    ec = body(term)
    newcomer = factories.member(world.a.cells[0], "Võ Văn Mới", admitted=dt.date(2022, 3, 1),
                                official=dt.date(2023, 3, 1))
    with pytest.raises(ValidationError) as exc:  # not yet admitted on that date
        hold(world, ec, newcomer, on=dt.date(2021, 1, 1))
    assert "was not on the active register on 01/01/2021" in messages(exc)
    hold(world, ec, newcomer, on=dt.date(2022, 6, 1))
    # A member who came from the other province in 2024 was not under this committee in 2021.
    mover = world.b.members[1]
    on = dt.date(2024, 6, 1)
    letter = lifecycle.issue_transfer_letter(SYSTEM, mover, to_org=world.a.cells[1], number="8-GGT", issued_on=on)
    lifecycle.confirm_receipt(SYSTEM, letter, received_on=on)
    with pytest.raises(ValidationError) as exc:
        hold(world, ec, mover, on=dt.date(2021, 1, 1))
    assert "was not a member of" in messages(exc) and "01/01/2021" in messages(exc)
    hold(world, ec, mover, on=on)


def test_a_cells_official_members_are_counted_on_the_terms_date(world):
    cell = world.a.cells[0]
    for i in range(8):  # nine official members from 2022 on
        factories.member(cell, f"Đảng viên {i}", admitted=dt.date(2021, 1, 1), official=dt.date(2022, 1, 1))
    assert services.official_members(Organization.objects.get(pk=cell.pk)) == 10
    assert services.official_members(cell, dt.date(2021, 6, 1)) == 2
    with pytest.raises(ValidationError) as exc:  # in 2020 the cell had two official members
        services.open_term(world.a_secretary, organization=cell, label="2020-2025", valid_from=D2020,
                           opened_by=TermOpening.CONGRESS, seats={BodyKind.EXECUTIVE_COMMITTEE: 3})
    assert "has 2 official members" in messages(exc)
    services.open_term(world.a_secretary, organization=cell, label="2022-2027", valid_from=dt.date(2022, 3, 1),
                       opened_by=TermOpening.CONGRESS, seats={BodyKind.EXECUTIVE_COMMITTEE: 3})


def test_a_post_cannot_end_before_it_began(world):
    term = grass_term(world)
    holding = hold(world, body(term), world.a.members[0], on=dt.date(2022, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.end_holding(world.a_secretary, holding, on=dt.date(2021, 12, 31), reason=HoldingEnd.MOVED)
    assert "holds the post from 01/01/2022" in messages(exc)


# --- an account linked to a member after the posts were recorded -----------------------------------------------


def test_an_account_linked_later_gets_the_grants_of_the_posts_and_loses_them_when_unlinked(world):
    term = grass_term(world)
    member = world.a.members[0]
    secretary = hold(world, body(term), member, Post.SECRETARY)
    plain = hold(world, body(term, BodyKind.STANDING_COMMITTEE), member, Post.STANDING_MEMBER)
    assert secretary.role_grant is None  # no account yet
    user = create_user(SYSTEM, username="late_account", password=factories.PASSWORD, organization=world.a.grassroots)
    link_member(world.a_secretary, user, member, on=dt.date(2024, 1, 1))
    secretary.refresh_from_db()
    plain.refresh_from_db()
    grant = secretary.role_grant
    assert (grant.user, grant.role.code, grant.organization, grant.valid_from, grant.valid_to) == (
        user, "secretary", world.a.grassroots, dt.date(2024, 1, 1), None)
    assert plain.role_grant is None  # a standing member's post grants no role
    assert AuditRecord.objects.filter(action="accounts.link_member", content_type__model="rolegrant").exists()
    link_member(world.a_secretary, user, member, on=dt.date(2024, 2, 1))  # linked again: nothing doubled
    assert RoleGrant.objects.filter(user=user).count() == 1
    link_member(world.a_secretary, user, None, on=dt.date(2024, 6, 1))
    grant.refresh_from_db()
    assert grant.valid_to == dt.date(2024, 6, 1) and User.objects.get(pk=user.pk).member is None
    # The post goes on; a new account linked to the member gets a new grant.
    other = create_user(SYSTEM, username="second_account", password=factories.PASSWORD,
                        organization=world.a.grassroots)
    link_member(world.a_secretary, other, member, on=dt.date(2024, 7, 1))
    secretary.refresh_from_db()
    assert (secretary.role_grant.user, secretary.role_grant.valid_from) == (other, dt.date(2024, 7, 1))


def test_linking_refuses_a_member_of_another_account_or_outside_the_scope(world):
    member = world.a.members[0]
    account_for(member, "first")
    user = create_user(SYSTEM, username="second", password=factories.PASSWORD, organization=world.a.grassroots)
    with pytest.raises(ValidationError) as exc:
        link_member(world.a_secretary, user, member)
    assert "already has the account first" in messages(exc)
    with pytest.raises(ValidationError):
        link_member(world.a_secretary, user, world.b.members[0])
    with pytest.raises(OutOfScope):
        link_member(world.b_secretary, user, None)
    assert User.objects.get(pk=user.pk).member is None


def test_the_admin_links_an_account_through_the_action(world, client):
    term = grass_term(world)
    member = world.a.members[2]
    holding = hold(world, body(term, BodyKind.INSPECTION_COMMISSION), member, Post.IC_CHAIR)
    user = create_user(SYSTEM, username="chair_account", password=factories.PASSWORD,
                       organization=world.a.grassroots)
    client.force_login(world.admin)
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"member": member.pk, "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
                 "organization": world.a.grassroots.pk, "groups": [], "user_permissions": []})
    data = {k: v for k, v in data.items() if k not in ("last_login", "date_joined")}
    answer = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    holding.refresh_from_db()
    assert User.objects.get(pk=user.pk).member == member
    assert holding.role_grant is not None and holding.role_grant.user_id == user.pk
    assert AuditRecord.objects.filter(action="accounts.link_member").exists()


# --- the organization's term is read-only outside cadres ------------------------------------------------------


def test_the_organizations_term_is_shown_not_edited_and_the_api_refuses_writing_it(world, client):
    from django.urls import reverse
    from rest_framework.test import APIClient

    grass_term(world)
    org = Organization.objects.get(pk=world.a.grassroots.pk)
    client.force_login(world.a_secretary)
    form = client.get(reverse("orgs:edit", args=[org.pk])).context["form"]
    assert form.fields["term"].disabled and form["term"].value() == "2020-2025"
    assert client.get(reverse("orgs:create_child", args=[org.pk])).context["form"].fields["term"].disabled
    client.post(reverse("orgs:edit", args=[org.pk]), {
        "name": org.name, "code": org.code, "org_type": org.org_type, "term": "2099-2104",
        "lock_version": org.lock_version})
    org = Organization.objects.get(pk=org.pk)
    assert org.term == "2020-2025"
    api = APIClient()
    api.force_authenticate(world.a_secretary)
    url = f"/api/organizations/{org.pk}/"
    refused = api.patch(url, {"lock_version": org.lock_version, "term": "2025-2030"}, format="json")
    assert refused.status_code == 400 and "/api/cadres/terms/" in str(refused.json()["term"])
    same = api.patch(url, {"lock_version": org.lock_version, "term": "2020-2025", "establishing_decision": "1-QĐ"},
                     format="json")
    assert same.status_code == 200 and same.json()["term"] == "2020-2025"  # the current term sent back: accepted
    new = {"parent": org.pk, "code": "T22.G1.C8", "name": "Chi bộ mới", "org_type": "cell"}
    refused = api.post("/api/organizations/", {**new, "term": "2025-2030"}, format="json")
    assert refused.status_code == 400 and "term" in refused.json()
    assert not Organization.objects.filter(code="T22.G1.C8").exists()
    assert api.post("/api/organizations/", {**new, "term": ""}, format="json").status_code == 201
