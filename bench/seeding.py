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

from django.db import transaction

from bench import seed_names as N
from bench.bulk import BulkWriter, drop_foreign_keys, restore_foreign_keys
from bench.bulk import max_id as _max_id
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
    """One level-1 committee of today: its organizations as they stood before 2025, the cells that hold members,
    ready to be streamed, and the reorganizations that turn it into today's committee."""

    index: int  # 0..39, also the citizen-ID slot
    code: str
    budget: int
    province: int | None  # index into PROVINCES, None for central blocs
    orgs: list[tuple] = field(default_factory=list)
    versions: list[tuple] = field(default_factory=list)
    cells: list[tuple[int, str, int]] = field(default_factory=list)  # (org id, path, members)
    node: int | None = None  # the committee's id once it exists (a province: the old one whose name it keeps)
    rename: tuple[int, str] | None = None  # (old province id, today's name) when the name changed in 2025
    # Each district: (its id, [(new commune code, name, ids of the organizations it receives)]).
    districts: list[tuple[int, list[tuple[str, str, list[int]]]]] = field(default_factory=list)
    merged: list[tuple[int, list[tuple[int, int]]]] = field(default_factory=list)  # (old province, [(bloc, into)])
    transfer: list[int] = field(default_factory=list)  # a central committee: its units under the former blocs


class _TreeBuilder:
    """Builds one level-1 subtree; ids come from a shared counter so paths are known without a round trip.

    No organization is dated before its parent: then the tree of any date is whole (every organization of
    that day stands under organizations of that day), which the as-of reads rely on.
    """

    def __init__(self, rng: random.Random, next_id: list[int], plan: LevelOnePlan, scale: float,
                 established: dict[int, int] | None = None) -> None:
        self.rng, self.next_id, self.plan, self.scale = rng, next_id, plan, scale
        self.established = established if established is not None else {}
        self.place_prefix = "tỉnh"

    def add(self, parent: tuple[int, str] | None, code: str, name: str, org_type: str, est_ord: int,
            decision: str) -> tuple[int, str]:
        pk = self.next_id[0]
        self.next_id[0] += 1
        parent_id, parent_path = parent if parent else (None, "")
        if parent_id is not None:
            est_ord = max(est_ord, self.established.get(parent_id, est_ord))
        self.established[pk] = est_ord
        path = child_path(parent_path, pk)
        depth = len(path) // 6
        est = _ISO[est_ord - _BASE_ORD]
        self.plan.orgs.append((pk, code, name, search_key(name), org_type, parent_id, path, depth, "2025-2030", est,
                               decision, est if decision else None, None, "", None, 0, 0, 0, 0, 0))
        self.plan.versions.append((pk, parent_id, path, depth, code, name, org_type, decision,
                                   est if decision else None, "established", est, None))
        return pk, path

    def old_date(self) -> int:
        """A founding date between 1976 and 2019: every organization of 2020 already stands."""
        return dt.date(1976, 1, 1).toordinal() + int(self.rng.random() * 16_000)

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
    """(code, name, province index or None, member share) for today's 34 provinces and central committees."""
    units: list[tuple[str, str, int | None, float]] = []
    for i, (_, _, _, w) in enumerate(N.PROVINCES):
        units.append((f"T{i + 1:02d}", province_name(i), i, w))
    for j, (name, w, _, _) in enumerate(N.CENTRAL_BLOCS):
        units.append((f"B{j + 1:02d}", name, None, w))
    total = sum(u[3] for u in units)
    return [(c, n, p, w / total) for c, n, p, w in units]


def old_province_codes() -> dict[int, str]:
    """Codes of the 63 former provinces by citizen-ID code: the one whose name a merged province keeps has
    today's code (T01-T34), the others T35-T63 in the order of the list."""
    codes = {p[2][0]: f"T{i + 1:02d}" for i, p in enumerate(N.PROVINCES)}
    n = len(N.PROVINCES)
    for p in N.PROVINCES:
        for cid in p[2][1:]:
            n += 1
            codes[cid] = f"T{n:02d}"
    return codes


def old_province_name(cid: int) -> str:
    prefix, name, _, _ = N.OLD_PROVINCES[cid]
    return f"Đảng bộ {_place(prefix, name)}"


