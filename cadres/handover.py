"""Terms, bodies and posts of an organization that ends (merge, split, dissolution): registered as a reorg handler.

A committee does not move to the successor: the organization it was elected for is gone. Its open term closes on the
effective date (``reorganized``, or ``dissolved`` when nothing succeeds it), its bodies end, its holders leave their
posts (``reorganized``) and the grants those posts gave end the same day. The successor's committee is appointed
by the committee above (``cadres.services.appoint_committee``, one decision); the preview lists the posts held in
the ending organization that the successor must fill. Rows store codes (``kind``, ``label`` = the post, ``how``),
never sentences. Each write is an audited queryset update inside the reorganization's action.
"""

from __future__ import annotations

from cadres.choices import HEAD_POSTS, HoldingEnd, TermClosing
from cadres.models import PostHolding, Term
from cadres.services import KIND_ORDER, POST_ORDER, close_term_with_posts
from core.registry import HandOver

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
