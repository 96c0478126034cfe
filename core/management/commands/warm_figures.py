"""``manage.py warm_figures``: compute ahead the dashboard figures of the large organizations (core.charts.warm_large).

``run_jobs`` does this every PARTYWORK_FIGURES_WARM_EVERY_SECONDS on its own; this command is for an installation
without a job worker (run it from cron every few minutes) and for after a deployment or a bulk import.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.charts import warm_large


class Command(BaseCommand):
    help = "Compute the dashboard and organization-page figures of the large organizations into the shared cache."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--depth", type=int, default=None,
                            help="Levels from the top (default PARTYWORK_FIGURES_WARM_DEPTH, 2: party and provinces).")

    def handle(self, *args: Any, **opts: Any) -> None:
        seconds = warm_large(depth=opts["depth"])
        self.stdout.write(f"{len(seconds)} organization(s) warmed in {sum(seconds.values()):.1f}s")
