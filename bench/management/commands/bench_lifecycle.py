"""p95 of the admission steps and of transfer issue/confirm on the loaded database; appends to bench/RESULTS.md."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Time the member lifecycle actions on the current database (writes data: use a bench database)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=200)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--note", default="")
        parser.add_argument("--no-write", action="store_true", help="Print only; do not append to RESULTS.md.")

    def handle(self, *args, **options):
        import sys
        from pathlib import Path

        from django.conf import settings

        sys.path.insert(0, str(Path(settings.BASE_DIR)))
        from bench import lifecycle as bench

        timings = bench.run(options["repeat"], options["seed"])
        text = bench.report(timings, repeat=options["repeat"], note=options["note"])
        self.stdout.write(text)
        if not options["no_write"]:
            bench.append(text)
