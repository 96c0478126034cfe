"""The mechanisms everything stands on: tree paths, search keys, scope, audited actions, dated history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection  # noqa: F401 (the skip condition)
from django.db.models import Count
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditRecord
from core import tree
from core.actions import SYSTEM, WriteOutsideAction, acting
from core.lookups import probe_sql, rows_by_unique_key
from core.models import AuditedModel
from core.scope import OutOfScope
from core.services import EditConflict
from core.text import given_name_key, search_key
from lifecycle.services import confirm_receipt, issue_transfer_letter, record_leaving
from members import registry
from members.choices import MemberStatus
from members.models import Member, MemberHistory
from members.services import update_member
from orgs.models import Organization, OrganizationVersion
from orgs.services import establish_organization, update_organization
from tests import factories

pytestmark = pytest.mark.django_db


# --- search keys -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "key"),
    [("Nguyễn Văn Đức", "nguyen van duc"), ("ĐẶNG THỊ Ánh", "dang thi anh"), ("  Lê   Minh  ", "le minh"),
     ("H'Hen Niê", "h hen nie"), ("Đỗ Thuỳ Dương", "do thuy duong")],
)
def test_search_key_folds_diacritics_and_d(text, key):
    assert search_key(text) == key


def test_given_name_key_starts_with_given_name():
    assert given_name_key("Nguyễn Văn An") == "an nguyen van"


@given(st.text(max_size=60))
def test_search_key_is_ascii_lowercase_and_idempotent(text):
    key = search_key(text)
    assert key == search_key(key)
    assert all(c in "abcdefghijklmnopqrstuvwxyz0123456789 " for c in key)


@given(st.lists(st.integers(min_value=0, max_value=tree.MAX_ID), min_size=1, max_size=8))
def test_path_round_trips_ancestor_ids(ids):
    path = ""
    for pk in ids:
        path = tree.child_path(path, pk)
    assert tree.ancestor_ids(path) == ids
    assert tree.depth_of(path) == len(ids)


def test_path_order_matches_subtree_ranges():
    parent = tree.child_path("", 35)
    child = tree.child_path(parent, 36**6 - 1)
    sibling = tree.child_path("", 36)
    assert child.startswith(parent) and not sibling.startswith(parent)
    assert parent < child < sibling


# --- the tree ----------------------------------------------------------------------------------------------
def test_subtree_query_uses_paths(world):
    inside = set(Organization.objects.within(world.a.org).values_list("code", flat=True))
    assert inside == {"T22", "T22.G1", "T22.G1.C1", "T22.G1.C2"}
    assert [o.code for o in world.a.cells[0].ancestors()] == ["TW", "T22", "T22.G1"]


def test_establish_refuses_wrong_type_under_parent(world):
    with pytest.raises(ValidationError):
        establish_organization(SYSTEM, parent=world.a.cells[0], code="X1", name="Chi bộ con", org_type="cell")
    assert not Organization.objects.filter(code="X1").exists()


def test_tree_as_of_a_date_shows_old_names(world):
    org = world.a.grassroots
    update_organization(SYSTEM, org, expected_version=org.lock_version, name="Đảng bộ phường Mới",
                        effective_on=dt.date(2025, 7, 1), decision="1-QĐ/TU")
    old = OrganizationVersion.objects.as_of(dt.date(2024, 1, 1)).get(organization=org)
    new = OrganizationVersion.objects.as_of(dt.date(2025, 7, 1)).get(organization=org)
    assert old.name == "Đảng bộ xã Quảng Ninh" and new.name == "Đảng bộ phường Mới"
    assert new.decision == "1-QĐ/TU"
    assert not OrganizationVersion.objects.as_of(dt.date(2019, 1, 1)).filter(organization=org).exists()


# --- members, counters, history ------------------------------------------------------------------------------
def _assert_counters_true():
    real = {
        (row["organization_id"], row["status"]): row["n"]
        for row in Member.objects.active().values("organization_id", "status").annotate(n=Count("id"))
    }
    for org in Organization.objects.all():
        sub = Member.objects.active().within_path(org.path)
        assert org.subtree_official == sub.filter(status="official").count(), org.code
        assert org.subtree_probationary == sub.filter(status="probationary").count(), org.code
        assert org.direct_official == real.get((org.pk, "official"), 0), org.code
        assert org.direct_probationary == real.get((org.pk, "probationary"), 0), org.code


def _transfer(member, to, on):
    """A transfer the party's way: the letter, then the receipt (the system actor does both sides)."""
    letter = issue_transfer_letter(SYSTEM, member.pk, to_org=to, number=f"T-{member.pk}", issued_on=on)
    return confirm_receipt(SYSTEM, letter, received_on=on)


