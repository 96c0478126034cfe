"""Role grants follow their organization through a reorganization (registered as a reorg handler).

Grants on an organization that ends move to its successor (closed and reopened on the effective date), or,
without a successor, are closed and listed for review; the office accounts of the organization move too.
Grants that follow a post (the ``"grants_following_posts"`` hook, registered by cadres) do not move: they end
with their post, whose own handler ends it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q

from accounts.models import RoleGrant, User
from core.registry import HandOver, hook


def _grants_of(org, on: dt.date):
    grants = RoleGrant.objects.filter(organization=org).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    try:
        following_posts = hook("grants_following_posts")
    except LookupError:
        following_posts = None
    if following_posts is not None:
        grants = grants.exclude(pk__in=following_posts(org))
    return grants.select_related("user", "role").order_by("id")


def preview_grants(hand: HandOver) -> dict:
    """The grants that will move (``grants``) or be closed for review (``review``), and the office accounts."""
    moved, review = [], []
    for g in _grants_of(hand.source, hand.on):
        row = {"id": g.pk, "user": g.user.username, "role": str(g.role), "role_code": g.role.code,
               "organization": hand.source.name,
               "to": hand.target_name}
        (moved if hand.target_name is not None else review).append(row)
    return {"grants": moved, "review": review, "users": User.objects.filter(organization=hand.source).count()}


def move_grants(hand: HandOver) -> dict:
    """Close the grants on ``hand.source`` and reopen them on ``hand.target`` (or leave them for review)."""
    source, target, on = hand.source, hand.target, hand.on
    grants = list(_grants_of(source, on))
    moved, review = [], []
    for g in grants:
        entry = {"id": g.pk, "user": g.user.username, "role": g.role.code, "organization": source.pk}
        if target is None:
            review.append(entry)
        else:
            entry["to"] = target.pk
            moved.append(entry)
    starts_later = [g.pk for g in grants if g.valid_from >= on]
    spanning = [g for g in grants if g.valid_from < on]
    if target is not None and starts_later:
        RoleGrant.objects.filter(pk__in=starts_later).update(organization=target)
    elif starts_later:
        RoleGrant.objects.filter(pk__in=starts_later).update(valid_to=F("valid_from"))
    if spanning:
        RoleGrant.objects.filter(pk__in=[g.pk for g in spanning]).update(valid_to=on)
        if target is not None:
            RoleGrant.objects.bulk_create([
                RoleGrant(user_id=g.user_id, role_id=g.role_id, organization=target, valid_from=on,
                          valid_to=g.valid_to if g.valid_to and g.valid_to > on else None,
                          decision=hand.decision[:64]) for g in spanning])
    if target is not None:
        User.objects.filter(organization=source).update(organization=target)
    return {"grants": moved, "review": review}
