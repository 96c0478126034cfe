"""Property-based: random sequences of establish / merge / split / transfer / dissolve keep the invariants.

Nothing is lost (the party's member count, and every unaffected subtree's), every member is in exactly one
active member-holding organization, denormalized paths and counters are true, paths follow parents, and
the counts as of past dates do not change when later reorganizations are applied.
"""

from __future__ import annotations

import datetime as dt
import itertools
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.actions import SYSTEM
from core.tree import child_path
from members.models import Member, MemberHistory
from orgs.choices import ALLOWED_CHILDREN, MEMBER_HOLDING_TYPES
from orgs.models import Organization, OrganizationVersion
from orgs.services import establish_organization
from reorg import services
from tests import factories
from tests.test_reorg import assert_consistent

_codes = itertools.count(1)
START = dt.date(2021, 1, 1)

ops = st.lists(
    st.tuples(st.sampled_from(["establish", "merge", "split", "transfer", "dissolve", "change"]),
              st.integers(0, 10_000), st.integers(0, 10_000), st.integers(1, 40)),
    min_size=1, max_size=6,
)


def _build_tree():
    central = factories.central()
    people = iter(f"Người {i}" for i in range(100))
    for p in range(2):
        prov = services.create_reorganization(SYSTEM, kind="establish", effective_on=dt.date(2020, 1, 1),
                                              decision="1-QĐ/TW", plan={"parent": central.pk, "code": f"P{p}",
                                                                         "name": f"Tỉnh {p}", "org_type": "level1"})
        assert prov.state == "applied"
        prov = Organization.objects.get(code=f"P{p}")
        for g in range(2):
            grass = establish_organization(SYSTEM, parent=prov, code=f"P{p}G{g}", name=f"Đảng bộ {p}{g}",
                                                     org_type="grassroots_committee", effective_on=dt.date(2020, 1, 1))
            for c in range(2):
                cell = establish_organization(SYSTEM, parent=grass, code=f"P{p}G{g}C{c}", name=f"Chi {c}",
                                                        org_type="cell", effective_on=dt.date(2020, 1, 1))
                for k in range(3):
                    factories.member(cell, next(people), official=None if k == 2 else dt.date(2006, 5, 6))
    return central


def _pick(seq, n):
    return seq[n % len(seq)] if seq else None