def test_counters_follow_register_transfer_and_status(world):
    _assert_counters_true()
    m = world.a.members[0]
    _transfer(m, world.b.cells[0], dt.date(2024, 1, 1))
    _assert_counters_true()
    record_leaving(SYSTEM, m.pk, kind="death", on=dt.date(2025, 1, 1), decision="12-QĐ")
    _assert_counters_true()
    assert Member.objects.get(pk=m.pk).status == MemberStatus.DECEASED
    assert Organization.objects.get(pk=world.central.pk).subtree_members == 5


def test_members_as_of_a_date(world):
    m = world.a.members[0]
    cell_a = m.organization
    _transfer(m, world.a.cells[1], dt.date(2024, 6, 1))
    before = MemberHistory.objects.as_of(dt.date(2024, 5, 31)).filter(organization=cell_a)
    after = MemberHistory.objects.as_of(dt.date(2024, 6, 1)).filter(organization=cell_a)
    assert m.pk in set(before.values_list("member_id", flat=True))
    assert m.pk not in set(after.values_list("member_id", flat=True))
    # A probationary year is history too: official members show it.
    first = MemberHistory.objects.filter(member=m).order_by("valid_from").first()
    assert first.status == "probationary" and first.valid_to == m.official_date


def test_transfer_back_in_time_before_last_change_is_refused(world):
    m = world.a.members[0]
    with pytest.raises(ValidationError):
        _transfer(m, world.a.cells[1], dt.date(1999, 1, 1))
    with pytest.raises(ValidationError), acting(SYSTEM, "test.move"):
        registry.move(Member.objects.get(pk=m.pk), world.a.cells[1], dt.date(1999, 1, 1))
    assert Member.objects.get(pk=m.pk).organization_id == m.organization_id


def test_member_search_is_diacritics_insensitive(world):
    qs = Member.objects.all()
    assert [m.full_name for m in qs.search("nguyen van duc")] == ["Nguyễn Văn Đức"]
    # Any word of the name: "Đức" is the given name of one and the middle name of the other.
    assert {m.full_name for m in qs.search("Đức")} == {"Nguyễn Văn Đức", "Phạm Đức Anh"}
    assert {m.full_name for m in qs.search("duc")} == {"Nguyễn Văn Đức", "Phạm Đức Anh"}
    assert {m.full_name for m in qs.search("an")} == {"Lê Minh An", "Phạm Đức Anh"}  # as-you-type prefix
    assert qs.search(world.a.members[1].citizen_id).get().full_name == "Trần Thị Hoa"


def test_bad_citizen_id_is_refused_with_field_error(world):
    with pytest.raises(ValidationError) as err:
        factories.register_member(SYSTEM, organization=world.a.cells[0], full_name="Võ Văn Bình", gender="M",
                                  birth_date=dt.date(1990, 1, 1), admission_date=dt.date(2015, 1, 1),
                                  official_date=dt.date(2016, 1, 1), citizen_id="022195000001")
    assert "citizen_id" in err.value.message_dict
    assert not Member.objects.filter(full_name="Võ Văn Bình").exists()


def test_concurrent_edit_is_detected_not_overwritten(world):
    m = world.a.members[1]
    opened_by_two = m.lock_version
    update_member(world.a_secretary, m, expected_version=m.lock_version, occupation="Giáo viên")
    with pytest.raises(EditConflict):
        update_member(world.a_secretary, m, expected_version=opened_by_two, occupation="Nông dân")
    assert Member.objects.get(pk=m.pk).occupation == "Giáo viên"


# --- scope ---------------------------------------------------------------------------------------------------
def test_restrict_limits_every_read_to_the_granted_subtree(world):
    user = world.a_secretary
    assert set(Member.objects.restrict(user).values_list("pk", flat=True)) == {m.pk for m in world.a.members}
    assert not Organization.objects.restrict(user).filter(pk=world.b.org.pk).exists()
    assert not Organization.objects.restrict(user).filter(pk=world.central.pk).exists()
    viewer_members = Member.objects.restrict(world.a_viewer)
    assert set(viewer_members.values_list("organization_id", flat=True)) == {world.a.cells[0].pk}
    assert not Member.objects.restrict(world.a_viewer, "change").exists()
    assert Member.objects.restrict(world.admin).count() == 6


def test_write_that_leaves_the_scope_is_rolled_back(world):
    m = world.a.members[0]
    with pytest.raises(OutOfScope), acting(world.a_secretary, "test.move"):
        registry.move(Member.objects.get(pk=m.pk), world.b.cells[0], dt.date(2024, 1, 1))
    fresh = Member.objects.get(pk=m.pk)
    assert fresh.organization_id == m.organization_id
    assert MemberHistory.objects.filter(member=m, valid_to__isnull=True).count() == 1


