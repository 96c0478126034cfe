"""The committees of the generated party: terms, bodies and post holders for 2020-2025 and 2025-2030, bulk-loaded.

Why so: the committee pages, the vacancies worklist and the as-of compositions must be measured and shown on the
party's real shape (330,000 organizations), and every composition must agree with the organization history the seed
wrote (``OrganizationVersion``, the 2025 reorganizations). Like ``bench.seeding`` this writes with COPY /
executemany, not the ORM per row, is deterministic for a seed, and streams: one level-1 subtree of one era at a time
is in memory (its organizations and at most ``CELL_SAMPLE`` candidates per cell), never the registry.

How a composition is derived (the simplifications are said where they are made):

* Each organization's timeline comes from its own rows: an organization standing before its 2020 congress gets a
  2020-2025 term opened by congress (cells in spring 2020, grassroots in May-June, upper-grassroots in July-August,
  provinces in October; the Central Committee its 2021-2026 and 2026-2031 terms); one established later (a commune
  or a central committee of 2025) gets an appointed 2020-2025 term from its establishment; one that received a merger
  (a province, a bloc) has its term closed as reorganized on the merger's date and an appointed committee from that
  day; one dissolved or merged away has its term closed (reorganized) on its end date; every organization still
  standing then holds its 2025-2030 congress (cells and grassroots in July-August 2025, upper-grassroots in August,
  provinces in September-October), which closes the previous term (next term).
* Bodies are sized within the ceilings of ``cadres.rules`` for the level, read for the term's date, and by the
  number of official members below; a cell with fewer than CELL_COMMITTEE_MIN_OFFICIAL official members gets only a
  secretary and perhaps a deputy (an executive committee of at most two seats), and no other body.
* Holders are members who were official (``MemberHistory`` row with status official) in a cell of the
  organization's subtree, as the tree stood at the era's anchor date (2020-03-01 for the terms opened before 2025,
  2025-07-01 for those opened from 2025), and still official on the term's start. Simplification: the tree is taken
  at the anchor, which is exact because the generated party changes shape only on 2025-01-01 (a rename),
  2025-02-01 (the central blocs, whose new committees keep that subtree after 2025-07-01) and 2025-07-01; a
  database reorganized at other dates inside an era would need more anchors (``tests/test_cadres_seed.py`` checks
  every holder against the as-of tree). Candidates must have been official since the era's first date (2020-03-01,
  2025-02-01), so those recognized during the congress season are left out.
* A holding lasts until its term closes (term ended / reorganized) or until the holder stops being official
  in that cell (deceased, expelled, left, moved), whichever comes first; no by-election fills the seat then, so
  such a body shows as vacant, like the ~5% of bodies left with one seat open at election (``VACANCY_RATE``).
* The secretary and deputies sit on the standing committee with some committee members; the chair of the inspection
  commission is an executive committee member; the other commission members are not on the committee.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction

from bench.bulk import BulkWriter, drop_foreign_keys, restore_foreign_keys
from bench.bulk import max_id as _max_id

TERM_TABLE = "cadres_term"
BODY_TABLE = "cadres_body"
HOLDING_TABLE = "cadres_postholding"
TERM_COLS = ("id", "organization_id", "label", "planned_end", "reference_date", "opened_by", "decision",
             "decision_date", "closed_by", "closing_decision", "valid_from", "valid_to")
BODY_COLS = ("id", "term_id", "organization_id", "kind", "seats", "ended_on", "filled", "head_filled", "vacant")
HOLDING_COLS = ("id", "body_id", "organization_id", "member_id", "post", "selection", "decision", "decision_date",
                "end_reason", "end_decision", "valid_from", "valid_to")

ERA_2020 = dt.date(2020, 3, 1)  # the tree and the candidates of the terms opened before 2025
ERA_2025_TREE = dt.date(2025, 7, 1)  # the tree of the terms opened from 2025 (after the mergers)
ERA_2025_OFFICIAL = dt.date(2025, 2, 1)  # official since (the first appointments of 2025)
ERA_SPLIT = dt.date(2025, 1, 1)  # a term opened before this belongs to the 2020 era
CELL_SAMPLE = 12  # candidates kept per cell (working age first)
POOL = {"cell": CELL_SAMPLE, "grassroots_cell": CELL_SAMPLE, "sub_committee": 20, "grassroots_committee": 40,
        "intermediate": 80, "level1": 150, "central": 600}
VACANCY_RATE = 0.05
HEAD_VACANCY_RATE = 0.01
FLUSH = 20_000

# The congress season of each type: (first day, days) for the 2020-2025 and the 2025-2030 terms.
CONGRESS_2020 = {
    "cell": (dt.date(2020, 3, 2), 60), "sub_committee": (dt.date(2020, 4, 1), 30),
    "grassroots_cell": (dt.date(2020, 5, 4), 58), "grassroots_committee": (dt.date(2020, 5, 4), 58),
    "intermediate": (dt.date(2020, 7, 1), 62), "level1": (dt.date(2020, 10, 1), 31),
}
CONGRESS_2025 = {
    "cell": (dt.date(2025, 7, 2), 30), "sub_committee": (dt.date(2025, 7, 10), 25),
    "grassroots_cell": (dt.date(2025, 7, 15), 30), "grassroots_committee": (dt.date(2025, 7, 15), 30),
    "intermediate": (dt.date(2025, 8, 1), 31), "level1": (dt.date(2025, 9, 15), 36),
}
# The Central Committee's own terms (13th and 14th National Congresses; dates approximate).
CENTRAL_TERMS = (("2021-2026", dt.date(2021, 1, 30)), ("2026-2031", dt.date(2026, 1, 23)))

# Sizes aimed at, per type: (executive, standing, deputies, inspection) as (low, high) ranges; then capped by the
# ceilings of the level and by the candidates at hand.
SIZES = {
    "central": ((180, 180), (18, 18), (0, 0), (19, 19)),
    "level1": ((45, 55), (13, 15), (2, 3), (9, 11)),
    "intermediate": ((21, 33), (7, 11), (2, 2), (5, 7)),
}
LEVEL = {"level1": "LEVEL1", "intermediate": "INTERMEDIATE", "grassroots_committee": "GRASSROOTS",
         "grassroots_cell": "GRASSROOTS", "sub_committee": "CELL", "cell": "CELL"}
CELL_TYPES = ("cell", "grassroots_cell")
SUFFIX = {"central": "TW", "level1": "TW", "intermediate": "TU"}  # who approves or appoints; ĐU below
END_REASON = {"deceased": "deceased", "expelled": "dismissed", "left": "resigned", "transferred_out": "moved"}


@dataclass
class TermPlan:
    label: str
    opened_by: str  # cadres.choices.TermOpening
    start: dt.date
    end: dt.date | None = None
    closed_by: str = ""  # cadres.choices.TermClosing


@dataclass
class CadresResult:
    terms: int = 0
    bodies: int = 0
    holdings: int = 0
    vacant_open_bodies: int = 0
    skipped: int = 0  # organizations whose terms fall in no era's tree (none in the generated party)
    seconds: float = 0.0
    seconds_candidates: float = 0.0
    per_era: dict[str, float] = field(default_factory=dict)


def _season(table: dict[str, tuple[dt.date, int]], org_type: str, rng: random.Random) -> dt.date:
    first, days = table.get(org_type, table["cell"])
    return first + dt.timedelta(days=int(rng.random() * days))


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def timeline(org_id: int, org_type: str, established: dt.date | None, ended: dt.date | None,
             merges: Iterable[dt.date], ended_by_reorg: bool, seed: int) -> list[TermPlan]:
    """The terms of one organization, from its own dates; pure, so both eras compute the same timeline."""
    from cadres.choices import TermClosing, TermOpening

    rng = random.Random(f"{seed}:cadres:{org_id}")
    plans: list[TermPlan] = []
    if org_type == "central":
        plans = [TermPlan(label, TermOpening.CONGRESS, day) for label, day in CENTRAL_TERMS]
    else:
        d20, d25 = _season(CONGRESS_2020, org_type, rng), _season(CONGRESS_2025, org_type, rng)
        if established is None or established <= d20:
            plans.append(TermPlan("2020-2025", TermOpening.CONGRESS, d20))
        else:
            plans.append(TermPlan("2020-2025" if established < d25 else "2025-2030", TermOpening.APPOINTMENT,
                                  established))
        for day in sorted(merges):
            if day > plans[-1].start:
                plans.append(TermPlan("2020-2025" if day < d25 else "2025-2030", TermOpening.APPOINTMENT, day))
        if plans[-1].label == "2020-2025" and d25 > plans[-1].start:
            plans.append(TermPlan("2025-2030", TermOpening.CONGRESS, d25))
    if ended is not None:
        plans = [p for p in plans if p.start < ended]
    for prev, nxt in zip(plans, plans[1:]):
        prev.end = nxt.start
        prev.closed_by = TermClosing.NEXT_TERM if nxt.opened_by == TermOpening.CONGRESS else TermClosing.REORGANIZED
    if plans and ended is not None:
        plans[-1].end = ended
        plans[-1].closed_by = TermClosing.REORGANIZED if ended_by_reorg else TermClosing.DISSOLVED
    return plans


class _Rules:
    """The ceilings, read once per (rule, date) from the dated rule data."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, dt.date], int] = {}

    def __call__(self, code: str, on: dt.date) -> int:
        key = (code, on)
        if key not in self.cache:
            from core.rules import rule

            self.cache[key] = int(rule(code, on))
        return self.cache[key]


