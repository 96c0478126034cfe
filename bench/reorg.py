"""Reorganization bench: merge two provinces, split one, and the as-of reads at a past date.

Run with ``manage.py bench_reorg --scale S`` on a database of its own (it reorganizes the seeded tree).
Targets: merge <= 60 s on PostgreSQL (scale 1.0, ~300,000 members together); as-of queries p95 <= 200 ms.
The figures are appended to bench/RESULTS.md with the machine's description.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.actions import SYSTEM

RESULTS = Path(settings.BASE_DIR) / "bench" / "RESULTS.md"
TARGET_MERGE_S = 60.0
TARGET_AS_OF_MS = 200.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _timed(fn, repeat: int) -> tuple[list[float], Any]:
    out, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        out.append((time.perf_counter() - t) * 1000)
    return out, result


def _pick_provinces(scale: float):
    """Two provinces whose members together come closest to 300,000 x scale."""
    from orgs.models import Organization

    provinces = list(Organization.objects.filter(org_type="level1", code__regex=r"^T[0-9]+$",
                                                 dissolved_on__isnull=True).order_by("code"))
    want = 300_000 * scale
    best = None
    for i, a in enumerate(provinces):
        for b in provinces[i + 1:]:
            gap = abs(a.subtree_members + b.subtree_members - want)
            if best is None or gap < best[0]:
                best = (gap, a, b)
    if best is None:
        raise RuntimeError("The bench needs at least two seeded provinces (run seed_party first).")
    return best[1], best[2]


def run(scale: float, *, seed: int = 42, reseed: bool = False, repeat: int = 30, log=print) -> dict[str, Any]:
    from bench.seeding import seed_party
    from members.models import Member
    from orgs.models import Organization
    from reorg import services

    if reseed or not Member.objects.exists():
        log(f"Seeding scale {scale} ...")
        seed_party(scale, seed, replace=True, users=False, progress=False, log=log)
    today = timezone.localdate()
    merge_on = today - dt.timedelta(days=20)
    past = today - dt.timedelta(days=40)
    a, b = _pick_provinces(scale)
    central = Organization.objects.get(parent__isnull=True)
    total_before = central.subtree_members
    together = a.subtree_members + b.subtree_members
    code = f"BM{int(time.time()) % 10**8}"
    plan = {"sources": [a.pk, b.pk], "new": {"parent": central.pk, "code": code, "name": f"Tỉnh {a.name} - {b.name}",
                                             "org_type": "level1"}}
    t = time.perf_counter()
    preview = services.preview(SYSTEM, "merge", plan, effective_on=merge_on, decision="BENCH-1")
    preview_s = time.perf_counter() - t
    t = time.perf_counter()
    services.create_reorganization(SYSTEM, kind="merge", plan=plan, effective_on=merge_on, decision="BENCH-1")
    merge_s = time.perf_counter() - t
    merged = Organization.objects.get(code=code)
    assert Organization.objects.get(pk=central.pk).subtree_members == total_before
    assert merged.subtree_members == together
    # Split it again: the former A's sub-organizations to one part, the rest to the other.
    children = list(Organization.objects.filter(parent=merged, dissolved_on__isnull=True).order_by("path")
                    .values_list("pk", flat=True))
    half = children[: len(children) // 2]
    split_plan = {"source": merged.pk, "rule": "rest_to_first", "parts": [
        {"new": {"code": code + "A", "name": f"{a.name} (2)", "org_type": "level1"}},
        {"new": {"code": code + "B", "name": f"{b.name} (2)", "org_type": "level1"}, "children": half}]}
    t = time.perf_counter()
    services.create_reorganization(SYSTEM, kind="split", plan=split_plan, effective_on=today, decision="BENCH-2")
    split_s = time.perf_counter() - t
    assert Organization.objects.get(pk=central.pk).subtree_members == total_before
    a = Organization.objects.get(pk=a.pk)
    tree_ms, rows = _timed(lambda: len(list(services.tree_as_of(a, past, user=SYSTEM))), repeat)
    count_ms, counts = _timed(lambda: services.member_count_as_of(a, past, user=SYSTEM), repeat)
    top_ms, _top = _timed(lambda: len(list(services.tree_as_of(a, past, max_depth=1, user=SYSTEM))), repeat)
    # The largest province that stood on that date (and still stands): the as-of count's hardest case.
    from django.db.models import Q

    largest = (Organization.objects.filter(Q(established_on__isnull=True) | Q(established_on__lte=past),
                                           org_type="level1", dissolved_on__isnull=True)
               .order_by("-subtree_official", "code").first())
    big_ms, big_counts = _timed(lambda: services.member_count_as_of(largest, past, user=SYSTEM), repeat)
    if big_counts != services.member_count_as_of_scan(largest, past, user=SYSTEM):
        raise AssertionError("the as-of count differs from the direct read of the history rows")
    result = {
        "scale": scale, "vendor": connection.vendor, "a": a.name, "b": b.name, "members_together": together,
        "orgs_moved": preview["totals"]["organizations"], "preview_s": preview_s, "merge_s": merge_s,
        "split_s": split_s, "past": past, "tree_rows": rows, "as_of_members": counts,
        "tree_ms": tree_ms, "count_ms": count_ms, "top_ms": top_ms, "repeat": repeat,
        "largest": largest.name, "largest_members": big_counts, "largest_ms": big_ms,
    }
    append(report(result))
    return result


def report(r: dict[str, Any]) -> str:
    from bench.run import machine_info

    info = machine_info()
    now = timezone.now().strftime("%Y-%m-%d %H:%M UTC")
    full = r["scale"] >= 1.0

    def ok(passed: bool) -> str:
        if full:
            return "yes" if passed else "no"
        return f"{'under' if passed else 'over'} the target at scale {r['scale']} (1.0 not run)"

    lines = [
        f"## {now} - reorganization bench, {info['database']}, scale {r['scale']}",
        "",
        f"- machine: `{info['uname']}`",
        f"- CPU: {info['cpu']}, {info['cores']} cores, RAM {info['ram']}",
        f"- merged {r['a']} + {r['b']}: {r['members_together']:,} members, {r['orgs_moved']:,} organizations moved",
        f"- as-of reads for {r['a']} on {r['past'].isoformat()} (before the merge), {r['repeat']} repeats, warm cache",
        *([] if full else [f"- every figure below is measured at scale {r['scale']}; the targets are set for scale "
                           "1.0, which was not run; the last column only compares the small-scale figure with them"]),
        "",
        "| operation | measured | target | ok |",
        "| --- | ---: | ---: | --- |",
        f"| preview of the merge | {r['preview_s']:.2f} s | - | - |",
        f"| merge two provinces (apply, one transaction) | {r['merge_s']:.2f} s | <= {TARGET_MERGE_S:.0f} s "
        f"(PostgreSQL, scale 1.0) | {ok(r['merge_s'] <= TARGET_MERGE_S)} |",
        f"| split the merged province in two | {r['split_s']:.2f} s | - | - |",
    ]
    for label, values, note in (
        ("as-of tree of the province (whole subtree)", r["tree_ms"], f"{r['tree_rows']:,} rows"),
        ("as-of tree, first level", r["top_ms"], ""),
        ("as-of member count of the province", r["count_ms"], f"{(r['as_of_members'] or {}).get('total', 0):,}"
                                                             " members"),
        (f"as-of member count of the largest province, {r['largest']}", r["largest_ms"],
         f"{(r['largest_members'] or {}).get('total', 0):,} members, same date, checked against the direct read"),
    ):
        p95 = _p95(values)
        lines.append(f"| {label} ({note}) | p50 {statistics.median(values):.1f} ms, p95 {p95:.1f} ms | "
                     f"p95 <= {TARGET_AS_OF_MS:.0f} ms (scale 1.0) | {ok(p95 <= TARGET_AS_OF_MS)} |")
    return "\n".join(lines) + "\n"


def append(text: str) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as handle:
        if RESULTS.stat().st_size == 0:
            handle.write("# Bench results\n\n")
        handle.write("\n" + text)
