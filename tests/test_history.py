"""History that reads true (issue 12): versions are appended, never rewritten; back-dated changes are inserted;
closed organizations refuse new records; an organization a member left still reads the member's time in it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.actions import SYSTEM
from core.l10n import day as shown_day
from core.rules import rule
from lifecycle import services as lifecycle
from members.models import Member, MemberHistory
from orgs.models import Organization, OrganizationVersion
from orgs.services import establish_organization, update_organization
from reorg import services
from tests import factories
from tests.test_api import api
from tests.test_reorg import assert_consistent

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 1)


def make(kind, plan, on, decision, actor=SYSTEM, **kw):
    return services.create_reorganization(actor, kind=kind, plan=plan, effective_on=on, decision=decision,
                                          decision_date=on, today=TODAY, **kw)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def versions(org):
    return list(OrganizationVersion.objects.filter(organization=org).order_by("valid_from", "id")
                .values_list("valid_from", "valid_to", "decision", "parent_id", "name"))


# --- versions are appended, never rewritten ---------------------------------------------------------------------
def test_same_day_establish_then_transfer_keeps_the_founding_version(world):
    on = dt.date(2025, 2, 1)
    make("establish", {"parent": world.a.org.pk, "code": "VP", "name": "Văn phòng Trung ương Đảng",
                       "org_type": "grassroots_committee"}, on, "487-QĐ/TW")
    office = Organization.objects.get(code="VP")
    make("transfer", {"organizations": [office.pk], "to": world.b.org.pk}, on, "242-QĐ/TW")
    rows = versions(office)
    assert [(r[2], r[3]) for r in rows] == [("487-QĐ/TW", world.a.org.pk), ("242-QĐ/TW", world.b.org.pk)]
    assert rows[0][:2] == (on, on)  # a version of no day, with its own decision
    assert rows[1][:2] == (on, None)
    assert services.tree_as_of(world.central, on, user=SYSTEM)  # readable
    assert OrganizationVersion.objects.as_of(on).get(organization=office).decision == "242-QĐ/TW"
    assert_consistent()


def test_same_day_second_rename_keeps_both_versions(world):
    cell = world.a.cells[0]
    on = dt.date(2025, 3, 1)
    make("change", {"organization": cell.pk, "name": "Chi bộ A"}, on, "1-QĐ")
    make("change", {"organization": cell.pk, "name": "Chi bộ B"}, on, "2-QĐ")
    rows = versions(cell)
    assert [r[2] for r in rows] == ["", "1-QĐ", "2-QĐ"]
    assert [r[4] for r in rows] == [cell.name, "Chi bộ A", "Chi bộ B"]
    assert rows[1][:2] == (on, on) and rows[2][:2] == (on, None)
    assert fresh(cell).name == "Chi bộ B"


def test_back_dated_transfer_is_inserted_before_a_later_rename(world):
    grass = world.a.grassroots
    make("change", {"organization": grass.pk, "name": "Đảng bộ đổi tên"}, dt.date(2025, 7, 1), "7-QĐ")
    make("transfer", {"organizations": [grass.pk], "to": world.b.org.pk}, dt.date(2025, 2, 1), "2-QĐ")
    rows = versions(grass)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (dt.date(2020, 1, 1), dt.date(2025, 2, 1), "", world.a.org.pk),
        (dt.date(2025, 2, 1), dt.date(2025, 7, 1), "2-QĐ", world.b.org.pk),
        (dt.date(2025, 7, 1), None, "7-QĐ", world.b.org.pk),  # the later version keeps its decision
    ]
    assert rows[1][4] != "Đảng bộ đổi tên" and rows[2][4] == "Đảng bộ đổi tên"
    # The cells below moved with it from the date; the tree as of a day between shows them under B.
    tree = services.tree_as_of(world.b.org, dt.date(2025, 3, 1), user=SYSTEM)
    assert {r["organization_id"] for r in tree} >= {grass.pk, *(c.pk for c in world.a.cells)}
    assert services.member_count_as_of(world.b.org, dt.date(2025, 3, 1), user=SYSTEM)["total"] == 6
    assert services.member_count_as_of(world.a.org, dt.date(2025, 1, 31), user=SYSTEM)["total"] == 4
    assert_consistent()


def test_back_dated_rename_is_inserted_and_later_versions_take_the_name(world):
    cell = world.a.cells[0]
    make("transfer", {"organizations": [cell.pk], "to": world.b.grassroots.pk}, dt.date(2025, 7, 1), "7-QĐ")
    make("change", {"organization": cell.pk, "name": "Chi bộ mới"}, dt.date(2025, 2, 1), "2-QĐ")
    rows = versions(cell)
    assert [r[2] for r in rows] == ["", "2-QĐ", "7-QĐ"]
    assert [r[4] for r in rows][1:] == ["Chi bộ mới", "Chi bộ mới"]
    assert fresh(cell).name == "Chi bộ mới"


def test_back_dated_change_that_conflicts_names_the_later_decision(world):
    cell = world.a.cells[0]
    make("change", {"organization": cell.pk, "name": "Tên 1"}, dt.date(2025, 7, 1), "70-QĐ")
    with pytest.raises(ValidationError) as exc:
        make("change", {"organization": cell.pk, "name": "Tên 0"}, dt.date(2025, 2, 1), "20-QĐ")
    assert "70-QĐ" in str(exc.value) and shown_day(dt.date(2025, 7, 1)) in str(exc.value)
    make("transfer", {"organizations": [world.a.cells[1].pk], "to": world.b.grassroots.pk}, dt.date(2025, 7, 1),
         "71-QĐ")
    with pytest.raises(ValidationError) as exc:
        make("transfer", {"organizations": [world.a.cells[1].pk], "to": world.a.grassroots.pk},
             dt.date(2025, 2, 1), "21-QĐ")
    assert "71-QĐ" in str(exc.value) and shown_day(dt.date(2025, 7, 1)) in str(exc.value)
    # Ending an organization before a recorded later change of it conflicts too.
    with pytest.raises(ValidationError) as exc:
        make("merge", {"sources": [cell.pk], "target": world.a.cells[1].pk}, dt.date(2025, 2, 1), "22-QĐ")
    assert "70-QĐ" in str(exc.value)


def test_back_dated_merge_members_keep_their_later_records(world):
    """A member recognized later than the merge's date: the recognition stays, now in the successor."""
    young = factories.member(world.a.cells[0], "Đỗ Văn Trẻ", admitted=dt.date(2024, 5, 1), official=None)
    lifecycle.recognize_official(SYSTEM, young, vote_no="1-NQ", vote_date=dt.date(2025, 5, 1), decision_no="5-QĐ",
                                 on=dt.date(2025, 5, 1))
    make("merge", {"sources": [world.a.cells[0].pk], "target": world.a.cells[1].pk}, dt.date(2025, 2, 1), "3-QĐ")
    rows = list(MemberHistory.objects.filter(member=young).order_by("valid_from", "id")
                .values_list("organization_id", "status", "valid_from", "valid_to", "decision"))
    c0, c1 = world.a.cells[0].pk, world.a.cells[1].pk
    assert rows[0] == (c0, "probationary", dt.date(2024, 5, 1), dt.date(2025, 2, 1), "")
    assert rows[1][:4] == (c1, "probationary", dt.date(2025, 2, 1), dt.date(2025, 5, 1))
    assert rows[2][:4] == (c1, "official", dt.date(2025, 5, 1), None) and rows[2][4] == "5-QĐ"
    assert fresh(young).organization_id == c1
    assert_consistent()


