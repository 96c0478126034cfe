"""Member lifecycle: admission to official, striking off, transfers across provinces, leaving and re-admission,
badges, targets; services, API and pages, and their scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from core import l10n
from core.dates import add_months
from core.scope import OutOfScope
from core.services import StateConflict
from lifecycle import badges, services
from lifecycle.choices import CaseState, LetterState
from lifecycle.models import AdmissionCase, TransferLetter
from members.choices import MemberStatus
from members.models import Member, MemberHistory
from orgs.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
OLD = dt.date(1960, 1, 1)


def days(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def applicant(name="Hoàng Văn Mới", birth=dt.date(2000, 5, 1), gender="M", **extra):
    return {"full_name": name, "gender": gender, "birth_date": birth,
            "citizen_id": factories.citizen_id(birth, gender), **extra}


def admit(user, cell, *, start=400, name="Hoàng Văn Mới", **extra):
    case = services.submit_application(user, cell=cell, applied_on=days(start), **applicant(name, **extra))
    services.record_cell_resolution(user, case, number="01-NQ/CB", on=days(start - 5))
    services.record_committee_decision(user, case, number="12-QĐ/ĐU", on=days(start - 10))
    return services.hold_ceremony(user, case, on=days(start - 15))


def counters(org):
    org = Organization.objects.get(pk=org.pk)
    return org.direct_official + org.direct_probationary, org.subtree_official + org.subtree_probationary


def where(member) -> list[int]:
    """Organizations the member is open in, by history (never two, never none)."""
    return list(MemberHistory.objects.filter(member=member, valid_to__isnull=True).values_list("organization_id",
                                                                                               flat=True))


# --- Admission -------------------------------------------------------------------------------------------

def test_full_admission_path_to_official(world):
    user, cell = world.a_secretary, world.a.cells[0]
    before = counters(cell)
    case = admit(user, cell)
    assert case.state == CaseState.PROBATION
    member = case.member
    assert member.status == MemberStatus.PROBATIONARY
    assert member.admission_date == case.committee_decision_date  # party age from the admission decision
    assert counters(cell)[0] == before[0] + 1
    assert MemberHistory.objects.get(member=member).event == "admitted"
    assert member in services.recognition_worklist(user)
    member = services.recognize_official(user, member, vote_no="05-NQ/CB", vote_date=days(10),
                                         decision_no="99-QĐ/ĐU", on=days(5))
    # Official from the end of probation (ceremony + 12 months), not from the later decision.
    assert member.status == MemberStatus.OFFICIAL and member.official_date == add_months(case.ceremony_date, 12)
    assert member.status_since == days(5)
    assert member.admission_date == case.committee_decision_date
    case.refresh_from_db()
    assert case.state == CaseState.OFFICIAL and case.final_decision_no == "99-QĐ/ĐU"
    assert member not in services.recognition_worklist(user)
    assert counters(cell)[0] == before[0] + 1
    from django.contrib.contenttypes.models import ContentType

    from audit.models import AuditRecord
    audited = AuditRecord.objects.filter(content_type=ContentType.objects.get_for_model(AdmissionCase),
                                         object_id=str(case.pk))
    assert audited.count() >= 4 and audited.filter(actor=user).exists()


def test_steps_in_order_and_rules(world):
    user, cell = world.a_secretary, world.a.cells[0]
    case = services.submit_application(user, cell=cell, applied_on=days(30), **applicant())
    with pytest.raises(StateConflict):
        services.hold_ceremony(user, case, on=days(1))  # skips steps
    with pytest.raises(ValidationError) as err:
        services.record_cell_resolution(user, case, number="1", on=days(40))  # before the application
    assert "on" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.record_cell_resolution(user, case, number="  ", on=days(20))
    too_young = dt.date(TODAY.year - 17, 1, 1)
    with pytest.raises(ValidationError) as err:
        services.submit_application(user, cell=cell, applied_on=days(1), **applicant("Trẻ Quá", birth=too_young))
    assert "birth_date" in err.value.message_dict


def test_min_age_is_configuration(world):
    from core.actions import SYSTEM
    from core.services import add_rule_version

    add_rule_version(SYSTEM, "MIN_ADMISSION_AGE", value=16, valid_from=days(30),
                     regulation_kind="regulation", regulation="1-QĐ/TEST")
    young = dt.date(TODAY.year - 17, 1, 1)
    case = services.submit_application(world.a_secretary, cell=world.a.cells[0], applied_on=days(1),
                                       **applicant("Mười Bảy", birth=young))
    assert case.pk


def test_recognition_waits_for_probation_and_strike_off(world):
    user, cell = world.a_secretary, world.a.cells[1]
    case = admit(user, cell, start=100)
    with pytest.raises(ValidationError) as err:
        services.recognize_official(user, case.member, vote_no="1", vote_date=days(1), decision_no="2", on=days(1))
    assert "vote_date" in err.value.message_dict
    before = counters(cell)
    member = services.strike_off(user, case.member, decision_no="7-QĐ", on=days(1), reason="Vi phạm")
    assert member.status == MemberStatus.STRUCK_OFF
    assert counters(cell)[0] == before[0] - 1
    case.refresh_from_db()
    assert case.state == CaseState.STRUCK_OFF


def test_admission_out_of_scope(world):
    with pytest.raises(OutOfScope):
        services.submit_application(world.a_secretary, cell=world.b.cells[0], applied_on=days(1), **applicant())
    case = services.submit_application(world.b_secretary, cell=world.b.cells[0], applied_on=days(3), **applicant())
    with pytest.raises(OutOfScope):
        services.record_cell_resolution(world.a_secretary, case, number="1", on=days(1))


# --- Transfers -------------------------------------------------------------------------------------------

def test_transfer_across_provinces(world):
    sender, receiver = world.a_secretary, world.b_secretary
    member = world.a.members[0]
    src, dst = member.organization, world.b.cells[1]
    src0, dst0, a0, b0 = counters(src), counters(dst), counters(world.a.org), counters(world.b.org)
    # Addressed to the receiving province's committee, which assigns the cell on receipt.
    letter = services.issue_transfer_letter(sender, member, to_org=world.b.org, number="15-GGT/TU",
                                            issued_on=days(3))
    assert letter.due_on == days(3) + dt.timedelta(days=30)
    # In transit: still with the sender, counted there, open in one place only.
    assert counters(src) == src0 and counters(dst) == dst0
    assert where(member) == [src.pk]
    with pytest.raises(StateConflict):
        services.issue_transfer_letter(sender, member, to_org=world.b.org, number="16", issued_on=days(2))
    # Both sides see the letter; the receiver cannot see the member yet.
    assert TransferLetter.objects.restrict(receiver).incoming(receiver).filter(pk=letter.pk).exists()
    assert TransferLetter.objects.restrict(sender).outgoing(sender).filter(pk=letter.pk).exists()
    assert not Member.objects.restrict(receiver).filter(pk=member.pk).exists()
    with pytest.raises(OutOfScope):
        services.confirm_receipt(sender, letter, received_on=days(1))  # the sender cannot confirm
    with pytest.raises(ValidationError):  # the committee must assign a cell
        services.confirm_receipt(receiver, letter, received_on=days(1), decision="3-QĐ/ĐU")
    services.confirm_receipt(receiver, letter, received_on=days(1), decision="3-QĐ/ĐU", cell=dst)
    assert TransferLetter.objects.get(pk=letter.pk).to_org_id == dst.pk
    member.refresh_from_db()
    assert member.organization_id == dst.pk and where(member) == [dst.pk]
    assert counters(src)[0] == src0[0] - 1 and counters(dst)[0] == dst0[0] + 1
    assert counters(world.a.org)[1] == a0[1] - 1 and counters(world.b.org)[1] == b0[1] + 1
    assert not Member.objects.restrict(sender).filter(pk=member.pk).exists()
    assert Member.objects.restrict(receiver).filter(pk=member.pk).exists()
    moved = MemberHistory.objects.get(member=member, valid_to__isnull=True)
    assert moved.event == "transferred" and moved.decision == "15-GGT/TU" and moved.valid_from == days(1)


def test_overdue_letters_on_both_sides_and_return(world):
    member = world.a.members[1]
    letter = services.issue_transfer_letter(world.a_secretary, member, to_org=world.b.org, number="9",
                                            issued_on=days(45))
    assert letter.is_overdue()
    for user in (world.a_secretary, world.b_secretary):
        assert list(TransferLetter.objects.restrict(user).overdue()) == [letter]
    services.return_letter(world.b_secretary, letter, on=days(1), reason="Sai địa chỉ")
    letter.refresh_from_db()
    assert letter.state == LetterState.RETURNED
    member.refresh_from_db()
    assert member.organization_id == world.a.cells[1].pk
    # A new letter may be issued now; and the sender can cancel it.
    again = services.issue_transfer_letter(world.a_secretary, member, to_org=world.a.cells[0], number="10",
                                           issued_on=days(0))
    services.cancel_letter(world.a_secretary, again, on=days(0), reason="Nhầm")
    assert TransferLetter.objects.get(pk=again.pk).state == LetterState.CANCELLED


def test_temporary_activity_keeps_the_member_home(world):
    member = world.a.members[2]
    letter = services.issue_transfer_letter(world.a_secretary, member, to_org=world.b.org, number="T1",
                                            issued_on=days(5), kind="temporary")
    services.confirm_receipt(world.b_secretary, letter, received_on=days(4), cell=world.b.cells[0])
    member.refresh_from_db()
    assert member.organization_id == world.a.cells[0].pk
    with pytest.raises(StateConflict):  # temporary activity is open: no second letter
        services.issue_transfer_letter(world.a_secretary, member, to_org=world.a.cells[1], number="X",
                                       issued_on=days(1))
    services.end_temporary_activity(world.b_secretary, letter, on=days(1))
    assert TransferLetter.objects.get(pk=letter.pk).state == LetterState.ENDED


def test_bulk_transfer_is_all_or_nothing(world):
    user = world.a_secretary
    members = world.a.members
    services.issue_transfer_letter(user, members[3], to_org=world.b.org, number="X", issued_on=days(1))
    ids = [members[0].pk, members[1].pk, members[3].pk, world.b.members[0].pk]
    with pytest.raises(ValidationError) as err:
        services.bulk_issue_transfer_letters(user, ids, to_org=world.b.org, number="20-GGT", issued_on=days(0))
    errors = err.value.message_dict["members"]
    assert len(errors) == 2
    assert any(members[3].full_name in e for e in errors)
    assert any(str(world.b.members[0].pk) in e and "Zeta" not in e for e in errors)
    assert TransferLetter.objects.filter(number="20-GGT").count() == 0
    letters = services.bulk_issue_transfer_letters(user, ids[:2], to_org=world.b.org, number="21-GGT",
                                                   issued_on=days(0))
    assert len(letters) == 2


# --- Leaving, exemption, re-admission -------------------------------------------------------------------

def test_leaving_and_readmission(world):
    user = world.a_secretary
    member = world.a.members[0]
    org = member.organization
    before = counters(org)
    services.grant_exemption(user, member, valid_from=days(100), reason="Tuổi cao")
    with pytest.raises(ValidationError):
        services.record_leaving(user, member, kind="voluntary", on=days(10), decision="")
    member = services.record_leaving(user, member, kind="voluntary", on=days(10), decision="5-QĐ/ĐU")
    assert member.status == MemberStatus.LEFT and counters(org)[0] == before[0] - 1
    assert member.exemptions.get().valid_to == days(10)
    case = services.submit_application(user, cell=world.a.cells[1], applied_on=days(8), former_member=member)
    assert case.readmission and case.full_name == member.full_name and case.citizen_id == member.citizen_id
    services.record_cell_resolution(user, case, number="1", on=days(7))
    services.record_committee_decision(user, case, number="2", on=days(6))
    case = services.hold_ceremony(user, case, on=days(5))
    member.refresh_from_db()
    assert case.member_id == member.pk  # the same record returns
    assert member.status == MemberStatus.PROBATIONARY and member.organization_id == world.a.cells[1].pk
    assert member.admission_date == days(6) and member.official_date is None
    assert l10n.day(days(5)) in MemberHistory.objects.get(member=member, valid_to__isnull=True).note
    assert where(member) == [world.a.cells[1].pk]
    assert Member.objects.filter(citizen_id=member.citizen_id).count() == 1


def test_death_and_deceased_cannot_be_readmitted(world):
    member = services.record_leaving(world.a_secretary, world.a.members[1], kind="death", on=days(1),
                                     decision="GCT-1")
    assert member.status == MemberStatus.DECEASED
    with pytest.raises(ValidationError):
        services.submit_application(world.a_secretary, cell=world.a.cells[0], applied_on=days(0),
                                    former_member=member)


# --- Badges and targets ---------------------------------------------------------------------------------

def test_badges_for_a_period(world):
    cell = world.a.cells[0]
    y = TODAY.year
    thirty = factories.member(cell, "Ba Mươi", birth=OLD, admitted=dt.date(y - 30, 3, 1),
                     official=dt.date(y - 29, 3, 1))
    forty = factories.member(cell, "Bốn Mươi", birth=dt.date(1960, 1, 1), admitted=dt.date(y - 40, 7, 1),
                             official=dt.date(y - 39, 7, 1))
    early = factories.member(cell, "Sớm Một", birth=dt.date(1960, 1, 1), admitted=dt.date(y - 45 + 1, 2, 1),
                             official=dt.date(y - 44 + 1, 2, 1))
    factories.member(world.b.cells[0], "Zeta Ba Mươi", birth=OLD, admitted=dt.date(y - 30, 3, 1),
                     official=dt.date(y - 29, 3, 1))
    start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
    groups = {g.years: list(g.queryset) for g in badges.badge_groups(world.a_secretary, start, end)}
    assert groups[30] == [thirty] and groups[40] == [forty]
    early_groups = {g.years: list(g.queryset) for g in badges.early_groups(world.a_secretary, end)}
    assert early_groups[45] == [early]
    assert badges.badge_reached(thirty, start, end) == (30, dt.date(y, 3, 1))


def test_targets_rolled_up(world):
    from core.actions import SYSTEM
    from core.services import add_rule_version

    add_rule_version(SYSTEM, "ADMISSION_TARGET_PERCENT", value=50, valid_from=dt.date(TODAY.year, 1, 1))
    y = TODAY.year
    start = (TODAY - dt.date(y, 1, 1)).days
    if start < 20:
        pytest.skip("too early in the year for admissions dated this year")
    user = world.a_secretary
    admit(user, world.a.cells[0], start=start, name="Sinh Viên Một", occupation="Sinh viên")
    admit(user, world.a.cells[1], start=start, name="Già Hơn", birth=dt.date(1980, 1, 1))
    report = services.target_report(world.a.grassroots, y)
    summary = report["summary"]
    assert summary["actual"] == 2 and summary["young"] == 1 and summary["students"] == 1
    assert summary["base"] == 4 and summary["target"] == 2 and summary["is_default"]
    by_cell = {r["organization"].pk: r for r in report["children"]}
    assert by_cell[world.a.cells[0].pk]["actual"] == 1 and by_cell[world.a.cells[0].pk]["students"] == 1
    services.set_target(user, world.a.grassroots, year=y, target_count=10, decision="KH-1")
    top = services.target_summary(world.a.org, y)
    assert top["actual"] == 2
    assert services.target_summary(world.a.grassroots, y)["target"] == 10
    assert services.target_summary(user, y)["organization"] == world.a.org
    with pytest.raises(OutOfScope):
        services.set_target(user, world.b.org, year=y, target_count=1)


# --- API ------------------------------------------------------------------------------------------------

def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_admission_path(world):
    client = api(world.a_secretary)
    birth = dt.date(2001, 2, 3)
    response = client.post("/api/lifecycle/admissions/", {
        "cell": world.a.cells[0].pk, "applied_on": days(400).isoformat(), "full_name": "Đỗ Thị Lan", "gender": "F",
        "birth_date": birth.isoformat(), "citizen_id": factories.citizen_id(birth, "F"), "occupation": "Sinh viên"},
        format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    for path, body in (("cell-resolution", {"number": "1-NQ", "on": days(395).isoformat()}),
                       ("committee-decision", {"number": "2-QĐ", "on": days(390).isoformat()}),
                       ("ceremony", {"on": days(385).isoformat()})):
        response = client.post(f"/api/lifecycle/admissions/{pk}/{path}/", body, format="json")
        assert response.status_code == 200, response.json()
    member_id = response.json()["member"]
    assert response.json()["state"] == "probation"
    worklist = client.get("/api/lifecycle/worklist/").json()["results"]
    assert member_id in [m["id"] for m in worklist]
    response = client.post(f"/api/lifecycle/members/{member_id}/recognize/", {
        "vote_no": "3", "vote_date": days(5).isoformat(), "decision_no": "4", "on": days(2).isoformat()},
        format="json")
    assert response.status_code == 200 and response.json()["status"] == "official"


def test_api_transfer_and_scope(world):
    a, b = api(world.a_secretary), api(world.b_secretary)
    member = world.a.members[0]
    response = a.post("/api/lifecycle/transfers/", {"member": member.pk, "to_province": world.b.org.pk,
                                                    "number": "1-GGT", "issued_on": days(2).isoformat()},
                      format="json")
    assert response.status_code == 201, response.json()
    committees = a.get("/api/lifecycle/transfers/committees/").json()
    assert {c["id"] for c in committees} == {world.a.org.pk, world.b.org.pk}
    pk = response.json()["id"]
    assert [x["id"] for x in b.get("/api/lifecycle/transfers/?side=in").json()["results"]] == [pk]
    assert b.get("/api/lifecycle/transfers/?side=out").json()["results"] == []
    assert a.post(f"/api/lifecycle/transfers/{pk}/confirm/", {"received_on": days(1).isoformat()},
                  format="json").status_code == 400
    response = b.post(f"/api/lifecycle/transfers/{pk}/confirm/", {"received_on": days(1).isoformat(),
                                                                  "cell": world.b.cells[0].pk}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "received"
    assert a.get(f"/api/members/{member.pk}/").status_code == 404
    assert b.get(f"/api/members/{member.pk}/").status_code == 200
    # Other provinces' objects are 404; bad input is 400 with field errors, never 500.
    case = services.submit_application(world.b_secretary, cell=world.b.cells[0], applied_on=days(3),
                                       **applicant("Zeta Người"))
    assert a.get(f"/api/lifecycle/admissions/{case.pk}/").status_code == 404
    assert a.post(f"/api/lifecycle/admissions/{case.pk}/cell-resolution/", {"number": "1", "on": days(1)},
                  format="json").status_code == 404
    bad = a.post("/api/lifecycle/transfers/", {"member": "x", "to_org": 10**20, "issued_on": "2024-02-30"},
                 format="json")
    assert bad.status_code == 400 and {"member", "to_org", "issued_on", "number"} <= set(bad.json())
    assert a.get("/api/lifecycle/badges/?start=2020-13-01").status_code == 400
    assert a.get(f"/api/lifecycle/badges/?organization={world.b.org.pk}").status_code == 400
    assert a.get("/api/lifecycle/targets/?year=abc").status_code == 400
    response = a.post("/api/lifecycle/targets/", {"organization": world.b.org.pk, "year": 2026, "target_count": 3},
                      format="json")
    assert response.status_code == 400 and "organization" in response.json()
    bulk = a.post("/api/lifecycle/transfers/bulk/", {"members": [world.a.members[1].pk, world.b.members[0].pk],
                                                     "to_org": world.a.cells[0].pk, "number": "B1",
                                                     "issued_on": days(0).isoformat()}, format="json")
    assert bulk.status_code == 400 and len(bulk.json()["members"]) >= 1
    assert "zeta" not in bulk.content.decode().lower()


def test_api_lists_badges_targets(world):
    client = api(world.a_secretary)
    y = TODAY.year
    factories.member(world.a.cells[0], "Ba Mươi", birth=OLD, admitted=dt.date(y - 30, 3, 1),
                     official=dt.date(y - 29, 3, 1))
    rows = client.get(f"/api/lifecycle/badges/?start={y}-01-01&end={y}-12-31").json()["results"]
    assert [(r["full_name"], r["badge"]) for r in rows] == [("Ba Mươi", 30)]
    data = client.get(f"/api/lifecycle/targets/?organization={world.a.org.pk}&year={y}").json()
    assert data["summary"]["organization"] == world.a.org.pk and len(data["children"]) == 1
    response = client.post("/api/lifecycle/targets/", {"organization": world.a.org.pk, "year": y,
                                                       "target_percent": "4.5"}, format="json")
    assert response.status_code == 201
    assert client.post("/api/lifecycle/targets/", {"organization": world.a.org.pk, "year": y},
                       format="json").status_code == 400


# --- Pages ----------------------------------------------------------------------------------------------

def test_pages_admission_and_transfer(world, client):
    client.force_login(world.a_secretary)
    for name in ("home", "admissions", "worklist", "letters", "badges", "targets", "bulk_transfer",
                 "admission_create"):
        assert client.get(f"/lifecycle/{'' if name == 'home' else ''}").status_code == 200
    for url in ("/lifecycle/", "/lifecycle/admissions/", "/lifecycle/worklist/", "/lifecycle/transfers/",
                "/lifecycle/transfers/?side=in&overdue=1", "/lifecycle/badges/", "/lifecycle/targets/",
                f"/lifecycle/transfers/bulk/?organization={world.a.cells[0].code}", "/lifecycle/admissions/new/"):
        assert client.get(url).status_code == 200, url
    birth = dt.date(1999, 9, 9)
    response = client.post("/lifecycle/admissions/new/", {
        "cell": world.a.cells[0].code, "applied_on": days(20).isoformat(), "full_name": "Vũ Văn Trang", "gender": "M",
        "birth_date": birth.isoformat(), "citizen_id": factories.citizen_id(birth, "M")})
    assert response.status_code == 302
    case = AdmissionCase.objects.get(full_name="Vũ Văn Trang")
    url = f"/lifecycle/admissions/{case.pk}/"
    assert client.post(url, {"step": "cell_resolution", "cell_resolution-number": "",
                             "cell_resolution-on": "bad"}).status_code == 400
    assert client.post(url, {"step": "cell_resolution", "cell_resolution-number": "1",
                             "cell_resolution-on": days(18).isoformat()}).status_code == 302
    assert client.post(url, {"step": "committee_decision", "committee_decision-number": "2",
                             "committee_decision-on": days(15).isoformat()}).status_code == 302
    assert client.post(url, {"step": "ceremony", "ceremony-on": days(10).isoformat()}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.PROBATION
    member = world.a.members[0]
    response = client.post(f"/lifecycle/members/{member.pk}/transfer/", {
        "to_org": world.b.cells[0].code, "kind": "official", "number": "7-GGT", "issued_on": days(1).isoformat()})
    assert response.status_code == 400  # another province's cell: not among those the sender works on
    response = client.post(f"/lifecycle/members/{member.pk}/transfer/", {
        "to_province": world.b.org.pk, "kind": "official", "number": "7-GGT", "issued_on": days(1).isoformat()})
    assert response.status_code == 302
    letter = TransferLetter.objects.get(number="7-GGT")
    assert client.get(f"/lifecycle/transfers/{letter.pk}/").status_code == 200
    response = client.post(f"/lifecycle/members/{member.pk}/leave/", {"kind": "voluntary", "on": days(0),
                                                                      "decision": "1"})
    assert response.status_code == 400 and "open transfer letter" in response.content.decode()
    client.force_login(world.b_secretary)
    response = client.post(f"/lifecycle/transfers/{letter.pk}/", {"op": "confirm",
                                                                  "confirm-received_on": days(0).isoformat(),
                                                                  "confirm-cell": world.b.cells[0].code})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.organization_id == world.b.cells[0].pk
    client.force_login(world.a_secretary)
    assert client.get(f"/lifecycle/members/{member.pk}/").status_code == 404
    assert client.get(f"/lifecycle/transfers/{letter.pk}/").status_code == 200  # the sender keeps its letter


def test_pages_scope_404_and_bad_input(world, client):
    case = services.submit_application(world.b_secretary, cell=world.b.cells[0], applied_on=days(3),
                                       **applicant("Zeta Người"))
    letter = services.issue_transfer_letter(world.b_secretary, world.b.members[0], to_org=world.b.cells[1],
                                            number="Z1", issued_on=days(1))
    client.force_login(world.a_secretary)
    foreign_member = world.b.members[1].pk
    for url in (f"/lifecycle/admissions/{case.pk}/", f"/lifecycle/transfers/{letter.pk}/",
                f"/lifecycle/members/{foreign_member}/", f"/lifecycle/members/{foreign_member}/leave/",
                f"/lifecycle/members/{foreign_member}/transfer/", f"/lifecycle/members/{foreign_member}/recognition/",
                f"/lifecycle/members/{foreign_member}/exemption/"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code in (404, 405), url
    assert client.get("/lifecycle/badges/?start=xx&badge=7").status_code == 400
    response = client.get(f"/lifecycle/badges/?organization={world.b.org.code}")
    assert response.status_code == 400 and "zeta" not in response.content.decode().lower()
    assert "No organization with this code or name among those you work on." in response.content.decode()
    response = client.get(f"/lifecycle/targets/?organization={world.b.org.code}")
    assert "zeta" not in response.content.decode().lower()
    y = TODAY.year
    factories.member(world.b.cells[0], "Zeta Ba Mươi", birth=OLD, admitted=dt.date(y - 30, 3, 1),
                     official=dt.date(y - 29, 3, 1))
    factories.member(world.a.cells[0], "Ba Mươi", birth=OLD, admitted=dt.date(y - 30, 3, 1),
                     official=dt.date(y - 29, 3, 1))
    refused = client.get(f"/lifecycle/badges/?format=xlsx&organization={world.b.org.code}")
    assert refused.status_code == 400 and "zeta" not in refused.content.decode().lower()
    xlsx = client.get("/lifecycle/badges/?format=xlsx")
    from io import BytesIO

    from openpyxl import load_workbook

    from audit.models import AuditRecord
    rows = list(load_workbook(BytesIO(b"".join(xlsx.streaming_content))).active.iter_rows(values_only=True))
    assert xlsx.status_code == 200 and [r[2] for r in rows[1:]] == ["Ba Mươi"]  # the other province's is not there
    assert AuditRecord.objects.filter(event="export", actor=world.a_secretary).count() == 1
    response = client.post(f"/lifecycle/members/{world.a.members[0].pk}/transfer/", {
        "to_org": "NOPE", "kind": "official", "number": "x", "issued_on": days(0).isoformat()})
    assert response.status_code == 400
    client.force_login(world.a_viewer)
    assert client.post(f"/lifecycle/members/{world.a.members[0].pk}/leave/", {}).status_code == 403
