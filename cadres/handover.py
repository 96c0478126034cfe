"""Terms, bodies and posts of an organization that ends (merge, split, dissolution): registered as a reorg handler.

A committee does not move to the successor: the organization it was elected for is gone. Its open term closes on the
effective date (``reorganized``, or ``dissolved`` when nothing succeeds it), its bodies end, its holders leave their
posts (``reorganized``) and the grants those posts gave end the same day. The successor's committee is appointed
by the committee above (``cadres.services.appoint_committee``, one decision); the preview lists the posts held in
the ending organization that the successor must fill. Rows store codes (``kind``, ``label`` = the post, ``how``),
never sentences. Each write is an audited queryset update inside the reorganization's action.

Members the reorganization moves elsewhere in the tree without their organization ending (a cell transferred to
another province, members merged into a cell under another committee) leave their posts in the committees they are
no longer under (``end_posts_left_behind``, the handler's ``moved``).
"""

from __future__ import annotations

from cadres.choices import HEAD_POSTS, HoldingEnd, TermClosing
from cadres.models import PostHolding, Term
from cadres.services import KIND_ORDER, POST_ORDER, close_term_with_posts, end_holdings
from core.registry import HandOver, Moved
from core.scope import paths_q
from core.tree import STEP

SAMPLE = 200  # posts listed per organization in a preview (a province committee holds about 100)

# What happens (``how``): the term closes; a post ends and the successor must fill it; a post ends (no successor).
CLOSES, TO_FILL, ENDS = "closes", "to_fill", "ends"


def _open_terms(org):
    return list(Term.objects.filter(organization=org, valid_to__isnull=True).order_by("id"))


def _holdings(org):
    rows = list(PostHolding.objects.filter(organization=org, valid_to__isnull=True)
                .select_related("member", "body").order_by("id"))
    rows.sort(key=lambda h: (KIND_ORDER.get(h.body.kind, 99), POST_ORDER.get(h.post, 99), h.pk))
    return rows


def _rows(hand: HandOver) -> tuple[list[dict], dict]:
    source = hand.source
    rows: list[dict] = []
    terms = _open_terms(source)
    for term in terms:
        rows.append({"kind": "term", "id": term.pk, "label": term.label, "member": "", "from": source.name,
                     "to": None, "how": CLOSES})
    holdings = _holdings(source)
    how = TO_FILL if hand.target_name is not None else ENDS
    for h in holdings[:SAMPLE]:
        rows.append({"kind": "post", "id": h.pk, "label": h.post, "body": h.body.kind, "member": h.member.full_name,
                     "from": source.name, "to": hand.target_name if how == TO_FILL else None, "how": how,
                     "head": HEAD_POSTS.get(h.body.kind) == h.post})
    totals = {"terms": len(terms), "holdings": len(holdings), "to_fill": len(holdings) if how == TO_FILL else 0}
    return rows, totals


def preview_posts(hand: HandOver) -> dict:
    """The terms that close and the posts that end (and that the successor must fill); nothing written."""
    rows, totals = _rows(hand)
    return {"posts": rows, "posts_totals": totals}


def end_terms(hand: HandOver) -> dict:
    """Close the open terms of ``hand.source`` on the effective date, with their bodies, posts and grants."""
    rows, totals = _rows(hand)
    closed_by = TermClosing.DISSOLVED if hand.target is None and not hand.split else TermClosing.REORGANIZED
    for term in _open_terms(hand.source):
        close_term_with_posts(term, hand.on, closed_by, hand.decision, HoldingEnd.REORGANIZED)
    return {"posts": rows, "posts_totals": totals}


def grants_following_posts(org):
    """The grants that posts of ``org`` gave (a subquery): accounts' handler leaves them to end with their posts."""
    return PostHolding.objects.filter(organization=org, role_grant__isnull=False).values("role_grant_id")


# --- planning entries and rotations (h-cadplan2) -------------------------------------------------------------------
# A planning entry is the committee's plan for its coming terms: on a merger it goes on in the successor, on a split
# it follows its member (already in a successor when ``apply`` runs), and it ends with an organization dissolved
# without successor. A rotation's side that ends follows the successor. Rows store codes (``how``), never sentences.

# ``how`` of planning rows: moves to the successor; follows the member to the successor now holding them; ends on
# the effective date; closes (a rotation whose two sides become one organization); stays, needing a decision.
P_MOVES, P_FOLLOWS, P_FIRST, P_ENDS, P_CLOSES, P_REVIEW = (
    "moves", "follows_member", "first_successor", "ends", "closes", "review")