def _attempt(kind: str, a: int, b: int, on: dt.date) -> None:
    active = list(Organization.objects.filter(dissolved_on__isnull=True).exclude(org_type="central").order_by("pk"))
    parents = list(Organization.objects.filter(dissolved_on__isnull=True).order_by("pk"))
    org = _pick(active, a)
    if org is None:
        return
    code = f"R{next(_codes)}"
    plan: dict
    if kind == "establish":
        parent = _pick(parents, a)
        allowed = sorted(ALLOWED_CHILDREN.get(parent.org_type, set()))
        if not allowed:
            return
        plan = {"parent": parent.pk, "code": code, "name": f"Mới {code}", "org_type": _pick(allowed, b)}
    elif kind == "merge":
        peers = [o for o in active if o.org_type == org.org_type and o.pk != org.pk]
        other = _pick(peers, b)
        if other is None:
            return
        if b % 2 and org.parent_id:
            plan = {"sources": [org.pk, other.pk],
                    "new": {"parent": org.parent_id, "code": code, "name": f"Hợp nhất {code}",
                            "org_type": org.org_type}}
        else:
            plan = {"sources": [org.pk], "target": other.pk}
    elif kind == "split":
        children = list(org.children.filter(dissolved_on__isnull=True).values_list("pk", flat=True))
        members = list(Member.objects.active().filter(organization=org).values_list("pk", flat=True))
        half_c, half_m = children[: len(children) // 2], members[: len(members) // 2]
        plan = {"source": org.pk, "rule": ["list", "rest_to_first", "balance"][b % 3], "parts": [
            {"new": {"code": code + "a", "name": "Phần a", "org_type": org.org_type},
             "children": children[len(half_c):], "members": members[len(half_m):]},
            {"new": {"code": code + "b", "name": "Phần b", "org_type": org.org_type},
             "children": half_c, "members": half_m},
        ]}
    elif kind == "transfer":
        to = _pick(parents, b)
        plan = {"organizations": [org.pk], "to": to.pk}
    elif kind == "dissolve":
        peers = [o for o in active if o.org_type == org.org_type and o.pk != org.pk]
        plan = {"organization": org.pk}
        if b % 3 and peers:
            plan["move_to"] = _pick(peers, b).pk
    else:
        holding = org.org_type in MEMBER_HOLDING_TYPES
        plan = {"organization": org.pk, "name": f"Tên {code}"}
        if b % 2 and holding:
            plan["org_type"] = "grassroots_cell" if org.org_type == "cell" else "cell"
    try:
        services.create_reorganization(SYSTEM, kind=kind, plan=plan, effective_on=on, decision=f"{code}-QĐ",
                                       today=dt.date(2030, 1, 1))
    except ValidationError:
        pass  # refused operations must leave nothing behind (checked by the invariants below)


def _as_of_counts(on, pks=None):
    """Counted back from the counters, and checked against the direct read of the history rows."""
    qs = Organization.objects.all() if pks is None else Organization.objects.filter(pk__in=pks)
    counts = {o.pk: services.member_count_as_of(o, on, user=SYSTEM) for o in qs}
    assert counts == {o.pk: services.member_count_as_of_scan(o, on, user=SYSTEM) for o in qs}, on
    with mock.patch.object(services, "CHANGED_ORGS_MAX", 0):  # the holder-by-holder way for many changes
        assert counts == {o.pk: services.member_count_as_of(o, on, user=SYSTEM) for o in qs}, on
    return counts


class ReorganizationProperties(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops)
    def test_random_sequences_keep_the_invariants(self, sequence):
        central = _build_tree()
        total = Member.objects.active().count()
        on = START
        snapshots: list[tuple[dt.date, dict]] = []
        for kind, a, b, days in sequence:
            day_before = on - dt.timedelta(days=1)
            snapshots.append((day_before, _as_of_counts(day_before)))
            _attempt(kind, a, b, on)
            on += dt.timedelta(days=days)
            # Nothing is lost: the party's count, the counters and paths are true after every step.
            assert Member.objects.active().count() == total
            assert Organization.objects.get(pk=central.pk).subtree_members == total
            assert_consistent()
            holders = Member.objects.active().values_list("organization__org_type", "organization__dissolved_on")
            assert all(t in MEMBER_HOLDING_TYPES and d is None for t, d in holders)
            for org in Organization.objects.filter(dissolved_on__isnull=True).exclude(parent=None):
                assert org.path == child_path(org.parent.path, org.pk)
                assert org.parent.dissolved_on is None
            # Every active organization has exactly one current version.
            assert not OrganizationVersion.objects.filter(valid_to__isnull=True).values("organization").annotate(
                n=Count("id")).filter(n__gt=1).exists()
        # The past does not change: counts as of earlier dates are what they were.
        for day, counts in snapshots:
            assert _as_of_counts(day, list(counts)) == counts, day
        assert services.member_count_as_of(central, on, user=SYSTEM)["total"] == total


@pytest.mark.django_db
def test_unaffected_subtree_keeps_its_count():
    central = _build_tree()
    p0, p1 = Organization.objects.get(code="P0"), Organization.objects.get(code="P1")
    before = p1.subtree_members
    g = Organization.objects.get(code="P0G0")
    services.create_reorganization(SYSTEM, kind="split", effective_on=START, decision="2-QĐ", plan={
        "source": g.pk, "rule": "rest_to_first", "parts": [
            {"new": {"code": "X1", "name": "X1", "org_type": "grassroots_committee"}},
            {"new": {"code": "X2", "name": "X2", "org_type": "grassroots_committee"}}]})
    assert Organization.objects.get(pk=p1.pk).subtree_members == before
    assert Organization.objects.get(pk=p0.pk).subtree_members == 12
    assert Organization.objects.get(pk=central.pk).subtree_members == 24


# --- issue 12: several on one date, back-dated ones, open letters and cases ---------------------------------------
DATES = [START + dt.timedelta(days=30 * k) for k in range(5)]  # drawn in any order: same-day and back-dated

dated_ops = st.lists(
    st.tuples(st.sampled_from(["establish", "merge", "split", "transfer", "dissolve", "change"]),
              st.integers(0, 10_000), st.integers(0, 10_000), st.sampled_from(DATES)),
    min_size=1, max_size=5,
)


def _open_work() -> None:
    """A letter in transit and an admission case, issued before the first reorganization."""
    from lifecycle.services import issue_transfer_letter, submit_application

    sender = Member.objects.filter(organization__code="P0G0C0").order_by("pk").first()
    issue_transfer_letter(SYSTEM, sender, to_org=Organization.objects.get(code="P1G1C1"), number="1-GGT",
                          issued_on=dt.date(2020, 12, 1))
    submit_application(SYSTEM, cell=Organization.objects.get(code="P0G1C0"), applied_on=dt.date(2020, 12, 1),
                       full_name="Lê Văn Đơn", gender="M", birth_date=dt.date(2000, 1, 1))


def _contiguous(rows, closed_on=None) -> bool:
    """Dated rows of one object follow each other without gap or overlap; the last is open unless closed."""
    rows = sorted(rows, key=lambda r: (r[0], r[1] or dt.date.max))
    for (start, end), (next_start, _end) in itertools.pairwise(rows):
        if end is None or end != next_start or end < start:
            return False
    return rows[-1][1] == closed_on and all(e is None or s <= e for s, e in rows)


def _sums_hold(on: dt.date) -> None:
    """As of ``on``: every organization's count is its own members' plus its children's (as they stood then)."""
    from members.choices import ACTIVE_STATUSES

    tree = list(OrganizationVersion.objects.as_of(on).values_list("organization_id", "parent_id"))
    direct = dict(MemberHistory.objects.as_of(on).filter(status__in=ACTIVE_STATUSES).order_by()
                  .values_list("organization_id").annotate(n=Count("id")).values_list("organization_id", "n"))
    orgs = Organization.objects.in_bulk([pk for pk, _parent in tree])
    counts = {pk: services.member_count_as_of(orgs[pk], on, user=SYSTEM)["total"] for pk, _parent in tree}
    for pk, _parent in tree:
        children = sum(counts[c] for c, p in tree if p == pk)
        assert counts[pk] == direct.get(pk, 0) + children, (orgs[pk].code, on)


def _open_items_follow() -> bool:
    """Is an app registered to hand open letters and cases over to the successor (h-openwork)?"""
    from core.registry import reorg_handlers

    return any(h.name.startswith("lifecycle") or h.apply.__module__.startswith("lifecycle") for h in reorg_handlers())


def _open_items_actionable() -> None:
    """Every open letter and case stands at an open organization (or, where its organization ended without a
    successor, at the ended one, listed for review), and its owner can act on it (tried, then rolled back)."""
    from django.db import transaction
    from django.utils import timezone

    from lifecycle.models import AdmissionCase, TransferLetter
    from lifecycle.services import cancel_letter, withdraw_case

    def reachable(org: Organization) -> bool:
        return org.dissolved_on is None or not org.successor_links.exists()

    today = timezone.localdate()
    for letter in TransferLetter.objects.filter(state="issued"):
        assert reachable(letter.from_org) and reachable(letter.to_org), letter.pk
        assert letter.member.organization_id == letter.from_org_id
        with transaction.atomic():
            cancel_letter(SYSTEM, letter, on=today, reason="kiểm tra")
            transaction.set_rollback(True)
    for case in AdmissionCase.objects.filter(state__in=["applied", "cell_resolved", "committee_decided"]):
        assert reachable(case.cell), case.pk
        with transaction.atomic():
            withdraw_case(SYSTEM, case, on=today, reason="kiểm tra")
            transaction.set_rollback(True)


class DatedReorganizationProperties(TestCase):
    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(dated_ops)
    def test_same_day_and_back_dated_sequences_keep_history_true(self, sequence):
        central = _build_tree()
        _open_work()
        total = Member.objects.active().count()
        used: set[dt.date] = set()
        for kind, a, b, on in sequence:
            before = {v["id"]: v for v in OrganizationVersion.objects.values(
                "id", "organization_id", "valid_from", "valid_to", "decision", "reason")}
            _attempt(kind, a, b, on)
            used.add(on)
            # No member lost or duplicated, now and at every date: one open row each, rows without gap or overlap.
            assert Member.objects.active().count() == total
            assert Organization.objects.get(pk=central.pk).subtree_members == total
            assert_consistent()
            rows: dict[int, list] = {}
            for member_id, start, end in MemberHistory.objects.values_list("member_id", "valid_from", "valid_to"):
                rows.setdefault(member_id, []).append((start, end))
            assert all(_contiguous(r) for r in rows.values())
            # Every version of every organization is still there, with its own decision and start.
            after = {v["id"]: v for v in OrganizationVersion.objects.values(
                "id", "organization_id", "valid_from", "valid_to", "decision", "reason")}
            for pk, v in before.items():
                assert pk in after, v
                w = after[pk]
                assert (w["organization_id"], w["valid_from"], w["decision"], w["reason"]) == (
                    v["organization_id"], v["valid_from"], v["decision"], v["reason"])
                assert v["valid_to"] is None or (w["valid_to"] is not None and w["valid_to"] <= v["valid_to"])
            spans: dict[int, list] = {}
            for v in after.values():
                spans.setdefault(v["organization_id"], []).append((v["valid_from"], v["valid_to"]))
            for org in Organization.objects.all():
                assert _contiguous(spans[org.pk], org.dissolved_on), org.code
            # Sums over children equal the parents, at every date used and the days around them.
            for day in sorted(used | {d - dt.timedelta(days=1) for d in used} | {dt.date(2029, 1, 1)}):
                _sums_hold(day)
            if _open_items_follow():
                _open_items_actionable()
