"""Background jobs: claiming, progress, cancel without half-written batches, resume after a crash, scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.actions import system_action
from jobs.models import Job, JobState
from jobs.services import JobContext, claim_job, enqueue_job, live_progress, request_cancel, run_job
from members.models import Member
from tests import factories
from tests.test_exchange import row, snapshot, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_import_batches")]


class Crash(BaseException):
    """A worker dying mid-job (not an error the runner handles)."""


def _job(world, tmp_path, n=10, mode="valid", user=None):
    path = write_csv(tmp_path / f"j{n}{mode}.csv", [row(world.a.cells[0].code, i) for i in range(n)])
    return enqueue_job(user or world.a_secretary, kind="members.import", org_path=world.a.org.path, label="t",
                       params={"file": str(path), "filename": path.name, "mode": mode, "root_id": world.a.org.pk,
                               "language": "en"})


def _imported():
    return Member.objects.filter(full_name__startswith="Nguyễn Văn Thử").count()


def test_claim_is_exclusive(world, tmp_path):
    job = _job(world, tmp_path)
    assert job.state == JobState.QUEUED
    first = claim_job("w1")
    assert first is not None and first.pk == job.pk and first.state == JobState.RUNNING and first.attempts == 1
    assert claim_job("w2") is None


def test_progress_reaches_the_total(world, tmp_path):
    job = claim_job("w", _job(world, tmp_path, n=10).pk)
    seen = []
    job = run_job(job, on_progress=lambda done, total: seen.append((done, total)))
    assert job.state == JobState.SUCCEEDED
    dones = [d for d, _t in seen]
    assert dones == sorted(dones) and dones[-1] == 10 and len(set(dones)) >= 4  # batches of 3
    assert (job.done, job.total) == (10, 10)
    assert live_progress(job) == (10, 10)


def test_cancel_all_mode_leaves_nothing(world, tmp_path):
    job = claim_job("w", _job(world, tmp_path, n=10, mode="all").pk)
    state = snapshot()

    def cancel_after_first_batch(done, total):
        if done >= 3:
            request_cancel(world.a_secretary, job)

    job = run_job(job, on_progress=cancel_after_first_batch)
    assert job.state == JobState.CANCELLED
    assert snapshot() == state


def test_cancel_valid_mode_stops_after_a_whole_batch(world, tmp_path):
    job = claim_job("w", _job(world, tmp_path, n=10, mode="valid").pk)

    def cancel_after_first_batch(done, total):
        if done >= 3:
            request_cancel(world.a_secretary, job)

    job = run_job(job, on_progress=cancel_after_first_batch)
    assert job.state == JobState.CANCELLED
    assert job.result["created"] == _imported() == 3  # one whole batch, nothing of the next
    assert "3" in job.message


def test_cancel_a_queued_job(world, tmp_path):
    job = request_cancel(world.a_secretary, _job(world, tmp_path))
    assert job.state == JobState.CANCELLED and job.cancel_requested
    assert claim_job("w") is None


def test_resume_after_a_crash_continues_from_the_checkpoint(world, tmp_path):
    job = claim_job("w", _job(world, tmp_path, n=10, mode="valid").pk)

    def die_after_two_batches(done, total):
        if done >= 6:
            raise Crash()

    with pytest.raises(Crash):
        run_job(job, on_progress=die_after_two_batches)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.cursor["last_row"] == 8  # header rows 1-2, data rows 3-8
    assert job.cursor["created"] == 6 and _imported() == 6
    # the worker is gone: its heartbeat gets old, another worker takes the job over
    with system_action("test.age"):
        Job.objects.filter(pk=job.pk).derived_update(heartbeat=timezone.now() - dt.timedelta(hours=1))
    (tmp_path / "jobs" / str(job.pk) / "progress.json").unlink(missing_ok=True)
    resumed_rows = []
    again = claim_job("w2")
    assert again is not None and again.pk == job.pk and again.attempts == 2
    again = run_job(again, on_progress=lambda d, t: resumed_rows.append(d))
    assert again.state == JobState.SUCCEEDED
    assert again.result["created"] == 10 and again.result["unchanged"] == 0 and _imported() == 10
    assert resumed_rows[0] >= 6  # started after the checkpoint, not from the first row


def test_a_job_whose_worker_keeps_dying_fails(world, tmp_path, settings):
    settings.JOBS_MAX_ATTEMPTS = 1
    job = claim_job("w", _job(world, tmp_path).pk)
    with system_action("test.age"):
        Job.objects.filter(pk=job.pk).derived_update(heartbeat=timezone.now() - dt.timedelta(hours=1))
    assert claim_job("w2") is None
    job.refresh_from_db()
    assert job.state == JobState.FAILED


def test_run_jobs_command(world, tmp_path):
    job = _job(world, tmp_path, n=4)
    call_command("run_jobs", "--once")
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and _imported() == 4


def test_import_members_command(world, tmp_path, capsys):
    path = write_csv(tmp_path / "cli.csv", [row(world.a.cells[1].code, i) for i in range(5)])
    call_command("import_members", str(path), "--org-root", world.a.org.code, "--user", "a_secretary",
                 "--mode", "valid", "--no-progress")
    assert _imported() == 5
    assert Job.objects.get().created_by == world.a_secretary


def test_jobs_are_scoped(world, client, tmp_path):
    job = claim_job("w", _job(world, tmp_path, n=2, mode="all").pk)
    job = run_job(job)
    client.force_login(world.b_secretary)
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status/", f"/jobs/{job.pk}/download/errors/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/jobs/{job.pk}/cancel/").status_code == 404
    assert b"Import" not in client.get("/jobs/").content.split(b"<main")[1]
    client.force_login(world.admin)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    client.force_login(world.a_secretary)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200


def test_error_report_download(world, client, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [row(world.a.cells[0].code, 1, gender="X")])
    job = enqueue_job(world.a_secretary, kind="members.import", org_path=world.a.org.path,
                      params={"file": str(path), "filename": "bad.csv", "mode": "all", "root_id": world.a.org.pk})
    job = run_job(claim_job("w", job.pk))
    assert job.error_report
    client.force_login(world.a_secretary)
    response = client.get(f"/jobs/{job.pk}/download/errors/")
    assert response.status_code == 200
    assert client.get(f"/jobs/{job.pk}/download/result/").status_code == 404


def test_job_context_sees_the_cancel_marker(world, tmp_path):
    job = claim_job("w", _job(world, tmp_path).pk)
    ctx = JobContext(job)
    assert not ctx.cancel_requested()
    (ctx.dir / "cancel").touch()
    assert ctx.cancel_requested()


def test_large_excel_export_runs_as_a_job_for_its_author_only(world, client, settings, tmp_path):
    """Above the inline limit an Excel export is a background job; only its author downloads the file."""
    import io

    from openpyxl import load_workbook

    settings.PARTYWORK_EXPORT_INLINE_ROWS = 1
    settings.JOBS_INLINE = False
    settings.JOBS_DIR = tmp_path
    client.force_login(world.a_secretary)
    response = client.get("/members/export/xlsx/?status=official")
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job = Job.objects.get(kind="members.export")
    job = run_job(job)
    assert job.state == "succeeded", job.message
    download = client.get(f"/jobs/{job.pk}/download/result/")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {m.full_name for m in world.a.members}  # province A only, as the author sees it
    from audit.models import AuditRecord

    assert AuditRecord.objects.filter(event="export", actor=world.a_secretary).exists()
    download_record = AuditRecord.objects.filter(event="export", actor=world.a_secretary).latest("id")
    stored = download_record.changes["object_text"]["params"]  # named by message ids, in each reader's language
    assert stored["msgid"].startswith("Download of the") and stored["args"]["what"]["params"]["msgid"] == "result file"
    other = factories.user_with_role("a_clerk", "secretary", world.a.org)
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/download/result/").status_code == 404
