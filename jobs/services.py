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

import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.actions import SYSTEM, acting, action, system_action, user_of
from core.scope import OutOfScope, path_in_scope
from jobs.models import FINISHED_STATES, Job, JobState
from jobs.registry import get_handler

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a handler when cancel was requested; a surrounding transaction rolls back."""


class JobFailed(Exception):
    """A handler's clear, user-facing reason to stop (already in the user's language)."""


@dataclass
class JobOutcome:
    state: str = JobState.SUCCEEDED
    message: str = ""
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
def enqueue_job(actor: Any, *, kind: str, params: dict[str, Any], org_path: str, label: str = "",
                total: int | None = None, start_inline: bool | None = None, permission: str = "add") -> Job:
    """Queue a job on a subtree where the actor holds ``permission`` on members (imports: add; exports:
    export); in inline mode start it after commit."""
    get_handler(kind)  # unknown kinds fail here, not in the worker
    if not path_in_scope(actor, Job, permission, org_path):
        raise OutOfScope()
    params = dict(params)
    params.setdefault("language", translation.get_language() or settings.LANGUAGE_CODE)
    job = Job(kind=kind, params=params, org_path=org_path, label=label[:200], created_by=user_of(actor), total=total)
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
        job.message = _("Cancelled before it started.")
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


def dt_seconds(seconds: float):
    import datetime as dt

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
                Job.objects.filter(pk=pk, state=state).update(
                    state=JobState.FAILED, finished_at=now,
                    message=_("The job was stopped: its worker stopped %(n)d times.") % {"n": attempts})
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
        fresh.message = outcome.message[:4000]
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
    with translation.override(language):
        try:
            outcome = handler(job, ctx)
        except Cancelled:
            outcome = JobOutcome(state=JobState.CANCELLED, message=_("Cancelled; nothing of the unfinished "
                                                                     "batch was written."))
        except JobFailed as exc:
            outcome = JobOutcome(state=JobState.FAILED, message=str(exc))
        except Exception:
            log.exception("job %s (%s) failed", job.pk, job.kind)
            outcome = JobOutcome(state=JobState.FAILED, message=_(
                "The job stopped because of an internal error. Nothing of the unfinished batch was written; "
                "the administrators can see the details in the server log."))
        if outcome.state == JobState.CANCELLED and not outcome.message:
            outcome.message = _("Cancelled.")
        return _finish(job, outcome)


def run_pending(worker: str = "", *, job_id: int | None = None, once: bool = True, poll: float = 1.0,
                stop: threading.Event | None = None, on_progress=None) -> int:
    """The worker loop of ``manage.py run_jobs``: claim, run, repeat; returns the number of jobs run."""
    count = 0
    while stop is None or not stop.is_set():
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