def plan_tree(scale: float, seed: int, first_id: int) -> Iterator[LevelOnePlan]:
    """Yield the Central Committee (with the former central blocs), then one of today's level-1 committees at a
    time (each with its own RNG), as they stood before the 2025 reorganizations."""
    next_id = [first_id]
    established: dict[int, int] = {}
    root_plan = LevelOnePlan(index=L1_SLOTS - 1, code="TW", budget=0, province=None)
    root_builder = _TreeBuilder(random.Random(f"{seed}:TW"), next_id, root_plan, scale, established)
    root = root_builder.add(None, "TW", "Ban Chấp hành Trung ương Đảng", "central", dt.date(1930, 2, 3).toordinal(), "")
    root_plan.node = root[0]
    former = {code: root_builder.add(root, code, name, "level1", dt.date.fromisoformat(since).toordinal(), "")
              for code, name, since in N.FORMER_BLOCS}
    yield root_plan
    prov_weight = sum(p[3] for p in N.PROVINCES)
    old_codes = old_province_codes()
    for index, (code, name, prov, share) in enumerate(_level_one_targets(scale)):
        budget = max(60, round(NATIONAL_MEMBERS * scale * share))
        plan = LevelOnePlan(index=index, code=code, budget=budget, province=prov)
        rng = random.Random(f"{seed}:{code}")
        b = _TreeBuilder(rng, next_id, plan, scale, established)
        if prov is not None:
            _build_province(b, root, code, prov, budget, prov_weight, scale, old_codes)
        else:
            _build_bloc(b, root, code, name, index - len(N.PROVINCES), budget, former)
        yield plan


def _groups(rng: random.Random, items: list[int], n: int) -> list[list[int]]:
    """``items`` cut into ``n`` consecutive non-empty groups at random places."""
    cuts = sorted(rng.sample(range(1, len(items)), n - 1)) if n > 1 else []
    bounds = [0, *cuts, len(items)]
    return [items[bounds[k]:bounds[k + 1]] for k in range(n)]


