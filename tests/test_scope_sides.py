"""Objects of two organizations, audit on every side, rights per business event, the explicit SYSTEM actor."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditRecord
from core.actions import SYSTEM, acting, system_action
from core.scope import NotPermitted, OutOfScope, can, path_in_scope, scope_q
from lifecycle import services as lifecycle
from lifecycle.choices import CaseState, LetterState
from lifecycle.models import AdmissionCase, TransferLetter
from members.models import Member
from members.services import register_member, update_member
from orgs.models import Organization
from orgs.services import update_organization
from tests import factories

NEW_PERMISSIONS = {"members.correct_member", "lifecycle.decide_admissioncase", "lifecycle.transfer_out_of_province",
                   "orgs.rename_organization"}


def days(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def third(world):
    """A third province with its own secretary, who must see nothing of A's and B's affairs."""
    c = factories.province(world.central, "T30", "Thirdprovince", ["Thirdmember Một"])
    return c, factories.user_with_role("c_secretary", "secretary", c.org)


@pytest.fixture
def cell_secretary(world):
    """The secretary of a party cell: a role on the cell, not on the committee above it."""
    return factories.user_with_role("cell_secretary", "secretary", world.a.cells[0])


def api(user) -> APIClient:
    client = APIClient()
    with acting(user, "tests.token", check_scope=False):
        token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _case(world, cell, state: str = CaseState.CELL_RESOLVED) -> AdmissionCase:
    birth = dt.date(2001, 2, 3)
    case = lifecycle.submit_application(world.a_secretary, cell=cell, applied_on=days(400), full_name="Đỗ Thị Lan",
                                        gender="F", birth_date=birth, citizen_id=factories.citizen_id(birth, "F"))
    if state == CaseState.CELL_RESOLVED:
        case = lifecycle.record_cell_resolution(world.a_secretary, case, number="1-NQ", on=days(395))
    return case


# --- two-sided scope ------------------------------------------------------------------------------------------


def test_letter_is_seen_from_both_sides_and_by_nobody_else(world, third):
    _c, c_secretary = third
    letter = lifecycle.issue_transfer_letter(world.a_secretary, world.a.members[0], to_org=world.b.org,
                                             number="1-GGT", issued_on=days(3))
    for user in (world.a_secretary, world.b_secretary):
        assert TransferLetter.objects.restrict(user).filter(pk=letter.pk).exists()
    assert not TransferLetter.objects.restrict(c_secretary).filter(pk=letter.pk).exists()
    # One side at a time: the sender's outgoing, the receiver's incoming.
    assert list(TransferLetter.objects.outgoing(world.a_secretary)) == [letter]
    assert not TransferLetter.objects.incoming(world.a_secretary).exists()
    assert list(TransferLetter.objects.incoming(world.b_secretary)) == [letter]
    assert not TransferLetter.objects.outgoing(world.b_secretary).exists()
    with pytest.raises(ValueError):
        TransferLetter.objects.restrict(world.a_secretary, sides=("member__organization__path",))


def test_the_overrides_of_scope_are_gone():
    """TransferLetter is scoped by core from its declared sides, like every other model."""
    assert TransferLetter.scope_sides == ("from_org__path", "to_org__path")
    assert "restrict" not in vars(type(TransferLetter.objects.all()))
    assert "ensure_in_scope" not in vars(TransferLetter)


def test_prefix_filter_is_built_only_in_core():
    """The OR of a user's granted prefixes is built in core.scope, not again in each app."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in root.glob("*/**/*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith((".venv/", "node_modules/", "tests/")) or "/migrations/" in rel:
            continue
        text = path.read_text(encoding="utf-8")
        if rel != "core/scope.py" and "granted_paths(" in text and "prefix_q(" in text:
            offenders.append(rel)
    assert offenders == []


def test_core_imports_no_app_above_it():
    root = Path(__file__).resolve().parent.parent / "core"
    pattern = re.compile(r"^\s*(from|import)\s+(accounts|audit|orgs|members|lifecycle|reorg|jobs|exchange)\b", re.M)
    for name in ("scope.py", "models.py", "actions.py"):
        assert not pattern.search((root / name).read_text(encoding="utf-8")), name


