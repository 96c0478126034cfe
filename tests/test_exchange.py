"""Excel exchange: template, readers, validation, all-or-nothing and valid-rows imports, idempotency."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from audit.models import AuditRecord
from exchange.importer import ErrorLog, MemberImporter, read_errors
from exchange.readers import FileProblem, open_table, parse_date
from exchange.template import COLUMNS, KEYS, template_csv, template_xlsx
from jobs.models import Job, JobState
from jobs.services import claim_job, enqueue_job, jobs_dir, run_job
from members.models import Member, MemberHistory
from orgs.models import Organization
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("job_files")]


def row(cell_code: str, n: int, **over) -> dict:
    birth = dt.date(1980 + n % 20, 1 + n % 12, 1 + n % 28)
    gender = "F" if n % 2 else "M"
    data = {
        "full_name": f"Nguyễn Văn Thử {n}", "gender": gender, "birth_date": birth.strftime("%d/%m/%Y"),
        "citizen_id": factories.citizen_id(birth, gender), "party_card_no": "", "status": "official",
        "admission_date": dt.date(birth.year + 20, 5, 6).isoformat(), "official_date": dt.date(birth.year + 21, 5, 6)
        .strftime("%d-%m-%Y"), "organization_code": cell_code, "ethnicity": "Kinh", "religion": "",
        "home_town": "Hạ Long", "education": "", "occupation": "",
    }
    data.update(over)
    return data


def write_csv(path: Path, rows: list[dict], *, keys_row: bool = True, encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow([str(c.label) for c in COLUMNS])
        if keys_row:
            writer.writerow(KEYS)
        for r in rows:
            writer.writerow([r.get(k, "") for k in KEYS])
    return path


def write_xlsx(path: Path, rows: list[dict], *, keys_row: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append([str(c.label) for c in COLUMNS])
    if keys_row:
        ws.append(list(KEYS))
    for r in rows:
        ws.append([r.get(k) for k in KEYS])
    wb.save(path)
    return path


def run_import(world, path: Path, mode: str = "all", user=None, root=None):
    user = user or world.a_secretary
    root = root or world.a.org
    job = enqueue_job(user, kind="members.import", org_path=root.path, label="test",
                      params={"file": str(path), "filename": path.name, "mode": mode, "root_id": root.pk,
                              "language": "en"})
    job = claim_job("test", job.pk)
    return run_job(job)


def snapshot():
    return (Member.objects.count(), MemberHistory.objects.count(),
            list(Organization.objects.order_by("id").values_list("subtree_official", "direct_official",
                                                                  "subtree_probationary")))


def test_template_xlsx_has_guide_and_key_row(tmp_path):
    target = tmp_path / "t.xlsx"
    template_xlsx(str(target))
    wb = load_workbook(target)
    members, guide = wb.worksheets[0], wb.worksheets[1]
    assert [c.value for c in members[2]] == list(KEYS)
    assert members.row_dimensions[2].hidden
    assert guide.max_row > len(COLUMNS)
    assert template_csv().startswith("\ufeff".encode())


def test_template_downloads(world, client):
    client.force_login(world.a_secretary)
    for fmt in ("xlsx", "csv"):
        response = client.get(f"/exchange/template/{fmt}/")
        assert response.status_code == 200
    client.force_login(world.a_viewer)
    assert client.get("/exchange/template/xlsx/").status_code == 403


def test_parse_date_three_formats():
    assert parse_date("04/03/1980") == dt.date(1980, 3, 4)
    assert parse_date("1980-03-04") == dt.date(1980, 3, 4)
    assert parse_date("04-03-1980") == dt.date(1980, 3, 4)
    assert parse_date(dt.datetime(1980, 3, 4)) == dt.date(1980, 3, 4)
    for bad in ("31/02/1980", "1980/03/04", "March 4", "", 29000, "04.03.1980", "99-99-9999"):
        assert parse_date(bad) is None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_valid_file_imports_once_and_reimport_changes_nothing(world, tmp_path, fmt):
    cell = world.a.cells[0]
    rows = [row(cell.code, n) for n in range(30)]
    rows[3]["status"], rows[3]["official_date"] = "probationary", ""
    path = (write_csv if fmt == "csv" else write_xlsx)(tmp_path / f"m.{fmt}", rows)
    before_official = Organization.objects.get(pk=world.a.org.pk).subtree_official
    job = run_import(world, path)
    assert job.state == JobState.SUCCEEDED, job.message
    assert job.result["created"] == 30
    assert Member.objects.filter(organization=cell, full_name__startswith="Nguyễn Văn Thử").count() == 30
    a = Organization.objects.get(pk=world.a.org.pk)
    assert a.subtree_official == before_official + 29 and a.subtree_probationary == 1
    assert Organization.objects.get(pk=world.central.pk).subtree_official >= a.subtree_official
    assert AuditRecord.objects.filter(action="exchange.import_members", event="create").count() >= 30 + 30
    # history: recognized members have a probationary period and an official period
    member = Member.objects.get(citizen_id=rows[0]["citizen_id"])
    assert list(member.history.order_by("valid_from").values_list("status", flat=True)) == ["probationary", "official"]
    state = snapshot()
    again = run_import(world, path)
    assert again.state == JobState.SUCCEEDED
    assert again.result["created"] == 0 and again.result["unchanged"] == 30
    assert snapshot() == state


def test_all_mode_bad_row_changes_nothing_and_reports(world, tmp_path):
    cell = world.a.cells[0]
    rows = [row(cell.code, n) for n in range(10)]
    rows[4]["birth_date"] = "31/02/1980"
    rows[7]["organization_code"] = world.b.cells[0].code  # outside the user's scope
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    state = snapshot()
    job = run_import(world, path, "all")
    assert job.state == JobState.FAILED
    assert snapshot() == state
    assert job.error_report
    report = load_workbook(jobs_dir() / str(job.pk) / job.error_report)
    lines = list(report.active.iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[1]) for r in lines} >= {(7, "Date of birth"), (10, "Organization code")}
    assert "Zeta" not in str(lines)


def test_valid_mode_writes_valid_rows(world, tmp_path):
    cell = world.a.cells[1]
    rows = [row(cell.code, n) for n in range(10)]
    rows[2]["citizen_id"] = "12345"
    rows[5] = dict(rows[6], full_name="Trần Văn Khác")  # the same citizen ID twice in the file
    rows[8]["full_name"] = "=HYPERLINK(\"x\")"
    path = write_csv(tmp_path / "v.csv", rows)
    job = run_import(world, path, "valid")
    assert job.state == JobState.SUCCEEDED
    assert job.result["created"] == 7 and job.result["error_rows"] == 3
    messages = [e.message for e in read_errors(jobs_dir() / str(job.pk) / "errors.jsonl")]
    assert any("Formulas" in m for m in messages) and any("more than once" in m for m in messages)


def test_existing_member_with_different_data_is_an_error(world, tmp_path):
    existing = world.a.members[0]
    data = row(existing.organization.code, 1, citizen_id=existing.citizen_id, full_name=existing.full_name,
               gender=existing.gender, birth_date=existing.birth_date.isoformat(),
               admission_date=existing.admission_date.isoformat(), official_date=existing.official_date.isoformat(),
               home_town="Hà Nội")
    job = run_import(world, write_csv(tmp_path / "d.csv", [data]), "valid")
    assert job.result["error_rows"] == 1
    assert "different data" in job.result["errors_sample"][0]["message"]
    assert "Home town" in job.result["errors_sample"][0]["message"]


def test_messages_in_the_users_language(world, tmp_path):
    rows = [row(world.a.cells[0].code, 1, birth_date="hôm qua")]
    path = write_csv(tmp_path / "vi.csv", rows)
    job = enqueue_job(world.a_secretary, kind="members.import", org_path=world.a.org.path,
                      params={"file": str(path), "filename": "vi.csv", "mode": "all", "root_id": world.a.org.pk,
                              "language": "de"})
    job = run_job(claim_job("t", job.pk))
    assert job.state == JobState.FAILED
    from django.utils import translation

    with translation.override("de"):
        from django.utils.translation import gettext

        expected = gettext("This is not a date. Use an Excel date or dd/mm/yyyy, yyyy-mm-dd or dd-mm-yyyy.")
    assert job.result["errors_sample"][0]["message"] == expected


@pytest.mark.parametrize("content,name,fragment", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "old Excel"),
    (b"PK\x03\x04garbage", "broken.xlsx", "not a readable Excel"),
    (b"%PDF-1.4 hello", "file.pdf", "cannot be imported"),
    ("Giới tính\n".encode("cp1258", "replace") + "Đà Nẵng".encode("cp1258", "replace"), "legacy.csv", "not UTF-8"),
    (b"full_name,gender\nAn,M\n", "missing.csv", "Required columns are missing"),
    (b"", "empty.csv", "empty"),
    ("a,b\n".encode("utf-16"), "u16.csv", "UTF-16"),
])
def test_malformed_files_get_a_clear_message(world, tmp_path, content, name, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileProblem) as exc:
        with open_table(path, name) as table:
            list(table.rows())
    assert fragment in exc.value.message
    state = snapshot()
    job = run_import(world, path)
    assert job.state == JobState.FAILED and fragment in job.message
    assert snapshot() == state


def test_a_million_empty_rows_are_cheap(world, tmp_path):
    path = tmp_path / "empty.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write(",".join(KEYS) + "\n")
        out.write(",".join(row(world.a.cells[0].code, 1)[k] for k in KEYS) + "\n")
        out.write(("," * (len(KEYS) - 1) + "\n") * 1_000_000)
    with open_table(path, "empty.csv") as table:
        assert len(list(table.rows())) == 1


def test_xlsx_formula_cells_are_refused(world, tmp_path):
    rows = [row(world.a.cells[0].code, 1)]
    path = write_xlsx(tmp_path / "f.xlsx", rows)
    wb = load_workbook(path)
    wb.active["I3"] = "=CONCAT(\"T22\",\".G1.C1\")"
    wb.save(path)
    job = run_import(world, path, "all")
    assert job.state == JobState.FAILED
    assert "Formulas" in job.result["errors_sample"][0]["message"]


def test_export_round_trip_changes_nothing(world, client, tmp_path):
    """Export the member list as XLSX (members/exports.py) and import it again: nothing changes."""
    cell = world.a.cells[0]
    rows = [row(cell.code, n) for n in range(2000)]
    job = run_import(world, write_csv(tmp_path / "seed.csv", rows), "all")
    assert job.result["created"] == 2000
    client.force_login(world.a_secretary)
    response = client.get("/members/export/xlsx/")
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    state = snapshot()
    audit_before = AuditRecord.objects.exclude(event="export").count()
    again = run_import(world, path, "all")
    assert again.state == JobState.SUCCEEDED, (again.message, again.result.get("errors_sample"))
    assert again.result["unchanged"] >= 2000 and again.result["created"] == 0
    assert snapshot() == state
    assert AuditRecord.objects.filter(event__in=["create", "update", "delete"],
                                      content_type__model="member").count() <= audit_before


def test_out_of_scope_root_is_refused(world, client, tmp_path):
    client.force_login(world.a_secretary)
    path = write_csv(tmp_path / "x.csv", [row(world.b.cells[0].code, 1)])
    with open(path, "rb") as handle:
        response = client.post("/exchange/import/", {"file": handle, "mode": "all",
                                                     "organization": world.b.org.code})
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_upload_through_the_web_creates_a_job(world, client, tmp_path):
    client.force_login(world.a_secretary)
    path = write_csv(tmp_path / "w.csv", [row(world.a.cells[0].code, n) for n in range(5)])
    with open(path, "rb") as handle:
        response = client.post("/exchange/import/", {"file": handle, "mode": "all", "organization": world.a.org.code})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    page = client.get(f"/jobs/{job.pk}/")
    assert b"<progress" in page.content and b"hx-trigger=\"every 1s\"" in page.content
    run_job(claim_job("t", job.pk))
    status = client.get(f"/jobs/{job.pk}/status/")
    assert b"every 1s" not in status.content
    assert Member.objects.filter(full_name__startswith="Nguyễn Văn Thử").count() == 5


def test_statistics_export(world, client):
    client.force_login(world.a_secretary)
    response = client.get("/exchange/statistics/", {"organization": world.a.org.code})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(wb.worksheets) == 4
    status = list(wb.worksheets[0].iter_rows(values_only=True))
    assert status[-1][-1] == Organization.objects.get(pk=world.a.org.pk).subtree_members
    assert AuditRecord.objects.filter(event="export").exists()
    response = client.get("/exchange/statistics/", {"organization": world.b.org.code})
    assert response.status_code == 400 and b"Zeta" not in response.content


def test_importer_queries_per_batch_not_per_row(world, tmp_path, django_assert_max_num_queries):
    rows = [row(world.a.cells[0].code, n) for n in range(500)]
    path = write_csv(tmp_path / "q.csv", rows)
    errors = ErrorLog(tmp_path / "e.jsonl")
    importer = MemberImporter(world.a_secretary, world.a.org, "all", errors, batch_size=500)
    with open_table(path, "q.csv") as table, django_assert_max_num_queries(60):
        stats = importer.run_all(table)
    assert stats.created == 500


def _audit_rows(model, ids):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(model)
    records = AuditRecord.objects.filter(content_type=ct, object_id__in=[str(i) for i in ids]).order_by("id")
    return [(r.actor_id, r.actor_label, r.action, r.event, r.object_repr, r.org_path,
             {k: v for k, v in r.changes.items() if k != "id"}, list(r.changes)) for r in records]


def test_import_writes_the_same_rows_and_audit_records_as_bulk_create(world, tmp_path):
    """exchange.bulk.audited_insert stands in for AuditedQuerySet.bulk_create: same rows, same audit records."""
    from core.actions import acting
    from members.choices import HistoryEvent

    cell = world.a.cells[0]
    rows = [row(cell.code, n) for n in range(4)]
    rows[1]["status"], rows[1]["official_date"] = "probationary", ""
    path = write_csv(tmp_path / "same.csv", rows)
    importer = MemberImporter(world.a_secretary, world.a.org, "all", ErrorLog(tmp_path / "e.jsonl"))
    with open_table(path, "same.csv") as table:
        assert importer.run_all(table).created == 4
    imported = list(Member.objects.filter(citizen_id__in=[r["citizen_id"] for r in rows]).order_by("id"))
    history = list(MemberHistory.objects.filter(member__in=imported).order_by("id"))
    assert len(history) == 7

    # The same members through the ORM's audited bulk_create, as the importer wrote them before.
    fields = [f.attname for f in Member._meta.concrete_fields if not f.primary_key]
    with acting(world.a_secretary, "exchange.import_members"):
        copies = Member.objects.bulk_create([
            Member(**{f: getattr(m, f) for f in fields} | {"citizen_id": None}) for m in imported])
        copy_history = []
        for m, c in zip(imported, copies):
            for h in m.history.order_by("id"):
                copy_history.append(MemberHistory(member=c, organization_id=h.organization_id, status=h.status,
                                                  event=HistoryEvent(h.event), valid_from=h.valid_from,
                                                  valid_to=h.valid_to))
        copy_history = MemberHistory.objects.bulk_create(copy_history)
    drop_cid = lambda rows: [(*r[:6], {k: v for k, v in r[6].items() if k != "citizen_id"}, r[7]) for r in rows]  # noqa: E731
    mine = _audit_rows(Member, [m.pk for m in imported])
    assert drop_cid(mine) == drop_cid(_audit_rows(Member, [c.pk for c in copies]))
    assert [r[6]["citizen_id"][1] for r in mine] == [m.citizen_id for m in imported]
    mine = _audit_rows(MemberHistory, [h.pk for h in history])
    theirs = _audit_rows(MemberHistory, [h.pk for h in copy_history])
    strip = lambda rows: [(*r[:4], r[4].split(" ", 1)[1], r[5], {k: v for k, v in r[6].items() if k != "member_id"},  # noqa: E731
                           r[7]) for r in rows]
    assert strip(mine) == strip(theirs)
    for h, record in zip(history, mine):
        assert record[4] == str(h) and record[6]["member_id"] == [None, h.member_id]
    stored = Member.objects.filter(pk__in=[m.pk for m in imported]).values(*fields)
    for m, values in zip(imported, stored):
        assert values["name_key"] and values["given_key"] and values["lock_version"] == 0
        assert values["status_since"] == (m.official_date or m.admission_date)


def test_parse_date_fast_path_agrees_with_the_patterns():
    from exchange.readers import parse_date_text

    for text in ["04/03/1980", "4/3/1980", "1980-03-04", "1980-3-4", "04-03-1980", "1980-03-04 00:00",
                 "31/02/1980", "00/01/1980", "01/13/1980", "1899-12-31", "2101-01-01", "ab/cd/efgh",
                 "1980/03/04", "04/03-1980", "١٩٨٠-٠٣-٠٤", "04.03.1980", "", "1980-03-04T00:00:00"]:
        expected = None
        for pattern, order in ((r"^(\d{1,2})/(\d{1,2})/(\d{4})$", "dmy"),
                               (r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$", "ymd"),
                               (r"^(\d{1,2})-(\d{1,2})-(\d{4})$", "dmy")):
            import re

            match = re.match(pattern, text)
            if match:
                a, b, c = (int(g) for g in match.groups())
                y, m, d = (c, b, a) if order == "dmy" else (a, b, c)
                try:
                    expected = dt.date(y, m, d) if 1900 <= y <= 2100 else None
                except ValueError:
                    expected = None
                break
        assert parse_date_text(text) == expected, text


def test_audit_json_text_is_what_the_json_field_writes():
    """exchange.bulk writes each audit record's ``changes`` as text itself; it must be json.dumps(cls=DjangoJSONEncoder)
    of the ``jsonable`` values, byte for byte, whatever the values."""
    import decimal
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from core.models import jsonable
    from exchange.bulk import _AUDIT_JSON, Drafter
    from members.choices import MemberStatus

    values = ["Nguyễn \"Văn\" \\ An\n\t%s %%", "", None, 0, -7, 2 ** 70, True, False, 1.5, 1e100, dt.date(1900, 3, 1),
              dt.datetime(2020, 1, 2, 3, 4, 5, 678901), dt.datetime(2020, 1, 2, tzinfo=dt.UTC),
              decimal.Decimal("1.10"), MemberStatus.OFFICIAL, "\u2028\x00", ["a", 1], {"k": None}]
    for value in values:
        expected = json.dumps({"id": [None, 1], "v": [None, jsonable(value)]}, cls=DjangoJSONEncoder)
        assert _AUDIT_JSON({"id": (None, 1), "v": (None, value)}) == expected
    fields = [f.attname for f in Member._meta.concrete_fields if not f.primary_key]
    audited = [f.attname for f in Member._meta.concrete_fields if f.attname not in Member.audit_exclude]
    rows = [{f: value for f in fields} for value in values]
    drafter = Drafter(Member, late=("organization_id",))
    for pk, row_ in enumerate(rows, start=1):
        expected = json.dumps({a: [None, jsonable(pk if a == "id" else 7 if a == "organization_id" else row_[a])]
                               for a in audited}, cls=DjangoJSONEncoder)
        assert drafter.draft(row_)[1] % (pk, 7) == expected
    # Only key columns can wait for their value, and only audited ones (their slot is in the record).
    for late in (("full_name",), ("lock_version",), ("no_such_field",)):
        with pytest.raises(ValueError):
            Drafter(Member, late=late)


def test_reserved_keys_follow_every_key_the_table_has_had(world):
    """exchange.bulk reserves the keys of the rows it writes before writing them (on both databases). They must be
    the ones the database would have given: after the highest key, never reusing the key of a deleted row, and a
    row saved through the ORM afterwards gets the key after them."""
    from django.db import transaction

    from core.actions import acting
    from exchange.bulk import _table

    org = world.a.cells[0]
    with acting(world.admin, "test.keys"):
        first = factories.member(org, "Lê Văn Một")
        last = factories.member(org, "Lê Văn Hai", birth=dt.date(1981, 3, 4))
        Member.objects.filter(pk=last.pk).delete()  # the highest key: the next rows must not take it again
    with transaction.atomic():
        keys = _table(Member).new_keys(3)
    assert keys == [keys[0], keys[0] + 1, keys[0] + 2]
    assert keys[0] > last.pk > first.pk
    with acting(world.admin, "test.keys"):
        keys = _table(Member).new_keys(2)
        after = factories.member(org, "Lê Văn Ba", birth=dt.date(1982, 3, 4))
    assert after.pk > keys[-1]
