"""Open work follows a reorganization: transfer letters (both sides), admission cases and development targets move to
the successor through the reorganization's handlers, each with an audit record; the preview says what moves and
what needs a decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditRecord
from core.actions import SYSTEM
from lifecycle import services as lifecycle
from lifecycle.choices import CaseState, LetterState
from lifecycle.models import AdmissionCase, DevelopmentTarget
from members.models import Member
from orgs.models import Organization
from reorg import services as reorg
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def make(kind, plan, actor=SYSTEM):
    return reorg.create_reorganization(actor, kind=kind, plan=plan, effective_on=TODAY, decision="77-QĐ/TU",
                                       decision_date=TODAY, today=TODAY)


def preview(kind, plan):
    return reorg.preview(SYSTEM, kind, plan, effective_on=TODAY, decision="77-QĐ/TU")


def decided_case(cell, name="Đỗ Thị Chờ", *, start=20):
    birth = dt.date(1999, 2, 3)
    case = lifecycle.submit_application(SYSTEM, cell=cell, applied_on=days(start), full_name=name, gender="F",
                                        birth_date=birth, citizen_id=factories.citizen_id(birth, "F"))
    lifecycle.record_cell_resolution(SYSTEM, case, number="3-NQ/CB", on=days(start - 2))
    return lifecycle.record_committee_decision(SYSTEM, case, number="9-QĐ/ĐU", on=days(start - 4))


def applied_case(cell, name="Vũ Văn Nộp"):
    birth = dt.date(2000, 6, 7)
    return lifecycle.submit_application(SYSTEM, cell=cell, applied_on=days(3), full_name=name, gender="M",
                                        birth_date=birth, citizen_id=factories.citizen_id(birth, "M"))


def audited(obj, field: str) -> bool:
    records = AuditRecord.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)),
                                         object_id=str(obj.pk), action__contains="reorganization")
    return any(field in r.changes for r in records)


def by_kind(preview_out: dict, kind: str) -> list[dict]:
    return [row for row in preview_out["open_work"] if row["kind"] == kind]


def test_merge_moves_letters_both_sides_cases_and_targets(world):
    c1, c2 = world.a.cells
    leaving = Member.objects.filter(organization=c1).order_by("id").first()
    out = lifecycle.issue_transfer_letter(SYSTEM, leaving, to_org=world.b.cells[0], number="1-GGT", issued_on=days(5))
    arriving = world.b.members[0]
    into = lifecycle.issue_transfer_letter(SYSTEM, arriving, to_org=c1, number="2-GGT", issued_on=days(5))
    case = decided_case(c1)
    mine = lifecycle.set_target(SYSTEM, c1, year=TODAY.year, target_count=2)
    theirs = lifecycle.set_target(SYSTEM, c2, year=TODAY.year, target_count=3)
    past = lifecycle.set_target(SYSTEM, c1, year=TODAY.year - 1, target_count=4)

    shown = preview("merge", {"sources": [c1.pk], "target": c2.pk})
    assert [(r["id"], r["how"], r["to"]) for r in by_kind(shown, "letter_out")] == [(out.pk, "moves", c2.name)]
    assert [(r["id"], r["how"]) for r in by_kind(shown, "letter_in")] == [(into.pk, "moves")]
    assert [(r["id"], r["how"]) for r in by_kind(shown, "case")] == [(case.pk, "moves")]
    assert [(r["id"], r["how"]) for r in by_kind(shown, "target")] == [(mine.pk, "merged")]
    assert shown["open_work_totals"]["decide"] == 0
    assert fresh(out).from_org_id == c1.pk  # the preview wrote nothing

    r = make("merge", {"sources": [c1.pk], "target": c2.pk})
    assert r.state == "applied"
    out, into, case = fresh(out), fresh(into), fresh(case)
    assert (out.from_org_id, out.state) == (c2.pk, LetterState.ISSUED)
    assert (into.to_org_id, into.state) == (c2.pk, LetterState.ISSUED)
    assert case.cell_id == c2.pk
    assert fresh(theirs).target_count == 5 and fresh(mine).organization_id == c1.pk
    assert fresh(past).organization_id == c1.pk  # a past year stays the ended organization's history
    for obj, field in ((out, "from_org_id"), (into, "to_org_id"), (case, "cell_id"), (theirs, "target_count")):
        assert audited(obj, field), obj
    # The work continues: both letters can be received, the case reaches its ceremony in the successor.
    lifecycle.confirm_receipt(SYSTEM, out, received_on=TODAY)
    assert fresh(leaving).organization_id == world.b.cells[0].pk
    lifecycle.confirm_receipt(SYSTEM, into, received_on=TODAY)
    assert fresh(arriving).organization_id == c2.pk
    case = lifecycle.hold_ceremony(SYSTEM, case, on=TODAY)
    assert case.state == CaseState.PROBATION and case.member.organization_id == c2.pk


def test_case_reaches_its_ceremony_after_its_cell_was_merged_by_a_secretary(world):
    c1, c2 = world.a.cells
    case = decided_case(c1)
    make("merge", {"sources": [c1.pk], "target": c2.pk}, actor=world.a_secretary)
    case = lifecycle.hold_ceremony(world.a_secretary, case.pk, on=TODAY)
    assert case.member.organization_id == c2.pk and fresh(case).cell_id == c2.pk


def test_letter_between_the_merged_cell_and_its_successor_is_closed(world):
    c1, c2 = world.a.cells
    member = Member.objects.filter(organization=c1).order_by("id").first()
    letter = lifecycle.issue_transfer_letter(SYSTEM, member, to_org=c2, number="5-GGT", issued_on=days(2))
    shown = preview("merge", {"sources": [c1.pk], "target": c2.pk})
    assert [r["how"] for r in by_kind(shown, "letter_out")] == ["closes"]
    make("merge", {"sources": [c1.pk], "target": c2.pk})
    letter = fresh(letter)
    assert letter.state == LetterState.CANCELLED and letter.reason == "77-QĐ/TU" and letter.closed_on == TODAY
    assert fresh(member).organization_id == c2.pk and lifecycle._open_letter(member) is None


def test_letters_merged_into_a_new_province_on_the_receiving_side(world):
    """A letter addressed to a province's committee goes to the province that absorbs it."""
    member = world.a.members[0]
    letter = lifecycle.issue_transfer_letter(SYSTEM, member, to_org=world.b.org, number="8-GGT", issued_on=days(2))
    make("merge", {"sources": [world.b.org.pk, world.a.org.pk],
                   "new": {"parent": world.central.pk, "code": "T99", "name": "Tỉnh mới", "org_type": "level1"}})
    new = Organization.objects.get(code="T99")
    assert fresh(letter).to_org_id == new.pk and fresh(letter).from_org_id == world.a.cells[0].pk
    lifecycle.confirm_receipt(SYSTEM, letter, received_on=TODAY, cell=fresh(world.b.cells[0]))
    assert fresh(member).organization_id == world.b.cells[0].pk


