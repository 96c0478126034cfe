"""``manage.py apply_reorganizations``: the daily job that applies scheduled reorganizations whose date has come."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.actions import SYSTEM
from reorg.services import apply_due_reorganizations


class Command(BaseCommand):
    help = "Apply every scheduled reorganization effective today or earlier (each all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="Apply as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **opts: Any) -> None:
        result = apply_due_reorganizations(SYSTEM, today=opts["today"])
        self.stdout.write(f"Applied {len(result['applied'])}: {result['applied']}")
        if result["failed"]:
            self.stderr.write(f"Failed {len(result['failed'])} (see their error): {result['failed']}")
