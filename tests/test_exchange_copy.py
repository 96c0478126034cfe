"""PostgreSQL: the import writes members, history and audit records with COPY (exchange/bulk.py).

The rows (and their audit records) must be exactly those of the INSERT path (the one SQLite takes),
which tests/test_exchange.py compares with ``AuditedQuerySet.bulk_create``; an "all" import that is
cancelled or meets an error row leaves nothing; the counters stay right in both modes.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction  # noqa: F401 (connection: the skip condition)

from audit.models import AuditRecord
from exchange import bulk
from jobs.models import JobState
from jobs.services import claim_job, enqueue_job, request_cancel, run_job
from members.models import Member, MemberHistory
from orgs.models import Organization
from tests.test_exchange import row, run_import, snapshot, write_csv

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("job_files"),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="COPY is the PostgreSQL path"),
]
# (The skip condition is a string, so it is evaluated when the test runs, against the configured database.)


class _Undo(Exception):
    pass


def _rows(world, n=9):
    cells = world.a.cells
    rows = [row(cells[i % len(cells)].code, i) for i in range(n)]
    rows[1]["status"], rows[1]["official_date"] = "probationary", ""
    rows[4]["status"], rows[4]["official_date"] = "probationary", ""
    rows[2]["home_town"] = "Tab\there, back\\slash,\nnew line and \"quotes\""  # COPY escaping
    rows[3]["party_card_no"] = "123456789012"
    return rows


def _content(marker: set[str]):
    """Everything the import wrote, with its own keys replaced by positions so two imports compare."""
    members = list(Member.objects.filter(citizen_id__in=marker).order_by("id").values())
    member_pos = {m["id"]: i for i, m in enumerate(members)}
    history = list(MemberHistory.objects.filter(member_id__in=member_pos).order_by("id").values())
    history_pos = {h["id"]: i for i, h in enumerate(history)}
    audit = []
    for model, positions in ((Member, member_pos), (MemberHistory, history_pos)):
        ct = ContentType.objects.get_for_model(model)
        records = AuditRecord.objects.filter(content_type=ct, object_id__in=[str(k) for k in positions]).order_by("id")
        for r in records.values():
            changes = dict(r["changes"])
            changes["id"] = [None, positions[changes["id"][1]]]
            repr_ = r["object_repr"]
            if "member_id" in changes:
                member_id = changes["member_id"][1]
                changes["member_id"] = [None, member_pos[member_id]]
                assert repr_.startswith(f"{member_id} ")
                repr_ = f"#{member_pos[member_id]} " + repr_.split(" ", 1)[1]
            audit.append({**{k: v for k, v in r.items() if k not in ("id", "at", "object_id", "changes")},
                          "object": (model.__name__, positions[int(r["object_id"])]), "object_repr": repr_,
                          "changes": changes, "order": list(changes)})
    for m in members:
        m["id"] = member_pos[m["id"]]
    for h in history:
        h["id"], h["member_id"] = history_pos[h["id"]], member_pos[h["member_id"]]
    return members, history, audit


def _import_and_undo(world, path, monkeypatch, *, copy: bool):
    """Import ``path`` ("all" mode), read what was written and the counters, then roll it all back."""
    monkeypatch.setattr(bulk, "use_copy", lambda: copy)
    ids = set()
    with pytest.raises(_Undo), transaction.atomic():
        job = run_import(world, path)
        assert job.state == JobState.SUCCEEDED, job.message
        ids = set(Member.objects.filter(full_name__startswith="Nguyễn Văn Thử").values_list("citizen_id", flat=True))
        result = (job.result["created"], _content(ids), snapshot())
        at = set(AuditRecord.objects.filter(object_repr__startswith="Nguyễn Văn Thử").values_list("at", flat=True))
        raise _Undo()
    assert not Member.objects.filter(citizen_id__in=ids).exists()
    return result, at


def test_copy_writes_the_same_rows_audit_records_and_counters_as_insert(world, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "same.csv", _rows(world))
    before = snapshot()
    (created, copied, counters), at = _import_and_undo(world, path, monkeypatch, copy=True)
    (created_i, inserted, counters_i), _at = _import_and_undo(world, path, monkeypatch, copy=False)
    assert created == created_i == 9
    members, history, audit = copied
    assert len(members) == 9 and len(history) == 9 + 7 and len(audit) == 9 + 16
    assert (members, history) == inserted[:2]
    request_ids = {r.pop("request_id") for r in audit}  # one per job, so it differs between the two runs
    assert len(request_ids) == 1 and {r.pop("request_id") for r in inserted[2]} != request_ids
    assert audit == inserted[2]
    assert counters == counters_i and counters != before
    assert len(at) == 1 and None not in at
    # What the COPY path stored, read back as such.
    assert members[2]["home_town"] == "Tab\there, back\\slash,\nnew line and \"quotes\""
    assert members[3]["party_card_no"] == "123456789012" and members[0]["party_card_no"] is None
    assert {h["event"] for h in history} == {"registered", "recognized"}
    first = audit[0]
    assert first["event"] == "create" and first["actor_id"] == world.a_secretary.pk
    assert first["changes"]["birth_date"] == [None, members[0]["birth_date"].isoformat()]
    assert first["changes"]["official_date"] == [None, members[0]["official_date"].isoformat()]
    assert audit[1]["changes"]["official_date"] == [None, None]
    assert first["order"][0] == "id"
    assert first["org_path"] == Organization.objects.get(pk=members[0]["organization_id"]).path


def test_copy_import_counters_match_the_members(world, tmp_path):
    rows = _rows(world, 12)
    orgs_before = {o.pk: o for o in Organization.objects.all()}
    job = run_import(world, write_csv(tmp_path / "c.csv", rows), mode="valid")
    assert job.state == JobState.SUCCEEDED and job.result["created"] == 12
    new = Member.objects.filter(full_name__startswith="Nguyễn Văn Thử")
    for org in Organization.objects.all():
        old = orgs_before[org.pk]
        direct = new.filter(organization=org)
        subtree = new.filter(organization__path__startswith=org.path)
        assert org.direct_official - old.direct_official == direct.filter(status="official").count()
        assert org.direct_probationary - old.direct_probationary == direct.filter(status="probationary").count()
        assert org.subtree_official - old.subtree_official == subtree.filter(status="official").count()
        assert org.subtree_probationary - old.subtree_probationary == subtree.filter(status="probationary").count()
    assert world.a.org.subtree_probationary + 2 == Organization.objects.get(pk=world.a.org.pk).subtree_probationary


def _counts():
    cts = [ContentType.objects.get_for_model(m) for m in (Member, MemberHistory)]
    return snapshot(), AuditRecord.objects.filter(content_type__in=cts).count()


def test_cancelled_all_mode_copy_import_leaves_nothing(world, tmp_path, settings):
    settings.EXCHANGE_BATCH_SIZE = 3
    path = write_csv(tmp_path / "cancel.csv", _rows(world, 10))
    job = enqueue_job(world.a_secretary, kind="members.import", org_path=world.a.org.path, label="t",
                      params={"file": str(path), "filename": path.name, "mode": "all", "root_id": world.a.org.pk,
                              "language": "en"})
    job = claim_job("w", job.pk)
    state = _counts()
    seen = []

    def cancel_after_two_batches(done, total):
        seen.append(done)
        if done >= 6:
            request_cancel(world.a_secretary, job)

    job = run_job(job, on_progress=cancel_after_two_batches)
    assert job.state == JobState.CANCELLED
    assert max(seen) >= 6  # two batches were written (with COPY) before the cancel
    assert _counts() == state
    assert not Member.objects.filter(full_name__startswith="Nguyễn Văn Thử").exists()


def test_all_mode_error_in_a_late_batch_rolls_back_the_copied_batches(world, tmp_path, settings):
    settings.EXCHANGE_BATCH_SIZE = 3
    rows = _rows(world, 10)
    rows[9]["gender"] = "X"
    state = _counts()
    job = run_import(world, write_csv(tmp_path / "bad.csv", rows))
    assert job.result["created"] == 0 and job.result["error_rows"] == 1
    assert _counts() == state