def test_split_items_of_a_member_follow_the_member_the_rest_go_to_the_first_successor(world):
    c1 = world.a.cells[0]
    m_first, m_second = Member.objects.filter(organization=c1).order_by("id")
    letter = lifecycle.issue_transfer_letter(SYSTEM, m_second, to_org=world.b.cells[0], number="3-GGT",
                                             issued_on=days(2))
    probation = decided_case(c1, "Cao Thị Thử", start=40)
    probation = lifecycle.hold_ceremony(SYSTEM, probation, on=days(30))
    waiting = applied_case(c1)
    target = lifecycle.set_target(SYSTEM, c1, year=TODAY.year, target_percent=5)
    plan = {"source": c1.pk, "rule": "list", "parts": [
        {"new": {"code": "S1", "name": "Chi bộ 1", "org_type": "cell"}, "members": [m_first.pk]},
        {"new": {"code": "S2", "name": "Chi bộ 2", "org_type": "cell"},
         "members": [m_second.pk, probation.member_id]},
    ]}
    shown = preview("split", plan)
    assert [r["how"] for r in by_kind(shown, "letter_out")] == ["follows_member"]
    assert {r["id"]: r["how"] for r in by_kind(shown, "case")} == {probation.pk: "follows_member",
                                                                    waiting.pk: "first_successor"}
    assert [r["how"] for r in by_kind(shown, "target")] == ["first_successor"]
    assert shown["open_work_totals"]["decide"] == 2
    make("split", plan)
    s1, s2 = Organization.objects.get(code="S1"), Organization.objects.get(code="S2")
    assert fresh(letter).from_org_id == s2.pk
    assert fresh(probation).cell_id == s2.pk and fresh(waiting).cell_id == s1.pk
    assert fresh(target).organization_id == s1.pk
    lifecycle.confirm_receipt(SYSTEM, letter, received_on=TODAY)
    assert fresh(m_second).organization_id == world.b.cells[0].pk


