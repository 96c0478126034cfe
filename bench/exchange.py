"""Import benchmark: rows/s and peak memory of importing N members from XLSX and from CSV, beside the
raw load limit of the same database in the same run (see ``manage.py bench_import``).

- Import: ``manage.py import_members`` in a child process (so its peak RSS is its own, read with
  ``os.wait4``), mode ``all`` (one transaction), acting as the national administrator into the
  Centre. It parses, validates (batched lookups), writes members, history and one audit row per
  written row, and keeps the counters.
- Raw load limits (PostgreSQL ``COPY``, SQLite ``executemany``, one transaction, scratch copies of
  the tables with the same indexes, every value prepared before the clock starts), both reported:
  *members only* (the same member rows into ``members_member``'s copy - strict, since the import
  writes ~6 rows per member) and *like-for-like* (the members plus the 1-2 history rows per member and
  the audit row, with its JSON, per member and per history row: exactly the rows the import writes).
- Parse only: reading and checking the rows of each file without the database.
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
import time
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


def write_files(n: int, folder: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    from exchange.template import COLUMNS

    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / f"members-{n}.csv", folder / f"members-{n}.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Members")
    ws.append([str(c.label) for c in COLUMNS])
    ws.append(list(KEYS))
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([str(c.label) for c in COLUMNS])
        writer.writerow(KEYS)
        for r in generate_rows(n):
            fmt = r["_fmt"]
            writer.writerow([_date_text(r[k], fmt) if k.endswith("_date") else r[k] for k in KEYS])
            ws.append([r[k] if k.endswith("_date") and fmt == 0 else
                       (_date_text(r[k], fmt) if k.endswith("_date") else r[k]) for k in KEYS])
    wb.save(xlsx_path)
    return xlsx_path, csv_path


def run_child(args: list[str]) -> tuple[float, int, str]:
    """Run manage.py in a child; (seconds, peak RSS in MB, stdout).

    The child's ``ru_maxrss`` counts the pages it shares with this process before ``exec``, so the
    memory this process freed (the raw load's rows) is handed back to the system first.
    """
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(BASE / "manage.py"), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=os.environ.copy())
    out = b""
    if proc.stdout is not None:
        out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {' '.join(args)}\n{out.decode()[-2000:]}")
    return seconds, usage.ru_maxrss // 1024, out.decode()


def parse_only(path: Path) -> dict:
    """Read and check every row without the database (run in a child by ``bench_import --parse-only``)."""
    from exchange.importer import parse_row
    from exchange.readers import open_table

    start = time.perf_counter()
    rows = bad = 0
    with open_table(path, path.name) as table:
        for number, raw in table.rows():
            rows += 1
            bad += bool(parse_row(number, raw).errors)
    return {"rows": rows, "bad": bad, "seconds": time.perf_counter() - start}


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
    from django.core.management import call_command

    log(f"seeding scale {scale} ...")
    call_command("seed_party", scale=scale, replace=True, no_progress=True, stdout=open(os.devnull, "w"))


def run(n: int, *, scale: float = 0.01, formats=("xlsx", "csv"), mode: str = "all", log=print) -> dict:
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
        seconds, rss, out = run_child(["bench_import", "--parse-only", str(path)])
        parsed = json.loads(out.strip().splitlines()[-1])
        log(f"  {fmt} parse only: {parsed['rows'] / parsed['seconds']:,.0f} rows/s, peak {rss} MB")
        reseed(scale, log)
        seconds, rss_import, out = run_child(["import_members", str(path), "--org-root", "TW", "--user", "admin",
                                              "--mode", mode, "--no-progress", "--json", "--language", "en"])
        result = json.loads(out.strip().splitlines()[-1])
        log(f"  {fmt} import: {result.get('created', 0):,} created in {seconds:.0f}s = {n / seconds:,.0f} rows/s, "
            f"peak {rss_import} MB")
        results["formats"][fmt] = {"seconds": seconds, "rss_mb": rss_import, "created": result.get("created"),
                                   "parse_rows_per_s": parsed["rows"] / parsed["seconds"], "parse_rss_mb": rss,
                                   "state": result.get("state")}
    append_results(results, mode)
    return results


def append_results(r: dict, mode: str) -> None:
    n, info, raw_rate, full_rate = r["n"], r["info"], r["n"] / r["raw_seconds"], r["n"] / r["raw_all_seconds"]
    method = "COPY" if "Postgre" in info["db"] else "executemany"
    lines = [
        f"\n## Import of {n:,} members, {info['db']} - {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {info['uname']}; CPU {info['cpu']}; {info['cores']} cores; RAM {info['ram']}; "
        f"Python {info['python']}.",
        f"Mode `{mode}`; seeded party at scale 0.01 beside it; rows spread over all seeded cells; dates in the "
        "three text formats (and real Excel dates in a third of the XLSX rows). All rates are members per second. "
        f"Two raw limits ({method} into scratch copies with the same indexes, values prepared before the clock): "
        f"members only, and like-for-like - the same {r['raw_rows']:,} rows the import writes (members, history, "
        "one audit row with its JSON per member and history row).",
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
                     f"| {rate:,.0f} | {f['rss_mb']} MB | {f['seconds']:.0f} | {rate / raw_rate:.2f} | "
                     f"{rate / full_rate:.2f} | >= {target} |")
        lines.append(f"| parse and check {fmt.upper()} only (no database) | {f['parse_rows_per_s']:,.0f} | "
                     f"{f['parse_rss_mb']} MB | - | - | - | |")
    RESULTS.parent.mkdir(exist_ok=True)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n")
    with open(RESULTS, "a") as out:
        out.write("\n".join(lines) + "\n")
