"""``manage.py import_members FILE --org-root CODE --user USERNAME [--mode all|valid]``.

Runs the same job as the web import, in the foreground, with a progress bar on stderr. The job is
recorded like any other (visible on /jobs/), so a run interrupted by Ctrl-C or a crash in ``valid``
mode resumes from its last committed batch with ``manage.py run_jobs --job ID``.
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from core.actions import RequestInfo, reset_request_info, set_request_info
from core.memory import children_peak_rss_mb, peak_rss_mb
from core.phrases import text
from core.scope import OutOfScope
from exchange.job_handlers import IMPORT_KIND
from jobs.models import JobState
from jobs.services import claim_job, enqueue_job, run_job
from orgs.models import Organization


class Command(BaseCommand):
    help = "Import members from an XLSX or CSV file (the documented template) with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--org-root", required=True, help="Code of the organization to import into.")
        parser.add_argument("--user", required=True, help="Username of the acting user (whose scope applies).")
        parser.add_argument("--mode", choices=("all", "valid"), default="all")
        parser.add_argument("--language", default=None, help="Language of the messages and the error report.")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--json", action="store_true", help="Print the job's result as JSON on stdout.")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"]).resolve()
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        user = get_user_model().objects.filter(username=opts["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {opts['user']!r}")
        root = Organization.objects.filter(code=opts["org_root"]).first()
        if root is None:
            raise CommandError(f"no organization with code {opts['org_root']!r}")
        language = opts["language"] or translation.get_language()
        info = RequestInfo(user_agent=f"manage.py import_members ({socket.gethostname()})"[:255])
        token = set_request_info(info)  # the job and its audit records name where the import came from
        try:
            with translation.override(language):
                job = enqueue_job(user, kind=IMPORT_KIND, org_path=root.path, start_inline=False,
                                  label=text("exchange.import_label_cli", file=path.name[:80], org=root.code),
                                  params={"file": str(path), "filename": path.name, "mode": opts["mode"],
                                          "root_id": root.pk, "language": language})
        except OutOfScope:
            raise CommandError(f"user {user.username!r} may not import members into {root.code} "
                               f"(no role granting the import there)") from None
        finally:
            reset_request_info(token)
        job = claim_job(f"cli:{opts['user']}", job.pk)
        bar = None
        if not opts["no_progress"]:
            from tqdm import tqdm

            bar = tqdm(total=job.total, unit="rows", unit_scale=True, file=sys.stderr, desc=f"job {job.pk}")

        def on_progress(done: int, total: int | None) -> None:
            if bar is None:
                return
            if total and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        job = run_job(job, on_progress=on_progress)
        if bar is not None:
            bar.close()
        if opts["json"]:
            self.stdout.write(json.dumps({"job": job.pk, "state": job.state, **job.result, "peak_rss_mb": peak_rss_mb(),
                                          "children_peak_rss_mb": children_peak_rss_mb()}, default=str))
        else:
            self.stdout.write(f"job {job.pk}: {job.get_state_display()}: {job.message}")
            if job.error_report:
                self.stdout.write(f"error report: var/jobs/{job.pk}/{job.error_report} (or /jobs/{job.pk}/)")
        if job.state != JobState.SUCCEEDED:
            raise CommandError(job.message or job.state)
