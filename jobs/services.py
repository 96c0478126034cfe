"""Actions on background jobs, the claim protocol of the worker, and the runner that drives a handler.

Production runs ``manage.py run_jobs`` as a service (systemd unit or container). In development and
demos ``JOBS_INLINE`` (env ``JOBS_RUN_INLINE``, default on) starts a job in a thread of the web
process right after the enqueuing transaction commits; a reload of the page finds it by its id.

Progress is written to the job row (and, for the phases that run inside one long transaction where
a row update would be invisible until commit, to ``<JOBS_DIR>/<id>/progress.json``). Cancel sets the
row flag and drops a ``cancel`` marker file beside it, which a handler inside a long transaction can
see. Handlers call ``ctx.checkpoint(cursor, done)`` inside each batch's own transaction, so a job
whose worker died resumes after the last committed batch.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from core.actions import (
    SYSTEM,
    RequestInfo,
    acting,
    action,
    current_request_info,
    reset_request_info,
    set_request_info,
    system_action,
    user_of,
)
from core.charts import warm_every_seconds, warm_if_due
from core.phrases import is_stored_text, render, stored_text, text
from core.scope import OutOfScope, path_in_scope
from jobs.models import FINISHED_STATES, Job, JobState
from jobs.registry import get_handler

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a handler when cancel was requested; a surrounding transaction rolls back."""


class JobFailed(Exception):
    """A handler's clear, user-facing reason to stop: a sentence, or better a stored text (core.phrases)."""

    def __init__(self, message: Any) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class JobOutcome:
    state: str = JobState.SUCCEEDED
    message: Any = ""  # a stored text (core.phrases.text, or a list of them); a plain sentence is kept as it is
    result: dict[str, Any] = field(default_factory=dict)
    result_file: str = ""
    error_report: str = ""


def jobs_dir() -> Path:
    return Path(getattr(settings, "JOBS_DIR", Path(settings.VAR_DIR) / "jobs"))


