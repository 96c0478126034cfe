"""``manage.py scenario_242``: record Decision 242-QĐ/TW (2025) on a tree without it (``seed_party`` records it
itself); when it is recorded already, nothing is done."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reorg.scenarios import run_scenario_242


class Command(BaseCommand):
    help = "Record the former central blocs (2020) and their merger by Decision 242-QĐ/TW effective 2025-02-01."

    def handle(self, *args: Any, **opts: Any) -> None:
        result = run_scenario_242(log=self.stdout.write)
        self.stdout.write(f"Done: {result}")
