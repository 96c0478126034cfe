"""What a clerk tripped on when the platform issue's stories were played through the demo (vi and ar)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

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


def test_clerk_is_offered_only_their_own_province_as_receiving_committee(world, client):
    """A letter to another province is the province committee's: the clerk is not offered a list refused on saving."""
    member = world.a.members[0]
    clerk = factories.user_with_role("a_office_clerk", "office_clerk", world.a.grassroots)
    client.force_login(clerk)
    page = client.get(f"/lifecycle/members/{member.pk}/transfer/").content.decode()
    assert f'<option value="{world.a.org.pk}">' in page and f'<option value="{world.b.org.pk}">' not in page
    client.force_login(world.admin)  # the national administrator may write to any province
    page = client.get(f"/lifecycle/members/{member.pk}/transfer/").content.decode()
    assert f'<option value="{world.a.org.pk}">' in page and f'<option value="{world.b.org.pk}">' in page


def test_in_transit_badge_keeps_the_letter_number_whole_in_arabic(world, client):
    member = world.a.members[0]
    services.issue_transfer_letter(world.a_secretary, member, to_org=world.a.cells[1], kind="official",
                                   number="15-GGT/ĐU", issued_on=TODAY)
    client.force_login(world.a_secretary)
    page = client.get(f"/members/{member.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "<bdi>15-GGT/ĐU</bdi>" in page


def test_organization_page_shows_no_internal_id_and_no_edit_once_dissolved(world, client):
    from orgs.models import Organization
    from orgs.services import check_open
    from reorg.services import create_reorganization

    c1, c2 = world.a.cells
    client.force_login(world.a_secretary)
    page = client.get(f"/orgs/{c1.pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f"<dd>{c1.pk}</dd>" not in page and f'href="/orgs/{c1.pk}/edit/"' in page
    create_reorganization(world.a_secretary, kind="merge", plan={"sources": [c1.pk], "target": c2.pk},
                          effective_on=TODAY, decision="7-QĐ/ĐU", decision_date=TODAY)
    assert not Organization.objects.get(pk=c1.pk).is_active
    page = client.get(f"/orgs/{c1.pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f'href="/orgs/{c1.pk}/edit/"' not in page
    # Recording anything on it is refused with the closing date as a Vietnamese reader writes it.
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        check_open(Organization.objects.get(pk=c1.pk))
    assert TODAY.strftime("%d/%m/%Y") in str(refused.value) and TODAY.isoformat() not in str(refused.value)


def test_reorganization_list_asks_for_no_internal_id(world, client):
    client.force_login(world.a_secretary)
    page = client.get("/reorg/?organization=1").content.decode()
    assert 'type="number" name="organization"' not in page and 'type="hidden" name="organization"' in page


def test_reorganization_page_points_its_arrows_the_way_arabic_reads(world, client):
    from reorg.services import create_reorganization

    c1, c2 = world.a.cells
    factories.user_with_role("a_cell_secretary", "secretary", c1)  # a role that follows the merge
    reorg = create_reorganization(world.a_secretary, kind="merge", plan={"sources": [c1.pk], "target": c2.pk},
                                  effective_on=TODAY, decision="7-QĐ/ĐU", decision_date=TODAY)
    client.force_login(world.a_secretary)
    arabic = client.get(f"/reorg/{reorg.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert f"<bdi>{c1.name}</bdi> \u2190 <bdi>{c2.name}</bdi>" in arabic and "\u2192" not in arabic
    assert f"<bdi>{world.a_secretary.username}</bdi> · <bdi>" in arabic  # who recorded it, kept apart from the date
    vietnamese = client.get(f"/reorg/{reorg.pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f"<bdi>{c1.name}</bdi> \u2192 <bdi>{c2.name}</bdi>" in vietnamese


def test_audit_names_related_objects_instead_of_their_ids(world, client):
    cell = world.a.cells[0]
    case = services.submit_application(world.a_secretary, cell=cell, applied_on=TODAY - dt.timedelta(days=3),
                                       full_name="Nguyễn Văn Thử", gender="M", birth_date=dt.date(1990, 5, 6))
    client.force_login(world.a_secretary)
    page = client.get("/audit/?object_type=lifecycle.admissioncase", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f"<bdi>{cell.name}</bdi>" in page  # the cell of the case, by its name
    assert f"<bdi>{case.pk}</bdi>" not in page and f"<bdi>{cell.pk}</bdi>" not in page  # no internal id