def test_out_of_scope_object_cannot_be_changed(world):
    """A refusal the views and the API show as a message (not a DoesNotExist, which was a 500)."""
    target = world.b.members[0]
    with pytest.raises(OutOfScope):
        update_member(world.a_secretary, target, expected_version=0, occupation="x")
    assert Member.objects.get(pk=target.pk).occupation != "x"


def test_revoked_and_expired_grants_give_no_access(world):
    from accounts.services import revoke_role

    grant = world.a_viewer.grants.get()
    revoke_role(SYSTEM, grant, on=dt.date(2021, 1, 1))
    fresh = type(world.a_viewer).objects.get(pk=world.a_viewer.pk)
    assert not Member.objects.restrict(fresh).exists()


# --- audit ---------------------------------------------------------------------------------------------------
# Models of the project that are not audited, each with the reason; anything else must be an AuditedModel.
NOT_AUDITED = {
    "audit.AuditRecord": "the audit trail itself (append-only; auditing it would recurse)",
}


def _project_app_configs() -> list:
    """Every installed app whose code lives in this repository (third-party packages are in the venv)."""
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and not any(part in {".venv", "site-packages"} for part in path.parts):
            found.append(config)
    return found


def _unaudited(models: list) -> list[str]:
    """Concrete models that neither join the audit mechanism nor are exempted with a reason."""
    return [model._meta.label for model in models
            if not model._meta.auto_created and not model._meta.abstract
            and not issubclass(model, AuditedModel) and model._meta.label not in NOT_AUDITED]


def test_every_domain_model_is_audited():
    """A new model of any installed app of ours must join the audit mechanism, or say here why it does not."""
    configs = _project_app_configs()
    labels = {c.label for c in configs}
    assert {"core", "audit", "accounts", "orgs", "members", "lifecycle", "reorg", "jobs", "exchange"} <= labels
    assert not labels & {"auth", "axes", "authtoken", "admin", "sessions"}, "third-party apps are not ours"
    ours = [model for config in configs for model in config.get_models()]
    unaudited = _unaudited(ours)
    assert not unaudited, f"not audited and not exempted with a reason: {unaudited}"
    stale = set(NOT_AUDITED) - {m._meta.label for m in ours}
    assert not stale, f"exempted models that no longer exist: {stale}"


def test_the_audit_coverage_check_sees_a_new_unaudited_model():
    from django.db import models
    from django.test.utils import isolate_apps

    with isolate_apps("lifecycle"):
        class Minutes(models.Model):  # a new app's model that forgot the audit
            text = models.TextField()

            class Meta:
                app_label = "lifecycle"

        class Audited(AuditedModel):
            class Meta:
                app_label = "lifecycle"

        assert _unaudited([Minutes, Audited, AuditRecord]) == ["lifecycle.Minutes"]


def test_writes_outside_an_action_are_refused(world):
    m = world.a.members[0]
    m.occupation = "Kỹ sư"
    with pytest.raises(WriteOutsideAction):
        m.save()
    with pytest.raises(WriteOutsideAction):
        Member.objects.filter(pk=m.pk).update(occupation="x")
    with pytest.raises(WriteOutsideAction):
        Organization.objects.filter(pk=world.a.org.pk).delete()


def test_audit_records_actor_before_after_in_the_same_transaction(world):
    m = world.a.members[1]
    update_member(world.a_secretary, m, expected_version=m.lock_version, occupation="Bác sĩ")
    rec = AuditRecord.objects.filter(object_id=str(m.pk), content_type__model="member").first()
    assert rec.actor == world.a_secretary and rec.event == "update"
    assert rec.changes["occupation"] == ["", "Bác sĩ"]
    assert rec.org_path == m.organization.path and rec.action == "members.update_member"


def test_failed_action_leaves_no_audit_and_no_change(world):
    count = AuditRecord.objects.count()
    with pytest.raises(OutOfScope), acting(world.a_secretary, "test.move"):
        registry.move(Member.objects.get(pk=world.a.members[0].pk), world.b.cells[0], dt.date(2024, 1, 1))
    assert AuditRecord.objects.count() == count


def test_bulk_update_is_audited_row_by_row(world):
    ids = [m.pk for m in world.a.members]
    with acting(world.admin, "test.bulk"):
        Member.objects.filter(pk__in=ids).update(occupation="Công nhân")
    recs = AuditRecord.objects.filter(action="test.bulk", content_type__model="member")
    assert sorted(int(r.object_id) for r in recs) == sorted(ids)
    assert all(r.changes["occupation"][1] == "Công nhân" for r in recs)


