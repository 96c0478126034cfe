"""Synthetic party data at real scale, written with bulk loading (COPY / executemany), not the ORM per row.

Why so: the system must be measured and demonstrated on the party's real shape (5.6M members,
~330k organizations). The generator is deterministic for a (seed, scale) pair, streams members in
chunks so memory does not grow with scale, and uses one ``random.Random`` per level-1 committee so
each province could be generated on its own.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction

from bench import seed_names as N
from core.text import search_key
from core.tree import child_path

# Everything is dated against a fixed day so that a seed gives the same rows whatever today is.
REF_DATE = dt.date(2026, 11, 1)
REF_ORD = REF_DATE.toordinal()
_BASE_ORD = dt.date(1920, 1, 1).toordinal()
_ISO = [dt.date.fromordinal(o).isoformat() for o in range(_BASE_ORD, REF_ORD + 400)]
_YEAR = [dt.date.fromordinal(o).year for o in range(_BASE_ORD, REF_ORD + 400)]

# Real national figures at scale 1.0.
NATIONAL_MEMBERS = 5_600_000
NATIONAL_COMMUNES = 3_321
CHUNK = 20_000
L1_SLOTS = 41  # citizen-ID serials interleave level-1 units, so each unit numbers its members alone

ORG_COLS = (
    "id", "code", "name", "name_key", "org_type", "parent_id", "path", "depth", "term", "established_on",
    "establishing_decision", "establishing_decision_date", "dissolved_on", "dissolving_decision",
    "dissolving_decision_date", "direct_official", "direct_probationary", "subtree_official",
    "subtree_probationary", "lock_version",
)
VERSION_COLS = (
    "organization_id", "parent_id", "path", "depth", "code", "name", "org_type", "decision", "decision_date",
    "reason", "valid_from", "valid_to",
)
MEMBER_COLS = (
    "id", "full_name", "name_key", "given_key", "gender", "birth_date", "ethnicity", "religion", "home_town",
    "education", "occupation", "citizen_id", "party_card_no", "admission_date", "official_date", "status",
    "status_since", "organization_id", "lock_version",
)
HISTORY_COLS = ("member_id", "organization_id", "status", "event", "decision", "note", "valid_from", "valid_to")

ORG_TABLE = "orgs_organization"
VERSION_TABLE = "orgs_organizationversion"
MEMBER_TABLE = "members_member"
HISTORY_TABLE = "members_memberhistory"


def _expand(pairs: tuple[tuple[str, float], ...], size: int = 2000) -> list[str]:
    """A weighted choice as a flat table: ``table[int(random() * len(table))]`` costs one call per row."""
    total = sum(w for _, w in pairs)
    table: list[str] = []
    for value, weight in pairs:
        table.extend([value] * max(1, round(weight / total * size)))
    return table


def _keyed(table: list[str]) -> list[tuple[str, str]]:
    keys = {v: search_key(v) for v in set(table)}
    return [(v, keys[v]) for v in table]


FAMILY = _keyed(_expand(N.FAMILY_NAMES))
MIDDLE = (_keyed(_expand(N.MIDDLE_MALE)), _keyed(_expand(N.MIDDLE_FEMALE)))
GIVEN = ([(g, search_key(g)) for g in N.GIVEN_MALE], [(g, search_key(g)) for g in N.GIVEN_FEMALE])
ETHNICITY = _expand(N.ETHNICITIES)
RELIGION = _expand(N.RELIGIONS)
EDUCATION = _expand(N.EDUCATION)
OCCUPATION = _expand(N.OCCUPATIONS)
HOME_TOWNS = [
    [f"{'Xã' if i % 3 else 'Phường'} {p}, {name}" for i, p in enumerate(N.PLACE_NAMES[k % 7::3])]
    for k, (_, name, _, _) in enumerate(N.PROVINCES)
]
CENTRAL_GRASSROOTS_KINDS = (
    "Vụ Tổ chức cán bộ", "Văn phòng", "Cục {p}", "Viện {p}", "Trường Đại học {p}", "Tổng công ty {p}",
    "Trung tâm {p}", "Vụ Kế hoạch - Tài chính", "Sư đoàn {n}", "Lữ đoàn {n}", "Trung đoàn {n}",
)


def province_name(index: int) -> str:
    prefix, name, _, _ = N.PROVINCES[index]
    return f"Đảng bộ {prefix} {name}".replace("  ", " ") if prefix else f"Đảng bộ {name}"


def _place(prefix: str, name: str) -> str:
    return f"{prefix} {name}" if prefix else name


@dataclass
class LevelOnePlan:
    """One level-1 committee: its organizations and the cells that hold members, ready to be streamed."""

    index: int  # 0..39, also the citizen-ID slot
    code: str
    budget: int
    province: int | None  # index into PROVINCES, None for central blocs
    orgs: list[tuple] = field(default_factory=list)
    versions: list[tuple] = field(default_factory=list)
    cells: list[tuple[int, str, int]] = field(default_factory=list)  # (org id, path, members)


class _TreeBuilder:
    """Builds one level-1 subtree; ids come from a shared counter so paths are known without a round trip."""

    def __init__(self, rng: random.Random, next_id: list[int], plan: LevelOnePlan, scale: float) -> None:
        self.rng, self.next_id, self.plan, self.scale = rng, next_id, plan, scale
        self.place_prefix = "tỉnh"

    def add(self, parent: tuple[int, str] | None, code: str, name: str, org_type: str, est_ord: int,
            decision: str) -> tuple[int, str]:
        pk = self.next_id[0]
        self.next_id[0] += 1
        parent_id, parent_path = parent if parent else (None, "")
        path = child_path(parent_path, pk)
        depth = len(path) // 6
        est = _ISO[est_ord - _BASE_ORD]
        self.plan.orgs.append((pk, code, name, search_key(name), org_type, parent_id, path, depth, "2025-2030", est,
                               decision, est if decision else None, None, "", None, 0, 0, 0, 0, 0))
        self.plan.versions.append((pk, parent_id, path, depth, code, name, org_type, decision,
                                   est if decision else None, "established", est, None))
        return pk, path

    def old_date(self) -> int:
        return dt.date(1976, 1, 1).toordinal() + int(self.rng.random() * 17_500)

    def decision(self, suffix: str) -> str:
        return f"{int(self.rng.random() * 900) + 10}-QĐ/{suffix}"

    def split(self, total: int, n: int, sigma: float = 0.6) -> list[int]:
        """Split ``total`` members into ``n`` skewed parts (lognormal weights), each at least 3."""
        if n <= 0:
            return []
        weights = [self.rng.lognormvariate(0, sigma) for _ in range(n)]
        s = sum(weights)
        parts = [max(3, int(total * w / s)) for w in weights]
        parts[0] = max(3, parts[0] + total - sum(parts))
        return parts

    def fill_cells(self, parent: tuple[int, str], code: str, budget: int, kinds: tuple[str, ...], place: str,
                   start: int = 1) -> int:
        rng, rem, i = self.rng, max(3, budget), start
        while rem > 0:
            s = min(29, int(rng.triangular(3, 30, 26)))
            if rem - s < 3:
                s = rem if rem <= 29 else rem - 3
            kind = kinds[int(rng.random() * len(kinds))].format(p=place, n=i)
            pk, path = self.add(parent, f"{code}.C{i:02d}", kind, "cell", self.old_date(), "")
            self.plan.cells.append((pk, path, s))
            rem -= s
            i += 1
        return i

    def grassroots(self, parent: tuple[int, str], code: str, budget: int, central: bool) -> None:
        """Grassroots cells (hold members) and grassroots committees (cells, sometimes via sub-committees)."""
        rng, rem, nd, ng = self.rng, max(3, budget), 1, 1
        kinds = CENTRAL_GRASSROOTS_KINDS if central else N.GRASSROOTS_KINDS
        places = N.PLACE_NAMES
        while rem > 0:
            place = places[int(rng.random() * len(places))]
            kind = kinds[int(rng.random() * len(kinds))].format(p=place, n=int(rng.random() * 400) + 1)
            if rem < 30 or rng.random() < 0.3:
                size = rem if rem <= 29 else min(29, int(rng.triangular(3, 30, 10)))
                if 0 < rem - size < 3:
                    size = rem - 3
                pk, path = self.add(parent, f"{code}.G{ng:03d}", f"Chi bộ {kind}", "grassroots_cell",
                                    self.old_date(), self.decision("ĐU"))
                self.plan.cells.append((pk, path, size))
                ng += 1
                rem -= size
                continue
            b = int(min(3000, max(30, rng.lognormvariate(math.log(100), 0.8))))
            b = rem if rem - b < 30 else b
            self.committee(parent, f"{code}.D{nd:03d}", f"Đảng bộ {kind}", b, place)
            nd += 1
            rem -= b

    def committee(self, parent: tuple[int, str], code: str, name: str, budget: int, place: str) -> tuple[int, str]:
        rng = self.rng
        node = self.add(parent, code, name, "grassroots_committee", self.old_date(), self.decision("ĐU"))
        if budget >= 150 and rng.random() < 0.15:
            n_sub = 2 + int(rng.random() * 3)
            direct = budget // 5
            for j, part in enumerate(self.split(budget - direct, n_sub), start=1):
                kind = N.CELL_KINDS[int(rng.random() * len(N.CELL_KINDS))].format(p=place, n=j)
                sub = self.add(node, f"{code}.S{j:02d}", kind.replace("Chi bộ", "Đảng bộ bộ phận", 1),
                               "sub_committee", self.old_date(), self.decision("ĐU"))
                self.fill_cells(sub, f"{code}.S{j:02d}", part, N.CELL_KINDS, place)
            if direct >= 3:
                self.fill_cells(node, code, direct, N.CELL_KINDS, place)
        else:
            self.fill_cells(node, code, budget, N.CELL_KINDS, place)
        return node


def _level_one_targets(scale: float) -> list[tuple[str, str, int | None, float]]:
    """(code, name, province index or None, member share) for the 34 provinces and the central blocs."""
    units: list[tuple[str, str, int | None, float]] = []
    for i, (_, _, _, w) in enumerate(N.PROVINCES):
        units.append((f"T{i + 1:02d}", province_name(i), i, w))
    for j, (name, w, _, _) in enumerate(N.CENTRAL_BLOCS):
        units.append((f"B{j + 1:02d}", name, None, w))
    total = sum(u[3] for u in units)
    return [(c, n, p, w / total) for c, n, p, w in units]


def plan_tree(scale: float, seed: int, first_id: int) -> Iterator[LevelOnePlan]:
    """Yield the Central Committee, then one level-1 subtree at a time (each with its own RNG)."""
    next_id = [first_id]
    root_plan = LevelOnePlan(index=L1_SLOTS - 1, code="TW", budget=0, province=None)
    root_builder = _TreeBuilder(random.Random(f"{seed}:TW"), next_id, root_plan, scale)
    root = root_builder.add(None, "TW", "Ban Chấp hành Trung ương Đảng", "central", dt.date(1930, 2, 3).toordinal(), "")
    yield root_plan
    prov_weight = sum(p[3] for p in N.PROVINCES)
    for index, (code, name, prov, share) in enumerate(_level_one_targets(scale)):
        budget = max(60, round(NATIONAL_MEMBERS * scale * share))
        plan = LevelOnePlan(index=index, code=code, budget=budget, province=prov)
        rng = random.Random(f"{seed}:{code}")
        b = _TreeBuilder(rng, next_id, plan, scale)
        if prov is not None:
            _build_province(b, root, code, name, prov, budget, prov_weight, scale)
        else:
            _build_bloc(b, root, code, name, index - len(N.PROVINCES), budget)
        yield plan


def _build_province(b: _TreeBuilder, root: tuple[int, str], code: str, name: str, prov: int, budget: int,
                    prov_weight: float, scale: float) -> None:
    rng = b.rng
    prefix, short, _, weight = N.PROVINCES[prov]
    where = _place(prefix, short)
    node = b.add(root, code, name, "level1", dt.date(2025, 7, 1).toordinal(), b.decision("TW"))
    n_communes = max(1, round(NATIONAL_COMMUNES * scale * weight / prov_weight))
    direct = max(3, budget * 3 // 100)
    agencies = max(30, budget * 12 // 100)
    business = max(30, budget * 5 // 100)
    communes = max(3 * n_communes, budget - direct - agencies - business)
    # Grassroots cells and committees directly under the province (depth varies by branch).
    b.grassroots(node, code, direct, central=False)
    for k, (bloc_name, part) in enumerate(
        ((f"Đảng bộ Khối các cơ quan {where}", agencies), (f"Đảng bộ Khối doanh nghiệp {where}", business)), start=1
    ):
        bloc = b.add(node, f"{code}.K{k:02d}", bloc_name, "intermediate", dt.date(2025, 7, 1).toordinal(),
                     b.decision("TU"))
        b.grassroots(bloc, f"{code}.K{k:02d}", part, central=True)
    places = N.PLACE_NAMES
    for i, part in enumerate(b.split(communes, n_communes, 0.7), start=1):
        kind = "phường" if rng.random() < 0.3 else "xã"
        place = places[int(rng.random() * len(places))]
        commune = b.add(node, f"{code}.X{i:04d}", f"Đảng bộ {kind} {place}", "intermediate",
                        dt.date(2025, 7, 1).toordinal(), b.decision("TU"))
        b.grassroots(commune, f"{code}.X{i:04d}", part, central=False)


def _build_bloc(b: _TreeBuilder, root: tuple[int, str], code: str, name: str, j: int, budget: int) -> None:
    rng = b.rng
    _, _, decision, decision_date = N.CENTRAL_BLOCS[j]
    est = dt.date.fromisoformat(decision_date).toordinal() if decision_date else dt.date(1975, 1, 1).toordinal()
    node = b.add(root, code, name, "level1", est, decision)
    units = N.BLOC_UNITS[name]
    direct = max(3, budget * 4 // 100)
    if j == 0:
        # The Central Organization Commission's party committee: a grassroots committee under the bloc.
        btc = max(30, budget // 40)
        b.committee(node, f"{code}.BTC", "Đảng bộ Ban Tổ chức Trung ương", btc, "Trung ương")
        direct = max(3, direct - btc)
    b.grassroots(node, code, direct, central=True)
    n_units = max(1, min(len(units), budget // 400))
    for i, part in enumerate(b.split(budget - direct, n_units, 0.8), start=1):
        ucode = f"{code}.U{i:03d}"
        unit = b.add(node, ucode, f"Đảng bộ {units[i - 1]}", "intermediate", dt.date(2020, 10, 1).toordinal(),
                     b.decision("TW"))
        if part > 3000 and rng.random() < 0.6:
            for k, sub in enumerate(b.split(part, 2 + int(rng.random() * 3)), start=1):
                inner = b.add(unit, f"{ucode}.N{k:02d}", f"Đảng bộ Cục {N.PLACE_NAMES[int(rng.random() * 60)]}",
                              "intermediate", b.old_date(), b.decision("ĐU"))
                b.grassroots(inner, f"{ucode}.N{k:02d}", sub, central=True)
        else:
            b.grassroots(unit, ucode, part, central=True)


def member_chunks(plan: LevelOnePlan, seed: int, first_member_id: int, chunk: int = CHUNK
                  ) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """Stream (member rows, history rows) for the cells of one level-1 unit, ``chunk`` members at a time.

    Kept as one flat loop with local aliases: this is the hot path at 5.6M rows.
    """
    rng = random.Random(f"{seed}:{plan.code}:members")
    rnd = rng.random
    iso, year_of, base = _ISO, _YEAR, _BASE_ORD
    fam, mid, giv = FAMILY, MIDDLE, GIVEN
    nf, nm, ng = len(fam), (len(mid[0]), len(mid[1])), (len(giv[0]), len(giv[1]))
    eth, rel, edu, occ = ETHNICITY, RELIGION, EDUCATION, OCCUPATION
    neth, nrel, nedu, nocc = len(eth), len(rel), len(edu), len(occ)
    provinces = N.PROVINCES
    nprov = len(provinces)
    own = plan.province
    counters: dict[int, int] = {}
    slot = plan.index
    ref = REF_ORD
    mid_id = first_member_id
    members: list[tuple] = []
    history: list[tuple] = []
    for org_id, _path, size in plan.cells:
        for _ in range(size):
            mid_id += 1
            female = 1 if rnd() < 0.34 else 0
            gender = "F" if female else "M"
            f, fk = fam[int(rnd() * nf)]
            m, mk = mid[female][int(rnd() * nm[female])]
            g, gk = giv[female][int(rnd() * ng[female])]
            r = rnd()
            if r < 0.034:  # probationary: admitted within the last 12 months
                status = "probationary"
                adm = ref - 1 - int(rnd() * 360)
                birth = adm - int((18 + 27 * rnd() * rnd()) * 365.25) - 366 - int(rnd() * 300)
                official = None
                since = adm
            elif r < 0.038:  # struck off at the end of probation
                status = "struck_off"
                adm = ref - 400 - int(rnd() * 1500)
                birth = adm - int((18 + 20 * rnd()) * 365.25) - 366
                official = None
                since = adm + 365 + int(rnd() * 20)
            else:
                u = rnd()
                age = (20 + u * 10 / 0.12 if u < 0.12 else 30 + (u - 0.12) * 15 / 0.30 if u < 0.42
                       else 45 + (u - 0.42) * 15 / 0.28 if u < 0.70 else 60 + (u - 0.70) * 15 / 0.20 if u < 0.90
                       else 75 + (u - 0.90) * 20 / 0.10)
                birth = ref - int(age * 365.25) - int(rnd() * 364)
                top = (age if age < 60 else 60) - 18
                adm = birth + 6576 + int(top * rnd() ** 1.8 * 365.25)
                if adm > ref - 400:
                    adm = ref - 400 - int(rnd() * 30)
                official = adm + 365 + int(rnd() * 30)
                if r < 0.970:
                    status, since = "official", official
                else:
                    since = official + 1 + int(rnd() * (ref - 2 - official))
                    status = ("deceased" if r < 0.982 else "transferred_out" if r < 0.990 else "left" if r < 0.995
                              else "expelled")
            if own is not None and rnd() < 0.8:
                hp = own
            else:
                hp = int(rnd() * nprov)
            pcodes = provinces[hp][2]
            pcode = pcodes[int(rnd() * len(pcodes))]
            byear = year_of[birth - base]
            cg = (byear // 100 - 19) * 2 + female
            yy = byear % 100
            key = pcode * 1000 + cg * 100 + yy
            n = counters.get(key, 0)
            counters[key] = n + 1
            if n >= 24_390:
                raise RuntimeError("citizen ID serials exhausted for one province/year; lower the scale")
            serial = ((n * L1_SLOTS + slot) * 7919 + 123_457) % 1_000_000
            towns = HOME_TOWNS[hp]
            adm_s = iso[adm - base]
            off_s = iso[official - base] if official else None
            members.append((
                mid_id, f"{f} {m} {g}", f"{fk} {mk} {gk}", f"{gk} {fk} {mk}", gender, iso[birth - base],
                eth[int(rnd() * neth)], rel[int(rnd() * nrel)], towns[int(rnd() * len(towns))],
                edu[int(rnd() * nedu)], occ[int(rnd() * nocc)], f"{pcode:03d}{cg}{yy:02d}{serial:06d}",
                str(10_000_000 + mid_id), adm_s, off_s, status, iso[since - base], org_id, 0,
            ))
            if status == "probationary":
                history.append((mid_id, org_id, "probationary", "registered", "", "", adm_s, None))
            elif status == "official":
                history.append((mid_id, org_id, "probationary", "registered", "", "", adm_s, off_s))
                history.append((mid_id, org_id, "official", "recognized", "", "", off_s, None))
            elif status == "struck_off":
                since_s = iso[since - base]
                history.append((mid_id, org_id, "probationary", "registered", "", "", adm_s, since_s))
                history.append((mid_id, org_id, "struck_off", "status_changed", "", "", since_s, None))
            else:
                since_s = iso[since - base]
                history.append((mid_id, org_id, "probationary", "registered", "", "", adm_s, off_s))
                history.append((mid_id, org_id, "official", "recognized", "", "", off_s, since_s))
                history.append((mid_id, org_id, status,
                                "transferred" if status == "transferred_out" else "status_changed", "", "", since_s,
                                None))
            if len(members) >= chunk:
                yield members, history
                members, history = [], []
    if members:
        yield members, history


def sample_rows(scale: float, seed: int, limit: int) -> tuple[list[tuple], list[tuple]]:
    """The first ``limit`` member rows the generator would write (ids from 1) and their history rows.

    The bench loads these with plain COPY / executemany to measure the raw limit of the database.
    """
    members: list[tuple] = []
    history: list[tuple] = []
    next_member = 0
    for plan in plan_tree(scale, seed, 1):
        for chunk_m, chunk_h in member_chunks(plan, seed, next_member):
            members.extend(chunk_m)
            history.extend(chunk_h)
            next_member = chunk_m[-1][0]
            if len(members) >= limit:
                last = members[limit - 1][0]
                return members[:limit], [h for h in history if h[0] <= last]
    return members, history


# --- Writing -------------------------------------------------------------------------------------------------


class BulkWriter:
    """COPY on PostgreSQL, executemany on SQLite; the caller holds the transaction."""

    def __init__(self, using: str) -> None:
        self.conn = connections[using]
        self.conn.ensure_connection()
        self.raw = self.conn.connection
        self.vendor = self.conn.vendor

    def write(self, table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        collist = ", ".join(cols)
        if self.vendor == "postgresql":
            with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({collist}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        else:
            marks = ", ".join("?" * len(cols))
            self.raw.executemany(f"INSERT INTO {table} ({collist}) VALUES ({marks})", rows)

    def execute(self, sql: str, params: tuple = ()) -> None:
        with self.conn.cursor() as cur:
            cur.execute(sql, params)

    def scalar(self, sql: str, params: tuple = ()) -> Any:
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            row = cur.fetchone()
            return row[0] if row else None


def _max_id(w: BulkWriter, table: str) -> int:
    return int(w.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}") or 0)


def clear_seeded_data(using: str = "default") -> None:
    """Delete members, history, organizations, versions, grants and non-superuser accounts with plain SQL."""
    from django.apps import apps

    from accounts.models import RoleGrant, User
    from core.actions import SYSTEM, acting
    from members.models import Member, MemberHistory
    from orgs.models import Organization, OrganizationVersion

    targets = {Member, MemberHistory, Organization, OrganizationVersion}
    w = BulkWriter(using)
    with transaction.atomic(using=using):
        w.execute(f"DELETE FROM {RoleGrant._meta.db_table}")
        with acting(SYSTEM, "orgs.seed_party.replace", check_scope=False):
            for user in User.objects.using(using).filter(is_superuser=False):
                user.delete(using=using)
        w.execute(f"UPDATE {User._meta.db_table} SET organization_id = NULL, member_id = NULL")
        done = {RoleGrant, User}
        existing = set(w.conn.introspection.table_names())
        for model in apps.get_models():
            if model in targets or model in done or model._meta.proxy or model._meta.db_table not in existing:
                continue
            if any(f.is_relation and f.related_model in targets for f in model._meta.concrete_fields):
                w.execute(f"DELETE FROM {model._meta.db_table}")
                done.add(model)
        for model in (MemberHistory, Member, OrganizationVersion):
            w.execute(f"DELETE FROM {model._meta.db_table}")
        w.execute(f"DELETE FROM {ORG_TABLE}")  # the self reference is deferred: checked at commit


def recompute_counters(using: str = "default") -> None:
    """The member counters from the loaded registry (the rule lives in ``members.counters``, with every writer's)."""
    from members.counters import recompute

    recompute(using)


def _drop_foreign_keys(w: BulkWriter) -> list[tuple[str, str, str]]:
    """PostgreSQL checks a deferred foreign key row by row at COMMIT (one query each), which costs more than the
    COPY itself; like pg_restore, drop the loaded tables' foreign keys and add them back afterwards, which
    validates every reference in one set-based pass. SQLite's checks are cheap and stay on."""
    if w.vendor != "postgresql":
        return []
    tables = (ORG_TABLE, VERSION_TABLE, MEMBER_TABLE, HISTORY_TABLE)
    with w.conn.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)", [list(tables)]
        )
        found = [tuple(r) for r in cur.fetchall()]
        for table, name, _ in found:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return found