# --- audit on every side --------------------------------------------------------------------------------------


def test_receivers_confirmation_is_in_both_provinces_audit_trails(world, third):
    _c, c_secretary = third
    letter = lifecycle.issue_transfer_letter(world.a_secretary, world.a.members[0], to_org=world.b.org,
                                             number="1-GGT", issued_on=days(3))
    lifecycle.confirm_receipt(world.b_secretary, letter, received_on=days(1), cell=world.b.cells[0])
    confirmation = AuditRecord.objects.get(action="lifecycle.confirm_receipt", object_id=str(letter.pk),
                                           content_type__model="transferletter")
    assert (confirmation.org_path, confirmation.org_path_2) == (world.a.cells[0].path, world.b.cells[0].path)
    for user in (world.b_secretary, world.a_secretary):
        assert AuditRecord.objects.restrict(user).filter(pk=confirmation.pk).exists()
    assert not AuditRecord.objects.restrict(c_secretary).filter(pk=confirmation.pk).exists()
    assert not AuditRecord.objects.restrict(c_secretary).filter(content_type__model="transferletter").exists()


def test_receivers_audit_page_lists_the_confirmation(client, world, third):
    _c, c_secretary = third
    letter = lifecycle.issue_transfer_letter(world.a_secretary, world.a.members[0], to_org=world.b.org,
                                             number="7-GGT", issued_on=days(3))
    lifecycle.confirm_receipt(world.b_secretary, letter, received_on=days(1), cell=world.b.cells[0])
    confirmation = AuditRecord.objects.get(action="lifecycle.confirm_receipt", object_id=str(letter.pk),
                                           content_type__model="transferletter")
    client.force_login(world.b_secretary)
    shown = [r.pk for r in client.get(reverse("audit:list") + "?object_type=lifecycle.transferletter")
             .context["records"]]
    assert confirmation.pk in shown
    # The organization filter of the trail looks at both sides too.
    shown = [r.pk for r in client.get(reverse("audit:list") + f"?organization={world.b.org.code}").context["records"]]
    assert confirmation.pk in shown
    client.force_login(c_secretary)
    assert confirmation.pk not in [r.pk for r in client.get(reverse("audit:list")).context["records"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plan of PostgreSQL")
def test_second_side_of_the_audit_is_index_backed_on_postgresql(world):
    qs = AuditRecord.objects.restrict(world.b_secretary).only("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
        one_side = TransferLetter.objects.incoming(world.b_secretary).explain()
    assert "audit_path2_idx" in plan and "Seq Scan on audit_auditrecord" not in plan, plan
    assert "Seq Scan on orgs_organization" not in one_side, one_side


# --- rights per business event --------------------------------------------------------------------------------


def test_cell_secretary_cannot_record_the_committee_decision(world, cell_secretary):
    case = _case(world, world.a.cells[0])
    with pytest.raises(NotPermitted) as refused:
        lifecycle.record_committee_decision(cell_secretary, case, number="2-QĐ", on=days(390))
    assert "committee" in str(refused.value)
    assert AdmissionCase.objects.get(pk=case.pk).state == CaseState.CELL_RESOLVED
    # ... while its cell resolution is the cell's own act,
    other = _case(world, world.a.cells[0], state=CaseState.APPLIED)
    lifecycle.record_cell_resolution(cell_secretary, other, number="5-NQ", on=days(395))
    # ... and the province's secretary records the committee's decision.
    lifecycle.record_committee_decision(world.a_secretary, case, number="2-QĐ", on=days(390))
    assert AdmissionCase.objects.get(pk=case.pk).state == CaseState.COMMITTEE_DECIDED


def test_cell_secretary_is_refused_with_403_in_the_api_and_sees_no_form(client, world, cell_secretary):
    case = _case(world, world.a.cells[0])
    response = api(cell_secretary).post(f"/api/lifecycle/admissions/{case.pk}/committee-decision/",
                                        {"number": "2-QĐ", "on": days(390).isoformat()}, format="json")
    assert response.status_code == 403 and "committee" in response.json()["detail"]
    client.force_login(cell_secretary)
    page = client.get(reverse("lifecycle:admission", args=[case.pk])).content.decode()
    assert "Record the committee decision" not in page
    client.force_login(world.a_secretary)
    page = client.get(reverse("lifecycle:admission", args=[case.pk])).content.decode()
    assert "Record the committee decision" in page


def test_cell_secretary_cannot_rename_its_own_cell(client, world, cell_secretary):
    cell = world.a.cells[0]
    with pytest.raises(NotPermitted):
        update_organization(cell_secretary, cell, expected_version=cell.lock_version, name="Chi bộ Tự đặt",
                            decision="1-NQ/CB")
    # The page shows the name but does not let the cell change it.
    client.force_login(cell_secretary)
    form = client.get(reverse("orgs:edit", args=[cell.pk])).context["form"]
    assert form.fields["name"].disabled and form.fields["code"].disabled
    client.post(reverse("orgs:edit", args=[cell.pk]), {
        "name": "Chi bộ Tự đặt", "code": "HACK", "org_type": "cell", "establishing_decision": "7-NQ/CB",
        "lock_version": cell.lock_version})
    cell.refresh_from_db()
    assert cell.name != "Chi bộ Tự đặt" and cell.code != "HACK" and cell.establishing_decision == "7-NQ/CB"
    # The committee above renames it, by decision.
    with pytest.raises(Exception) as no_decision:
        update_organization(world.a_secretary, cell, expected_version=cell.lock_version, name="Chi bộ Mới")
    assert "decision" in str(no_decision.value)
    cell = update_organization(world.a_secretary, cell, expected_version=cell.lock_version, name="Chi bộ Mới",
                               decision="3-QĐ/ĐU")
    assert cell.name == "Chi bộ Mới"


def test_cell_secretary_cannot_rename_by_reorganization(world, cell_secretary):
    from reorg.services import create_reorganization

    with pytest.raises(NotPermitted):
        create_reorganization(cell_secretary, kind="change", plan={"organization": world.a.cells[0].pk,
                                                                   "name": "Chi bộ Tự đặt"},
                              effective_on=days(1), decision="1-NQ/CB")


def test_cell_secretary_cannot_issue_a_letter_to_another_province(world, cell_secretary):
    member = world.a.members[0]
    assert member.organization_id == world.a.cells[0].pk
    with pytest.raises(NotPermitted) as refused:
        lifecycle.issue_transfer_letter(cell_secretary, member, to_org=world.b.org, number="1-GGT",
                                        issued_on=days(3))
    assert "province" in str(refused.value)
    assert not TransferLetter.objects.filter(member=member).exists()
    # Within the province the cell sends its member itself, to its own province's committee (which assigns the
    # cell: the cell secretary does not see the other cells).
    letter = lifecycle.issue_transfer_letter(cell_secretary, member, to_org=world.a.org, number="2-GGT",
                                             issued_on=days(3))
    lifecycle.cancel_letter(cell_secretary, letter, on=days(2), reason="nhầm")
    # The province's secretary sends a letter to another province.
    letter = lifecycle.issue_transfer_letter(world.a_secretary, member, to_org=world.b.org, number="3-GGT",
                                             issued_on=days(3))
    assert letter.state == LetterState.ISSUED


def test_correcting_personal_data_is_its_own_right(world):
    member = world.a.members[0]
    secretary = Role.objects.get(code="secretary")
    with system_action("tests.role"):
        recorder = Role.objects.create(code="status_recorder", name="Status recorder")
    recorder.permissions.set(secretary.permissions.exclude(codename="correct_member"))
    user = factories.user_with_role("recorder", "status_recorder", world.a.org)
    with pytest.raises(NotPermitted):
        update_member(user, member, expected_version=member.lock_version, full_name="Tên Khác")
    assert Member.objects.get(pk=member.pk).full_name == member.full_name
    update_member(world.a_secretary, member, expected_version=member.lock_version, full_name="Nguyễn Văn Đức Anh")


def test_default_roles_carry_the_new_permissions(world):
    held = {role.code: {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()}
            for role in Role.objects.prefetch_related("permissions__content_type")}
    assert NEW_PERMISSIONS <= held["secretary"]
    assert held["office_clerk"] & NEW_PERMISSIONS == {"members.correct_member"}
    assert not held["viewer"] & NEW_PERMISSIONS


def test_migration_gives_existing_roles_the_new_permissions(world):
    """An installation migrated before these permissions existed: its roles get them (audited as the system)."""
    migration = importlib.import_module("accounts.migrations.0002_business_event_permissions")
    new = Permission.objects.filter(codename__in=[label.split(".")[1] for label in NEW_PERMISSIONS])
    with system_action("tests.role"):
        custom = Role.objects.create(code="registrar", name="Registrar")
    custom.permissions.set(Permission.objects.filter(codename__in=["view_member", "change_member"]))
    for role in Role.objects.all():
        role.permissions.remove(*new)
    AuditRecord.objects.filter(action="accounts.migrate_role_permissions").delete()
    migration.forwards(apps, None)

    def labels(code):
        return {f"{p.content_type.app_label}.{p.codename}" for p in Role.objects.get(code=code).permissions.all()}

    assert NEW_PERMISSIONS <= labels("secretary") and NEW_PERMISSIONS <= labels("organization_officer")
    assert labels("office_clerk") & NEW_PERMISSIONS == {"members.correct_member"}
    assert not labels("viewer") & NEW_PERMISSIONS
    # A role of the installation's own keeps what it did through change_member; it never renamed organizations.
    assert labels("registrar") & NEW_PERMISSIONS == NEW_PERMISSIONS - {"orgs.rename_organization"}
    records = AuditRecord.objects.filter(action="accounts.migrate_role_permissions")
    assert records.count() == 5 and all(r.by_system for r in records)
    cell_secretary = factories.user_with_role("cell_secretary2", "secretary", world.a.cells[0])
    assert not lifecycle.may_send_out_of_province(cell_secretary, world.a.cells[0].path)
    assert lifecycle.may_send_out_of_province(world.a_secretary, world.a.cells[0].path)


def test_letter_audit_backfill_gives_old_records_the_receiving_side(world):
    migration = importlib.import_module("lifecycle.migrations.0004_letter_audit_both_sides")
    letter = lifecycle.issue_transfer_letter(world.a_secretary, world.a.members[0], to_org=world.b.org,
                                             number="1-GGT", issued_on=days(3))
    AuditRecord.objects.filter(content_type__model="transferletter").update(org_path_2=None)  # as written before
    assert not AuditRecord.objects.restrict(world.b_secretary).filter(object_id=str(letter.pk),
                                                                      content_type__model="transferletter").exists()
    migration.forwards(apps, None)
    assert AuditRecord.objects.restrict(world.b_secretary).filter(object_id=str(letter.pk),
                                                                  content_type__model="transferletter").exists()


# --- the SYSTEM actor; None means nobody ----------------------------------------------------------------------


def test_none_is_nobody(world):
    assert scope_q(None, Member) is not None
    assert not Member.objects.restrict(None).exists()
    assert not TransferLetter.objects.restrict(None).exists()
    assert not path_in_scope(None, Member, "add", world.a.cells[0].path)
    assert not can(None, Member, "view")
    with pytest.raises(OutOfScope):
        register_member(None, organization=world.a.cells[0], status="official", full_name="Không Ai",
                        gender="M", birth_date=dt.date(1980, 1, 1), admission_date=dt.date(2005, 1, 1),
                        official_date=dt.date(2006, 1, 1))
    assert not Member.objects.filter(full_name="Không Ai").exists()


def test_system_may_everything_and_is_recorded_as_the_system(world):
    assert scope_q(SYSTEM, Member) is None
    member = register_member(SYSTEM, organization=world.a.cells[0], status="official", full_name="Hệ Thống",
                             gender="M", birth_date=dt.date(1980, 1, 1), admission_date=dt.date(2005, 1, 1),
                             official_date=dt.date(2006, 1, 1))
    record = AuditRecord.objects.filter(object_id=str(member.pk), content_type__model="member").first()
    assert record.by_system and record.actor_id is None and record.actor_label == "system"
    org = Organization.objects.get(pk=world.a.cells[0].pk)
    assert Organization.objects.restrict(SYSTEM).filter(pk=org.pk).exists()
