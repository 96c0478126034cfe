"""``manage.py run_jobs``: the background-job worker (run it as a service in production)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jobs.services import run_pending


class Command(BaseCommand):
    help = ("Run queued background jobs (imports). Production runs this as a service; "
            "with --once it drains the queue and exits.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is queued now, then exit.")
        parser.add_argument("--job", type=int, help="Run only this job (queued, or resumed after a crash).")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between polls of an empty queue.")
        parser.add_argument("--worker", default="", help="Name of this worker in the job records.")

    def handle(self, *args: Any, **opts: Any) -> None:
        stop = threading.Event()

        def _stop(signum, frame):  # finish the running job's batch, then leave
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        count = run_pending(opts["worker"], job_id=opts["job"], once=opts["once"] or bool(opts["job"]),
                            poll=opts["poll"], stop=stop)
        self.stdout.write(f"{count} job(s) run")