def _restore_foreign_keys(w: BulkWriter, dropped: list[tuple[str, str, str]]) -> None:
    with w.conn.cursor() as cur:
        for table, name, definition in dropped:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _reset_sequences(w: BulkWriter) -> None:
    if w.vendor != "postgresql":
        return  # SQLite AUTOINCREMENT follows explicit ids by itself
    for table in (ORG_TABLE, VERSION_TABLE, MEMBER_TABLE, HISTORY_TABLE):
        w.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))")


@dataclass
class SeedResult:
    scale: float
    seed: int
    organizations: int = 0
    versions: int = 0
    members: int = 0
    history: int = 0
    seconds_total: float = 0.0
    seconds_members: float = 0.0  # generating and writing member and history rows
    seconds_counters: float = 0.0
    users: list[str] = field(default_factory=list)

    @property
    def member_rows_per_s(self) -> float:
        return self.members / self.seconds_members if self.seconds_members else 0.0

    @property
    def load_rows_per_s(self) -> float:
        return (self.members + self.history) / self.seconds_members if self.seconds_members else 0.0


def seed_party(scale: float, seed: int, *, using: str = "default", replace: bool = False, users: bool = True,
               progress: bool = True, password: str = "partywork-demo",
               log: Callable[[str], None] | None = None) -> SeedResult:
    """Generate and bulk-load the whole party; refuses a database that already holds members unless ``replace``."""
    from members.models import Member
    from orgs.models import Organization

    log = log or (lambda s: None)
    if Member.objects.using(using).exists() or Organization.objects.using(using).exists():
        if not replace:
            raise RuntimeError("The database already holds organizations or members; pass --replace to delete them.")
        t = time.perf_counter()
        clear_seeded_data(using)
        log(f"Deleted the seeded data in {time.perf_counter() - t:.1f}s")
    result = SeedResult(scale=scale, seed=seed)
    t0 = time.perf_counter()
    w = BulkWriter(using)
    first_org = _max_id(w, ORG_TABLE) + 1
    next_member = _max_id(w, MEMBER_TABLE)
    target = round(NATIONAL_MEMBERS * scale)
    from tqdm import tqdm

    bar = tqdm(total=target, unit="member", unit_scale=True, file=sys.stderr, disable=not progress,
               desc="seed_party")
    dropped = _drop_foreign_keys(w)
    try:
        for plan in plan_tree(scale, seed, first_org):
            with transaction.atomic(using=using):
                w.write(ORG_TABLE, ORG_COLS, plan.orgs)
                w.write(VERSION_TABLE, VERSION_COLS, plan.versions)
                result.organizations += len(plan.orgs)
                result.versions += len(plan.versions)
                tm = time.perf_counter()
                for members, history in member_chunks(plan, seed, next_member):
                    w.write(MEMBER_TABLE, MEMBER_COLS, members)
                    w.write(HISTORY_TABLE, HISTORY_COLS, history)
                    next_member = members[-1][0]
                    result.members += len(members)
                    result.history += len(history)
                    bar.update(len(members))
                result.seconds_members += time.perf_counter() - tm
    finally:
        bar.close()
        t = time.perf_counter()
        _restore_foreign_keys(w, dropped)
        result.seconds_members += time.perf_counter() - t  # validating the references is part of the load
    _reset_sequences(w)
    t = time.perf_counter()
    recompute_counters(using)
    result.seconds_counters = time.perf_counter() - t
    if w.conn.vendor == "postgresql" and not w.conn.in_atomic_block:
        # VACUUM too: COPY leaves the visibility map empty, so index-only scans (the as-of counts) would visit
        # the heap for every row until autovacuum gets round to these tables.
        for table in (ORG_TABLE, VERSION_TABLE, MEMBER_TABLE, HISTORY_TABLE):
            w.execute(f"VACUUM (ANALYZE) {table}")
    else:
        w.execute("ANALYZE")
    if users:
        result.users = create_demo_users(using, password)
    result.seconds_total = time.perf_counter() - t0
    from audit.services import record_event
    from core.actions import SYSTEM

    record_event(SYSTEM, "bulk_load", label="seed_party", details={
        "scale": scale, "seed": seed, "organizations": result.organizations, "versions": result.versions,
        "members": result.members, "history": result.history, "seconds": round(result.seconds_total, 1),
    })
    return result


