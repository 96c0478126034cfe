"""Committee bench (issue 13): the vacancies worklist and the as-of compositions on the seeded party, and a merger of
two provinces with their committees.

Every request is different (another province, page, organization or date), never one query repeated, and each is
also run as raw SQL (the same statement on the database cursor, no ORM) in the same run, so the ORM's share shows.
Targets at scale 1.0 on PostgreSQL: worklist p95 <= 100 ms (a province and the whole party), composition as of any
date p95 <= 50 ms, merger of two provinces with their bodies <= 60 s. Run ``manage.py bench --cadres-only`` on a
database of its own (the merger changes the tree).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import timezone

TARGET_WORKLIST_MS = 100.0
TARGET_COMPOSITION_MS = 50.0
TARGET_MERGE_S = 60.0
PAGE = 50  # the worklist's page (cadres.views.WORKLIST_PAGE)
ORDER = ["org_path", "id"]  # cadres.services.VACANCY_ORDER


def _vacant_bodies(user: Any, root: Any = None) -> Any:
    from cadres.services import vacant_bodies

    return vacant_bodies(user, root)


def _composition_qs(user: Any, org: Any, on: dt.date) -> Any:
    """The as-of composition as the committee page reads it, placed in the reader's scope."""
    from cadres.models import PostHolding

    return (PostHolding.objects.restrict(user, "view").as_of(on).filter(organization=org)
            .select_related("member", "body").order_by("valid_from", "id"))


def _composition(user: Any, org: Any, on: dt.date) -> list:
    try:
        from cadres.services import composition
    except ImportError:
        return list(_composition_qs(user, org, on))
    from orgs.models import Organization

    Organization.objects.restrict(user, "view").get(pk=org.pk)  # get_scoped_or_404's read
    return composition(org, on)


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50": statistics.median(ordered), "p95": ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)],
            "n": len(ordered)}


def _time_requests(requests: list[Callable[[], Any]]) -> tuple[dict, dict, int]:
    """Each request once through the app's read, then the SQL statements it sent replayed on the cursor (the raw
    limit: no ORM, no Python objects); (app stats, raw stats, rows seen)."""
    app, raw, rows = [], [], 0
    for fn in requests:
        sent: list[tuple[str, Any]] = []

        def capture(execute: Any, sql: str, params: Any, many: bool, context: Any, sent: list = sent) -> Any:
            sent.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            t = time.perf_counter()
            got = fn()
            app.append((time.perf_counter() - t) * 1000)
        rows += len(got)
        t = time.perf_counter()
        with connection.cursor() as cur:
            for sql, params in sent:
                cur.execute(sql, params)
                cur.fetchall()
        raw.append((time.perf_counter() - t) * 1000)
    return _stats(app), _stats(raw), rows


def _worklist_requests(user: Any, roots: list[Any], pages: int) -> list[Callable[[], Any]]:
    """A first page for each root, then pages 2..``pages`` of each (cursors found beforehand, not timed)."""
    from core.pagination import keyset_page

    out = []
    for root in roots:
        qs = _vacant_bodies(user, root)
        cursor = None
        for _ in range(pages):
            out.append(lambda qs=qs, cursor=cursor: keyset_page(qs, ORDER, cursor, PAGE).items)
            cursor = keyset_page(qs, ORDER, cursor, PAGE).next_cursor
            if not cursor:
                break
    return out


def _composition_requests(user: Any, orgs: list[Any], rng: random.Random) -> list[Callable[[], Any]]:
    """One date per organization, within its life (2020 to November 2026)."""
    out = []
    for org in orgs:
        first = max(dt.date(2020, 1, 1), org.established_on or dt.date(2020, 1, 1)).toordinal()
        last = min(dt.date(2026, 11, 30), (org.dissolved_on or dt.date(2026, 12, 1)) - dt.timedelta(days=1))
        on = dt.date.fromordinal(rng.randint(first, max(first, last.toordinal())))
        out.append(lambda o=org, d=on: _composition(user, o, d))
    return out


def _sample_orgs(base: Any, n: int, rng: random.Random, *, ids: bool = False) -> list[Any]:
    """``n`` organizations of ``base``, a mix of kinds: by id ranges over the whole table (no ORDER BY random() over
    330,000 rows), or with ``ids`` from the subtree's ids (a province: some thousands)."""
    from django.db.models import Max, Min

    if ids:
        pks = list(base.values_list("id", flat=True))
        chosen = rng.sample(pks, min(n, len(pks)))
        return list(base.model.objects.filter(pk__in=chosen).order_by("id"))
    bounds = base.aggregate(lo=Min("id"), hi=Max("id"))
    found: dict[int, Any] = {}
    tries = 0
    while len(found) < n and tries < n * 5:
        tries += 1
        org = base.filter(id__gte=rng.randint(bounds["lo"], bounds["hi"])).order_by("id").first()
        if org is not None:
            found[org.pk] = org
    return list(found.values())


