"""Import benchmark: rows/s and peak memory of importing N members from XLSX and from CSV, beside the
raw load limit of the same database in the same run (see ``manage.py bench_import``).

- Import: ``manage.py import_members`` in a child process (so its peak RSS is its own: the ``VmHWM``
  the child reports, see core/memory.py), mode ``all`` (one transaction), acting as the national administrator into the
  Centre. It parses, validates (batched lookups), writes members, history and one audit row per
  written row, and keeps the counters.
- Raw load limits (PostgreSQL ``COPY``, SQLite ``executemany``, one transaction, scratch copies of
  the tables with the same indexes, every value prepared before the clock starts), both reported:
  *members only* (the same member rows into ``members_member``'s copy - strict, since the import
  writes ~6 rows per member) and *like-for-like* (the members plus the 1-2 history rows per member and
  the audit row, with its JSON, per member and per history row: exactly the rows the import writes).
- Parse only: reading and checking the rows of each file without the database.
- Round trip (``--roundtrip``, :func:`roundtrip`): import N generated rows, export the imported
  members with the member list's own XLSX export, read the export back with the import's reader and
  compare it field by field with the generated rows, then import the export again: nothing may change.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

BASE = Path(settings.BASE_DIR)
RESULTS = BASE / "bench" / "RESULTS.md"
KEYS = ("full_name", "gender", "birth_date", "citizen_id", "party_card_no", "status", "admission_date",
        "official_date", "organization_code", "ethnicity", "religion", "home_town", "education", "occupation")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Ngọc", "Hữu", "Thanh", "Quốc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương"]


def holding_orgs() -> list[str]:
    from orgs.choices import MEMBER_HOLDING_TYPES
    from orgs.models import Organization

    return list(Organization.objects.filter(org_type__in=MEMBER_HOLDING_TYPES, dissolved_on__isnull=True)
                .order_by("id").values_list("code", flat=True))


def generate_rows(n: int, seed: int = 7):
    """Deterministic valid rows for the seeded cells, with citizen IDs no seeded member has."""
    from members.models import Member
    from members.validators import century_gender_digit

    taken = set(Member.objects.exclude(citizen_id=None).values_list("citizen_id", flat=True))
    codes = holding_orgs()
    if not codes:
        raise RuntimeError("no member-holding organizations: run manage.py seed_party first")
    rng = random.Random(seed)
    serial = 0
    for i in range(n):
        year = 1955 + i % 46
        birth = dt.date(year, 1 + rng.randrange(12), 1 + rng.randrange(28))
        gender = "F" if rng.random() < 0.4 else "M"
        while True:
            serial += 1
            cid = f"{(1, 22, 79, 48)[serial % 4]:03d}{century_gender_digit(year, gender)}{year % 100:02d}" \
                  f"{(serial // 4) % 1000000:06d}"
            if cid not in taken:
                break
        admission = dt.date(year + 20 + rng.randrange(15), 1 + rng.randrange(12), 1 + rng.randrange(28))
        if admission > dt.date(2025, 6, 1):
            admission = dt.date(2025, 6, 1)
        official = dt.date(admission.year + 1, admission.month, admission.day) if rng.random() < 0.95 else None
        if official and official > dt.date(2026, 1, 1):
            official = None
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        fmt = i % 3  # the three text formats of dates, and real dates in XLSX
        yield {
            "full_name": name, "gender": gender, "birth_date": birth, "citizen_id": cid, "party_card_no": "",
            "status": "official" if official else "probationary", "admission_date": admission,
            "official_date": official, "organization_code": codes[i % len(codes)], "ethnicity": "Kinh",
            "religion": "", "home_town": "Hà Nội", "education": "12/12", "occupation": "Cán bộ", "_fmt": fmt,
        }


def _date_text(value, fmt: int) -> str:
    if value is None:
        return ""
    return (value.strftime("%d/%m/%Y"), value.isoformat(), value.strftime("%d-%m-%Y"))[fmt]


def write_files(n: int, folder: Path, *, csv_too: bool = True, collect=None) -> tuple[Path, Path | None]:
    """Write ``generate_rows(n)`` as XLSX (and CSV unless ``csv_too`` is false); ``collect(row)`` sees each row."""
    from openpyxl import Workbook

    from exchange.template import COLUMNS

    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / f"members-{n}.csv", folder / f"members-{n}.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Members")
    ws.append([str(c.label) for c in COLUMNS])
    ws.append(list(KEYS))
    with open(csv_path if csv_too else os.devnull, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([str(c.label) for c in COLUMNS])
        writer.writerow(KEYS)
        for r in generate_rows(n):
            if collect is not None:
                collect(r)
            fmt = r["_fmt"]
            if csv_too:
                writer.writerow([_date_text(r[k], fmt) if k.endswith("_date") else r[k] for k in KEYS])
            ws.append([r[k] if k.endswith("_date") and fmt == 0 else
                       (_date_text(r[k], fmt) if k.endswith("_date") else r[k]) for k in KEYS])
    wb.save(xlsx_path)
    return xlsx_path, (csv_path if csv_too else None)


@dataclass
class Child:
    seconds: float
    peak_mb: int | None  # the child's own peak RSS (VmHWM it reports), else wait4's ru_maxrss
    peak_source: str  # "VmHWM" | "wait4"
    children_peak_mb: int | None  # the largest peak of the child's own children (the import's parsing process)
    returncode: int
    out: str
    result: dict | None  # the JSON object on the last line of stdout, if any
    err_tail: str = ""

    def peak_text(self) -> str:
        return _mb(self.peak_mb, self.peak_source, self.children_peak_mb)


def run_child(args: list[str], *, check: bool = True) -> Child:
    """Run manage.py in a child and read the JSON on the last line of its stdout.

    The peak memory is the ``peak_rss_mb`` the child reports (``VmHWM`` of its own address space, see
    core/memory.py). ``ru_maxrss`` from ``wait4`` is only a fallback: ``subprocess`` starts the child with
    ``vfork``, so it also counts the memory of this process at the time of the ``exec``.
    """
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # keeps the wait4 fallback less wrong
    except (OSError, AttributeError):
        pass
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, str(BASE / "manage.py"), *args], stdout=subprocess.PIPE,
                                stderr=err, env=os.environ.copy())
        out = proc.stdout.read() if proc.stdout is not None else b""
        _pid, status, usage = os.wait4(proc.pid, 0)  # not proc.wait(): that would lose the rusage
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.stdout is not None:
            proc.stdout.close()
        text = out.decode()
        err.seek(0)
        err_tail = err.read().decode(errors="replace")[-2000:]
    if check and proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {' '.join(args)}\n{text[-2000:]}\n{err_tail}")
    result = None
    lines = text.strip().splitlines()
    if lines:
        try:
            result = json.loads(lines[-1])
        except ValueError:
            result = None
    peak, source = (result or {}).get("peak_rss_mb"), "VmHWM"
    if peak is None:
        peak, source = usage.ru_maxrss // 1024, "wait4"
    return Child(seconds, peak, source, (result or {}).get("children_peak_rss_mb"), proc.returncode, text, result,
                 err_tail)


def _mb(peak: int | None, source: str, children: int | None = None) -> str:
    if peak is None:
        return "?"
    text = f"{peak:,} MB" if source == "VmHWM" else f"{peak:,} MB (wait4, includes the parent)"
    return text + (f" + {children:,} MB parse process" if children else "")


def parse_only(path: Path) -> dict:
    """Read and check every row without the database (run in a child by ``bench_import --parse-only``)."""
    from core.memory import peak_rss_mb
    from exchange.importer import parse_row
    from exchange.readers import open_table

    start = time.perf_counter()
    rows = bad = 0
    with open_table(path, path.name) as table:
        for number, raw in table.rows():
            rows += 1
            bad += bool(parse_row(number, raw).errors)
    return {"rows": rows, "bad": bad, "seconds": time.perf_counter() - start, "peak_rss_mb": peak_rss_mb()}


def _scratch_copy(cur, table: str, scratch: str) -> None:
    """An empty copy of ``table`` with the same columns and indexes, without foreign keys."""
    import re

    cur.execute(f"DROP TABLE IF EXISTS {scratch}")
    if connection.vendor == "postgresql":
        cur.execute(f"CREATE TABLE {scratch} (LIKE {table} INCLUDING ALL)")
        return
    cur.execute("SELECT sql FROM sqlite_master WHERE tbl_name=%s AND sql IS NOT NULL ORDER BY type DESC", [table])
    for (sql,) in cur.fetchall():
        sql = sql.replace(f'"{table}"', f'"{scratch}"').replace('INDEX "', f'INDEX "{scratch}_')
        sql = re.sub(r' REFERENCES "\w+" \("\w+"\)( DEFERRABLE INITIALLY DEFERRED)?', "", sql)
        cur.execute(sql)


def _load(cur, scratch: str, cols: list[str], rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        with cur.cursor.copy(f"COPY {scratch} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join(["%s"] * len(cols))
        for i in range(0, len(rows), 10000):
            cur.executemany(f"INSERT INTO {scratch} ({', '.join(cols)}) VALUES ({placeholders})", rows[i:i + 10000])


def raw_load(n: int) -> dict:
    """Seconds to load the rows the import writes into scratch copies of its tables (same indexes).

    ``members``: the member rows only. ``all``: the same member rows plus what the import writes beside
    them - 1-2 history rows per member and one audit row (with its JSON ``changes``) per member and per
    history row - so ``n / all`` is the like-for-like limit of the import. Every value is prepared
    (keys, JSON text) before the clock starts; only the database work is timed.
    """
    from audit.models import AuditRecord
    from core.text import given_name_key, search_key
    from members.models import Member, MemberHistory
    from orgs.models import Organization

    org_ids = dict(Organization.objects.values_list("code", "id"))
    org_paths = dict(Organization.objects.values_list("code", "path"))
    cols = ["id", "full_name", "name_key", "given_key", "gender", "birth_date", "ethnicity", "religion", "home_town",
            "education", "occupation", "citizen_id", "party_card_no", "admission_date", "official_date", "status",
            "status_since", "organization_id", "lock_version"]
    h_cols = ["id", "valid_from", "valid_to", "member_id", "organization_id", "status", "event", "decision", "note"]
    a_cols = ["id", "at", "actor_id", "actor_label", "ip", "user_agent", "request_id", "action", "event",
              "content_type_id", "object_id", "object_repr", "org_path", "changes"]
    members, history, audit = [], [], []
    now = dt.datetime.now(dt.UTC)
    for i, r in enumerate(generate_rows(n), start=1):
        code = r["organization_code"]
        row = (i, r["full_name"], search_key(r["full_name"]), given_name_key(r["full_name"]), r["gender"],
               r["birth_date"], r["ethnicity"], r["religion"], r["home_town"], r["education"], r["occupation"],
               r["citizen_id"], None, r["admission_date"], r["official_date"], r["status"],
               r["official_date"] or r["admission_date"], org_ids[code], 0)
        members.append(row)
        changes = {c: [None, v.isoformat() if isinstance(v, dt.date) else v] for c, v in zip(cols, row)
                   if c not in ("name_key", "given_key", "lock_version")}
        audit.append((len(audit) + 1, now, 1, "admin", None, "", "x" * 32, "exchange.import_members", "create", 1,
                      str(i), r["full_name"], org_paths[code], json.dumps(changes, ensure_ascii=False)))
        spans = [(r["admission_date"], r["official_date"], "probationary", "registered"),
                 (r["official_date"], None, "official", "recognized")] if r["official_date"] else \
            [(r["admission_date"], None, r["status"], "registered")]
        for start, end, status, event in spans:
            hid = len(history) + 1
            history.append((hid, start, end, i, org_ids[code], status, event, "", ""))
            audit.append((len(audit) + 1, now, 1, "admin", None, "", "x" * 32, "exchange.import_members", "create", 1,
                          str(hid), f"{i} {event} {start}", org_paths[code], json.dumps(
                              {"id": [None, hid], "valid_from": [None, start.isoformat()],
                               "valid_to": [None, end.isoformat() if end else None], "member_id": [None, i],
                               "organization_id": [None, org_ids[code]], "status": [None, status],
                               "event": [None, event], "decision": [None, ""], "note": [None, ""]})))
    tables = [(Member._meta.db_table, "bench_raw_member", cols, members),
              (MemberHistory._meta.db_table, "bench_raw_history", h_cols, history),
              (AuditRecord._meta.db_table, "bench_raw_audit", a_cols, audit)]
    with connection.cursor() as cur:
        for table, scratch, _cols, _rows in tables:
            _scratch_copy(cur, table, scratch)
    seconds = {}
    for label, subset in (("members", tables[:1]), ("all", tables)):
        with connection.cursor() as cur:
            for _table, scratch, _cols, _rows in tables:
                cur.execute(f"DELETE FROM {scratch}")
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            for _table, scratch, table_cols, rows in subset:
                _load(cur, scratch, table_cols, rows)
        seconds[label] = time.perf_counter() - start
    with connection.cursor() as cur:
        for _table, scratch, _cols, _rows in tables:
            cur.execute(f"DROP TABLE {scratch}")
    return {"members": seconds["members"], "all": seconds["all"], "history_rows": len(history),
            "audit_rows": len(audit)}


def machine_info() -> dict:
    info = {"uname": " ".join(platform.uname()), "python": platform.python_version()}
    try:
        cpu = [line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")]
        info["cpu"] = f"{cpu[0]} x {len(cpu)}" if cpu else "?"
    except OSError:
        info["cpu"] = "?"
    info["cores"] = str(os.cpu_count())
    try:
        mem = next(line for line in open("/proc/meminfo") if line.startswith("MemTotal"))
        info["ram"] = f"{int(mem.split()[1]) // 1024 // 1024} GB"
    except (OSError, StopIteration):
        info["ram"] = "?"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            info["db"] = f"PostgreSQL {cur.fetchone()[0]}"
        else:
            cur.execute("select sqlite_version()")
            info["db"] = f"SQLite {cur.fetchone()[0]} (WAL, synchronous=NORMAL)"
    return info


def reseed(scale: float, log) -> None:
    """The seeded party, with an empty audit trail: each measured import starts from the same state, whatever
    ran before it (``seed_party --replace`` keeps the audit trail, and the millions of records of an earlier
    import would make a later one slower - the raw limits load into empty copies)."""
    from django.core.management import call_command

    from audit.models import AuditRecord

    log(f"seeding scale {scale} ...")
    table = connection.ops.quote_name(AuditRecord._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}")
    call_command("seed_party", scale=scale, replace=True, no_progress=True, stdout=open(os.devnull, "w"))


def run(n: int, *, scale: float = 0.01, formats=("xlsx", "csv"), mode: str = "all", record: bool = True,
        log=print) -> dict:
    folder = Path(settings.VAR_DIR) / "bench"
    info = machine_info()
    reseed(scale, log)
    log(f"writing {n:,} rows as XLSX and CSV ...")
    t = time.perf_counter()
    xlsx_path, csv_path = write_files(n, folder)
    log(f"  {time.perf_counter() - t:.0f}s; {xlsx_path.stat().st_size >> 20} MB xlsx, "
        f"{csv_path.stat().st_size >> 20} MB csv")
    log("raw load ...")
    raw = raw_load(n)
    results = {"n": n, "info": info, "raw_seconds": raw["members"], "raw_all_seconds": raw["all"],
               "raw_rows": n + raw["history_rows"] + raw["audit_rows"], "formats": {}}
    log(f"  raw, members only: {n / raw['members']:,.0f} members/s; members + {raw['history_rows']:,} history + "
        f"{raw['audit_rows']:,} audit rows: {n / raw['all']:,.0f} members/s")
    for fmt in formats:
        path = xlsx_path if fmt == "xlsx" else csv_path
        child = run_child(["bench_import", "--parse-only", str(path)])
        parsed, rss = child.result, child.peak_text()
        log(f"  {fmt} parse only: {parsed['rows'] / parsed['seconds']:,.0f} rows/s, peak {rss}")
        reseed(scale, log)
        child = run_child(["import_members", str(path), "--org-root", "TW", "--user", "admin", "--mode", mode,
                           "--no-progress", "--json", "--language", "en"])
        result, seconds, rss_import = child.result, child.seconds, child.peak_text()
        log(f"  {fmt} import: {result.get('created', 0):,} created in {seconds:.0f}s = {n / seconds:,.0f} rows/s, "
            f"peak {rss_import}")
        results["formats"][fmt] = {"seconds": seconds, "rss_mb": rss_import,
                                   "created": result.get("created"), "state": result.get("state"),
                                   "parse_rows_per_s": parsed["rows"] / parsed["seconds"], "parse_rss_mb": rss}
    append_results(results, mode, record=record, log=log)
    return results


def append_results(r: dict, mode: str, *, record: bool = True, log=print) -> None:
    n, info, raw_rate, full_rate = r["n"], r["info"], r["n"] / r["raw_seconds"], r["n"] / r["raw_all_seconds"]
    method = "COPY" if "Postgre" in info["db"] else "executemany"
    lines = [
        f"\n## Import of {n:,} members, {info['db']} - {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {info['uname']}; CPU {info['cpu']}; {info['cores']} cores; RAM {info['ram']}; "
        f"Python {info['python']}.",
        f"Mode `{mode}`; seeded party at scale 0.01 beside it; rows spread over all seeded cells; dates in the "
        "three text formats (and real Excel dates in a third of the XLSX rows). All rates are members per second. "
        f"Two raw limits ({method} into scratch copies with the same indexes, values prepared before the clock): "
        f"members only, and like-for-like - the same {r['raw_rows']:,} rows the import writes (members, history, "
        "one audit row with its JSON per member and history row).",
        "",
        "Peak RSS: the child's own (VmHWM of its address space; marked where only wait4's ru_maxrss was there).",
        "",
        "| what | members/s | peak RSS | seconds | ratio to members-only raw | ratio to like-for-like raw | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| raw load limit, members only ({method}) | {raw_rate:,.0f} | - | {r['raw_seconds']:.1f} | 1.00 | - | |",
        f"| raw load limit, like-for-like: members + history + audit ({method}) | {full_rate:,.0f} | - | "
        f"{r['raw_all_seconds']:.1f} | {full_rate / raw_rate:.2f} | 1.00 | |",
    ]
    for fmt, f in r["formats"].items():
        rate = n / f["seconds"]
        target = 0.3 if fmt == "xlsx" else 0.5
        lines.append(f"| import {fmt.upper()} (parse + validate + write members, history, audit, counters) "
                     f"| {rate:,.0f} | {f['rss_mb']} | {f['seconds']:.0f} | {rate / raw_rate:.2f} | "
                     f"{rate / full_rate:.2f} | >= {target} |")
        lines.append(f"| parse and check {fmt.upper()} only (no database) | {f['parse_rows_per_s']:,.0f} | "
                     f"{f['parse_rss_mb']} | - | - | - | |")
    if not record:
        log("\n".join(lines))
        return
    RESULTS.parent.mkdir(exist_ok=True)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n")
    with open(RESULTS, "a") as out:
        out.write("\n".join(lines) + "\n")


# --- Round trip: import N rows, export them, compare, import the export again ------------------------------------

class RoundTripFailed(Exception):
    """A check of the round trip failed; the message says which and how."""


@dataclass
class Phase:
    name: str
    rows: int
    seconds: float
    peak: str = "-"  # the child's own peak RSS for the imports
    outcome: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class RoundTrip:
    n: int
    info: dict
    scale: float | None
    export_language: str
    phases: list[Phase] = field(default_factory=list)
    differences: int = 0
    differing_rows: int = 0
    first_differences: list[str] = field(default_factory=list)
    exported: int = 0
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _norm(value) -> str:
    """One spelling per value: dates as ISO text, empty and missing as "", text stripped."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def counts_snapshot() -> dict:
    """What an import that changes nothing must leave as it is (the import job's own audit rows aside)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count, F, Sum

    from audit.models import AuditRecord
    from jobs.models import Job
    from members.models import Member, MemberHistory
    from orgs.models import Organization

    audit = dict(AuditRecord.objects.filter(event__in=["create", "update", "delete"])
                 .exclude(content_type=ContentType.objects.get_for_model(Job)).order_by().values("event")
                 .annotate(n=Count("id")).values_list("event", "n"))
    counters = Organization.objects.aggregate(s=Sum(F("direct_official") + F("direct_probationary")
                                                    + F("subtree_official") + F("subtree_probationary")))["s"]
    return {"members": Member.objects.count(), "member history": MemberHistory.objects.count(),
            "audit create": audit.get("create", 0), "audit update": audit.get("update", 0),
            "audit delete": audit.get("delete", 0),
            "sum of members' lock_version": Member.objects.aggregate(s=Sum("lock_version"))["s"] or 0,
            "sum of organizations' member counters": counters or 0}


def compare_export(path: Path, originals: dict[str, tuple], *, sample: int = 10) -> tuple[int, int, int, list[str]]:
    """Read ``path`` with the import's reader and compare each row with ``originals`` (citizen ID -> values
    of ``KEYS``, normalized). Returns (differences, differing rows, rows read, the first differences)."""
    from exchange.importer import RowContext, parse_row
    from exchange.readers import open_table

    ctx = RowContext.current()
    differences = differing_rows = rows = 0
    first: list[str] = []
    seen: set[str] = set()

    def note(text: str) -> None:
        if len(first) < sample:
            first.append(text)

    with open_table(path, path.name) as table:
        for number, raw in table.rows():
            rows += 1
            parsed = parse_row(number, raw, ctx)
            data = parsed.data
            cid = _norm(data.get("citizen_id"))
            here = 0
            for e in parsed.errors:
                here += 1
                note(f"row {number} ({cid}): {e.column} {e.value!r}: {e.message}")
            original = originals.get(cid)
            if original is None:
                here += 1
                note(f"row {number}: citizen ID {cid!r} is not in the generated file")
            elif cid in seen:
                here += 1
                note(f"row {number}: citizen ID {cid!r} exported twice")
            else:
                seen.add(cid)
                for key, want in zip(KEYS, original):
                    got = _norm(data.get(key))
                    if got != want:
                        here += 1
                        note(f"row {number} ({cid}): {key}: exported {got!r}, generated {want!r}")
            differences += here
            differing_rows += bool(here)
    missing = [cid for cid in originals if cid not in seen]
    for cid in missing[:sample]:
        note(f"citizen ID {cid} of the generated file is missing from the export")
    differences += len(missing)
    differing_rows += len(missing)
    return differences, differing_rows, rows, first


def _import(path: Path, *, org_root: str, user: str, in_process: bool) -> tuple[float, str, dict, str]:
    """Import ``path`` (mode ``all``): (seconds, peak, job result, error text). A child process by default."""
    args = [str(path), "--org-root", org_root, "--user", user, "--mode", "all", "--no-progress", "--json",
            "--language", "en"]
    if not in_process:
        child = run_child(["import_members", *args], check=False)
        problem = "" if child.returncode == 0 else f"exit code {child.returncode}: {child.err_tail[-1000:]}"
        if child.result is None:
            problem = problem or "no JSON result"
        return child.seconds, child.peak_text(), child.result or {}, problem
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    start = time.perf_counter()
    problem = ""
    try:
        call_command("import_members", *args, stdout=out)
    except CommandError as exc:
        problem = str(exc)
    seconds = time.perf_counter() - start
    lines = out.getvalue().strip().splitlines()
    result = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
    return seconds, "- (in process)", result, problem


def roundtrip(n: int, *, scale: float | None = 0.01, folder: Path | None = None, org_root: str = "TW",
              user: str = "admin", in_process: bool = False, record: bool = True, log=print) -> RoundTrip:
    """Import N generated rows, export the imported members, compare, re-import the export; every check.

    ``scale``: reseed the party at this scale first (None: use the database as it is). The export holds
    the members the import created (ids above the highest id before it) - their citizen IDs must be
    exactly those of the file, which the comparison checks. It is written by ``members.exports.write_xlsx``
    in the installation's language (``LANGUAGE_CODE``), as a user would download it.
    """
    from django.db.models import Max
    from django.utils import translation

    from members.exports import write_xlsx
    from members.models import Member

    folder = folder or Path(settings.VAR_DIR) / "bench"
    rt = RoundTrip(n=n, info={**machine_info(), "code": code_state()}, scale=scale,
                   export_language=settings.LANGUAGE_CODE)
    try:
        if scale is not None:
            reseed(scale, log)
        log(f"writing {n:,} rows as XLSX ...")
        originals: dict[str, tuple] = {}

        def keep(r: dict) -> None:
            originals[r["citizen_id"]] = tuple(_norm(r[k]) for k in KEYS)

        xlsx_path, _csv = write_files(n, folder, csv_too=False, collect=keep)
        if len(originals) != n:
            rt.failures.append(f"the generated rows have {n - len(originals)} repeated citizen IDs")
        highest = Member.objects.aggregate(m=Max("id"))["m"] or 0

        log("import ...")
        seconds, peak, result, problem = _import(xlsx_path, org_root=org_root, user=user, in_process=in_process)
        created = result.get("created")
        rt.phases.append(Phase("import", n, seconds, peak, f"created {created}, errors {result.get('error_rows')}"))
        log(f"  {seconds:.1f}s = {n / seconds:,.0f} rows/s, peak {peak}; created {created}")
        if problem or created != n or result.get("error_rows"):
            rt.failures.append(f"import: created {created} of {n} ({problem or result.get('state')}); "
                               f"errors {result.get('error_rows')}: {result.get('errors_sample', [])[:3]}")
            return rt

        log("export ...")
        export_path = folder / f"roundtrip-{n}-export.xlsx"
        qs = Member.objects.filter(id__gt=highest).select_related("organization").order_by("id")
        start = time.perf_counter()
        with translation.override(rt.export_language):
            rt.exported = write_xlsx(qs, export_path)
        seconds = time.perf_counter() - start
        rt.phases.append(Phase("export (members.exports.write_xlsx)", rt.exported, seconds,
                               outcome=f"{rt.exported:,} rows, {export_path.stat().st_size >> 10:,} KB"))
        log(f"  {seconds:.1f}s, {rt.exported:,} rows")
        if rt.exported != n:
            rt.failures.append(f"export: {rt.exported} rows, expected {n}")

        log("compare ...")
        start = time.perf_counter()
        rt.differences, rt.differing_rows, read, rt.first_differences = compare_export(export_path, originals)
        seconds = time.perf_counter() - start
        rt.phases.append(Phase("read the export back and compare field by field", read, seconds,
                               outcome=f"{rt.differences} differences in {rt.differing_rows} rows"))
        log(f"  {seconds:.1f}s; {rt.differences} differences in {rt.differing_rows} rows")
        for line in rt.first_differences:
            log(f"    {line}")
        if rt.differences:
            rt.failures.append(f"compare: {rt.differences} differences in {rt.differing_rows} rows, first: "
                               + "; ".join(rt.first_differences[:5]))
        if read != rt.exported:
            rt.failures.append(f"compare: read {read} rows from the export, {rt.exported} were written")
        originals.clear()

        log("re-import the export ...")
        rt.before = counts_snapshot()
        seconds, peak, result, problem = _import(export_path, org_root=org_root, user=user, in_process=in_process)
        rt.after = counts_snapshot()
        created, unchanged, errors = result.get("created"), result.get("unchanged"), result.get("error_rows")
        rt.phases.append(Phase("re-import the export", rt.exported, seconds, peak,
                               f"created {created}, unchanged {unchanged}, errors {errors}"))
        log(f"  {seconds:.1f}s = {rt.exported / seconds:,.0f} rows/s, peak {peak}; created {created}, "
            f"unchanged {unchanged}, errors {errors}")
        if problem or created != 0 or errors != 0 or unchanged != rt.exported:
            rt.failures.append(f"re-import: created {created}, unchanged {unchanged} of {rt.exported}, errors "
                               f"{errors} ({problem or result.get('state')}): {result.get('errors_sample', [])[:3]}")
        changed = {k: (v, rt.after.get(k)) for k, v in rt.before.items() if rt.after.get(k) != v}
        if changed:
            rt.failures.append("re-import changed the database: " + ", ".join(
                f"{k} {a:,} -> {b:,}" for k, (a, b) in changed.items()))
        return rt
    except BaseException as exc:
        rt.failures.append(f"stopped by {type(exc).__name__}: {exc}")
        raise
    finally:
        if record:
            append_roundtrip(rt)


def code_state() -> str:
    """The commit, and the files of the import and export code that differ from it in the working tree."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=BASE, capture_output=True, text=True, timeout=30).stdout.rstrip()
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD").strip() or "?"
    dirty = [line[3:] for line in git("status", "--porcelain", "--", "exchange", "members", "core", "audit",
                                      "jobs", "bench/exchange.py").splitlines()]
    return f"commit {commit}" + (f", with uncommitted changes in {', '.join(dirty)}" if dirty else "")