# --- closed organizations ---------------------------------------------------------------------------------------
@pytest.fixture
def closed(world):
    spare = establish_organization(SYSTEM, parent=world.a.grassroots, code="T22.G1.C9", name="Chi bộ khối cũ",
                                   org_type="cell", effective_on=dt.date(2020, 1, 1), decision="9-QĐ")
    make("dissolve", {"organization": spare.pk}, dt.date(2025, 2, 1), "99-QĐ/TU")
    return fresh(spare)


def test_closed_organization_refuses_edits_members_letters_and_cases(world, closed):
    with pytest.raises(ValidationError, match="99-QĐ/TU"):
        update_organization(SYSTEM, closed, expected_version=None, name="Khối hồi sinh", decision="1-QĐ")
    with pytest.raises(ValidationError, match=shown_day(dt.date(2025, 2, 1))):
        factories.member(closed, "Người Mới")
    with pytest.raises(ValidationError, match="Chi bộ khối cũ"):
        lifecycle.issue_transfer_letter(SYSTEM, world.a.members[0], to_org=closed, number="1-GGT",
                                        issued_on=dt.date(2025, 12, 1))
    with pytest.raises(ValidationError, match="99-QĐ/TU"):
        lifecycle.submit_application(SYSTEM, cell=closed, applied_on=dt.date(2025, 12, 1), full_name="Lê Văn Mới",
                                     gender="M", birth_date=dt.date(2000, 1, 1))
    assert fresh(closed).name == "Chi bộ khối cũ"
    assert not OrganizationVersion.objects.filter(organization=closed, valid_to__isnull=True).exists()