def create_demo_users(using: str, password: str) -> list[str]:
    """The national administrator and four demo accounts, each placed on the organization it is granted on."""
    from accounts.models import Role, User
    from accounts.services import create_user, ensure_default_roles, grant_role
    from core.actions import SYSTEM, acting
    from orgs.models import Organization

    ensure_default_roles()
    orgs = Organization.objects.using(using)
    root = orgs.get(code="TW")
    qn = orgs.get(code=f"T{_province_index('Quảng Ninh') + 1:02d}")
    qt = orgs.get(code=f"T{_province_index('Quảng Trị') + 1:02d}")
    committee = orgs.filter(path__startswith=qn.path, org_type="grassroots_committee").order_by("code").first()
    cell = orgs.filter(path__startswith=committee.path, org_type="cell").order_by("code").first()
    wanted = [
        ("admin", root, "secretary", True),
        ("province", qn, "secretary", False),
        ("clerk", committee, "office_clerk", False),
        ("cell", cell, "secretary", False),
        ("viewer2", qt, "viewer", False),
    ]
    made = []
    for username, org, role_code, superuser in wanted:
        user = User.objects.using(using).filter(username=username).first()
        if user is None:
            user = create_user(SYSTEM, username=username, password=password, organization=org, is_superuser=superuser)
        else:
            with acting(SYSTEM, "orgs.seed_party.user", check_scope=False):
                user.organization = org
                user.set_password(password)
                user.save()
        grant_role(SYSTEM, user=user, role=Role.objects.get(code=role_code), organization=org, decision="seed")
        made.append(f"{username} ({role_code} of {org.name})")
    return made


def _province_index(short: str) -> int:
    return next(i for i, p in enumerate(N.PROVINCES) if p[1] == short)
