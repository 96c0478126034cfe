"""The organizations' member counters, kept in one place for every writer.

Each organization keeps ``direct_official`` / ``direct_probationary`` (members it holds itself) and
``subtree_official`` / ``subtree_probationary`` (members of its whole subtree), so the count of any subtree is one
row read. Four writers change them: the member actions (members, lifecycle), the reorganization (subtrees and
members move), the Excel import (thousands of members per batch) and the data generator (recomputed from the
registry after a bulk load). They all call the functions here, so the rule "which status counts where" lives in
one module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from django.db import connection, connections, transaction
from django.db.models import F

from core.actions import WriteOutsideAction, in_action
from core.tree import ancestor_ids
from members.choices import ACTIVE_STATUSES, MemberStatus
from orgs.models import Organization


def counted_kind(status: str) -> str | None:
    """Which counter a member in ``status`` is counted in ("official", "probationary"), or None (not counted)."""
    if status not in ACTIVE_STATUSES:
        return None
    return "official" if status == MemberStatus.OFFICIAL else "probationary"


def adjust(org_path: str, status: str, delta: int) -> None:
    """One member (``delta`` = +1 or -1) enters or leaves the organization at ``org_path``: it and its ancestors."""
    kind = counted_kind(status)
    if kind is None or delta == 0:
        return
    ids = ancestor_ids(org_path)
    Organization.objects.filter(pk__in=ids).derived_update(**{f"subtree_{kind}": F(f"subtree_{kind}") + delta})
    Organization.objects.filter(pk=ids[-1]).derived_update(**{f"direct_{kind}": F(f"direct_{kind}") + delta})


def shift(path: str, official: int, probationary: int, *, direct: bool) -> None:
    """Add (or with negative numbers remove) members to the organization at ``path`` and all its ancestors.

    ``direct=False`` when a whole subtree moves (its own organizations keep their direct counts).
    """
    if not official and not probationary:
        return
    ids = ancestor_ids(path)
    Organization.objects.filter(pk__in=ids).derived_update(
        subtree_official=F("subtree_official") + official,
        subtree_probationary=F("subtree_probationary") + probationary)
    if direct:
        Organization.objects.filter(pk=ids[-1]).derived_update(
            direct_official=F("direct_official") + official,
            direct_probationary=F("direct_probationary") + probationary)


def apply_deltas(deltas: Mapping[tuple[int, str, str], int]) -> None:
    """Many members at once, ``{(organization id, path, status): n}``: one statement per counter column
    (``executemany``), or one ``UPDATE ... FROM unnest(...)`` on PostgreSQL. Used by the import per batch."""
    by_field: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (org_id, path, status), n in deltas.items():
        kind = counted_kind(status)
        if kind is None or not n:
            continue
        by_field[f"direct_{kind}"][org_id] += n
        for ancestor in ancestor_ids(path):
            by_field[f"subtree_{kind}"][ancestor] += n
    if not by_field:
        return
    if not in_action():
        raise WriteOutsideAction("counters.apply_deltas() outside an action")
    qn = connection.ops.quote_name
    meta = Organization._meta
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    if connection.vendor == "postgresql":
        # One statement for every counter of every organization: one new row version per organization
        # instead of one per counter column, and one round trip. Rows are locked in key order first, as
        # the sorted executemany below does, so that concurrent imports cannot deadlock.
        names = sorted(by_field)
        org_ids = sorted({org_id for per_org in by_field.values() for org_id in per_org})
        columns = [[by_field[name].get(org_id, 0) for org_id in org_ids] for name in names]
        sets = ", ".join(f"{qn(meta.get_field(name).column)} = {table}.{qn(meta.get_field(name).column)} + d.n{i}"
                         for i, name in enumerate(names))
        unnest = ", ".join(["%s::bigint[]"] + ["%s::integer[]"] * len(names))
        alias = ", ".join(["id"] + [f"n{i}" for i in range(len(names))])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk} FROM {table} WHERE {pk} = ANY(%s::bigint[]) ORDER BY {pk} FOR NO KEY UPDATE",
                           [org_ids])
            cursor.execute(f"UPDATE {table} SET {sets} FROM unnest({unnest}) AS d({alias}) WHERE {table}.{pk} = d.id",
                           [org_ids, *columns])
        return
    with connection.cursor() as cursor:
        for name, per_org in by_field.items():
            column = qn(meta.get_field(name).column)
            cursor.executemany(f"UPDATE {table} SET {column} = {column} + %s WHERE {pk} = %s",
                               [(n, org_id) for org_id, n in sorted(per_org.items()) if n])


def recompute(using: str = "default") -> None:
    """All counters from the registry: direct counts per holding organization, then subtree sums rolled up from the
    deepest level (portable SQL). For the data generator after a bulk load, which writes no counters itself."""
    from members.models import Member
    from orgs.choices import MEMBER_HOLDING_TYPES

    org_table, member_table = Organization._meta.db_table, Member._meta.db_table
    holding = ", ".join(f"'{t}'" for t in sorted(MEMBER_HOLDING_TYPES))
    official, probationary = MemberStatus.OFFICIAL.value, MemberStatus.PROBATIONARY.value
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"UPDATE {org_table} SET direct_official = 0, direct_probationary = 0")
        cursor.execute(
            f"UPDATE {org_table} SET "
            f"direct_official = (SELECT COUNT(*) FROM {member_table} m WHERE m.organization_id = {org_table}.id "
            f"AND m.status = '{official}'), "
            f"direct_probationary = (SELECT COUNT(*) FROM {member_table} m WHERE m.organization_id = {org_table}.id "
            f"AND m.status = '{probationary}') "
            f"WHERE org_type IN ({holding})"
        )
        cursor.execute(f"UPDATE {org_table} SET subtree_official = direct_official, "
                       f"subtree_probationary = direct_probationary")
        cursor.execute(f"SELECT COALESCE(MAX(depth), 0) FROM {org_table}")
        max_depth = int(cursor.fetchone()[0] or 0)
        for depth in range(max_depth - 1, 0, -1):
            cursor.execute(
                f"UPDATE {org_table} SET "
                f"subtree_official = direct_official + (SELECT COALESCE(SUM(c.subtree_official), 0) "
                f"FROM {org_table} c WHERE c.parent_id = {org_table}.id), "
                f"subtree_probationary = direct_probationary + (SELECT COALESCE(SUM(c.subtree_probationary), 0) "
                f"FROM {org_table} c WHERE c.parent_id = {org_table}.id) "
                f"WHERE depth = %s",
                (depth,),
            )