def test_renaming_a_closed_organization_over_the_api_is_refused_and_its_history_stays_readable(world, closed):
    client = api(world.admin)
    response = client.patch(f"/api/organizations/{closed.pk}/", {"lock_version": closed.lock_version,
                                                                 "name": "Khối hồi sinh", "decision": "1-QĐ"},
                            format="json")
    assert response.status_code == 400, response.content
    assert "99-QĐ/TU" in response.content.decode()
    tree = client.get("/api/organizations/tree/", {"as_of": "2026-01-01"}).json()
    assert closed.pk not in {r.get("organization") for r in tree.get("results", tree)}
    history = client.get(f"/api/organizations/{closed.pk}/history/").json()["results"]
    assert [r["decision"] for r in history] == ["9-QĐ"]
    client.force_login(world.admin)
    page = client.get(reverse("orgs:detail", args=[closed.pk]))
    assert page.status_code == 200 and "Chi bộ khối cũ" in page.content.decode()


# --- a member who left by transfer ------------------------------------------------------------------------------
def test_old_organization_reads_the_member_history_up_to_leaving_and_list_equals_count(world):
    person = world.a.members[0]
    old_cell = world.a.cells[0]
    letter = lifecycle.issue_transfer_letter(SYSTEM, person, to_org=world.b.cells[0], number="5-GGT",
                                             issued_on=dt.date(2025, 3, 1))
    lifecycle.confirm_receipt(SYSTEM, letter, received_on=dt.date(2025, 3, 10))
    assert fresh(person).organization_id == world.b.cells[0].pk
    client = api(world.a_secretary)
    rows = client.get(f"/api/members/{person.pk}/history/").json()["results"]
    assert rows and all(r["organization"] == old_cell.pk for r in rows)
    assert rows[-1]["valid_to"] == "2025-03-10"
    assert client.get(f"/api/members/{person.pk}/").status_code == 404  # not in its registry any more
    everything = api(world.b_secretary).get(f"/api/members/{person.pk}/history/").json()["results"]
    assert len(everything) > len(rows)  # the new organization reads the whole record
    for day in ("2025-03-01", "2025-03-09", "2025-03-10", "2025-12-31"):
        for org, subtree in ((old_cell, ""), (world.a.org, "true"), (world.a.grassroots, "true")):
            listed = client.get(f"/api/organizations/{org.pk}/members/",
                                {"as_of": day, "subtree": subtree, "page_size": 200}).json()["results"]
            count = services.member_count_as_of(org, dt.date.fromisoformat(day), user=world.a_secretary)
            assert len(listed) == count["total"], (org.code, day)
            assert (person.pk in {r["member"] for r in listed}) == (day < "2025-03-10"), (org.code, day)


# --- preview -----------------------------------------------------------------------------------------------------
def test_preview_counts_members_on_the_effective_date_and_warns(world):
    cell = world.a.cells[0]
    factories.member(world.a.cells[1], "Người Đến Sau", admitted=dt.date(2024, 5, 1), official=None)
    plan = {"organizations": [world.a.grassroots.pk], "to": world.b.org.pk}
    then = services.preview(SYSTEM, "transfer", plan, effective_on=dt.date(2023, 1, 1), decision="1-QĐ")
    assert then["moves"][0]["members"] == 4 and then["totals"]["members"] == 4  # not today's 5
    now = services.preview(SYSTEM, "transfer", plan, effective_on=dt.date(2025, 1, 1), decision="1-QĐ")
    assert now["moves"][0]["members"] == 5
    split = services.preview(SYSTEM, "split", {"source": cell.pk, "rule": "rest_to_first", "parts": [
        {"new": {"code": "S1", "name": "Phần 1", "org_type": "cell"}},
        {"new": {"code": "S2", "name": "Phần 2", "org_type": "cell"}}]}, effective_on=dt.date(2025, 1, 1),
        decision="2-QĐ")
    codes = {(w["code"], w["name"]) for w in split["warnings"]}
    assert ("empty_successor", "Phần 2") in codes
    assert ("cell_too_small", "Phần 1") in codes  # two full members, fewer than the statute's smallest
    small = [w for w in split["warnings"] if w["code"] == "cell_too_small"][0]
    assert small["limit"] == rule("CELL_MIN_MEMBERS", dt.date(2025, 1, 1)) and small["rule"] == "CELL_MIN_MEMBERS"