def measure(requests: int = 200, seed: int = 7) -> list[tuple[str, dict | None, dict | None, float | None, str]]:
    """Rows: (what, app stats, raw SQL stats, target p95 ms, note)."""
    from accounts.models import User
    from cadres.models import Body
    from orgs.models import Organization

    rng = random.Random(seed)
    rows: list[tuple[str, dict | None, dict | None, float | None, str]] = []
    admin = User.objects.filter(username="admin").first() or User.objects.filter(is_superuser=True).first()
    scoped = User.objects.filter(username="province").first()
    level1 = list(Organization.objects.filter(org_type="level1", dissolved_on__isnull=True).order_by("code"))
    open_vacant = Body.objects.filter(vacant=True, ended_on__isnull=True).count()
    # Vacancies worklist.
    app, raw, n = _time_requests(_worklist_requests(admin, level1, 1))
    rows.append(("vacancies worklist of a province, first page, as the national admin", app, raw, TARGET_WORKLIST_MS,
                 f"{app['n']} provinces and central committees, {n:,} rows"))
    pages = max(2, requests // 2)
    app, raw, n = _time_requests(_worklist_requests(admin, [None], pages))
    rows.append(("vacancies worklist of the whole party, as the national admin", app, raw, TARGET_WORKLIST_MS,
                 f"pages 1-{app['n']} of {open_vacant:,} open bodies with a vacancy"))
    if scoped is not None:
        home = scoped.organization
        app, raw, n = _time_requests(_worklist_requests(scoped, [None], pages))
        rows.append((f"vacancies worklist of the own province ({home.code}), as its secretary", app, raw,
                     TARGET_WORKLIST_MS, f"pages 1-{app['n']}, scope = the province"))
        units = _sample_orgs(Organization.objects.filter(path__startswith=home.path, org_type="intermediate",
                                                         dissolved_on__isnull=True), 40, rng, ids=True)
        app, raw, n = _time_requests(_worklist_requests(scoped, units, 1))
        rows.append(("vacancies worklist under a commune of the own province, as its secretary", app, raw,
                     TARGET_WORKLIST_MS, f"{app['n']} communes and blocs, {n:,} rows"))
    # Compositions as of a date.
    everywhere = _sample_orgs(Organization.objects.all(), requests, rng)
    kinds = {o.org_type for o in everywhere}
    app, raw, n = _time_requests(_composition_requests(admin, everywhere, rng))
    rows.append(("composition of an organization as of a date, as the national admin", app, raw,
                 TARGET_COMPOSITION_MS, f"{app['n']} organizations ({', '.join(sorted(kinds))}), dates 2020-2026, "
                                        f"{n:,} holdings"))
    tops = level1 + list(Organization.objects.filter(org_type="level1", dissolved_on__isnull=False))
    app, raw, n = _time_requests(_composition_requests(admin, tops, rng))
    rows.append(("composition of a province as of a date (the largest bodies), as the national admin", app, raw,
                 TARGET_COMPOSITION_MS, f"{app['n']} level-1 committees of 2020-2026, {n:,} holdings"))
    if scoped is not None:
        mine = _sample_orgs(Organization.objects.filter(path__startswith=scoped.organization.path), requests, rng,
                            ids=True)
        app, raw, n = _time_requests(_composition_requests(scoped, mine, rng))
        rows.append(("composition as of a date in the own province, as its secretary", app, raw,
                     TARGET_COMPOSITION_MS, f"{app['n']} organizations, {n:,} holdings"))
    return rows


def raw_load_limit(sample: int = 300_000) -> dict[str, float]:
    """Plain COPY / executemany of ``sample`` post holding rows (read beforehand) into a scratch copy of the table
    with the same indexes: the database's limit for the seed's biggest table."""
    from bench.bulk import BulkWriter
    from bench.seed_cadres import HOLDING_COLS, HOLDING_TABLE

    w = BulkWriter("default")
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(HOLDING_COLS)} FROM {HOLDING_TABLE} ORDER BY id LIMIT %s", [sample])
        rows = [tuple(r) for r in cur.fetchall()]
        cur.execute("DROP TABLE IF EXISTS bench_raw_holding")
        if connection.vendor == "postgresql":
            cur.execute(f"CREATE TABLE bench_raw_holding (LIKE {HOLDING_TABLE} INCLUDING ALL)")
        else:
            cur.execute(f"CREATE TABLE bench_raw_holding AS SELECT * FROM {HOLDING_TABLE} WHERE 0")
    try:
        from django.db import transaction

        t = time.perf_counter()
        with transaction.atomic():
            for i in range(0, len(rows), 20_000):
                w.write("bench_raw_holding", HOLDING_COLS, rows[i: i + 20_000])
        seconds = time.perf_counter() - t
    finally:
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_raw_holding")
    return {"rows": len(rows), "rows_per_s": len(rows) / seconds if seconds else 0.0}