def job_dir(job: Job) -> Path:
    path = jobs_dir() / str(job.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


def stale_seconds() -> int:
    return int(getattr(settings, "JOBS_STALE_SECONDS", 120))


def max_attempts() -> int:
    return int(getattr(settings, "JOBS_MAX_ATTEMPTS", 3))


# --- actions -------------------------------------------------------------------------------------

@action
def enqueue_job(actor: Any, *, kind: str, params: dict[str, Any], org_path: str, label: Any = "",
                total: int | None = None, start_inline: bool | None = None, permission: str = "add") -> Job:
    """Queue a job on a subtree where the actor holds ``permission`` on members (imports: add; exports:
    export); in inline mode start it after commit."""
    get_handler(kind)  # unknown kinds fail here, not in the worker
    if not path_in_scope(actor, Job, permission, org_path):
        raise OutOfScope()
    params = dict(params)
    params.setdefault("language", translation.get_language() or settings.LANGUAGE_CODE)
    info = current_request_info()
    if info is not None and "request" not in params:
        # The job's writes are audited with the IP and user agent of the request that started it.
        params["request"] = {"ip": info.ip, "user_agent": info.user_agent[:255], "request_id": info.request_id}
    label_text = label if is_stored_text(label) else None
    label = render(label) if label_text else str(label)
    job = Job(kind=kind, params=params, org_path=org_path, label=label[:200], label_text=label_text,
              created_by=user_of(actor), total=total)
    job.save()
    inline = getattr(settings, "JOBS_INLINE", True) if start_inline is None else start_inline
    if inline:
        transaction.on_commit(lambda: start_in_thread(job.pk))
    return job


def request_cancel(actor: Any, job: Job) -> Job:
    """Ask a job to stop. A queued job is cancelled at once; a running one stops at its next batch.

    The marker file is dropped first: a handler holding SQLite's write lock for an all-or-nothing
    import sees it at once, while the row update waits for (or, after the lock timeout, gives way to) it.
    """
    job = Job.objects.restrict(actor, "add").get(pk=job.pk)
    if job.is_finished:
        return job
    (job_dir(job) / "cancel").touch()
    try:
        return _record_cancel(actor, job)
    except OperationalError:
        log.warning("job %s: cancel recorded by marker file only (database busy)", job.pk)
        return job


@action
def _record_cancel(actor: Any, job: Job) -> Job:
    job = Job.objects.restrict(actor, "add").select_for_update().get(pk=job.pk)
    if job.is_finished:
        return job
    job.cancel_requested = True
    if job.state == JobState.QUEUED:
        job.state = JobState.CANCELLED
        job.finished_at = timezone.now()
        job.message_text = text("jobs.cancelled_before_start")
        job.message = render(job.message_text)
    job.save()
    return job


# --- the worker's protocol -------------------------------------------------------------------------

def _claimable_q(job_id: int | None) -> Q:
    stale_before = timezone.now() - dt_seconds(stale_seconds())
    q = Q(state=JobState.QUEUED) | Q(state=JobState.RUNNING, heartbeat__lt=stale_before) | Q(
        state=JobState.RUNNING, heartbeat__isnull=True, started_at__lt=stale_before)
    if job_id is not None:
        q &= Q(pk=job_id)
    return q


def dt_seconds(seconds: float) -> dt.timedelta:
    return dt.timedelta(seconds=seconds)


def _file_heartbeat_fresh(job_id: int) -> bool:
    """A handler inside one long transaction beats in its progress file instead of the row."""
    path = jobs_dir() / str(job_id) / "progress.json"
    try:
        return time.time() - path.stat().st_mtime < stale_seconds()
    except OSError:
        return False


def claim_job(worker: str = "", job_id: int | None = None) -> Job | None:
    """Take one queued job (or a running one whose worker stopped beating) so that no other worker does.

    PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED``. SQLite: a conditional ``UPDATE ... WHERE state``
    inside an IMMEDIATE transaction (writers are serialized, so exactly one claimer gets the row).
    """
    worker = worker or f"{socket.gethostname()}:{os.getpid()}"
    now = timezone.now()
    with system_action("jobs.claim"):
        base = Job.objects.filter(_claimable_q(job_id)).order_by("id")
        if connection.vendor == "postgresql":
            candidates = list(base.select_for_update(skip_locked=True).values_list("pk", "state", "attempts")[:10])
        else:
            candidates = list(base.values_list("pk", "state", "attempts")[:10])
        for pk, state, attempts in candidates:
            if state == JobState.RUNNING and _file_heartbeat_fresh(pk):
                continue
            if attempts >= max_attempts():
                stopped = text("jobs.worker_stopped", n=attempts)
                Job.objects.filter(pk=pk, state=state).update(
                    state=JobState.FAILED, finished_at=now, message=render(stopped), message_text=stopped)
                continue
            won = Job.objects.filter(pk=pk, state=state, attempts=attempts).update(
                state=JobState.RUNNING, started_at=now, heartbeat=now, attempts=F("attempts") + 1, worker=worker[:64])
            if won:
                return Job.objects.get(pk=pk)
    return None


class JobContext:
    """What a handler gets: progress, checkpoints and the cancel check."""

    def __init__(self, job: Job, on_progress=None, min_interval: float = 0.5) -> None:
        self.job = job
        self.on_progress = on_progress
        self.min_interval = min_interval
        self._last = 0.0
        self.dir = job_dir(job)

    @property
    def cursor(self) -> dict[str, Any]:
        return self.job.cursor or {}

    def cancel_requested(self) -> bool:
        if (self.dir / "cancel").exists():
            return True
        return bool(Job.objects.filter(pk=self.job.pk).values_list("cancel_requested", flat=True).first())

    def check_cancel(self) -> None:
        if self.cancel_requested():
            raise Cancelled()

    def progress(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        """Report rows done. Visible at once outside a transaction; inside one, through the progress file."""
        self.job.done = done
        if total is not None:
            self.job.total = total
        if self.on_progress is not None:
            self.on_progress(done, self.job.total)
        now = time.monotonic()
        if not force and now - self._last < self.min_interval:
            return
        self._last = now
        tmp = self.dir / "progress.json.tmp"
        tmp.write_text(json.dumps({"done": done, "total": self.job.total}))
        tmp.replace(self.dir / "progress.json")
        if not connection.in_atomic_block:
            with acting(SYSTEM, "jobs.progress", check_scope=False):
                Job.objects.filter(pk=self.job.pk).derived_update(done=done, total=self.job.total,
                                                                  heartbeat=timezone.now())

    def checkpoint(self, cursor: dict[str, Any], done: int) -> None:
        """Record how far the job got, in the caller's batch transaction (so it commits with the batch)."""
        self.job.cursor = cursor
        self.job.done = done
        with acting(SYSTEM, "jobs.checkpoint", check_scope=False):
            Job.objects.filter(pk=self.job.pk).derived_update(cursor=cursor, done=done, heartbeat=timezone.now())


def live_progress(job: Job) -> tuple[int, int | None]:
    """Rows done and total, taking the progress file into account while a long transaction runs."""
    done, total = job.done, job.total
    if job.state == JobState.RUNNING:
        try:
            data = json.loads((jobs_dir() / str(job.pk) / "progress.json").read_text())
            if int(data.get("done", 0)) > done:
                done, total = int(data["done"]), data.get("total") or total
        except (OSError, ValueError, TypeError):
            pass
    return done, total


def _finish(job: Job, outcome: JobOutcome) -> Job:
    with system_action("jobs.finish"):
        fresh = Job.objects.select_for_update().get(pk=job.pk)
        fresh.state = outcome.state
        stored = outcome.message if is_stored_text(outcome.message) else stored_text(outcome.message)
        fresh.message_text = stored
        fresh.message = (render(stored) if stored else str(outcome.message))[:4000]
        fresh.result = outcome.result
        fresh.result_file = outcome.result_file
        fresh.error_report = outcome.error_report
        fresh.finished_at = timezone.now()
        fresh.heartbeat = fresh.finished_at
        fresh.done = max(job.done, fresh.done)
        if job.total is not None:
            fresh.total = job.total
        fresh.save()
    return fresh


def run_job(job: Job, *, on_progress=None) -> Job:
    """Run a claimed job's handler to its end, in the language of the user who started it."""
    if job.state in FINISHED_STATES:
        return job
    handler = get_handler(job.kind)
    ctx = JobContext(job, on_progress)
    language = job.params.get("language") or settings.LANGUAGE_CODE
    with translation.override(language), _request_of(job):
        try:
            outcome = handler(job, ctx)
        except Cancelled:
            outcome = JobOutcome(state=JobState.CANCELLED, message=text("jobs.cancelled_in_batch"))
        except JobFailed as exc:
            outcome = JobOutcome(state=JobState.FAILED, message=exc.message)
        except Exception:
            log.exception("job %s (%s) failed", job.pk, job.kind)
            outcome = JobOutcome(state=JobState.FAILED, message=text("jobs.internal_error"))
        if outcome.state == JobState.CANCELLED and not outcome.message:
            outcome.message = text("jobs.cancelled")
        return _finish(job, outcome)


@contextmanager
def _request_of(job: Job):
    """The request that started the job, for the audit records the job writes (IP, user agent, request id)."""
    saved = job.params.get("request") if isinstance(job.params.get("request"), dict) else None
    if not saved:
        yield
        return
    info = RequestInfo(ip=saved.get("ip") or None, user_agent=str(saved.get("user_agent") or "")[:255],
                       request_id=str(saved.get("request_id") or "")[:32] or uuid.uuid4().hex)
    token = set_request_info(info)
    try:
        yield
    finally:
        reset_request_info(token)


# --- retention of job files ----------------------------------------------------------------------

def retention_days() -> int:
    """Days an upload, a result file or an error report is kept after its job finished."""
    return int(getattr(settings, "PARTYWORK_JOB_FILES_RETENTION_DAYS", 30))


def purge_job_files(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete the files of jobs finished more than ``retention_days()`` ago: their folder (result, error
    report, progress) and their upload, and uploads or folders that no job claims any more. Only files inside
    ``jobs_dir()`` are touched (a CLI import's own source file is not ours to delete). The job rows stay, with
    their file names cleared, so the trail keeps what was done."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=retention_days())
    root = jobs_dir().resolve()
    uploads = root / "uploads"
    out = {"jobs": 0, "files": 0}
    old = list(Job.objects.filter(state__in=FINISHED_STATES, finished_at__lt=cutoff)
               .values_list("pk", "params", "result_file", "error_report"))
    cleared = []
    for pk, params, result_file, error_report in old:
        folder = root / str(pk)
        if folder.is_dir():
            out["files"] += _remove_tree(folder)
        upload = _inside(root, (params or {}).get("file"))
        if upload is not None and upload.is_file():
            upload.unlink(missing_ok=True)
            out["files"] += 1
        if result_file or error_report:
            cleared.append(pk)
        out["jobs"] += 1
    if cleared:
        with system_action("jobs.purge_files"):
            for start in range(0, len(cleared), 1000):
                Job.objects.filter(pk__in=cleared[start:start + 1000]).update(result_file="", error_report="")
    # Leftovers nobody claims: a folder of a deleted job, an upload whose job was never created.
    known = set(Job.objects.values_list("pk", flat=True))
    claimed = {str(p.get("file")) for p in Job.objects.exclude(state__in=FINISHED_STATES)
               .values_list("params", flat=True) if isinstance(p, dict) and p.get("file")}
    stamp = cutoff.timestamp()
    for entry in root.iterdir() if root.is_dir() else ():
        if entry.is_dir() and entry.name.isdigit() and int(entry.name) not in known \
                and entry.stat().st_mtime < stamp:
            out["files"] += _remove_tree(entry)
    for entry in uploads.iterdir() if uploads.is_dir() else ():
        if entry.is_file() and str(entry) not in claimed and entry.stat().st_mtime < stamp:
            entry.unlink(missing_ok=True)
            out["files"] += 1
    return out


def _inside(root: Path, name: Any) -> Path | None:
    if not name:
        return None
    path = Path(str(name)).resolve()
    return path if root in path.parents else None


def _remove_tree(folder: Path) -> int:
    count = sum(1 for p in folder.rglob("*") if p.is_file())
    shutil.rmtree(folder, ignore_errors=True)
    return count


def purge_every_seconds() -> float:
    return float(getattr(settings, "PARTYWORK_JOB_FILES_PURGE_EVERY_SECONDS", 3600))


def run_pending(worker: str = "", *, job_id: int | None = None, once: bool = True, poll: float = 1.0,
                stop: threading.Event | None = None, on_progress=None) -> int:
    """The worker loop of ``manage.py run_jobs``: claim, run, repeat; returns the number of jobs run."""
    count = 0
    last_purge = last_warm = None
    while stop is None or not stop.is_set():
        if job_id is None and (last_purge is None or time.monotonic() - last_purge >= purge_every_seconds()):
            last_purge = time.monotonic()
            try:
                purge_job_files()
            except Exception:  # housekeeping never stops the worker
                log.exception("purging old job files failed")
        # The service loop keeps the large organizations' dashboard figures computed ahead (core.charts).
        if job_id is None and not once and (last_warm is None or time.monotonic() - last_warm >= warm_every_seconds()):
            last_warm = time.monotonic()
            try:
                warm_if_due(worker)
            except Exception:  # housekeeping never stops the worker
                log.exception("warming the dashboard figures failed")
        job = claim_job(worker, job_id)
        if job is None:
            if once:
                return count
            time.sleep(poll)
            continue
        run_job(job, on_progress=on_progress)
        count += 1
        if job_id is not None:
            return count
    return count


def start_in_thread(job_id: int) -> threading.Thread:
    """Inline mode: run one job in a daemon thread of this process (development and demos)."""

    def target() -> None:
        try:
            job = claim_job(f"inline:{os.getpid()}", job_id)
            if job is not None:
                run_job(job)
        except Exception:
            log.exception("inline job %s failed", job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=target, name=f"partywork-job-{job_id}", daemon=True)
    thread.start()
    return thread
