"""``manage.py bench_import --rows 1000000``: import benchmark (see bench/exchange.py); not a test.

``manage.py bench_import --roundtrip [--rows 100000]``: import N rows, export them, compare the export with
the generated rows field by field, import the export again and check that nothing changed; exits non-zero
(saying what differed) if any check fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Generate N member rows as XLSX and CSV, import each, compare with the raw load limit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=None,
                            help="Rows to generate (default 1,000,000; 100,000 with --roundtrip).")
        parser.add_argument("--scale", type=float, default=0.01)
        parser.add_argument("--formats", default="xlsx,csv")
        parser.add_argument("--mode", choices=("all", "valid"), default="all")
        parser.add_argument("--roundtrip", action="store_true", help=
                            "Import, export, compare and re-import N rows (XLSX); fail if anything differs.")
        parser.add_argument("--no-results", action="store_true",
                            help="Print the figures instead of appending them to bench/RESULTS.md.")
        parser.add_argument("--parse-only", metavar="FILE", help=
                            "(internal) read and check FILE without the database; print JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        from bench import exchange

        if opts["parse_only"]:
            self.stdout.write(json.dumps(exchange.parse_only(Path(opts["parse_only"]))))
            return
        log = lambda s: self.stdout.write(s)  # noqa: E731
        if opts["roundtrip"]:
            rt = exchange.roundtrip(opts["rows"] or 100_000, scale=opts["scale"], record=not opts["no_results"],
                                    log=log)
            if not rt.ok:
                raise CommandError("round trip FAILED:\n- " + "\n- ".join(rt.failures))
            self.stdout.write(f"round trip of {rt.n:,} rows: every check passed (0 differences, re-import changed "
                              "nothing)")
            return
        exchange.run(opts["rows"] or 1_000_000, scale=opts["scale"], formats=tuple(opts["formats"].split(",")),
                     mode=opts["mode"], record=not opts["no_results"], log=log)
