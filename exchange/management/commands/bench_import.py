"""``manage.py bench_import --rows 1000000``: import benchmark (see bench/exchange.py); not a test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Generate N member rows as XLSX and CSV, import each, compare with the raw load limit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--scale", type=float, default=0.01)
        parser.add_argument("--formats", default="xlsx,csv")
        parser.add_argument("--mode", choices=("all", "valid"), default="all")
        parser.add_argument("--parse-only", metavar="FILE", help=
                            "(internal) read and check FILE without the database; print JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        from bench import exchange

        if opts["parse_only"]:
            self.stdout.write(json.dumps(exchange.parse_only(Path(opts["parse_only"]))))
            return
        exchange.run(opts["rows"], scale=opts["scale"], formats=tuple(opts["formats"].split(",")), mode=opts["mode"],
                     log=lambda s: self.stdout.write(s))