def test_dissolve_with_successor_moves_the_target_and_letters(world):
    c1, c2 = world.a.cells
    target = lifecycle.set_target(SYSTEM, c1, year=TODAY.year, target_count=2)
    into = lifecycle.issue_transfer_letter(SYSTEM, world.b.members[1], to_org=c1, number="4-GGT", issued_on=days(1))
    make("dissolve", {"organization": c1.pk, "move_to": c2.pk})
    assert fresh(target).organization_id == c2.pk and audited(fresh(target), "organization_id")
    assert fresh(into).to_org_id == c2.pk


def test_dissolve_without_successor_lists_what_needs_a_decision(world):
    make("establish", {"parent": world.a.grassroots.pk, "code": "E1", "name": "Chi bộ trống", "org_type": "cell"})
    empty = Organization.objects.get(code="E1")
    waiting = applied_case(empty)
    shown = preview("dissolve", {"organization": empty.pk})
    assert [(r["id"], r["how"], r["to"]) for r in by_kind(shown, "case")] == [(waiting.pk, "review", None)]
    assert shown["open_work_totals"]["decide"] == 1
    r = make("dissolve", {"organization": empty.pk})
    assert [row["how"] for row in r.summary["applied"]["open_work"]] == ["review"]
    assert fresh(waiting).cell_id == empty.pk and fresh(waiting).state == CaseState.APPLIED
    lifecycle.withdraw_case(SYSTEM, waiting, on=TODAY, reason="Chi bộ giải thể")  # it can still be closed


def test_targets_number_against_percent_is_kept_for_a_decision(world):
    c1, c2 = world.a.cells
    mine = lifecycle.set_target(SYSTEM, c1, year=TODAY.year, target_count=2)
    theirs = lifecycle.set_target(SYSTEM, c2, year=TODAY.year, target_percent=4)
    shown = preview("merge", {"sources": [c1.pk], "target": c2.pk})
    assert [r["how"] for r in by_kind(shown, "target")] == ["review"]
    make("merge", {"sources": [c1.pk], "target": c2.pk})
    assert fresh(theirs).target_percent == 4 and fresh(theirs).target_count is None
    assert fresh(mine).organization_id == c1.pk
    assert DevelopmentTarget.objects.filter(organization=c2, year=TODAY.year).count() == 1


def test_preview_page_lists_open_work(world, client):
    c1, c2 = world.a.cells
    applied_case(c1)
    client.force_login(world.admin)
    from django.template.loader import render_to_string

    html = render_to_string("reorg/_preview.html", {"preview": preview("merge", {"sources": [c1.pk],
                                                                                 "target": c2.pk})})
    assert "Vũ Văn Nộp" in html and c2.name in html
    assert AdmissionCase.objects.filter(cell=c1).count() == 1


def test_reorganization_page_shows_the_open_work(world, client):
    make("establish", {"parent": world.a.grassroots.pk, "code": "E2", "name": "Chi bộ mới", "org_type": "cell"})
    empty = Organization.objects.get(code="E2")
    applied_case(empty, "Tạ Văn Xem")
    r = make("dissolve", {"organization": empty.pk})
    client.force_login(world.admin)
    page = client.get(reverse("reorg:detail", args=[r.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tạ Văn Xem" in html and "needs a decision" in html