def append_roundtrip(rt: RoundTrip) -> None:
    info = rt.info
    seeded = f"a party seeded at scale {rt.scale} beside it" if rt.scale is not None else "the database as it was"
    lines = [
        f"\n## Import/export round trip of {rt.n:,} members, {info['db']} - "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {info['uname']}; CPU {info['cpu']}; {info['cores']} cores; RAM {info['ram']}; "
        f"Python {info['python']}. `manage.py bench_import --roundtrip --rows {rt.n}`; {seeded}. "
        f"Code: {info.get('code', '?')}.",
        f"{rt.n:,} generated rows (XLSX; dates as Excel dates and in the three text formats) imported with "
        "`manage.py import_members` (mode `all`, in a child process); the members it created (ids above the "
        f"highest before it) exported with `members.exports.write_xlsx` (language `{rt.export_language}`); the "
        "export read back with `exchange.readers.open_table` + `exchange.importer.parse_row` and compared field by "
        "field with the generated rows (all template columns; dates as dates, gender and status as codes); the "
        "export imported again (mode `all`, child). Peak RSS: the import process's own (VmHWM), plus, where it "
        "forked a parsing process, that process's peak (its ru_maxrss, which counts the pages it shares with the "
        "importer). Audit counts leave out "
        "the import job's own records (3 per job: queued, running, finished).",
        "",
        "| phase | rows | seconds | rows/s | peak RSS | outcome |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for p in rt.phases:
        lines.append(f"| {p.name} | {p.rows:,} | {p.seconds:.1f} | {p.rate:,.0f} | {p.peak} | {p.outcome} |")
    if rt.before:
        lines += ["", "| count | before the re-import | after |", "| --- | ---: | ---: |"]
        lines += [f"| {k} | {v:,} | {rt.after.get(k, 0):,} |" for k, v in rt.before.items()]
    lines += ["", f"Differences between the export and the generated rows: {rt.differences}."]
    if rt.first_differences:
        lines.append("First differences: " + "; ".join(f"`{d}`" for d in rt.first_differences[:5]) + ".")
    lines.append("Result: **pass** - every check held." if rt.ok else
                 "Result: **FAILED** - " + " / ".join(rt.failures))
    RESULTS.parent.mkdir(exist_ok=True)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n")
    with open(RESULTS, "a") as out:
        out.write("\n".join(lines) + "\n")
