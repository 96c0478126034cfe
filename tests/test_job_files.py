"""Import files within limits, job files kept only for a while, downloads audited and gated (issue 11)."""

from __future__ import annotations

import datetime as dt
import os
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditRecord
from core.actions import RequestInfo, reset_request_info, set_request_info, system_action
from exchange.limits import import_limit
from jobs.models import Job, JobState
from jobs.services import claim_job, enqueue_job, jobs_dir, purge_job_files, run_job, run_pending
from members.models import Member
from tests.test_exchange import row, write_csv, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("job_files")]


def _import(world, path: Path, *, user=None, root=None, mode: str = "all") -> Job:
    user, root = user or world.a_secretary, root or world.a.org
    job = enqueue_job(user, kind="members.import", org_path=root.path, label="t",
                      params={"file": str(path), "filename": path.name, "mode": mode, "root_id": root.pk,
                              "language": "en"})
    return run_job(claim_job("t", job.pk))


def _bomb(path: Path, template: Path, rows: int) -> Path:
    """A valid workbook whose sheet repeats one row ``rows`` times: megabytes of XML from a few kilobytes."""
    with zipfile.ZipFile(template) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    xml = parts[sheet].decode()
    head, _sep, tail = xml.partition("<sheetData>")
    body, _sep, end = tail.partition("</sheetData>")
    first_rows = body.split("</row>")
    data_row = first_rows[2] + "</row>"  # title row, key row, then the first data row
    copies = "".join(data_row.replace('r="3"', f'r="{n}"', 1) for n in range(3, rows + 3))
    parts[sheet] = (head + "<sheetData>" + first_rows[0] + "</row>" + first_rows[1] + "</row>" + copies
                    + "</sheetData>" + end).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def test_an_xlsx_bomb_is_refused_before_it_is_read(world, client, tmp_path):
    template = write_xlsx(tmp_path / "one.xlsx", [row(world.a.cells[0].code, 1)])
    bomb = _bomb(tmp_path / "bomb.xlsx", template, 120_000)
    with zipfile.ZipFile(bomb) as archive:
        inflated = sum(i.file_size for i in archive.infolist())
    assert bomb.stat().st_size < 1_000_000 and inflated > 20 * 2**20 and inflated > 100 * bomb.stat().st_size
    started = time.monotonic()
    job = _import(world, bomb)
    assert time.monotonic() - started < 5
    assert job.state == JobState.FAILED and "unpacks to" in job.message, job.message
    assert not job.error_report and not Member.objects.filter(full_name__startswith="Nguyễn Văn Thử").exists()
    # The upload page refuses it at once, before a job is queued.
    client.force_login(world.a_secretary)
    with open(bomb, "rb") as handle:
        response = client.post("/exchange/import/", {"file": handle, "mode": "all", "organization": world.a.org.code})
    assert response.status_code == 400 and "unpacks to" in response.content.decode()
    assert Job.objects.count() == 1


def test_rows_and_size_limits_come_from_the_settings(world, tmp_path, settings):
    rows = [row(world.a.cells[0].code, n) for n in range(6)]
    settings.PARTYWORK_IMPORT_MAX_ROWS = 5
    assert import_limit("MAX_ROWS") == 5
    for path in (write_xlsx(tmp_path / "six.xlsx", rows), write_csv(tmp_path / "six.csv", rows)):
        job = _import(world, path)
        assert job.state == JobState.FAILED and "more than 5 data rows" in job.message, (path, job.message)
    settings.PARTYWORK_IMPORT_MAX_ROWS = 6
    settings.PARTYWORK_IMPORT_MAX_UNCOMPRESSED_MB = 0
    for path in (write_xlsx(tmp_path / "six2.xlsx", rows), write_csv(tmp_path / "six2.csv", rows)):
        job = _import(world, path)
        assert job.state == JobState.FAILED and "MB" in job.message, (path, job.message)
    assert not Member.objects.filter(full_name__startswith="Nguyễn Văn Thử").exists()


