"""``manage.py bench_reorg --scale S``: the reorganization bench (see bench/reorg.py); use a database of its own."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Merge two provinces, split one, time as-of reads; append the figures to bench/RESULTS.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=0.1)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--reseed", action="store_true", help="Seed the party again first (seed_party --replace).")
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args: Any, **opts: Any) -> None:
        from bench.reorg import report, run

        result = run(opts["scale"], seed=opts["seed"], reseed=opts["reseed"], repeat=opts["repeat"],
                     log=self.stdout.write)
        self.stdout.write(report(result))
