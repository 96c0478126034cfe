"""Open work of members' lives follows a reorganization (registered as reorg handlers, like role grants).

When an organization ends (merged, split, dissolved into a successor), what is still open there moves on:

- transfer letters on both sides: a letter sent by the organization goes with its member (the member is already
  in the new organization when the handler runs), a letter addressed to it goes to the successor; a letter whose
  two sides end in the same organization has nothing left to carry and is closed (cancelled, or a temporary
  activity ended) with the reorganization's decision as its reason;
- admission cases: the case continues in the successor cell (a probationary member's case follows the member),
  so its ceremony and recognition can still be recorded;
- development targets of the current and later years: moved when the successor has none for the year, summed
  when both are numbers of members (the successor now admits for both), kept as the successor's own when both
  are percents (its percent already applies to the merged base), and kept but listed for a decision when one is
  a number and the other a percent. Past years stay with the ended organization: they are its history.

A split divides the organization: items tied to a member follow that member; the rest (applications before the
ceremony, letters addressed to it, targets) go to the successor the plan names for the hand-over (the first by
default) and are listed as needing a decision, so a clerk checks them rather than finding them stuck in a
dissolved cell. Without any successor they stay where they are, listed for review (withdraw, return or cancel).

Each write is a queryset ``update`` inside the reorganization's action, so each moved item has its audit record.
Previews store codes (``kind``, ``how``) and names, never sentences; the page words them.
"""

from __future__ import annotations

import datetime as dt

from core.registry import HandOver
from lifecycle.choices import OPEN_CASE_STATES, CaseState, LetterState, TransferKind
from lifecycle.models import AdmissionCase, DevelopmentTarget, TransferLetter, open_letter_q
from orgs.choices import MEMBER_HOLDING_TYPES, OrgType

SAMPLE = 50  # rows listed per kind in a preview

# What happens to an item (``how``): the page translates these codes.
MOVES, FOLLOWS_MEMBER, FIRST_SUCCESSOR, REVIEW, CLOSES, MERGED, KEPT, STAYS = (
    "moves", "follows_member", "first_successor", "review", "closes", "merged", "kept", "stays")
NEEDS_DECISION = {FIRST_SUCCESSOR, REVIEW}


def _holds_members(org_type: str | None) -> bool:
    return org_type in MEMBER_HOLDING_TYPES


def _may_receive_letters(org_type: str | None) -> bool:
    """A letter is addressed to a cell, or to a committee directly under the Centre (which assigns the cell)."""
    return _holds_members(org_type) or org_type == OrgType.LEVEL1


def _row(kind: str, obj_id: int, label: str, hand: HandOver, how: str, to: str | None = None,
         member: str = "") -> dict:
    named = how in (MOVES, FIRST_SUCCESSOR, MERGED, KEPT, CLOSES)
    return {"kind": kind, "id": obj_id, "label": label, "member": member, "from": hand.source.name,
            "to": to if to is not None else (hand.target_name if named else None), "how": how}


def _result(rows: list[dict]) -> dict:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    counts["decide"] = sum(1 for row in rows if row["how"] in NEEDS_DECISION)
    listed: list[dict] = []
    per_kind: dict[str, int] = {}
    for row in rows:
        per_kind[row["kind"]] = per_kind.get(row["kind"], 0) + 1
        if per_kind[row["kind"]] <= SAMPLE or row["how"] in NEEDS_DECISION:
            listed.append(row)
    return {"open_work": listed, "open_work_totals": counts}


# --- transfer letters ---------------------------------------------------------------------------------------
def _letters(hand: HandOver):
    source = hand.source
    out = (TransferLetter.objects.filter(open_letter_q(), from_org=source).select_related("member", "to_org")
           .order_by("id"))
    into = (TransferLetter.objects.filter(open_letter_q(), to_org=source).exclude(from_org=source)
            .select_related("member", "from_org").order_by("id"))
    return list(out), list(into)


def _letter_plan(hand: HandOver, letter: TransferLetter, side: str, *, applying: bool) -> tuple[str, int | None]:
    """Where one side of a letter goes: (how, new organization id, None when it stays)."""
    target_id = hand.target.pk if applying and hand.target is not None else None
    has_target = hand.target_name is not None
    if side == "out":
        member_org = letter.member.organization_id
        if applying and letter.member.is_active and member_org != hand.source.pk:
            return (FOLLOWS_MEMBER if hand.split else MOVES), member_org
        if not applying and hand.split:
            return FOLLOWS_MEMBER, None
        if has_target:
            return MOVES, target_id
        return REVIEW, None
    if not has_target or not _may_receive_letters(hand.target_type):
        return REVIEW, None
    return (FIRST_SUCCESSOR if hand.split else MOVES), target_id


def preview_letters(hand: HandOver) -> dict:
    """Open letters sent by (``letter_out``) or addressed to (``letter_in``) the organization that ends."""
    out, into = _letters(hand)
    successor = hand.target.pk if hand.target is not None else None
    rows = []
    for side, letters in (("out", out), ("in", into)):
        for letter in letters:
            how, _target = _letter_plan(hand, letter, side, applying=False)
            other = letter.to_org_id if side == "out" else letter.from_org_id
            if how in (MOVES, FIRST_SUCCESSOR) and successor is not None and other == successor:
                how = CLOSES
            rows.append(_row(f"letter_{side}", letter.pk, letter.number, hand, how, member=letter.member.full_name))
    return _result(rows)