P_DECIDE = {P_FIRST, P_REVIEW}


def _running(qs, on):
    """Open on the effective date or later (an entry already ended before it stays as history)."""
    from django.db.models import Q

    return qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def _planning(hand: HandOver) -> list:
    from cadres.models import PlanningEntry

    return list(_running(PlanningEntry.objects.filter(organization=hand.source), hand.on)
                .select_related("member__organization").order_by("id"))


def _rotations(hand: HandOver) -> list:
    from django.db.models import Q

    from cadres.models import Rotation

    return list(_running(Rotation.objects.filter(Q(from_org=hand.source) | Q(to_org=hand.source)), hand.on)
                .select_related("member__organization", "from_org", "to_org").order_by("id"))


def _split_successors(hand: HandOver) -> list:
    """The successors of a split, once applied (their links are written before the hand-over runs)."""
    from orgs.models import Organization
    from reorg.models import OrganizationLink

    ids = OrganizationLink.objects.filter(predecessor_id=hand.source.pk, effective_on=hand.on).values("successor_id")
    return list(Organization.objects.filter(pk__in=ids).order_by("-path"))


def _holder_of(member, successors: list):
    """The successor whose subtree now holds the member (None: the member is elsewhere)."""
    path = getattr(member.organization, "path", "") or ""
    for org in successors:  # deepest first
        if path.startswith(org.path):
            return org
    return None


def _in_source(hand: HandOver, member) -> bool:
    return (getattr(member.organization, "path", "") or "").startswith(hand.source.path)


def _planning_plan(hand: HandOver, entry, successors: list | None) -> tuple[str, object | None]:
    """(how, the successor it goes to; None when it stays or ends, or in a preview)."""
    if hand.split:
        if successors is None:  # preview: the member has not moved yet
            return (P_FOLLOWS if _in_source(hand, entry.member) else P_REVIEW), None
        holder = _holder_of(entry.member, successors)
        return (P_FOLLOWS, holder) if holder is not None else (P_REVIEW, None)
    if hand.target_name is None:
        return P_ENDS, None
    return P_MOVES, hand.target


def _rotation_plan(hand: HandOver, rotation, successors: list | None) -> tuple[str, object | None]:
    """The side of the rotation that ends: where it goes (how, successor)."""
    side_out = rotation.from_org_id == hand.source.pk
    if hand.split:
        if side_out:  # the rotated cadre's home organization: the member's successor
            if successors is None:
                return (P_FOLLOWS if _in_source(hand, rotation.member) else P_REVIEW), None
            holder = _holder_of(rotation.member, successors)
            if holder is not None:
                return P_FOLLOWS, holder
        if hand.target_name is None:
            return P_REVIEW, None
        return P_FIRST, hand.target
    if hand.target_name is None:  # dissolved without successor: work there ends; a home side is left to decide
        return (P_REVIEW, None) if side_out else (P_ENDS, None)
    return P_MOVES, hand.target


def _planning_row(kind: str, obj, hand: HandOver, how: str, to, label: str) -> dict:
    named = how in (P_MOVES, P_FIRST, P_CLOSES) or (how == P_FOLLOWS and to is not None)
    to_name = (to.name if to is not None else hand.target_name) if named else None
    return {"kind": kind, "id": obj.pk, "label": label, "member": obj.member.full_name, "from": hand.source.name,
            "to": to_name, "how": how}


def _planning_rows(hand: HandOver, *, applying: bool) -> tuple[list[dict], dict, list[tuple]]:
    """Rows (for the page), totals and the writes to do ``(model, pk, how, successor)``."""
    successors = _split_successors(hand) if applying and hand.split else None
    rows: list[dict] = []
    writes: list[tuple] = []
    for entry in _planning(hand):
        how, to = _planning_plan(hand, entry, successors)
        rows.append(_planning_row("planning", entry, hand, how, to, entry.post))
        rows[-1]["term"] = entry.term_label
        writes.append(("planning", entry, how, to))
    for rotation in _rotations(hand):
        side = "from" if rotation.from_org_id == hand.source.pk else "to"
        how, to = _rotation_plan(hand, rotation, successors)
        other = rotation.to_org_id if side == "from" else rotation.from_org_id
        target_id = to.pk if to is not None else (hand.target.pk if how == P_MOVES and hand.target else None)
        if how in (P_MOVES, P_FIRST, P_FOLLOWS) and target_id is not None and target_id == other:
            how = P_CLOSES  # both sides become one organization: the rotation is over
        rows.append(_planning_row(f"rotation_{side}", rotation, hand, how, to, rotation.position))
        writes.append((f"rotation_{side}", rotation, how, to))
    totals = {"planning": sum(1 for r in rows if r["kind"] == "planning"),
              "rotations": sum(1 for r in rows if r["kind"] != "planning"),
              "planning_decide": sum(1 for r in rows if r["how"] in P_DECIDE)}
    listed = [r for n, r in enumerate(rows) if n < SAMPLE or r["how"] in P_DECIDE]
    return listed, totals, writes