def test_audit_trail_is_scoped(world):
    visible = AuditRecord.objects.restrict(world.a_secretary)
    assert visible.filter(object_repr__startswith="Trần Thị Hoa").exists()
    assert not visible.filter(object_repr__contains="Zeta").exists()


def test_keyset_pages_of_a_word_search_visit_every_match_once(world):
    from core.pagination import keyset_page

    cell = world.a.cells[0]
    names = ["An Văn Bình", "Lê Văn An", "Trần An", "Anh Thị Lan", "Phạm Thị Ánh", "Hồ Văn Lâm"]
    for i, name in enumerate(names):
        factories.member(cell, name, gender="F" if i % 2 else "M")
    qs = Member.objects.all().search("an")
    expected = sorted(qs, key=lambda m: (m.name_key, m.pk))
    seen, cursor, pages = [], None, []
    while True:
        page = keyset_page(qs, ["name_key", "id"], cursor, 2)
        seen += page.items
        pages.append(page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert [m.pk for m in seen] == [m.pk for m in expected]
    assert {m.full_name for m in seen} >= {"An Văn Bình", "Lê Văn An", "Trần An", "Anh Thị Lan", "Phạm Thị Ánh",
                                           "Lê Minh An", "Phạm Đức Anh"}
    back = keyset_page(qs, ["name_key", "id"], pages[-1].previous_cursor, 2)
    assert [m.pk for m in back.items] == [m.pk for m in pages[-2].items]


def test_rows_by_unique_key_finds_registered_members_only(world):
    m = world.a.members[0]
    found = rows_by_unique_key(Member, "citizen_id", {m.citizen_id, "099999999999"},
                               ("citizen_id", "organization_id", "birth_date"))
    assert found == [{"citizen_id": m.citizen_id, "organization_id": m.organization_id,
                      "birth_date": m.birth_date}]
    assert rows_by_unique_key(Member, "citizen_id", set(), ("citizen_id",)) == []
    # More keys than one statement may bind (SQLite's IN is asked in chunks): every member is found, once, with
    # its values as the ORM gives them (dates as dates).
    members = world.a.members
    keys = [f"{n:012d}" for n in range(2500)] + [x.citizen_id for x in members]
    found = rows_by_unique_key(Member, "citizen_id", keys, ("citizen_id", "official_date", "status"))
    assert sorted(found, key=lambda r: r["citizen_id"]) == sorted(
        Member.objects.filter(pk__in=[x.pk for x in members]).values("citizen_id", "official_date", "status"),
        key=lambda r: r["citizen_id"])


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the probe is PostgreSQL's plan")
def test_unique_key_probe_reads_the_index_not_the_registry(world):
    """``IN (2,000 keys)`` on a small registry is planned as a sequential scan; the probe never is."""
    keys = [f"{n:012d}" for n in range(2000)]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + probe_sql(Member, "citizen_id", ("citizen_id", "full_name")), [keys])
        plan = "\n".join(r[0] for r in cursor.fetchall())
    assert "Seq Scan on members_member" not in plan
    assert "Index Cond: ((citizen_id)::text = (k.v)::text)" in plan


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="Django's pattern indexes are PostgreSQL's")
def test_member_numbers_have_their_unique_index_only(world):
    """Members are found by citizen ID or card number with equality: the unique index, no "_like" index beside it
    (members migration 0007) to slow every insert. The one other index is the trigram index of the search by part
    of a number (members migration 0009)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'members_member'")
        indexes = [r[0] for r in cursor.fetchall()]
    for column in ("citizen_id", "party_card_no"):
        on_column = [d for d in indexes if f"({column}" in d and "gin_trgm_ops" not in d]
        assert len(on_column) == 1 and on_column[0].startswith("CREATE UNIQUE INDEX"), on_column
        assert len([d for d in indexes if f"({column} gin_trgm_ops)" in d]) == 1
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the table is small here: ask which index it would take
    plan = Member.objects.filter(citizen_id=world.a.members[0].citizen_id).only("id").explain()
    assert "members_member_citizen_id_key" in plan


def test_audit_trail_is_not_rewritten_when_its_user_goes(world):
    """No database constraint and no SET NULL: deleting an account leaves its records as they were."""
    user_model = type(world.admin)
    with acting(world.admin, "test.account"):
        clerk = user_model.objects.create_user("clerk_gone", password=None)
    with acting(clerk, "test.bulk"):
        Member.objects.filter(pk=world.a.members[1].pk).update(occupation="Thợ mộc")
    rec = AuditRecord.objects.get(action="test.bulk")
    with acting(world.admin, "test.account"):
        user_model.objects.filter(pk=clerk.pk).delete()
    rec.refresh_from_db()
    assert rec.actor_id == clerk.pk and rec.actor_label == "clerk_gone"
    assert rec.changes["occupation"][1] == "Thợ mộc"
