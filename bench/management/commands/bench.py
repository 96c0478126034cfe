"""``manage.py bench``: load the party at a scale and time the load and the hot reads (see bench/run.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data tool; must run while other apps are mid-edit
    help = "Seed with --replace, compare the load with the raw COPY/executemany limit, time reads; append results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=0.1)
        parser.add_argument("--repeat", type=int, default=50)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--sample", type=int, default=200_000, help="Rows for the raw load limit.")
        parser.add_argument("--out", default="bench/RESULTS.md", help="Markdown file to append to ('' = none).")
        parser.add_argument("--search-only", action="store_true",
                            help="Time only the searches on the data loaded (no seeding); print only.")
        parser.add_argument("--cadres-only", action="store_true",
                            help="Time only the committee reads (worklist, compositions) on the data loaded and a "
                                 "merger of two provinces (it changes the tree: use a database of its own).")
        parser.add_argument("--requests", type=int, default=None,
                            help="Different requests per committee read (--cadres-only, default 200) or per page kind "
                                 "and user (--http, default 20).")
        parser.add_argument("--no-merge", action="store_true", help="With --cadres-only: reads only.")
        parser.add_argument("--note", default="", help="A line for the results (how the data was loaded, what ran "
                                                        "beside).")
        http = parser.add_argument_group("--http: the bench of record through a real server (bench/httpbench.py)")
        http.add_argument("--http", action="store_true",
                          help="Measure through gunicorn as four users on the data loaded (no seeding; logins write "
                               "sessions: use a copy of a database that must stay untouched).")
        http.add_argument("--workers", type=int, default=3, help="gunicorn sync workers.")
        http.add_argument("--pages", type=int, default=5, help="Later pages followed by cursor from each list.")
        http.add_argument("--clients", type=int, default=8, help="Concurrent clients of the throughput runs.")
        http.add_argument("--seconds", type=int, default=20, help="Length of each throughput run.")
        http.add_argument("--no-throughput", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        from bench.run import measure_search, run

        if opts["cadres_only"]:
            from bench.cadres import run as run_cadres

            run_cadres(opts["requests"] or 200, merge=not opts["no_merge"], out=opts["out"] or None,
                       seed_line=opts["note"], write=self.stdout.write)
            return
        if opts["http"]:
            from bench.httpbench import run_http

            run_http(workers=opts["workers"], n=opts["requests"] or 20, pages=opts["pages"], clients=opts["clients"],
                     seconds=opts["seconds"], throughput=not opts["no_throughput"], seed=opts["seed"],
                     note=opts["note"], out=opts["out"] or None, write=self.stdout.write)
            return
        if opts["search_only"]:
            for what, timing, target, note in measure_search(opts["repeat"]):
                figures = "skipped" if timing is None else f"p50 {timing['p50']:.1f} ms, p95 {timing['p95']:.1f} ms"
                self.stdout.write(f"{what}: {figures} (target {target}) - {note}")
            return
        run(opts["scale"], opts["repeat"], opts["out"] or None, seed=opts["seed"], sample=opts["sample"],
            write=self.stdout.write)
