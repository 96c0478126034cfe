"""``manage.py purge_job_files``: delete uploads, results and error reports of jobs finished long ago."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jobs.services import purge_job_files, retention_days


class Command(BaseCommand):
    help = ("Delete the uploads, result files and error reports of jobs finished more than "
            "PARTYWORK_JOB_FILES_RETENTION_DAYS days ago (run_jobs also does this every hour).")

    def handle(self, *args: Any, **opts: Any) -> None:
        out = purge_job_files()
        self.stdout.write(f"{out['files']} file(s) of {out['jobs']} job(s) finished more than {retention_days()} "
                          f"day(s) ago deleted")