def move_letters(hand: HandOver) -> dict:
    """Re-address the open letters of the organization that ends; close those left with one organization."""
    out, into = _letters(hand)
    rows = []
    moves: dict[tuple[str, int], list[int]] = {}  # (field, organization) -> letters: one audited UPDATE each
    for side, letters in (("out", out), ("in", into)):
        for letter in letters:
            how, target_id = _letter_plan(hand, letter, side, applying=True)
            if target_id is None:
                rows.append(_row(f"letter_{side}", letter.pk, letter.number, hand, how))
                continue
            field = "from_org_id" if side == "out" else "to_org_id"
            other = letter.to_org_id if side == "out" else letter.from_org_id
            if other == target_id:
                # Sender and receiver are now one organization: the member is where the letter was taking them.
                ended = letter.state == LetterState.RECEIVED and letter.kind == TransferKind.TEMPORARY
                TransferLetter.objects.filter(pk=letter.pk).update(
                    **{field: target_id}, state=LetterState.ENDED if ended else LetterState.CANCELLED,
                    closed_on=max(hand.on, letter.received_on or letter.issued_on), reason=hand.decision[:255])
                how = CLOSES
            else:
                moves.setdefault((field, target_id), []).append(letter.pk)
            rows.append({"kind": f"letter_{side}", "id": letter.pk, "to": target_id, "how": how})
    for (field, target_id), ids in moves.items():
        TransferLetter.objects.filter(pk__in=ids).update(**{field: target_id})
    return _result(rows)


# --- admission cases -------------------------------------------------------------------------------------------
def _cases(hand: HandOver):
    return list(AdmissionCase.objects.filter(cell=hand.source, state__in=OPEN_CASE_STATES)
                .select_related("member").order_by("id"))


def _case_plan(hand: HandOver, case: AdmissionCase, *, applying: bool) -> tuple[str, int | None]:
    member = case.member if case.state == CaseState.PROBATION else None
    if member is not None:
        if applying and member.is_active and member.organization_id != hand.source.pk:
            return (FOLLOWS_MEMBER if hand.split else MOVES), member.organization_id
        if not applying and hand.split:
            return FOLLOWS_MEMBER, None
    if hand.target_name is None or not _holds_members(hand.target_type):
        return REVIEW, None
    return (FIRST_SUCCESSOR if hand.split and member is None else MOVES), (
        hand.target.pk if applying else None)


def preview_cases(hand: HandOver) -> dict:
    """Open admission cases of the cell that ends: they continue in the successor cell."""
    rows = [_row("case", c.pk, c.full_name, hand, _case_plan(hand, c, applying=False)[0]) for c in _cases(hand)]
    return _result(rows)


def move_cases(hand: HandOver) -> dict:
    """The open cases' cell becomes the successor (a probationary member's case: the member's new cell)."""
    rows = []
    moves: dict[int, list[int]] = {}
    for case in _cases(hand):
        how, target_id = _case_plan(hand, case, applying=True)
        if target_id is not None:
            moves.setdefault(target_id, []).append(case.pk)
        rows.append({"kind": "case", "id": case.pk, "to": target_id, "how": how})
    for target_id, ids in moves.items():
        AdmissionCase.objects.filter(pk__in=ids).update(cell_id=target_id)
    return _result(rows)


# --- development targets ---------------------------------------------------------------------------------------
def _targets(hand: HandOver) -> list[DevelopmentTarget]:
    """The targets still running: the current year (of the effective date) and later ones."""
    on: dt.date = hand.on
    return list(DevelopmentTarget.objects.filter(organization=hand.source, year__gte=on.year).order_by("year"))


def _target_plan(hand: HandOver, target: DevelopmentTarget, theirs: DevelopmentTarget | None) -> str:
    if hand.target_name is None:
        return STAYS
    if theirs is None:
        how = MOVES
    elif theirs.target_count is not None and target.target_count is not None:
        how = MERGED
    elif theirs.target_percent is not None and target.target_percent is not None:
        how = KEPT
    else:
        how = REVIEW
    return FIRST_SUCCESSOR if hand.split and how in (MOVES, MERGED) else how


def _theirs(hand: HandOver, targets: list[DevelopmentTarget]) -> dict[int, DevelopmentTarget]:
    """The successor's own targets of the same years (none when it is yet to be established)."""
    if hand.target is None or not targets:
        return {}
    found = DevelopmentTarget.objects.filter(organization=hand.target, year__in=[t.year for t in targets])
    return {t.year: t for t in found}


def preview_targets(hand: HandOver) -> dict:
    """This year's and later targets of the organization that ends, and what becomes of them."""
    targets = _targets(hand)
    theirs = _theirs(hand, targets)
    rows = [_row("target", t.pk, str(t.year), hand, _target_plan(hand, t, theirs.get(t.year))) for t in targets]
    return _result(rows)


def move_targets(hand: HandOver) -> dict:
    """Move (or sum into the successor's) the running targets; a number against a percent is left to decide."""
    targets = _targets(hand)
    theirs = _theirs(hand, targets)
    rows = []
    for target in targets:
        other = theirs.get(target.year)
        how = _target_plan(hand, target, other)
        if other is None and how in (MOVES, FIRST_SUCCESSOR):
            DevelopmentTarget.objects.filter(pk=target.pk).update(organization_id=hand.target.pk)
        elif other is not None and target.target_count is not None and other.target_count is not None:
            DevelopmentTarget.objects.filter(pk=other.pk).update(
                target_count=other.target_count + target.target_count)
        rows.append({"kind": "target", "id": target.pk, "year": target.year,
                     "to": hand.target.pk if hand.target is not None else None, "how": how})
    return _result(rows)
