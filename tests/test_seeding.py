"""The generator's promises: deterministic, consistent tree and paths, exact counters, valid records.

Runs the real bulk path (COPY on PostgreSQL, executemany on SQLite) at a tiny scale, so these tests
need a transactional database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Min, Q

from bench.seeding import plan_tree, sample_rows, seed_party
from core.actions import SYSTEM
from core.text import given_name_key, search_key
from core.tree import child_path
from members.choices import ACTIVE_STATUSES, MemberStatus
from members.models import Member, MemberHistory
from members.validators import validate_citizen_id
from orgs.choices import MEMBER_HOLDING_TYPES
from orgs.models import Organization, OrganizationVersion
from reorg.models import OrganizationLink, Reorganization

SCALE = 0.0005
DISTRICT_PREFIXES = ("Đảng bộ huyện", "Đảng bộ quận", "Đảng bộ thị xã", "Đảng bộ thành phố ")
pytestmark = pytest.mark.django_db(transaction=True)


def _checksum() -> str:
    h = hashlib.sha256()
    for code, name in Organization.objects.order_by("code").values_list("code", "name"):
        h.update(f"{code}|{name}\n".encode())
    for row in Member.objects.order_by("citizen_id").values_list("citizen_id", "full_name", "birth_date", "status"):
        h.update("|".join(map(str, row)).encode())
    return h.hexdigest()


@pytest.fixture
def seeded() -> None:
    seed_party(SCALE, 42, progress=False, password="x-test-password")


def test_generation_is_deterministic() -> None:
    first = [(o[1], o[2]) for plan in plan_tree(SCALE, 7, 1) for o in plan.orgs]
    again = [(o[1], o[2]) for plan in plan_tree(SCALE, 7, 1) for o in plan.orgs]
    other = [(o[1], o[2]) for plan in plan_tree(SCALE, 8, 1) for o in plan.orgs]
    assert first == again
    assert first != other
    assert sample_rows(SCALE, 7, 500) == sample_rows(SCALE, 7, 500)


def test_reload_with_replace_gives_same_data(seeded: None) -> None:
    before = _checksum()
    with pytest.raises(RuntimeError):
        seed_party(SCALE, 42, progress=False, users=False)
    call_command("seed_party", scale=SCALE, seed=42, replace=True, no_users=True, no_progress=True)
    assert _checksum() == before


def test_tree_paths_and_named_bodies(seeded: None) -> None:
    orgs = {o.pk: o for o in Organization.objects.all()}
    roots = [o for o in orgs.values() if o.parent_id is None]
    assert [r.code for r in roots] == ["TW"]
    for org in orgs.values():
        parent_path = orgs[org.parent_id].path if org.parent_id else ""
        assert org.path == child_path(parent_path, org.pk)
        assert org.depth == len(org.path) // 6
        assert org.name_key == search_key(org.name)
        if org.parent_id is not None and orgs[org.parent_id].dissolved_on is not None:
            assert org.dissolved_on is not None, "nothing active stands under a dissolved organization"
    active = {pk: o for pk, o in orgs.items() if o.dissolved_on is None}
    assert sum(1 for o in active.values() if o.org_type == "level1") == 40
    depths = {o.depth for o in active.values() if o.org_type in MEMBER_HOLDING_TYPES}
    assert len(depths) >= 3, "depth should vary by branch"
    names = {o.name: o for o in active.values()}
    agencies = names["Đảng bộ các cơ quan Đảng Trung ương"]
    assert agencies.establishing_decision == "242-QĐ/TW"
    assert str(agencies.establishing_decision_date) == "2025-01-24"
    btc = names["Đảng bộ Ban Tổ chức Trung ương"]
    assert btc.org_type == "grassroots_committee" and btc.parent_id == agencies.pk
    assert names["Đảng bộ Bộ Giao thông vận tải"].parent_id == names["Đảng bộ Chính phủ"].pk
    for province in ("Quảng Ninh", "Quảng Trị"):
        bloc = names[f"Đảng bộ Khối các cơ quan tỉnh {province}"]
        assert bloc.org_type == "intermediate"
        assert orgs[bloc.parent_id].name == f"Đảng bộ tỉnh {province}"
    for name in ("Đảng bộ Chính phủ", "Đảng bộ Quân đội", "Đảng bộ Công an Trung ương", "Đảng bộ Quốc hội",
                 "Đảng bộ Mặt trận Tổ quốc, các đoàn thể Trung ương", "Đảng bộ thành phố Hà Nội",
                 "Đảng bộ Thành phố Hồ Chí Minh"):
        assert names[name].org_type == "level1"
    # One open version per active organization, matching it; none for a dissolved one.
    versions = OrganizationVersion.objects.filter(valid_to__isnull=True)
    assert versions.count() == len(active)
    assert {v.organization_id for v in versions} == set(active)
    for v in versions:
        assert (v.path, v.code, v.parent_id) == (orgs[v.organization_id].path, orgs[v.organization_id].code,
                                                 orgs[v.organization_id].parent_id)


def test_members_sit_in_cells_with_their_path(seeded: None) -> None:
    orgs = {o.pk: o for o in Organization.objects.all()}
    members = list(Member.objects.all())
    assert len(members) > 2000
    for m in members:
        org = orgs[m.organization_id]
        assert org.org_type in MEMBER_HOLDING_TYPES
        assert m.name_key == search_key(m.full_name)
        assert m.given_key == given_name_key(m.full_name)
        validate_citizen_id(m.citizen_id, birth_date=m.birth_date, gender=m.gender)
        age_at_admission = (m.admission_date - m.birth_date).days / 365.25
        assert 18 <= age_at_admission <= 61
        if m.status == MemberStatus.PROBATIONARY:
            assert m.official_date is None
        elif m.status == MemberStatus.OFFICIAL:
            assert m.official_date > m.admission_date
    assert len({m.citizen_id for m in members}) == len(members)
    statuses = Counter(m.status for m in members)
    active = statuses["official"] + statuses["probationary"]
    assert active / len(members) > 0.93
    assert 0.01 < statuses["probationary"] / active < 0.07
    assert 0.25 < sum(m.gender == "F" for m in members) / len(members) < 0.42


def test_counters_equal_real_counts(seeded: None) -> None:
    direct: dict[int, Counter] = {}
    for org_id, status in Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("organization_id", "status"):
        direct.setdefault(org_id, Counter())[status] += 1
    orgs = list(Organization.objects.all())
    subtree: dict[str, Counter] = {}
    for org in orgs:
        c = direct.get(org.pk, Counter())
        assert (org.direct_official, org.direct_probationary) == (c["official"], c["probationary"]), org.code
        for i in range(6, len(org.path) + 1, 6):
            subtree.setdefault(org.path[:i], Counter()).update(c)
    for org in orgs:
        c = subtree.get(org.path, Counter())
        assert (org.subtree_official, org.subtree_probationary) == (c["official"], c["probationary"]), org.code
    root = next(o for o in orgs if o.code == "TW")
    assert root.subtree_members == Member.objects.filter(status__in=ACTIVE_STATUSES).count()


def test_each_member_has_one_open_history_row(seeded: None) -> None:
    members = {m.pk: m for m in Member.objects.all()}
    open_rows = Counter()
    for h in MemberHistory.objects.filter(valid_to__isnull=True):
        m = members[h.member_id]
        assert (h.organization_id, h.status) == (m.organization_id, m.status)
        assert h.valid_from == (m.status_since if m.status != "official" else m.official_date)
        open_rows[h.member_id] += 1
    assert set(open_rows) == set(members)
    assert set(open_rows.values()) == {1}
    official = next(m for m in members.values() if m.status == "official")
    events = list(MemberHistory.objects.filter(member=official).order_by("valid_from").values_list("status", "event"))
    assert events == [("probationary", "registered"), ("official", "recognized")]


def test_demo_users_and_audit(seeded: None) -> None:
    from accounts.models import RoleGrant, User
    from audit.models import AuditRecord

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("x-test-password")
    grants = {g.user.username: g for g in RoleGrant.objects.select_related("user", "organization", "role")}
    assert grants["province"].organization.name == "Đảng bộ tỉnh Quảng Ninh"
    assert grants["viewer2"].organization.name == "Đảng bộ tỉnh Quảng Trị"
    assert grants["clerk"].organization.org_type == "grassroots_committee"
    assert grants["clerk"].organization.path.startswith(grants["province"].organization.path)
    assert grants["cell"].organization.org_type == "cell"
    for username, grant in grants.items():
        assert User.objects.get(username=username).organization_id == grant.organization_id
    # One record per bulk load (not one per generated row): the party, then the committees' compositions.
    assert sorted(AuditRecord.objects.filter(event="bulk_load").values_list("object_repr", flat=True)) == [
        "seed_cadres", "seed_party"]
    for grant in grants.values():
        assert grant.organization.dissolved_on is None


# --- The history of 2024-2025: the tree and the counts of any date from 2020 on read true -----------------------

DATES = ("2020-01-01", "2024-12-31", "2025-01-31", "2025-02-01", "2025-06-30", "2025-07-01")


def _level_one(on: dt.date) -> dict[str, dict]:
    from reorg.services import tree_as_of

    root = Organization.objects.get(code="TW")
    return {r["name"]: r for r in tree_as_of(root, on, user=SYSTEM, max_depth=1) if r["org_type"] == "level1"}


def test_the_tree_of_each_period(seeded: None) -> None:
    old = _level_one(dt.date(2024, 12, 31))
    provinces = {n for n, r in old.items() if r["code"].startswith("T")}
    assert len(provinces) == 63
    assert {"Đảng bộ tỉnh Quảng Bình", "Đảng bộ tỉnh Quảng Trị", "Đảng bộ tỉnh Quảng Ninh",
            "Đảng bộ tỉnh Thừa Thiên Huế", "Đảng bộ tỉnh Hà Giang"} <= provinces
    assert set(old) - provinces == {"Đảng bộ Khối các cơ quan Trung ương", "Đảng bộ Khối Doanh nghiệp Trung ương",
                                    "Đảng bộ Quân đội", "Đảng bộ Công an Trung ương"}
    february = _level_one(dt.date(2025, 2, 1))
    central = {n for n, r in february.items() if not r["code"].startswith("T")}
    assert central == {"Đảng bộ các cơ quan Đảng Trung ương", "Đảng bộ Chính phủ", "Đảng bộ Quân đội",
                       "Đảng bộ Công an Trung ương", "Đảng bộ Quốc hội",
                       "Đảng bộ Mặt trận Tổ quốc, các đoàn thể Trung ương"}
    assert february["Đảng bộ các cơ quan Đảng Trung ương"]["decision"] == "242-QĐ/TW"
    assert "Đảng bộ thành phố Huế" in february and len(february) - len(central) == 63
    july = _level_one(dt.date(2025, 7, 1))
    assert sum(1 for r in july.values() if r["code"].startswith("T")) == 34
    assert "Đảng bộ tỉnh Quảng Bình" not in july and "Đảng bộ tỉnh Quảng Trị" in july
    assert july.keys() == _level_one(dt.date.today()).keys()
    # The district level: under the provinces until 30 June 2025, gone from 1 July.
    qb = Organization.objects.get(name="Đảng bộ tỉnh Quảng Bình")
    assert qb.dissolved_on == dt.date(2025, 7, 1)
    link = OrganizationLink.objects.get(predecessor=qb)
    assert link.successor.name == "Đảng bộ tỉnh Quảng Trị" and link.kind == "merged"
    qt = Organization.objects.get(name="Đảng bộ tỉnh Quảng Trị", dissolved_on__isnull=True)
    from reorg.services import tree_as_of

    def districts(on: dt.date) -> list[dict]:
        return [r for r in tree_as_of(qt, on, user=SYSTEM, max_depth=1) if r["name"].startswith(DISTRICT_PREFIXES)]

    assert districts(dt.date(2025, 6, 30)) and not districts(dt.date(2025, 7, 1))
    assert not Organization.objects.filter(dissolved_on__isnull=True, name__startswith="Đảng bộ huyện").exists()
    # Each organization changed at most once a day: one version from each date, none covering no day.
    from django.db.models import Count, F

    assert not OrganizationVersion.objects.values("organization_id", "valid_from").annotate(n=Count("id")).filter(
        n__gt=1).exists()
    assert not OrganizationVersion.objects.filter(valid_to=F("valid_from")).exists()
    # Each change was a reorganization of the service, by a decision with its number and date.
    assert Reorganization.objects.exclude(state="applied").count() == 0
    assert not Reorganization.objects.filter(Q(decision="") | Q(decision_date__isnull=True)).exists()
    assert Reorganization.objects.filter(decision="242-QĐ/TW", kind="merge").count() == 1
    assert Reorganization.objects.filter(effective_on=dt.date(2025, 7, 1), kind="split").exists()


def test_scenario_242_finds_the_seeded_decision(seeded: None) -> None:
    from reorg.scenarios import run_scenario_242

    before = Reorganization.objects.count()
    assert run_scenario_242()["applied"] == []
    assert Reorganization.objects.count() == before


def _check_sums(org: Organization, on: dt.date) -> int:
    """The org's as-of count equals the sum over its as-of children (its own members when it holds them), and
    the count from the counters equals the direct read of the history rows. Returns the count."""
    from reorg.services import member_count_as_of, member_count_as_of_scan, tree_as_of

    count = member_count_as_of(org, on, user=SYSTEM)
    assert count == member_count_as_of_scan(org, on, user=SYSTEM), (org.code, on)
    rows = [r for r in tree_as_of(org, on, user=SYSTEM, max_depth=1) if r["organization_id"] != org.pk]
    if rows:
        children = Organization.objects.in_bulk([r["organization_id"] for r in rows])
        total = sum(member_count_as_of(children[r["organization_id"]], on, user=SYSTEM)["total"] for r in rows)
        assert count["total"] == total, (org.code, on, count, total)
    return count["total"]


def test_counts_of_each_date_add_up(seeded: None) -> None:
    """At every date from 2020 on, each of the first two levels (and a sample of the third) counts what its
    children count, and the count from the counters equals the direct read of the history rows."""
    from reorg.services import tree_as_of

    root = Organization.objects.get(code="TW")
    for day in [*(dt.date.fromisoformat(d) for d in DATES), dt.date.today()]:
        assert _check_sums(root, day) > 0
        rows = tree_as_of(root, day, user=SYSTEM, max_depth=2)
        orgs = Organization.objects.in_bulk([r["organization_id"] for r in rows])
        deeper: list[int] = []
        for r in rows:
            if r["depth"] == 2:
                _check_sums(orgs[r["organization_id"]], day)
            elif r["depth"] == 3 and len(deeper) < 40 and r["organization_id"] % 7 == 0:
                deeper.append(r["organization_id"])
        assert deeper
        for org in Organization.objects.filter(pk__in=deeper):
            _check_sums(org, day)


def test_members_of_2024_and_their_long_past(seeded: None) -> None:
    from reorg.services import member_count_as_of

    qn = Organization.objects.get(name="Đảng bộ tỉnh Quảng Ninh")
    qt = Organization.objects.get(name="Đảng bộ tỉnh Quảng Trị", dissolved_on__isnull=True)
    qb = Organization.objects.get(name="Đảng bộ tỉnh Quảng Bình")
    end_2024 = dt.date(2024, 12, 31)
    assert member_count_as_of(qn, end_2024, user=SYSTEM)["total"] > 0
    qt_2024 = member_count_as_of(qt, end_2024, user=SYSTEM)["total"]
    qb_2024 = member_count_as_of(qb, end_2024, user=SYSTEM)["total"]
    assert qt_2024 > 0 and qb_2024 > 0
    june, july = dt.date(2025, 6, 30), dt.date(2025, 7, 1)
    assert member_count_as_of(qt, july, user=SYSTEM)["total"] >= (
        member_count_as_of(qt, june, user=SYSTEM)["total"] + member_count_as_of(qb, june, user=SYSTEM)["total"])
    assert member_count_as_of(qb, july, user=SYSTEM) is None  # it no longer stood
    oldest = Member.objects.aggregate(first=Min("admission_date"))["first"]
    assert 1945 < oldest.year < 1960


def test_search_word_table_follows_the_seed(seeded: None) -> None:
    """PostgreSQL: the seed's COPY and its 2025 reorganizations keep the word table in step (members/0011)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the word table is PostgreSQL's")
    from tests.test_name_words import assert_in_step

    assert_in_step()
