"""The generic pages and exports (core/object_views.py, core/exports.py) and the API's action base.

Every export checks the export right and is audited (the badge list did neither); no exported cell is a
formula (a member named ``=HYPERLINK(...)`` came out as a live link); the import refuses the same leading
characters the export neutralizes; a service's refusals map onto 400 / 409 in the API.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditRecord
from core.actions import system_action
from members.models import Member
from tests import factories

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","x")'
TODAY = timezone.localdate()


def evil_member(world) -> Member:
    """A member whose stored values a spreadsheet would evaluate, as the API accepted them before.

    Stored with an audited update inside an action (the way any earlier writer could have stored them), so the
    test does not depend on whether today's services still accept such names.
    """
    y = TODAY.year
    member = factories.member(world.a.cells[0], "Tạm Tên", birth=dt.date(1960, 1, 1), admitted=dt.date(y - 30, 3, 1),
                              official=dt.date(y - 29, 3, 1))
    with system_action("tests.evil_values"):
        Member.objects.filter(pk=member.pk).update(full_name=EVIL, home_town="+1+2", occupation="@SUM(A1)",
                                                   education="-2+3", religion="\tx")
    return Member.objects.get(pk=member.pk)


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))


def assert_no_formula(content: bytes) -> list[tuple]:
    """The workbook has no formula anywhere, and the hostile values are strings starting with an apostrophe."""
    from openpyxl import load_workbook

    assert "<f>" not in sheet_xml(content) and "<f " not in sheet_xml(content)
    workbook = load_workbook(io.BytesIO(content))
    rows = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
            rows.append(tuple(c.value for c in row))
    return rows


# --- the one place -------------------------------------------------------------------------------------

def test_neutralize_prefixes_only_dangerous_text():
    from core.exports import csv_lines, neutralize

    for value in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx", EVIL):
        assert neutralize(value) == "'" + value
    for value in ("Nguyễn Văn A", "HN-01", "", 5, -5, dt.date(2020, 1, 1), None):
        assert neutralize(value) == value
    lines = list(csv_lines(["Name"], [[EVIL, -3, None, dt.date(2020, 1, 2)]]))
    row = next(csv.reader(io.StringIO(lines[-1])))
    assert row == ["'" + EVIL, "-3", "", "2020-01-02"]


# --- badge export: right, audit, neutralized ----------------------------------------------------------

def test_badge_export_needs_the_export_right(world, client):
    client.force_login(world.a_viewer)  # may view members, may not export them
    before = AuditRecord.objects.filter(event="export").count()
    assert client.get("/lifecycle/badges/?format=xlsx").status_code == 403
    assert client.get("/lifecycle/badges/?format=xlsx&early=1").status_code == 403
    assert AuditRecord.objects.filter(event="export").count() == before
    page = client.get("/lifecycle/badges/")
    assert page.status_code == 200 and "format=xlsx" not in page.content.decode()  # no button that answers 403


def test_badge_export_is_audited_and_scoped(world, client):
    y = TODAY.year
    factories.member(world.a.cells[0], "Ba Mươi", birth=dt.date(1960, 1, 1), admitted=dt.date(y - 30, 3, 1),
                     official=dt.date(y - 29, 3, 1))
    factories.member(world.b.cells[0], "Zeta Ba Mươi", birth=dt.date(1960, 1, 1), admitted=dt.date(y - 30, 3, 1),
                     official=dt.date(y - 29, 3, 1))
    client.force_login(world.a_secretary)
    response = client.get(f"/lifecycle/badges/?format=xlsx&start={y}-01-01&end={y}-12-31&badge=30")
    assert response.status_code == 200
    rows = assert_no_formula(b"".join(response.streaming_content))
    assert [r[2] for r in rows[1:]] == ["Ba Mươi"] and rows[1][0] == 30
    record = AuditRecord.objects.filter(event="export").latest("id")
    assert record.actor == world.a_secretary and record.changes["rows"] == 1
    assert record.changes["filters"]["badge"] == "30" and record.org_path == world.a.org.path
    assert record.content_type.model == "member"


def test_badge_export_neutralizes_formulas(world, client):
    evil_member(world)
    client.force_login(world.a_secretary)
    response = client.get("/lifecycle/badges/?format=xlsx")
    assert response.status_code == 200
    rows = assert_no_formula(b"".join(response.streaming_content))
    names = [r[2] for r in rows[1:]]
    assert names == ["'" + EVIL]


# --- member export --------------------------------------------------------------------------------------

def test_member_exports_neutralize_formulas(world, client):
    member = evil_member(world)
    client.force_login(world.a_secretary)
    response = client.get("/members/export/csv/", {"organization": world.a.cells[0].pk})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    row = next(r for r in rows if r[0] == "'" + EVIL)  # the name first: no internal id column
    assert {"'+1+2", "'@SUM(A1)", "'-2+3", "'\tx"} <= set(row)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)

    response = client.get("/members/export/xlsx/", {"organization": world.a.cells[0].pk})
    assert response.status_code == 200
    rows = assert_no_formula(b"".join(response.streaming_content))
    row = next(r for r in rows if r[0] == "'" + EVIL)
    assert "'@SUM(A1)" in row and member.pk not in row
    assert AuditRecord.objects.filter(event="export").count() == 2


def test_member_export_background_job_neutralizes(world, client, settings):
    """A big XLSX goes through the job, which writes with the same neutralizing writer."""
    from jobs.models import Job
    from jobs.services import jobs_dir, run_job

    settings.PARTYWORK_EXPORT_INLINE_ROWS = 0
    evil_member(world)
    client.force_login(world.a_secretary)
    response = client.get("/members/export/xlsx/", {"organization": world.a.cells[0].pk})
    assert response.status_code == 302
    job = run_job(Job.objects.latest("id"))
    assert job.state == "succeeded", job.message
    content = (jobs_dir() / str(job.pk) / job.result_file).read_bytes()
    rows = assert_no_formula(content)
    assert any(r[0] == "'" + EVIL for r in rows)


def test_statistics_export_neutralizes_organization_names(world, client):
    from orgs.models import Organization

    with system_action("tests.evil_values"):
        Organization.objects.filter(pk=world.a.grassroots.pk).update(name="=cmd|' /C calc'!A0")
    client.force_login(world.a_secretary)
    response = client.get("/exchange/statistics/", {"organization": world.a.org.code})
    assert response.status_code == 200
    rows = assert_no_formula(b"".join(response.streaming_content))
    assert any("'=cmd|' /C calc'!A0" in r for r in rows)


# --- import refuses what the export neutralizes --------------------------------------------------------

@pytest.mark.parametrize("value", ["=1+1", "+84 912", "-Nguyễn", "@SUM(A1)"])
def test_import_refuses_formula_leads(value):
    from exchange.importer import parse_row

    row = parse_row(3, {"full_name": value, "home_town": "Hà Nội"})
    assert any(e.column == "full_name" and ("Formulas" in e.message or "+, - or @" in e.message)
               for e in row.errors)
    row = parse_row(3, {"full_name": "Nguyễn Văn A", "home_town": value})
    assert any(e.column == "home_town" for e in row.errors)


# --- API action base ------------------------------------------------------------------------------------

def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_action_maps_service_errors(world):
    member = world.a.members[0]
    client = api(world.a_secretary)
    url = f"/api/lifecycle/members/{member.pk}/leave/"
    stale = client.post(url, {"kind": "voluntary", "on": TODAY.isoformat(), "decision": "1",
                              "lock_version": member.lock_version + 5}, format="json")
    assert stale.status_code == 409
    future = client.post(url, {"kind": "voluntary", "on": (TODAY + dt.timedelta(days=400)).isoformat(),
                               "decision": "1", "lock_version": member.lock_version}, format="json")
    assert future.status_code == 400 and future.json()
    foreign = client.post(f"/api/lifecycle/members/{world.b.members[0].pk}/leave/",
                          {"kind": "voluntary", "on": TODAY.isoformat(), "decision": "1"}, format="json")
    assert foreign.status_code == 404
    member.refresh_from_db()
    assert member.status == "official"