def test_preview_refuses_a_cell_outside_its_size_where_the_rule_says_so(world):
    from core.services import add_rule_version

    merge = {"sources": [world.a.cells[0].pk], "target": world.a.cells[1].pk}
    assert services.preview(SYSTEM, "merge", merge, effective_on=dt.date(2025, 1, 1), decision="1-QĐ")["warnings"] \
        == []  # four full members: within 3-29
    add_rule_version(SYSTEM, "CELL_MAX_MEMBERS", value=3, valid_from=dt.date(2024, 1, 1), regulation_kind="decision",
                     regulation="1-QĐ/TW", regulation_date=dt.date(2024, 1, 1))
    warned = services.preview(SYSTEM, "merge", merge, effective_on=dt.date(2025, 1, 1), decision="1-QĐ")
    assert [w["code"] for w in warned["warnings"]] == ["cell_too_large"]
    add_rule_version(SYSTEM, "REORG_REFUSE_CELL_SIZE", value=True, valid_from=dt.date(2024, 1, 1),
                     regulation_kind="decision", regulation="2-QĐ/TW", regulation_date=dt.date(2024, 1, 1))
    assert services.preview(SYSTEM, "merge", merge, effective_on=dt.date(2023, 12, 31), decision="1-QĐ")[
        "warnings"] == []  # the rules in force on the effective date
    with pytest.raises(ValidationError, match="at most 3"):
        services.preview(SYSTEM, "merge", merge, effective_on=dt.date(2025, 1, 1), decision="1-QĐ")
    with pytest.raises(ValidationError):
        make("merge", merge, dt.date(2025, 1, 1), "1-QĐ")
    assert Member.objects.filter(organization=world.a.cells[0]).count() == 2


def test_a_wrong_version_is_corrected_by_a_recorded_correction(world):
    from orgs.services import correct_version

    cell = world.a.cells[0]
    make("change", {"organization": cell.pk, "name": "Chi bộ Thôn Một"}, dt.date(2025, 2, 1), "12-QĐ")
    wrong = OrganizationVersion.objects.get(organization=cell, decision="12-QĐ")
    with pytest.raises(ValidationError):
        correct_version(SYSTEM, wrong, note="", name="Chi bộ thôn 1")
    fixed = correct_version(SYSTEM, wrong, note="Tên viết sai trong quyết định", name="Chi bộ thôn 1",
                            decision="21-QĐ")
    wrong.refresh_from_db()
    assert (wrong.name, wrong.decision, wrong.valid_from, wrong.valid_to) == (
        "Chi bộ Thôn Một", "12-QĐ", dt.date(2025, 2, 1), dt.date(2025, 2, 1))  # kept, as a version of no day
    assert (fixed.reason, fixed.note, fixed.valid_from, fixed.valid_to) == (
        "corrected", "Tên viết sai trong quyết định", dt.date(2025, 2, 1), None)
    assert OrganizationVersion.objects.as_of(dt.date(2025, 3, 1)).get(organization=cell).name == "Chi bộ thôn 1"
    assert fresh(cell).name == "Chi bộ thôn 1"
    client = api(world.admin)
    history = client.get(f"/api/organizations/{cell.pk}/history/").json()["results"]
    assert [r["decision"] for r in history] == ["", "12-QĐ", "21-QĐ"]
    client.force_login(world.admin)
    assert "Tên viết sai trong quyết định" in client.get(reverse("orgs:detail", args=[cell.pk])).content.decode()


def test_back_dated_merge_refuses_a_member_who_came_later(world):
    """Moving a member from the merge's date would rewrite their time in another cell: refused, with the date."""
    newcomer = world.a.members[1]  # in the second cell
    letter = lifecycle.issue_transfer_letter(SYSTEM, newcomer, to_org=world.a.cells[0], number="3-GGT",
                                             issued_on=dt.date(2025, 4, 1))
    lifecycle.confirm_receipt(SYSTEM, letter, received_on=dt.date(2025, 4, 5))
    with pytest.raises(ValidationError, match=shown_day(dt.date(2025, 4, 5))):
        make("merge", {"sources": [world.a.cells[0].pk], "target": world.a.cells[1].pk}, dt.date(2025, 2, 1), "4-QĐ")
    make("merge", {"sources": [world.a.cells[0].pk], "target": world.a.cells[1].pk}, dt.date(2025, 4, 5), "4-QĐ")
    assert_consistent()


def test_renaming_a_closed_organization_on_its_page_is_refused_with_a_message(world, closed, client):
    client.force_login(world.admin)
    response = client.post(reverse("orgs:edit", args=[closed.pk]), {
        "name": "Khối hồi sinh", "code": closed.code, "org_type": closed.org_type, "term": "",
        "establishing_decision": "", "establishing_decision_date": "", "lock_version": closed.lock_version,
        "effective_on": "2026-01-01", "decision": "1-QĐ", "decision_date": ""})
    assert response.status_code == 200
    assert "99-QĐ/TU" in response.content.decode()
    assert fresh(closed).name == "Chi bộ khối cũ"
