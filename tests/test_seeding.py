"""The generator's promises: deterministic, consistent tree and paths, exact counters, valid records.

Runs the real bulk path (COPY on PostgreSQL, executemany on SQLite) at a tiny scale, so these tests
need a transactional database.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from django.core.management import call_command

from bench.seeding import plan_tree, sample_rows, seed_party
from core.text import given_name_key, search_key
from core.tree import child_path
from members.choices import ACTIVE_STATUSES, MemberStatus
from members.models import Member, MemberHistory
from members.validators import validate_citizen_id
from orgs.choices import MEMBER_HOLDING_TYPES
from orgs.models import Organization, OrganizationVersion

SCALE = 0.0005
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
    assert sum(1 for o in orgs.values() if o.org_type == "level1") == 40
    depths = {o.depth for o in orgs.values() if o.org_type in MEMBER_HOLDING_TYPES}
    assert len(depths) >= 3, "depth should vary by branch"
    names = {o.name: o for o in orgs.values()}
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
    # One open version per organization, matching it.
    versions = OrganizationVersion.objects.filter(valid_to__isnull=True)
    assert versions.count() == len(orgs)
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
    assert AuditRecord.objects.filter(event="bulk_load").count() == 1