def _finished_job(world, tmp_path, *, days_ago: int, upload: bool = True) -> tuple[Job, list[Path]]:
    folder = jobs_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"up-{days_ago}.csv" if upload else tmp_path / f"cli-{days_ago}.csv"
    write_csv(source, [row(world.a.cells[0].code, 1, gender="X")])
    job = _import(world, source, root=world.a.cells[0])
    assert job.error_report
    with system_action("test.age"):
        Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=days_ago))
    return job, [source, jobs_dir() / str(job.pk) / job.error_report]


def test_old_job_files_are_purged_and_recent_ones_kept(world, tmp_path, settings):
    settings.PARTYWORK_JOB_FILES_RETENTION_DAYS = 30
    old, old_files = _finished_job(world, tmp_path, days_ago=40)
    recent, recent_files = _finished_job(world, tmp_path, days_ago=2)
    cli, cli_files = _finished_job(world, tmp_path, days_ago=41, upload=False)
    orphan = jobs_dir() / "uploads" / "orphan.xlsx"
    orphan.write_bytes(b"PK")
    stamp = time.time() - 40 * 86400
    os.utime(orphan, (stamp, stamp))
    call_command("purge_job_files", stdout=open(os.devnull, "w"))
    assert not any(p.exists() for p in old_files) and not orphan.exists()
    assert all(p.exists() for p in recent_files)
    assert cli_files[0].exists() and not cli_files[1].exists()  # the CLI's own source file is not ours
    assert Job.objects.get(pk=old.pk).error_report == "" and Job.objects.get(pk=recent.pk).error_report
    assert Job.objects.get(pk=cli.pk).error_report == ""


def test_the_worker_purges_as_it_runs(world, tmp_path, settings):
    settings.PARTYWORK_JOB_FILES_RETENTION_DAYS = 1
    _old, files = _finished_job(world, tmp_path, days_ago=3)
    assert run_pending("w", once=True) == 0
    assert not any(p.exists() for p in files)
    assert purge_job_files() == {"jobs": 1, "files": 0}


def test_error_report_downloads_need_the_import_right_and_are_audited(world, client, tmp_path):
    job, _files = _finished_job(world, tmp_path, days_ago=0)
    url = f"/jobs/{job.pk}/download/errors/"
    client.force_login(world.a_viewer)  # may view the cell's members and jobs, not import
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    assert client.get(url).status_code == 403
    assert b"download/errors" not in client.get(f"/jobs/{job.pk}/status/").content
    client.force_login(world.a_secretary)
    before = AuditRecord.objects.filter(event="export").count()
    response = client.get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    record = AuditRecord.objects.filter(event="export").latest("id")
    assert AuditRecord.objects.filter(event="export").count() == before + 1
    assert record.actor == world.a_secretary and record.changes["filters"] == {
        "job": job.pk, "kind": "members.import", "file": "errors"}
    assert record.org_path == world.a.cells[0].path


def test_imported_members_are_audited_with_the_request_that_started_the_import(world, tmp_path):
    path = write_csv(tmp_path / "ok.csv", [row(world.a.cells[0].code, n) for n in range(2)])
    token = set_request_info(RequestInfo(ip="10.1.2.3", user_agent="Firefox/140"))
    try:
        job = enqueue_job(world.a_secretary, kind="members.import", org_path=world.a.org.path, label="t",
                          params={"file": str(path), "filename": path.name, "mode": "all",
                                  "root_id": world.a.org.pk, "language": "en"})
    finally:
        reset_request_info(token)
    job = run_job(claim_job("t", job.pk))  # the worker has no request of its own
    assert job.state == JobState.SUCCEEDED, job.message
    records = AuditRecord.objects.filter(content_type__model="member", event="create",
                                         action="exchange.import_members")
    assert records.count() == 2
    assert set(records.values_list("ip", "user_agent")) == {("10.1.2.3", "Firefox/140")}


def test_cli_import_outside_the_users_scope_is_a_clear_error(world, tmp_path):
    path = write_csv(tmp_path / "b.csv", [row(world.b.cells[0].code, 1)])
    with pytest.raises(CommandError, match="may not import members into T45"):
        call_command("import_members", str(path), "--org-root", world.b.org.code, "--user", "a_secretary",
                     "--no-progress")
    assert not Job.objects.exists()