def merger(log: Callable[[str], None] = print) -> dict[str, Any]:
    """Merge the two provinces closest to 300,000 members together into a new one through reorg.services."""
    from bench.reorg import _pick_provinces
    from cadres.models import Body, PostHolding, Term
    from core.actions import SYSTEM
    from orgs.models import Organization
    from reorg import services

    a, b = _pick_provinces(1.0)
    central = Organization.objects.get(parent__isnull=True)
    code = f"CM{int(time.time()) % 10**8}"
    on = timezone.localdate() - dt.timedelta(days=10)
    open_terms = Term.objects.filter(organization__in=[a, b], valid_to__isnull=True).count()
    plan = {"sources": [a.pk, b.pk], "new": {"parent": central.pk, "code": code,
                                             "name": f"Tỉnh {a.name} - {b.name}", "org_type": "level1"}}
    t = time.perf_counter()
    preview = services.preview(SYSTEM, "merge", plan, effective_on=on, decision="BENCH-CADRES-1")
    preview_s = time.perf_counter() - t
    t = time.perf_counter()
    services.create_reorganization(SYSTEM, kind="merge", plan=plan, effective_on=on, decision="BENCH-CADRES-1")
    merge_s = time.perf_counter() - t
    handler = True
    try:
        import cadres.handover  # noqa: F401
    except ImportError:
        handler = False
    closed = Term.objects.filter(organization__in=[a, b], valid_to=on).count()
    ended_holdings = PostHolding.objects.filter(organization__in=[a, b], valid_to=on).count()
    ended_bodies = Body.objects.filter(organization__in=[a, b], ended_on=on).count()
    result = {"a": a.name, "b": b.name, "members": a.subtree_members + b.subtree_members,
              "orgs": preview["totals"]["organizations"], "preview_s": preview_s, "merge_s": merge_s,
              "open_terms": open_terms, "closed_terms": closed, "ended_bodies": ended_bodies,
              "ended_holdings": ended_holdings, "handler": handler}
    log(f"merger: {result}")
    return result


def _fmt(stats: dict | None) -> str:
    if stats is None:
        return "- | -"
    return f"{stats['p50']:.1f} | {stats['p95']:.1f}"


def report(reads: list, merge: dict | None, seed_line: str, raw_load: dict | None = None) -> str:
    from bench.run import machine_info

    info = machine_info()
    now = timezone.now().strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {now} - committees and cadres (issue 13), {info['database']}",
        "",
        f"- machine: `{info['uname']}`",
        f"- CPU: {info['cpu']}, {info['cores']} cores, RAM {info['ram']}",
        *([f"- {seed_line}"] if seed_line else []),
        *([f"- raw load limit: plain {'COPY' if connection.vendor == 'postgresql' else 'executemany'} of "
           f"{raw_load['rows']:,} post holding rows into a scratch copy with the same indexes, "
           f"{raw_load['rows_per_s']:,.0f} rows/s (same run)"] if raw_load else []),
        "- each request different (another province, page, organization or date), timed once through the app's "
        "read (cadres.services, ORM); raw SQL: the statements that read sent, replayed right after on the cursor "
        "(no ORM, no objects; a second run of the same statement, so a floor) in the same run",
        "",
        "| read | p50 ms | p95 ms | raw SQL p50 ms | raw SQL p95 ms | target p95 ms | ok | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for what, app, raw, target, note in reads:
        ok = "-" if target is None or app is None else ("yes" if app["p95"] <= target else "NO")
        lines.append(f"| {what} | {_fmt(app)} | {_fmt(raw)} | {target or '-'} | {ok} | {note} |")
    if merge:
        ok = "yes" if merge["merge_s"] <= TARGET_MERGE_S else "NO"
        handler = ("with the cadres reorganization handler: "
                   f"{merge['closed_terms']} of {merge['open_terms']} open terms closed, {merge['ended_bodies']} "
                   f"bodies and {merge['ended_holdings']} holdings ended" if merge["handler"] else
                   "WITHOUT the cadres reorganization handler (not on main yet): the terms stay open")
        lines += [
            "",
            "| operation | measured | target | ok |",
            "| --- | ---: | ---: | --- |",
            f"| preview of the merger of {merge['a']} + {merge['b']} ({merge['members']:,} members, "
            f"{merge['orgs']:,} organizations) | {merge['preview_s']:.2f} s | - | - |",
            f"| merger of the two provinces with their committees (apply, one transaction; {handler}) | "
            f"{merge['merge_s']:.2f} s | <= {TARGET_MERGE_S:.0f} s | {ok} |",
        ]
    return "\n".join(lines) + "\n"


def run(requests: int = 200, *, merge: bool = True, out: str | None = None, seed_line: str = "",
        write: Callable[[str], None] = print) -> str:
    reads = measure(requests)
    raw_load = raw_load_limit()
    merged = merger(write) if merge else None
    section = report(reads, merged, seed_line, raw_load)
    write(section)
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write("\n" + section)
    return section