def _sizes(org_type: str, officials: int, available: int, on: dt.date, rng: random.Random,
           rules: _Rules) -> tuple[int, int, int, int]:
    """(executive seats, standing seats, deputies, inspection seats) for a body elected or appointed on ``on``."""
    if org_type in SIZES:
        (el, eh), (sl, sh), (dl, dh), (il, ih) = SIZES[org_type]
        exe, std, dep, ins = (rng.randint(el, eh), rng.randint(sl, sh), rng.randint(dl, dh), rng.randint(il, ih))
    elif org_type == "grassroots_committee":
        exe = 5 if officials < 50 else 7 if officials < 100 else 9 if officials < 200 else rng.randint(11, 15)
        std = rng.randint(3, 5) if exe >= 9 else 0
        dep = 1 if exe < 9 else rng.randint(1, 2)
        ins = 3 if exe < 9 else rng.randint(3, 5)
    elif org_type == "sub_committee":
        exe, std, dep, ins = rng.choice((3, 3, 5)), 0, 1, 0
    else:  # a cell: a committee from CELL_COMMITTEE_MIN_OFFICIAL official members, else a secretary (+ deputy)
        if officials >= rules("CELL_COMMITTEE_MIN_OFFICIAL", on):
            exe, dep = (5 if officials >= 20 and rng.random() < 0.4 else 3), 1
        else:
            exe = dep = 1 if officials >= 4 and rng.random() < 0.5 else 0
            exe += 1
        std = ins = 0
    level = LEVEL.get(org_type)
    if level is not None:  # the Central Committee has no ceiling
        exe = min(exe, rules(f"EXECUTIVE_COMMITTEE_MAX_{level}", on))
        std = min(std, rules(f"STANDING_COMMITTEE_MAX_{level}", on))
        dep = min(dep, rules(f"DEPUTY_SECRETARIES_MAX_{level}", on))
        ins = min(ins, rules(f"INSPECTION_COMMISSION_MAX_{level}", on))
    # As many as there are people for: the commission's members other than its chair are not on the committee.
    if ins and available < exe + ins - 1:
        ins = min(ins, max(0, available - 3) // 4)
        if ins < 3:
            ins = 0
    exe = max(1, min(exe, available - max(ins - 1, 0)))
    if exe < 3:
        std, ins = 0, 0
    dep = min(dep, exe - 1)
    std = min(std, exe - 1)  # elected from the executive committee, and smaller
    if std and std <= dep + 1:
        std = 0
    return exe, std, dep, ins


class _Writer:
    """Buffers the rows of the three tables and writes them in bulk (ids given here, as bench.seeding does)."""

    def __init__(self, w: BulkWriter) -> None:
        self.w = w
        self.next = {t: _max_id(w, t) for t in (TERM_TABLE, BODY_TABLE, HOLDING_TABLE)}
        self.rows: dict[str, list[tuple]] = {TERM_TABLE: [], BODY_TABLE: [], HOLDING_TABLE: []}
        self.cols = {TERM_TABLE: TERM_COLS, BODY_TABLE: BODY_COLS, HOLDING_TABLE: HOLDING_COLS}
        self.count = {TERM_TABLE: 0, BODY_TABLE: 0, HOLDING_TABLE: 0}

    def add(self, table: str, row: tuple) -> int:
        self.next[table] += 1
        self.rows[table].append((self.next[table], *row))
        return self.next[table]

    def flush(self, force: bool = False) -> None:
        if not force and sum(len(r) for r in self.rows.values()) < FLUSH:
            return
        for table in (TERM_TABLE, BODY_TABLE, HOLDING_TABLE):  # parents first (SQLite checks as it goes)
            rows = self.rows[table]
            self.w.write(table, self.cols[table], rows)
            self.count[table] += len(rows)
            self.rows[table] = []


def _compose(out: _Writer, org_id: int, org_type: str, plan: TermPlan, pool: list[tuple], officials: int,
             seed: int, rules: _Rules, result: CadresResult) -> None:
    """Write one term of one organization, its bodies and holders; ``pool``: (member, cell, official until,
    status) of candidates official at the era's start in the subtree."""
    from cadres.choices import HEAD_POSTS, BodyKind, HoldingEnd, Post, Selection, TermClosing, TermOpening

    rng = random.Random(f"{seed}:cadres:{org_id}:{plan.start.toordinal()}")
    on = plan.start
    people = [c for c in pool if c[2] is None or c[2] > on]
    rng.shuffle(people)
    exe, std, dep, ins = _sizes(org_type, officials, len(people), on, rng, rules)
    suffix = SUFFIX.get(org_type, "ĐU")
    appointed = plan.opened_by == TermOpening.APPOINTMENT
    if org_type == "central":
        decision, decided = "", on
    elif appointed:
        decision, decided = f"{rng.randint(100, 999)}-QĐ/{suffix}", on - dt.timedelta(days=1)
    else:
        decision, decided = f"{rng.randint(10, 999)}-QĐ/{suffix}", on + dt.timedelta(days=rng.randint(1, 10))
    years = rules("TERM_YEARS", on)
    planned_end = (dt.date(int(plan.label[-4:]), 12, 31) if appointed else _years_after(on, years))
    term_id = out.add(TERM_TABLE, (org_id, plan.label, planned_end, on, plan.opened_by, decision,
                                   decided if decision else None, plan.closed_by, "", on, plan.end))
    result.terms += 1
    selection = Selection.APPOINTED if appointed else Selection.ELECTED
    holding_end = (HoldingEnd.TERM_ENDED if plan.closed_by == TermClosing.NEXT_TERM
                   else HoldingEnd.REORGANIZED if plan.end else "")
    exec_people, rest = people[:exe], people[exe:]
    secretary_post = [Post.SECRETARY] + [Post.DEPUTY_SECRETARY] * dep
    exec_posts = secretary_post + [Post.COMMITTEE_MEMBER] * (exe - len(secretary_post))
    bodies: list[tuple[str, int, list[tuple[tuple, str]]]] = [
        (BodyKind.EXECUTIVE_COMMITTEE, exe, list(zip(exec_people, exec_posts))),
    ]
    if std:
        # The secretary and the deputies first, then committee members.
        bodies.append((BodyKind.STANDING_COMMITTEE, std, [(p, Post.STANDING_MEMBER) for p in exec_people[:std]]))
    if ins:
        chair = exec_people[-1]  # a committee member (off the standing committee when there are enough)
        others = rest[: ins - 1]
        deputies = 1 if ins >= 5 else 0
        posts = [Post.IC_CHAIR] + [Post.IC_DEPUTY_CHAIR] * deputies
        posts += [Post.IC_MEMBER] * (ins - len(posts))
        bodies.append((BodyKind.INSPECTION_COMMISSION, ins, list(zip([chair, *others], posts))))
    for kind, seats, holders in bodies:
        head = HEAD_POSTS.get(kind)
        if seats >= 3 and rng.random() < VACANCY_RATE:
            holders = holders[:-1]  # one seat not filled at the election (realistic; the worklist's content)
        if head and len(holders) > 1 and rng.random() < HEAD_VACANCY_RATE:
            holders = [h for h in holders if h[1] != head]  # the head moved away before the term began
        filled, head_filled = 0, False
        rows = []
        for (member, _cell, until, status), post in holders:
            valid_to, reason = plan.end, holding_end
            if until is not None and (plan.end is None or until < plan.end):
                valid_to, reason = until, END_REASON.get(status, HoldingEnd.MOVED)
            if valid_to is None:
                filled += 1
                head_filled = head_filled or post == head
            rows.append((member, post, valid_to, reason))
        # As cadres.services.refresh_counters: an ended body is not vacant.
        vacant = plan.end is None and (filled < seats or (head is not None and not head_filled))
        body_id = out.add(BODY_TABLE, (term_id, org_id, kind, seats, plan.end, filled, head_filled, vacant))
        result.bodies += 1
        if vacant and plan.end is None:
            result.vacant_open_bodies += 1
        for member, post, valid_to, reason in rows:
            out.add(HOLDING_TABLE, (body_id, org_id, member, post, selection, decision,
                                    decided if decision else None, reason, "", on, valid_to))
        result.holdings += len(rows)


def _candidates(conn: Any, prefix: str, tree_on: dt.date, official_since: dt.date, seed: int
                ) -> tuple[dict[int, list[tuple]], dict[int, int]]:
    """Up to CELL_SAMPLE candidates per cell of the subtree ``prefix`` as it stood on ``tree_on`` (working age
    first, then a seeded hash order, so the database's row order does not matter), and each cell's official
    members; one set-based query."""
    young = dt.date(official_since.year - 58, 1, 1)
    old = dt.date(official_since.year - 25, 12, 31)
    sql = (
        "SELECT organization_id, member_id, valid_to, status, n FROM ("
        " SELECT h.organization_id, h.member_id, h.valid_to, m.status,"
        "  COUNT(*) OVER (PARTITION BY h.organization_id) AS n,"
        "  ROW_NUMBER() OVER (PARTITION BY h.organization_id ORDER BY"
        "   CASE WHEN m.birth_date BETWEEN %s AND %s THEN 0 ELSE 1 END, (h.member_id * 2654435761 + %s) %% 4294967291,"
        "   h.member_id) AS k"
        " FROM members_memberhistory h JOIN members_member m ON m.id = h.member_id"
        " WHERE h.status = 'official' AND h.valid_from <= %s AND (h.valid_to IS NULL OR h.valid_to > %s)"
        "  AND h.organization_id IN (SELECT v.organization_id FROM orgs_organizationversion v"
        "   WHERE v.path LIKE %s AND v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to > %s))"
        ") s WHERE k <= %s"
    )
    by_cell: dict[int, list[tuple]] = defaultdict(list)
    officials: dict[int, int] = {}
    with conn.cursor() as cur:
        cur.execute(sql, [young, old, seed % 1_000_003, official_since, official_since, prefix + "%", tree_on,
                          tree_on, CELL_SAMPLE])
        while True:
            rows = cur.fetchmany(10_000)
            if not rows:
                break
            for cell, member, until, status, n in rows:
                if isinstance(until, str):  # SQLite returns dates as text through the raw cursor
                    until = dt.date.fromisoformat(until)
                by_cell[cell].append((member, cell, until, status))
                officials[cell] = n
    for lst in by_cell.values():
        lst.sort()
    return by_cell, officials


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _era(out: _Writer, conn: Any, *, tree_on: dt.date, official_since: dt.date, wanted: Callable[[TermPlan], bool],
         seed: int, links: tuple[dict[int, list[dt.date]], set[int]], rules: _Rules, result: CadresResult,
         progress: Any) -> None:
    """Compose every term of the era: one level-1 subtree at a time, bottom-up, each organization's candidates a
    sample of its children's."""
    from orgs.models import Organization, OrganizationVersion

    merges, predecessors = links
    as_of = OrganizationVersion.as_of_q(tree_on)
    tops = list(OrganizationVersion.objects.using(conn.alias).filter(as_of, depth__lte=2).order_by("path")
                .values_list("organization_id", "path", "org_type", "depth"))
    root = next((t for t in tops if t[3] == 1), None)
    central_pool: list[tuple] = []
    central_officials = 0
    for _pk, prefix, _type, depth in tops:
        if depth != 2:
            continue
        by_cell, officials = _candidates(conn, prefix, tree_on, official_since, seed)
        rows = list(OrganizationVersion.objects.using(conn.alias).filter(as_of, path__startswith=prefix).values_list(
            "organization_id", "path", "org_type", "organization__established_on", "organization__dissolved_on"))
        rows.sort(key=lambda r: (-len(r[1]), r[1]))  # deepest first: children before their parent
        pools: dict[str, list[tuple]] = defaultdict(list)
        counts: dict[str, int] = defaultdict(int)
        with transaction.atomic(using=conn.alias):
            for pk, path, org_type, est, end in rows:
                pool = pools.pop(path, [])
                pool.extend(by_cell.pop(pk, ()))
                n = counts.pop(path, 0) + officials.get(pk, 0)
                est, end = _as_date(est), _as_date(end)
                for plan in timeline(pk, org_type, est, end, merges.get(pk, ()), pk in predecessors, seed):
                    if wanted(plan):
                        _compose(out, pk, org_type, plan, pool, n, seed, rules, result)
                out.flush()
                rng = random.Random(f"{seed}:pool:{pk}:{tree_on}")
                keep = POOL.get(org_type, 40)
                sample = rng.sample(pool, keep) if len(pool) > keep else pool
                pools[path[:-6]].extend(sample)
                counts[path[:-6]] += n
            out.flush(force=True)
        central_pool.extend(pools.pop(prefix[:-6], []))
        central_officials += counts.pop(prefix[:-6], 0)
        progress.update(1)
    if root is not None:
        pk, path, org_type, _ = root
        est, end = (Organization.objects.using(conn.alias).filter(pk=pk)
                    .values_list("established_on", "dissolved_on").get())
        with transaction.atomic(using=conn.alias):
            for plan in timeline(pk, org_type, _as_date(est), _as_date(end), merges.get(pk, ()), False, seed):
                if wanted(plan):
                    _compose(out, pk, org_type, plan, central_pool, central_officials, seed, rules, result)
            out.flush(force=True)


def clear_compositions(using: str = "default") -> None:
    """Delete the terms, bodies and holdings (planning and rotations are kept)."""
    w = BulkWriter(using)
    with transaction.atomic(using=using):
        for table in (HOLDING_TABLE, BODY_TABLE, TERM_TABLE):
            w.execute(f"DELETE FROM {table}")


def seed_cadres(seed: int = 42, *, using: str = "default", replace: bool = False, progress: bool = True,
                log: Callable[[str], None] | None = None) -> CadresResult:
    """Derive and bulk-load the compositions of every organization from the loaded tree and registry."""
    from audit.services import record_event
    from cadres.models import Term
    from core.actions import SYSTEM
    from orgs.models import Organization
    from reorg.choices import LinkKind
    from reorg.models import OrganizationLink

    log = log or (lambda s: None)
    if Term.objects.using(using).exists():
        if not replace:
            raise RuntimeError("The database already holds committee terms; pass --replace to delete them.")
        clear_compositions(using)
    result = CadresResult()
    t0 = time.perf_counter()
    w = BulkWriter(using)
    conn = connections[using]
    # A merger's successor that stood before it: its committee is closed and another appointed that day.
    merges: dict[int, list[dt.date]] = defaultdict(list)
    established = dict(Organization.objects.using(using).filter(predecessor_links__kind=LinkKind.MERGED)
                       .values_list("pk", "established_on").distinct())
    for successor, on in (OrganizationLink.objects.using(using).filter(kind=LinkKind.MERGED)
                          .values_list("successor_id", "effective_on").distinct()):
        est = _as_date(established.get(successor))
        if est is None or est < on:
            if on not in merges[successor]:
                merges[successor].append(on)
    predecessors = set(OrganizationLink.objects.using(using).values_list("predecessor_id", flat=True))
    rules = _Rules()
    from tqdm import tqdm

    eras = (
        ("2020", ERA_2020, ERA_2020, lambda p: p.start < ERA_SPLIT),
        ("2025", ERA_2025_TREE, ERA_2025_OFFICIAL, lambda p: p.start >= ERA_SPLIT),
    )
    out = _Writer(w)
    dropped = _drop_foreign_keys(w)
    try:
        for name, tree_on, since, wanted in eras:
            t = time.perf_counter()
            bar = tqdm(unit="level-1", file=sys.stderr, disable=not progress, desc=f"cadres {name}")
            try:
                _era(out, conn, tree_on=tree_on, official_since=since, wanted=wanted, seed=seed,
                     links=(merges, predecessors), rules=rules, result=result, progress=bar)
            finally:
                bar.close()
            result.per_era[name] = time.perf_counter() - t
            log(f"Compositions of the terms opened {'before' if name == '2020' else 'from'} 2025: "
                f"{result.per_era[name]:.1f}s")
    finally:
        _restore_foreign_keys(w, dropped)
    _reset_sequences(w)
    # Organization.term names the open term (or, for an organization that no longer stands, its last one).
    last = ("(SELECT t.label FROM cadres_term t WHERE t.organization_id = orgs_organization.id "
            "ORDER BY t.valid_from DESC, t.id DESC LIMIT 1)")
    w.execute(f"UPDATE orgs_organization SET term = {last} WHERE term <> COALESCE({last}, term)")
    if w.vendor == "postgresql" and not conn.in_atomic_block:
        for table in (TERM_TABLE, BODY_TABLE, HOLDING_TABLE, "orgs_organization"):
            w.execute(f"VACUUM (ANALYZE) {table}")
    else:
        w.execute("ANALYZE")
    with_terms = Term.objects.using(using).values("organization").distinct().count()
    result.skipped = Organization.objects.using(using).count() - with_terms
    result.seconds = time.perf_counter() - t0
    record_event(SYSTEM, "bulk_load", label="seed_cadres", details={
        "seed": seed, "terms": result.terms, "bodies": result.bodies, "holdings": result.holdings,
        "vacant_open_bodies": result.vacant_open_bodies, "seconds": round(result.seconds, 1),
    })
    log(f"Loaded {result.terms:,} terms, {result.bodies:,} bodies, {result.holdings:,} post holdings in "
        f"{result.seconds:.1f}s ({result.vacant_open_bodies:,} open bodies with a vacancy; "
        f"{result.skipped} organizations without a term)")
    return result


def _drop_foreign_keys(w: BulkWriter) -> list[tuple[str, str, str]]:
    """As bench.seeding does for the registry: PostgreSQL would check the deferred keys row by row at COMMIT."""
    return drop_foreign_keys(w, (TERM_TABLE, BODY_TABLE, HOLDING_TABLE))


def _restore_foreign_keys(w: BulkWriter, dropped: list[tuple[str, str, str]]) -> None:
    restore_foreign_keys(w, dropped)


def _reset_sequences(w: BulkWriter) -> None:
    if w.vendor != "postgresql":
        return
    for table in (TERM_TABLE, BODY_TABLE, HOLDING_TABLE):
        w.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))")
