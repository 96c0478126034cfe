"""The seeded committees (bench/seed_cadres.py): every organization has its terms, consistent with the tree's history;
holders were official members of the subtree on the day; bodies within the ceilings; counters and labels agree.

Runs the real bulk path (COPY on PostgreSQL, executemany on SQLite) at a tiny scale, like tests/test_seeding.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command

from audit.models import AuditRecord
from bench.seed_cadres import LEVEL, seed_cadres, timeline
from bench.seeding import MERGER_DAY, seed_party
from cadres.choices import HEAD_POSTS, BodyKind, HoldingEnd, Post, Selection, TermClosing, TermOpening
from cadres.models import Body, PostHolding, Term
from core.rules import rule
from members.models import MemberHistory
from orgs.models import Organization, OrganizationVersion
from reorg.choices import LinkKind
from reorg.models import OrganizationLink

SCALE = 0.0005
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded() -> None:
    seed_party(SCALE, 42, progress=False, users=False)


def _path_on(org_id: int, on: dt.date) -> str | None:
    version = OrganizationVersion.objects.filter(OrganizationVersion.as_of_q(on), organization_id=org_id).first()
    return version.path if version else None


def _merged_targets() -> dict[int, dt.date]:
    """Successors of a merger that stood before it (a province receiving others, a bloc receiving another)."""
    out = {}
    for link in OrganizationLink.objects.filter(kind=LinkKind.MERGED).select_related("successor"):
        est = link.successor.established_on
        if est is None or est < link.effective_on:
            out[link.successor_id] = link.effective_on
    return out


def _checksum() -> str:
    h = hashlib.sha256()
    for row in Term.objects.order_by("organization_id", "valid_from").values_list(
            "organization_id", "label", "opened_by", "closed_by", "valid_from", "valid_to", "decision"):
        h.update(repr(row).encode())
    for row in PostHolding.objects.order_by("organization_id", "valid_from", "member_id", "post").values_list(
            "organization_id", "member_id", "post", "body__kind", "valid_from", "valid_to", "end_reason"):
        h.update(repr(row).encode())
    return h.hexdigest()


def test_every_organization_has_its_terms(seeded: None) -> None:
    terms = defaultdict(list)
    for term in Term.objects.order_by("valid_from", "id"):
        terms[term.organization_id].append(term)
    merged = _merged_targets()
    assert merged, "the seed merges provinces on 1 July 2025"
    for org in Organization.objects.all():
        chain = terms[org.pk]
        assert chain, f"{org.code} has no term"
        # One after the other, each closed the day the next opens; at most the last one open.
        for prev, nxt in zip(chain, chain[1:]):
            assert prev.valid_to == nxt.valid_from, org.code
            assert prev.closed_by in (TermClosing.NEXT_TERM, TermClosing.REORGANIZED)
        assert all(t.valid_to is not None for t in chain[:-1])
        last = chain[-1]
        assert org.term == last.label
        if org.org_type == "central":
            assert [t.label for t in chain] == ["2021-2026", "2026-2031"]
            continue
        assert chain[0].label == "2020-2025"
        if org.dissolved_on is not None:
            assert last.valid_to == org.dissolved_on and last.closed_by in (TermClosing.REORGANIZED,
                                                                            TermClosing.DISSOLVED)
            continue
        assert last.label == "2025-2030" and last.valid_to is None and last.opened_by == TermOpening.CONGRESS
        assert dt.date(2025, 7, 1) < last.valid_from <= dt.date(2025, 10, 31)
        if org.established_on and org.established_on >= dt.date(2025, 1, 1):
            # Established by a reorganization: appointed from its first day, until its congress.
            assert chain[0].opened_by == TermOpening.APPOINTMENT and chain[0].valid_from == org.established_on
            assert chain[0].decision
        else:
            assert chain[0].opened_by == TermOpening.CONGRESS
            assert dt.date(2020, 3, 1) <= chain[0].valid_from <= dt.date(2020, 10, 31)
        if org.pk in merged:
            closed, appointed = chain[0], chain[1]
            assert closed.closed_by == TermClosing.REORGANIZED and closed.valid_to == merged[org.pk]
            assert appointed.opened_by == TermOpening.APPOINTMENT and appointed.label == "2020-2025"
            assert appointed.valid_from == merged[org.pk]
    assert Organization.objects.filter(org_type="level1", dissolved_on__isnull=True).count() >= 34


def test_holders_were_official_members_of_the_subtree(seeded: None) -> None:
    holdings = list(PostHolding.objects.select_related("body__term"))
    assert len(holdings) > 1000
    official = defaultdict(list)
    for member_id, cell, since, until in MemberHistory.objects.filter(status="official").values_list(
            "member_id", "organization_id", "valid_from", "valid_to"):
        official[member_id].append((cell, since, until))
    paths: dict[tuple[int, dt.date], str | None] = {}

    def path(org_id: int, on: dt.date) -> str | None:
        if (org_id, on) not in paths:
            paths[org_id, on] = _path_on(org_id, on)
        return paths[org_id, on]

    for h in holdings:
        on = h.valid_from
        assert on == h.body.term.valid_from
        rows = [r for r in official[h.member_id] if r[1] <= on and (r[2] is None or r[2] > on)]
        assert rows, f"holder {h.member_id} of {h.organization_id} was not official on {on}"
        cell = rows[0][0]
        assert path(cell, on) is not None and path(h.organization_id, on) is not None
        assert path(cell, on).startswith(path(h.organization_id, on)), (h.organization_id, h.member_id, on)
        # Until the term's end, or earlier when the holder stopped being an official member there.
        term = h.body.term
        if h.valid_to is None:
            assert term.valid_to is None and (rows[0][2] is None)
        elif h.end_reason in (HoldingEnd.TERM_ENDED, HoldingEnd.REORGANIZED):
            assert h.valid_to == term.valid_to
        else:
            assert h.valid_to == rows[0][2] and (term.valid_to is None or h.valid_to < term.valid_to)
        expected = Selection.APPOINTED if term.opened_by == TermOpening.APPOINTMENT else Selection.ELECTED
        assert h.selection == expected


def test_bodies_within_the_ceilings_and_counters(seeded: None) -> None:
    by_body = defaultdict(list)
    for h in PostHolding.objects.all():
        by_body[h.body_id].append(h)
    officials = Counter(MemberHistory.objects.filter(status="official").values_list("organization_id", flat=True))
    kinds = Counter()
    for body in Body.objects.select_related("term", "organization"):
        org, term, holders = body.organization, body.term, by_body[body.pk]
        kinds[body.kind] += 1
        assert body.ended_on == term.valid_to
        level = LEVEL.get(org.org_type)
        on = term.valid_from
        if level:
            code = {BodyKind.EXECUTIVE_COMMITTEE: "EXECUTIVE_COMMITTEE", BodyKind.STANDING_COMMITTEE:
                    "STANDING_COMMITTEE", BodyKind.INSPECTION_COMMISSION: "INSPECTION_COMMISSION"}[body.kind]
            assert body.seats <= rule(f"{code}_MAX_{level}", on), (org.code, body.kind, body.seats)
            deputies = sum(h.post == Post.DEPUTY_SECRETARY for h in holders)
            assert deputies <= rule(f"DEPUTY_SECRETARIES_MAX_{level}", on)
        if org.org_type in ("cell", "grassroots_cell") and officials[org.pk] < rule("CELL_COMMITTEE_MIN_OFFICIAL", on):
            assert body.kind == BodyKind.EXECUTIVE_COMMITTEE and body.seats <= 2
        assert len(holders) <= body.seats
        assert len({h.member_id for h in holders}) == len(holders)
        head = HEAD_POSTS.get(body.kind)
        assert sum(h.post == head for h in holders) <= 1
        from cadres.choices import BODY_POSTS

        assert all(h.post in BODY_POSTS[body.kind] for h in holders)
        current = [h for h in holders if h.valid_to is None]
        assert body.filled == len(current)
        assert body.head_filled == any(h.post == head for h in current)
        assert body.vacant == (body.ended_on is None and (body.filled < body.seats
                                                          or (head is not None and not body.head_filled)))
        if body.kind == BodyKind.STANDING_COMMITTEE:
            executive = Body.objects.get(term=term, kind=BodyKind.EXECUTIVE_COMMITTEE)
            assert body.seats < executive.seats
    assert kinds[BodyKind.STANDING_COMMITTEE] and kinds[BodyKind.INSPECTION_COMMISSION]
    open_bodies = Body.objects.filter(ended_on__isnull=True)
    vacant = open_bodies.filter(vacant=True).count()
    assert 0 < vacant < open_bodies.count() * 0.2  # some vacancies for the worklist, not most bodies


def test_composition_of_a_merged_province_before_and_after_the_merger(seeded: None) -> None:
    merged = _merged_targets()
    province = Organization.objects.filter(pk__in=merged, org_type="level1").order_by("code").first()
    assert merged[province.pk] == MERGER_DAY
    before = list(PostHolding.objects.filter(organization=province).as_of(dt.date(2025, 6, 30))
                  .select_related("body__term"))
    after = list(PostHolding.objects.filter(organization=province).as_of(dt.date(2025, 7, 2))
                 .select_related("body__term"))
    assert before and after
    assert {h.body.term.opened_by for h in before} == {TermOpening.CONGRESS}
    assert {h.body.term.opened_by for h in after} == {TermOpening.APPOINTMENT}
    assert {h.selection for h in after} == {Selection.APPOINTED}
    assert {h.valid_from for h in after} == {MERGER_DAY}
    assert not {h.pk for h in before} & {h.pk for h in after}
    secretaries = [h for h in after if h.post == Post.SECRETARY]
    assert len(secretaries) <= 1
    # The congress committee's holders all left on the merger's day, as reorganized (or earlier, for a reason).
    ended = [h for h in before if h.valid_to == MERGER_DAY]
    assert ended and all(h.end_reason == HoldingEnd.REORGANIZED for h in ended)
    # Its predecessors' committees ended the same day.
    sources = OrganizationLink.objects.filter(successor=province, kind=LinkKind.MERGED).values_list(
        "predecessor_id", flat=True)
    for source in sources:
        last = Term.objects.filter(organization_id=source).order_by("-valid_from").first()
        assert last.valid_to == MERGER_DAY and last.closed_by == TermClosing.REORGANIZED


def test_deterministic_replace_and_audit(seeded: None) -> None:
    first = _checksum()
    with pytest.raises(RuntimeError):
        seed_cadres(42, progress=False)
    call_command("seed_party", cadres_only=True, replace=True, no_progress=True)
    assert _checksum() == first
    assert AuditRecord.objects.filter(event="bulk_load", object_repr="seed_cadres").count() == 2


def test_timeline_rules() -> None:
    """The pure timeline: congress, merger (closed, appointed), end; established later: appointed."""
    plans = timeline(7, "level1", dt.date(1990, 1, 1), None, [dt.date(2025, 7, 1)], False, 1)
    assert [(p.label, p.opened_by, p.closed_by) for p in plans] == [
        ("2020-2025", TermOpening.CONGRESS, TermClosing.REORGANIZED),
        ("2020-2025", TermOpening.APPOINTMENT, TermClosing.NEXT_TERM),
        ("2025-2030", TermOpening.CONGRESS, ""),
    ]
    assert plans[0].end == plans[1].start == dt.date(2025, 7, 1) and plans[2].end is None
    plans = timeline(8, "intermediate", dt.date(1990, 1, 1), dt.date(2025, 7, 1), [], True, 1)
    assert [(p.label, p.end, p.closed_by) for p in plans] == [("2020-2025", dt.date(2025, 7, 1),
                                                               TermClosing.REORGANIZED)]
    plans = timeline(9, "intermediate", dt.date(2025, 7, 1), None, [], False, 1)
    assert [(p.label, p.opened_by, p.start) for p in plans][0] == ("2020-2025", TermOpening.APPOINTMENT,
                                                                   dt.date(2025, 7, 1))
    assert plans[1].label == "2025-2030" and plans[1].start.month == 8
