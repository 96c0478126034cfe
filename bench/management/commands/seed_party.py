"""``manage.py seed_party``: load a synthetic party of realistic shape with bulk SQL (see bench/seeding.py)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.seeding import seed_party


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data tool; must run while other apps are mid-edit
    help = "Generate organizations, members and history deterministically (scale 1.0 = 5.6M members)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=0.01, help="1.0 = the real party (5.6M members).")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--database", default="default")
        parser.add_argument("--replace", action="store_true", help="Delete existing seeded data first.")
        parser.add_argument("--no-users", action="store_true", help="Do not create the admin and demo users.")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--no-cadres", action="store_true", help="Leave out the committees' compositions.")
        parser.add_argument("--cadres-only", action="store_true",
                            help="Only add the committees' compositions to an already seeded party (with --replace: "
                                 "delete the terms, bodies and holders first).")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["scale"] <= 0 or opts["scale"] > 2:
            raise CommandError("--scale must be in (0, 2].")
        if opts["cadres_only"]:
            from bench.seed_cadres import seed_cadres

            try:
                seed_cadres(opts["seed"], using=opts["database"], replace=opts["replace"],
                            progress=not opts["no_progress"], log=self.stdout.write)
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            return
        password = os.environ.get("DEMO_PASSWORD", "partywork-demo")
        try:
            result = seed_party(opts["scale"], opts["seed"], using=opts["database"], replace=opts["replace"],
                                users=not opts["no_users"], progress=not opts["no_progress"], password=password,
                                log=self.stdout.write, cadres=not opts["no_cadres"])
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Loaded {result.organizations:,} organizations, {result.versions:,} organization versions, "
            f"{result.members:,} members, {result.history:,} history rows in {result.seconds_total:.1f}s"
        )
        self.stdout.write(
            f"Members+history: {result.load_rows_per_s:,.0f} rows/s ({result.member_rows_per_s:,.0f} members/s); "
            f"counters {result.seconds_counters:.1f}s; {result.reorganizations:,} reorganizations of 2025 "
            f"{result.seconds_history:.1f}s; compositions {result.seconds_cadres:.1f}s"
        )
        if result.users:
            self.stdout.write(f"Users (password {password!r}):")
            for line in result.users:
                self.stdout.write(f"  {line}")
