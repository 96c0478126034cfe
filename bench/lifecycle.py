"""Benchmark of the member lifecycle actions on the loaded database: p95 of each admission step and of
transfer issue/confirm. Every iteration runs the real actions (audited, counters kept) as a superuser and
undoes nothing: the run leaves its admissions and transfers in the database (use a bench database).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

RESULTS = Path(settings.BASE_DIR) / "bench" / "RESULTS.md"


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return 0.0
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


def run(repeat: int = 200, seed: int = 7) -> dict[str, list[float]]:
    from accounts.models import User
    from lifecycle import services
    from members.models import Member
    from orgs.choices import MEMBER_HOLDING_TYPES
    from orgs.models import Organization

    actor = User.objects.filter(is_superuser=True).order_by("id").first()
    if actor is None:
        raise SystemExit("no superuser: seed the database first (manage.py seed_party)")
    rng = random.Random(seed)
    max_id = Organization.objects.order_by("-id").values_list("id", flat=True).first() or 0
    cells: list[Organization] = []
    while len(cells) < 50:
        probe = rng.randint(1, max_id)
        org = (Organization.objects.filter(id__gte=probe, org_type__in=MEMBER_HOLDING_TYPES,
                                           dissolved_on__isnull=True).order_by("id").first())
        if org is not None:
            cells.append(org)
    today = timezone.localdate()
    timings: dict[str, list[float]] = {k: [] for k in ("submit_application", "cell_resolution",
                                                       "committee_decision", "ceremony", "issue_letter",
                                                       "confirm_receipt", "worklist_page", "targets_report")}

    def timed(name, func, *args, **kwargs):
        t0 = time.perf_counter()
        result = func(*args, **kwargs)
        timings[name].append((time.perf_counter() - t0) * 1000)
        return result

    def free_citizen_id(birth: dt.date, gender: str) -> str:
        """A valid citizen ID no one in the (seeded) registry has yet, picked outside the timed call."""
        from lifecycle.models import AdmissionCase
        from members.validators import century_gender_digit

        while True:
            cid = f"001{century_gender_digit(birth.year, gender)}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
            if not Member.objects.filter(citizen_id=cid).exists() and \
                    not AdmissionCase.objects.filter(citizen_id=cid).exists():
                return cid

    for i in range(repeat):
        cell = rng.choice(cells)
        birth = dt.date(1995, 1 + i % 12, 1 + i % 28)
        gender = "M" if i % 2 else "F"
        case = timed("submit_application", services.submit_application, actor, cell=cell, applied_on=today,
                     full_name=f"Bench Nguyễn Văn {i}", gender=gender, birth_date=birth,
                     citizen_id=free_citizen_id(birth, gender))
        timed("cell_resolution", services.record_cell_resolution, actor, case, number=f"B{i}-NQ", on=today)
        timed("committee_decision", services.record_committee_decision, actor, case, number=f"B{i}-QĐ", on=today)
        case = timed("ceremony", services.hold_ceremony, actor, case, on=today)
        member_pk = (Member.objects.filter(id__gte=rng.randint(1, case.member_id), status="official")
                     .order_by("id").values_list("id", flat=True).first()) or case.member_id
        member = Member.objects.get(pk=member_pk)
        target = rng.choice([c for c in cells if c.pk != member.organization_id])
        try:
            letter = timed("issue_letter", services.issue_transfer_letter, actor, member, to_org=target,
                           number=f"B{i}-GGT", issued_on=today)
        except Exception:  # an open letter from an earlier run: skip this member
            continue
        timed("confirm_receipt", services.confirm_receipt, actor, letter, received_on=today)
        if i % 10 == 0:
            timed("worklist_page", lambda: list(services.recognition_worklist(actor)
                                                .order_by("admission_date", "id")[:50]))
            timed("targets_report", services.target_report, rng.choice(cells).parent or cells[0], today.year)
    return timings


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb // 1024 // 1024} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} CPUs{mem}, Python {platform.python_version()}, {connection.vendor}"


def report(timings: dict[str, list[float]], *, repeat: int, note: str = "") -> str:
    from members.models import Member
    from orgs.models import Organization

    members = Member.objects.count()
    orgs = Organization.objects.count()
    lines = [f"\n## Member lifecycle actions ({timezone.now():%Y-%m-%d %H:%M} UTC, {connection.vendor})\n",
             f"Machine: {machine()}. Database: {members:,} members, {orgs:,} organizations. "
             f"`manage.py bench_lifecycle --repeat {repeat}`. {note}\n",
             "| action | n | p50 ms | p95 ms | max ms |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, values in timings.items():
        if values:
            lines.append(f"| {name} | {len(values)} | {statistics.median(values):.1f} | {_p(values, 0.95):.1f} | "
                         f"{max(values):.1f} |")
    return "\n".join(lines) + "\n"


def append(text: str) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as handle:
        if RESULTS.stat().st_size == 0:
            handle.write("# Benchmark results\n")
        handle.write(text)