def _build_province(b: _TreeBuilder, root: tuple[int, str], code: str, prov: int, budget: int,
                    prov_weight: float, scale: float, old_codes: dict[int, str]) -> None:
    """The former provinces that make today's province, each with its district committees; the communes of
    2025 are planned here (codes, names, which grassroots organizations each receives) and established by
    the reorganization of 1 July 2025."""
    rng, plan = b.rng, b.plan
    _, _, cids, weight = N.PROVINCES[prov]
    olds = [(cid, *N.OLD_PROVINCES[cid]) for cid in cids]
    wsum = sum(o[4] for o in olds)
    n_communes = max(len(olds), round(NATIONAL_COMMUNES * scale * weight / prov_weight))
    n_districts = N.NATIONAL_DISTRICTS * scale * weight / prov_weight
    district_kinds = _expand(N.DISTRICT_KINDS, 100)
    places = N.PLACE_NAMES
    seq = 0  # today's communes are numbered across the merged province
    receiver_blocs: list[int] = []
    for k, (cid, oprefix, oname, since, ow) in enumerate(olds):
        share = ow / wsum
        obudget = max(60, round(budget * share))
        ocode = old_codes[cid]
        where = _place(oprefix, oname)
        node = b.add(root, ocode, old_province_name(cid), "level1", dt.date.fromisoformat(since).toordinal(), "")
        direct = max(3, obudget * 3 // 100)
        agencies = max(30, obudget * 12 // 100)
        business = max(30, obudget * 5 // 100)
        nc = max(1, round(n_communes * share))
        communes = max(3 * nc, obudget - direct - agencies - business)
        b.grassroots(node, ocode, direct, central=False)
        blocs = []
        for kk, (bloc_name, part) in enumerate(
            ((f"Đảng bộ Khối các cơ quan {where}", agencies), (f"Đảng bộ Khối doanh nghiệp {where}", business)),
            start=1,
        ):
            bloc = b.add(node, f"{ocode}.K{kk:02d}", bloc_name, "intermediate", b.old_date(), b.decision("TU"))
            b.grassroots(bloc, f"{ocode}.K{kk:02d}", part, central=True)
            blocs.append(bloc[0])
        nd = max(1, min(nc, round(n_districts * share)))
        local = 0
        for j, group in enumerate(_groups(rng, b.split(communes, nc, 0.7), nd), start=1):
            kind = district_kinds[int(rng.random() * len(district_kinds))]
            district = b.add(node, f"{ocode}.H{j:02d}", f"Đảng bộ {kind} {places[int(rng.random() * len(places))]}",
                             "intermediate", b.old_date(), b.decision("TU"))
            planned = []
            for part in group:
                seq += 1
                local += 1
                start = len(plan.orgs)
                b.grassroots(district, f"{ocode}.X{local:04d}", part, central=False)
                children = [o[0] for o in plan.orgs[start:] if o[5] == district[0]]
                ckind = "phường" if rng.random() < 0.3 else "xã"
                planned.append((f"{code}.X{seq:04d}", f"Đảng bộ {ckind} {places[int(rng.random() * len(places))]}",
                                children))
            plan.districts.append((district[0], planned))
        if k == 0:
            plan.node, receiver_blocs = node[0], blocs
            if old_province_name(cid) != province_name(prov):
                plan.rename = (node[0], province_name(prov))
        else:
            plan.merged.append((node[0], list(zip(blocs, receiver_blocs))))


def _build_bloc(b: _TreeBuilder, root: tuple[int, str], code: str, name: str, j: int, budget: int,
                former: dict[str, tuple[int, str]]) -> None:
    """A central committee of today. The army's and public security's stood as they stand; the others' units
    stood under the former blocs (enterprises under the enterprises bloc) until 1 February 2025."""
    rng = b.rng
    _, _, decision, decision_date = N.CENTRAL_BLOCS[j]
    if decision:
        node = former["KCQTW"]
        start = len(b.plan.orgs)
    else:
        node = b.add(root, code, name, "level1", dt.date(1975, 1, 1).toordinal(), decision)
        b.plan.node = node[0]
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
        unit_name = units[i - 1]
        parent = former["KDNTW"] if decision and unit_name.startswith(N.BUSINESS_WORDS) else node
        unit = b.add(parent, ucode, f"Đảng bộ {unit_name}", "intermediate", dt.date(1990, 1, 1).toordinal(),
                     b.decision("TW"))
        if part > 3000 and rng.random() < 0.6:
            for k, sub in enumerate(b.split(part, 2 + int(rng.random() * 3)), start=1):
                inner = b.add(unit, f"{ucode}.N{k:02d}", f"Đảng bộ Cục {N.PLACE_NAMES[int(rng.random() * 60)]}",
                              "intermediate", b.old_date(), b.decision("ĐU"))
                b.grassroots(inner, f"{ucode}.N{k:02d}", sub, central=True)
        else:
            b.grassroots(unit, ucode, part, central=True)
    if decision:
        tops = {former["KCQTW"][0], former["KDNTW"][0]}
        b.plan.transfer = [o[0] for o in b.plan.orgs[start:] if o[5] in tops]


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


# --- The 2025 reorganizations, recorded through the reorganization service --------------------------------------

HUE_RENAMED = dt.date(2025, 1, 1)  # Thừa Thiên Huế became the city of Huế (Resolution 1314/NQ-UBTVQH15)
HUE_DECIDED = dt.date(2024, 12, 23)
BLOCS_DECIDED = dt.date(2025, 1, 24)  # Decisions 242-245-QĐ/TW
BLOCS_ENDED = dt.date(2025, 2, 1)
MERGER_DECIDED = dt.date(2025, 6, 30)  # the Politburo's and provincial standing committees' decisions
MERGER_DAY = dt.date(2025, 7, 1)  # Resolution 202/2025/QH15: 34 provinces; district level abolished


@dataclass
class HistoryPlan:
    """What the bulk load leaves to the reorganization service: ids and names, not rows."""

    root: int = 0
    former: dict[str, int] = field(default_factory=dict)
    central: list[tuple[int, str, str, list[int]]] = field(default_factory=list)  # (index, code, name, units)
    provinces: list[LevelOnePlan] = field(default_factory=list)

    def add(self, plan: LevelOnePlan) -> None:
        if plan.code == "TW":
            self.root = plan.node or 0
            self.former = {o[1]: o[0] for o in plan.orgs if o[1] != "TW"}
        elif plan.province is not None:
            plan.orgs, plan.versions, plan.cells = [], [], []  # the rows are written; keep the plan only
            self.provinces.append(plan)
        elif plan.node is None:
            self.central.append((plan.index - len(N.PROVINCES), plan.code, N.CENTRAL_BLOCS[
                plan.index - len(N.PROVINCES)][0], plan.transfer))

    def events(self) -> int:
        n = 1 + 2 * sum(1 for c in self.central if c[0] != 0)
        for p in self.provinces:
            n += (p.rename is not None) + bool(p.merged) + sum(len(m[1]) for m in p.merged)
            n += sum(1 if len(c) > 1 else 2 for _, c in p.districts)
        return n


def record_history(history: HistoryPlan, seed: int, progress: bool = True) -> int:
    """Apply the party's 2025 reorganizations to the loaded pre-2025 tree as a user would, each by its decision.

    In order of date: Huế becomes a city (1 January); Decisions 242-245-QĐ/TW end the central blocs
    (1 February); on 1 July each district committee is dissolved into the new commune committees (a split,
    or a dissolution into the single one), the merged provinces' blocs join the receiving province's, and the
    merged provinces join the province whose name they take. Each organization changes at most once a day.
    Returns the number of reorganizations.
    """
    from core.actions import SYSTEM
    from reorg.choices import ReorgKind, ReorgState
    from reorg.services import create_reorganization

    rng = random.Random(f"{seed}:history")
    from tqdm import tqdm

    bar = tqdm(total=history.events(), unit="reorg", file=sys.stderr, disable=not progress, desc="history")
    done = [0]

    def reorganize(kind: str, plan: dict, on: dt.date, decision: str, decided: dt.date, note: str) -> Any:
        r = create_reorganization(SYSTEM, kind=kind, plan=plan, effective_on=on, decision=decision,
                                  decision_date=decided, note=note)
        if r.state != ReorgState.APPLIED:
            raise RuntimeError(f"Reorganization {decision} of {on} was not applied ({r.state}).")
        done[0] += 1
        bar.update(1)
        return r

    try:
        for p in history.provinces:
            if p.rename is not None:
                reorganize(ReorgKind.CHANGE, {"organization": p.rename[0], "name": p.rename[1]}, HUE_RENAMED,
                           "226-QĐ/TW", HUE_DECIDED, "Tỉnh trở thành thành phố trực thuộc Trung ương.")
        _record_central(history, reorganize)
        for p in history.provinces:
            _record_province(p, rng, reorganize)
    finally:
        bar.close()
    return done[0]


def _record_central(history: HistoryPlan, reorganize: Callable[..., Any]) -> None:
    """The National Assembly's, Government's and Front's committees are established and receive their units;
    the rest of both blocs merges into the Party Committee of Central Party Agencies (242-QĐ/TW)."""
    from reorg.choices import ReorgKind

    first = None
    for j, code, name, units in history.central:
        decision = N.CENTRAL_BLOCS[j][2]
        if j == 0:
            first = (code, name, decision)
            continue
        reorganize(ReorgKind.ESTABLISH, {"parent": history.root, "code": code, "name": name, "org_type": "level1"},
                   BLOCS_ENDED, decision, BLOCS_DECIDED, f"Thành lập {name}.")
        if units:
            from orgs.models import Organization

            new = Organization.objects.get(code=code)
            reorganize(ReorgKind.TRANSFER, {"organizations": units, "to": new.pk}, BLOCS_ENDED, decision,
                       BLOCS_DECIDED, "Các đơn vị của các Đảng bộ Khối Trung ương trước đây.")
    if first is not None:
        code, name, decision = first
        reorganize(ReorgKind.MERGE, {"sources": [history.former["KCQTW"], history.former["KDNTW"]],
                                     "new": {"parent": history.root, "code": code, "name": name,
                                             "org_type": "level1"}},
                   BLOCS_ENDED, decision, BLOCS_DECIDED, "Thành lập Đảng bộ các cơ quan Đảng Trung ương.")


def _record_province(p: LevelOnePlan, rng: random.Random, reorganize: Callable[..., Any]) -> None:
    from orgs.models import Organization
    from reorg.choices import ReorgKind, SplitRule

    def local_decision() -> str:
        return f"{int(rng.random() * 900) + 100}-QĐ/TU"

    for district, communes in p.districts:
        decision = local_decision()
        specs = [{"parent": p.node, "code": code, "name": name, "org_type": "intermediate"}
                 for code, name, _ in communes]
        if len(communes) > 1:
            parts = [{"new": spec, "children": children} for spec, (_, _, children) in zip(specs, communes)]
            reorganize(ReorgKind.SPLIT, {"source": district, "parent": p.node, "rule": SplitRule.LIST,
                                         "parts": parts}, MERGER_DAY, decision, MERGER_DECIDED,
                       "Kết thúc hoạt động cấp huyện; các tổ chức đảng chuyển về các xã mới.")
        else:
            reorganize(ReorgKind.ESTABLISH, specs[0], MERGER_DAY, decision, MERGER_DECIDED, "Thành lập xã mới.")
            commune = Organization.objects.get(code=specs[0]["code"])
            reorganize(ReorgKind.DISSOLVE, {"organization": district, "move_to": commune.pk}, MERGER_DAY, decision,
                       MERGER_DECIDED, "Kết thúc hoạt động cấp huyện; các tổ chức đảng chuyển về xã mới.")
    if p.merged:
        decision = f"{300 + p.index}-QĐ/TW"
        for _old, blocs in p.merged:
            for bloc, into in blocs:
                reorganize(ReorgKind.MERGE, {"sources": [bloc], "target": into}, MERGER_DAY, local_decision(),
                           MERGER_DECIDED, "Hợp nhất các Đảng bộ Khối của các tỉnh sáp nhập.")
        reorganize(ReorgKind.MERGE, {"sources": [old for old, _ in p.merged], "target": p.node}, MERGER_DAY,
                   decision, MERGER_DECIDED, "Nghị quyết 202/2025/QH15: sắp xếp, hợp nhất đơn vị hành chính cấp tỉnh.")


# --- Writing -------------------------------------------------------------------------------------------------


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
        for model in apps.get_models(include_auto_created=True):  # with the reorganizations' M2M table
            if model in targets or model in done or model._meta.proxy or model._meta.db_table not in existing:
                continue
            fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
            if any(f.is_relation and f.related_model in targets for f in fields):
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
    return drop_foreign_keys(w, (ORG_TABLE, VERSION_TABLE, MEMBER_TABLE, HISTORY_TABLE))


_restore_foreign_keys = restore_foreign_keys


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
    seconds_history: float = 0.0  # the 2025 reorganizations, through the reorganization service
    reorganizations: int = 0
    seconds_cadres: float = 0.0  # the committees' compositions (bench.seed_cadres)
    cadres: Any = None
    users: list[str] = field(default_factory=list)

    @property
    def member_rows_per_s(self) -> float:
        return self.members / self.seconds_members if self.seconds_members else 0.0

    @property
    def load_rows_per_s(self) -> float:
        return (self.members + self.history) / self.seconds_members if self.seconds_members else 0.0


def seed_party(scale: float, seed: int, *, using: str = "default", replace: bool = False, users: bool = True,
               progress: bool = True, password: str = "partywork-demo",
               log: Callable[[str], None] | None = None, cadres: bool = True) -> SeedResult:
    """Generate and bulk-load the whole party; refuses a database that already holds members unless ``replace``.

    With ``cadres`` the committees' compositions of 2020-2025 and 2025-2030 follow (bench.seed_cadres), derived from
    the tree and registry once the 2025 reorganizations are recorded."""
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
    plans = HistoryPlan()
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
            plans.add(plan)
    finally:
        bar.close()
        t = time.perf_counter()
        _restore_foreign_keys(w, dropped)
        result.seconds_members += time.perf_counter() - t  # validating the references is part of the load
    _reset_sequences(w)
    t = time.perf_counter()
    recompute_counters(using)
    result.seconds_counters = time.perf_counter() - t
    w.execute("ANALYZE")  # the reorganizations' queries need the planner to know the loaded tables
    t = time.perf_counter()
    result.reorganizations = record_history(plans, seed, progress)
    result.seconds_history = time.perf_counter() - t
    log(f"Recorded {result.reorganizations} reorganizations of 2025 in {result.seconds_history:.1f}s")
    if w.conn.vendor == "postgresql" and not w.conn.in_atomic_block:
        # VACUUM too: COPY leaves the visibility map empty, so index-only scans (the as-of counts) would visit
        # the heap for every row until autovacuum gets round to these tables.
        for table in (ORG_TABLE, VERSION_TABLE, MEMBER_TABLE, HISTORY_TABLE):
            w.execute(f"VACUUM (ANALYZE) {table}")
    else:
        w.execute("ANALYZE")
    if cadres:
        from bench.seed_cadres import seed_cadres

        t = time.perf_counter()
        result.cadres = seed_cadres(seed, using=using, progress=progress, log=log)
        result.seconds_cadres = time.perf_counter() - t
    if users:
        result.users = create_demo_users(using, password)
    result.seconds_total = time.perf_counter() - t0
    from audit.services import record_event
    from core.actions import SYSTEM

    record_event(SYSTEM, "bulk_load", label="seed_party", details={
        "scale": scale, "seed": seed, "organizations": result.organizations, "versions": result.versions,
        "members": result.members, "history": result.history, "reorganizations": result.reorganizations,
        "seconds": round(result.seconds_total, 1), "seconds_cadres": round(result.seconds_cadres, 1),
    })
    return result


def create_demo_users(using: str, password: str) -> list[str]:
    """The national administrator and four demo accounts, each placed on the organization it is granted on."""
    from accounts.models import Role, User
    from accounts.services import create_user, ensure_default_roles, grant_role
    from core.actions import SYSTEM, acting
    from orgs.models import Organization

    ensure_default_roles()
    orgs = Organization.objects.using(using).filter(dissolved_on__isnull=True)
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
