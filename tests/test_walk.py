"""What a clerk tripped on when the platform issue's stories were played through the demo (vi and ar)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from audit.models import AuditRecord
from lifecycle import services
from tests import factories

TODAY = timezone.localdate()


def test_member_page_links_to_its_lifecycle_actions(world, client):
    member = world.a.members[0]
    client.force_login(world.a_secretary)
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert f'href="/lifecycle/members/{member.pk}/"' in page  # where the transfer letter and leaving are


def test_cell_secretary_is_told_the_committee_records_the_admission_decision(world, client):
    cell = world.a.cells[0]
    secretary = factories.user_with_role("a_cell_secretary", "secretary", cell)
    case = services.submit_application(secretary, cell=cell, applied_on=TODAY - dt.timedelta(days=10),
                                       full_name="Nguyễn Văn Thử", gender="M", birth_date=dt.date(1990, 5, 6))
    services.record_cell_resolution(secretary, case, number="NQ-1", on=TODAY - dt.timedelta(days=5))
    client.force_login(secretary)
    page = client.get(f"/lifecycle/admissions/{case.pk}/").content.decode()
    assert 'data-testid="awaiting-committee"' in page and 'value="committee_decision"' not in page
    client.force_login(world.a_secretary)  # the committee above the cell: the form, no waiting note
    page = client.get(f"/lifecycle/admissions/{case.pk}/").content.decode()
    assert 'value="committee_decision"' in page and "awaiting-committee" not in page


def test_audit_shows_a_choice_by_its_label(world, client):
    member = world.a.members[0]
    services.issue_transfer_letter(world.a_secretary, member, to_org=world.a.cells[1], kind="official",
                                   number="GT-1", issued_on=TODAY)
    client.force_login(world.a_secretary)
    page = client.get("/audit/?object_type=lifecycle.transferletter", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert AuditRecord.objects.filter(content_type__model="transferletter").exists()
    assert '<td class="after">Issued, in transit</td>' in page and '<td class="after">issued</td>' not in page


def test_forbidden_page_says_why_in_the_users_language(world, client):
    client.force_login(world.a_viewer)
    response = client.get("/members/export/xlsx/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Không có quyền truy cập" in body and "<html" in body


def test_future_rule_version_is_not_shown_as_in_force(world, client):
    client.force_login(world.admin)
    future = TODAY + dt.timedelta(days=40)
    response = client.post("/rules/PROBATION_MONTHS/", {
        "form": "add", "value": "9", "valid_from": future.isoformat(), "regulation_kind": "regulation",
        "regulation": "999-QĐ/TW", "regulation_date": TODAY.isoformat()})
    assert response.status_code == 302
    page = client.get("/rules/PROBATION_MONTHS/").content.decode()
    assert "not yet in force" in page