def preview_planning(hand: HandOver) -> dict:
    """The planning entries and rotations of the organization that ends, and where they go; nothing written."""
    rows, totals, _writes = _planning_rows(hand, applying=False)
    return {"planning": rows, "planning_totals": totals}


def move_planning(hand: HandOver) -> dict:
    """Move, end or close them: audited queryset updates grouped by successor, inside the reorganization's action."""
    from django.db.models import F

    from cadres.choices import PlanningEnd
    from cadres.models import PlanningEntry, Rotation

    rows, totals, writes = _planning_rows(hand, applying=True)
    moves: dict[tuple[str, int], list[int]] = {}
    ends: dict[str, list[int]] = {"planning": [], "rotation": []}
    for kind, obj, how, to in writes:
        if how in (P_ENDS, P_CLOSES):
            ends["planning" if kind == "planning" else "rotation"].append(obj.pk)
            continue
        if how in (P_MOVES, P_FOLLOWS, P_FIRST):
            target = to if to is not None else hand.target
            if target is not None:
                moves.setdefault((kind, target.pk), []).append(obj.pk)
    field = {"planning": "organization_id", "rotation_from": "from_org_id", "rotation_to": "to_org_id"}
    for (kind, target_id), ids in moves.items():
        model = PlanningEntry if kind == "planning" else Rotation
        model.objects.filter(pk__in=ids).update(**{field[kind]: target_id})
    decision = (hand.decision or "")[:64]
    if ends["planning"]:
        ending = PlanningEntry.objects.filter(pk__in=ends["planning"])
        ending.filter(valid_from__lte=hand.on).update(valid_to=hand.on, end_reason=PlanningEnd.TERM_ENDED,
                                                      end_decision=decision)
        ending.filter(valid_from__gt=hand.on).update(valid_to=F("valid_from"), end_reason=PlanningEnd.TERM_ENDED,
                                                     end_decision=decision)
    if ends["rotation"]:
        ending = Rotation.objects.filter(pk__in=ends["rotation"])
        ending.filter(valid_from__lte=hand.on).update(valid_to=hand.on)
        ending.filter(valid_from__gt=hand.on).update(valid_to=F("valid_from"))
    return {"planning": rows, "planning_totals": totals}


# --- posts left behind by a reorganization's moves (h-cadsvc2) ----------------------------------------------------


def _ancestors(path: str) -> set[str]:
    """``path`` and the paths of the organizations above it."""
    return {path[:i] for i in range(STEP, len(path) + 1, STEP)}


def end_posts_left_behind(moved: Moved) -> dict:
    """Members moved elsewhere in the tree leave their posts in the committees they are no longer under (reason
    moved, on the move's date), with the posts' grants, as a transfer letter does (``on_member_moved``).

    One query per move: the holdings of a handful of organizations (those above the old place and not above the
    new one), of members now under the moved subtrees. An organization left that ends in the same reorganization
    (merge, split) is left alone: its terms close with its hand-over (reason reorganized).
    """
    left_behind = _ancestors(moved.left) - _ancestors(moved.arrived)
    if moved.left_ends:
        left_behind.discard(moved.left)
    if moved.member_ids is not None:
        holdings = PostHolding.objects.filter(member_id__in=moved.member_ids)
    else:
        holdings = PostHolding.objects.filter(paths_q("member__organization__path", list(moved.new_paths)))
    if not left_behind or (moved.member_ids is not None and not moved.member_ids):
        return {}
    holdings = holdings.filter(valid_to__isnull=True, organization__path__in=sorted(left_behind))
    ended = end_holdings(list(holdings.order_by("body_id", "id")), moved.on, HoldingEnd.MOVED, moved.decision)
    return {"posts_moved_away": ended} if ended else {}
