"""Actions of committee work: terms opened and closed, posts held and ended, a committee appointed by decision.

Every write is an ``@action`` (one transaction, audited). The rules of size are dated data (``cadres.rules``): each
act applies the version in force on its own date and a refusal names the regulation. A body's counters (holders,
head held, open seats) are kept here, under a lock on the body row, so two clerks recording at once cannot fill
one seat twice.

Access follows posts: a post listed in ``POST_ROLES`` gives its holder's user account (``User.member``) that role on
the organization's subtree from the day the post is held, and ending the post ends the grant the same day. The grant
is the post's consequence: the post's action checked the rights, the grant is written without a second check
(``accounts.services.grant_following_post``). An account linked to its member later (``accounts.link_member``)
gets the grants of the posts held then, from the day of the link; unlinking ends them (``on_member_link_changed``).

The checks of a holding are those of its own dates: a back-dated holding is counted against the holdings that
overlap its period (from its first day to the end of the term), and its holder must have been active and under
the organization on that first day (the registry's dated history).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleGrant, User
from accounts.services import end_grants_following_posts, grant_following_post
from cadres.choices import (
    BODY_POSTS,
    HEAD_POSTS,
    POST_ROLES,
    BodyKind,
    HoldingEnd,
    Post,
    Selection,
    TermClosing,
    TermOpening,
)
from cadres.models import Body, PostHolding, Term
from core.actions import SYSTEM, action
from core.l10n import day
from core.rules import cite, rule_version
from core.scope import NotPermitted, OutOfScope, may_decide_over, path_in_scope
from core.services import Refusals, StateConflict
from core.tree import prefix_q
from members.choices import ACTIVE_STATUSES, MemberStatus
from members.models import Member, MemberHistory
from orgs.choices import MEMBER_HOLDING_TYPES, OrgType
from orgs.models import Organization, OrganizationVersion
from orgs.services import check_open
from reorg.services import member_count_as_of

# The level of an organization for the size rules (``<BODY>_MAX_<LEVEL>``); the Central Committee has none.
LEVELS = {
    OrgType.LEVEL1: "LEVEL1",
    OrgType.INTERMEDIATE: "INTERMEDIATE",
    OrgType.GRASSROOTS_COMMITTEE: "GRASSROOTS",
    OrgType.GRASSROOTS_CELL: "GRASSROOTS",
    OrgType.SUB_COMMITTEE: "CELL",
    OrgType.CELL: "CELL",
}
SIZE_RULES = {
    BodyKind.EXECUTIVE_COMMITTEE: "EXECUTIVE_COMMITTEE",
    BodyKind.STANDING_COMMITTEE: "STANDING_COMMITTEE",
    BodyKind.INSPECTION_COMMISSION: "INSPECTION_COMMISSION",
}
SMALL_CELL_EXECUTIVE = 2  # a cell too small for a committee elects a secretary and a deputy secretary only
POST_ORDER = {post: i for i, post in enumerate(p for posts in BODY_POSTS.values() for p in posts)}
KIND_ORDER = {kind: i for i, kind in enumerate(BODY_POSTS)}
_LABEL = re.compile(r"^(\d{4})-(\d{4})$")

# How a holding ends when its holder leaves the party (member events, lifecycle statuses).
LEAVING_REASON = {
    MemberStatus.DECEASED: HoldingEnd.DECEASED,
    MemberStatus.LEFT: HoldingEnd.RESIGNED,
    MemberStatus.STRUCK_OFF: HoldingEnd.DISMISSED,
    MemberStatus.EXPELLED: HoldingEnd.DISMISSED,
}


def _today() -> dt.date:
    return timezone.localdate()


def level_of(org: Organization) -> str | None:
    """The level whose ceilings apply to ``org``; None for the Central Committee (no ceiling is checked)."""
    return LEVELS.get(org.org_type)


def ceiling(name: str, org: Organization, on: dt.date):
    """The rule version of the ceiling ``name`` (e.g. ``"DEPUTY_SECRETARIES"``) for ``org``'s level on ``on``."""
    level = level_of(org)
    return None if level is None else rule_version(f"{name}_MAX_{level}", on)


def _check_date(value: Any, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({field: _("Enter a date.")})
    if value > _today():
        raise ValidationError({field: _("The date cannot be in the future.")})
    return value


def _text(value: Any, field: str, *, required: bool = False, size: int = 64) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > size:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": size}})
    return value


def _view_or_404(actor: Any, org: Organization) -> None:
    """An organization outside the actor's scope does not exist for them (404, not 403)."""
    if not path_in_scope(actor, PostHolding, "view", org.path):
        raise OutOfScope()


def _require_right(actor: Any, org: Organization, appointed: bool) -> None:
    """Recording an election needs the change right on the organization; an appointment is the decision of the
    committee above (``may_decide_over``)."""
    _view_or_404(actor, org)
    if appointed:
        if not may_decide_over(actor, PostHolding, "appoint", org.path):
            raise NotPermitted(_("Appointing a committee or a post holder is the decision of the committee above "
                                 "this organization; your role does not allow it here."))
    elif not path_in_scope(actor, PostHolding, "change", org.path):
        raise NotPermitted(_("Your role does not allow you to record the committees of this organization."))


def official_members(org: Organization, on: dt.date | None = None) -> int:
    """Official members of a cell on ``on``: its own counter for today, the as-of count of the registry's dated
    history (``reorg.services.member_count_as_of``) for an earlier date."""
    if on is None or on >= _today():
        return org.direct_official
    counts = member_count_as_of(org, on, user=SYSTEM)
    return counts["official"] if counts is not None else 0


def small_cell(org: Organization, on: dt.date) -> tuple[bool, Any]:
    """Whether ``org`` is a cell too small to elect a cell committee on ``on`` (its official members on that date),
    and the rule version that says so."""
    version = rule_version("CELL_COMMITTEE_MIN_OFFICIAL", on)
    if org.org_type not in MEMBER_HOLDING_TYPES:
        return False, version
    return official_members(org, on) < version.value, version


# --- counters ---------------------------------------------------------------------------------------------------


def _lock_body(pk: int) -> None:
    """Lock the body row alone (then read it in scope), as the lifecycle locks a member: see members.registry."""
    list(Body.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def refresh_counters(body_ids: list[int]) -> None:
    """Recount the current holders of the bodies (locked by the caller): holders, head held, open seats."""
    for body in Body.objects.filter(pk__in=body_ids).only("pk", "kind", "seats", "ended_on"):
        current = PostHolding.objects.filter(body_id=body.pk, valid_to__isnull=True)
        filled = current.count()
        head = HEAD_POSTS.get(body.kind)
        head_filled = head is not None and current.filter(post=head).exists()
        vacant = body.ended_on is None and (filled < body.seats or (head is not None and not head_filled))
        Body.objects.filter(pk=body.pk).derived_update(filled=filled, head_filled=head_filled, vacant=vacant)


# --- terms ------------------------------------------------------------------------------------------------------


def _check_label(label: Any, valid_from: dt.date | None) -> tuple[str, dt.date | None]:
    """A term is named by its years ('2025-2030'); its planned end is the opening day in the last year."""
    label = str(label or "").strip()
    found = _LABEL.match(label)
    if not found:
        raise ValidationError({"label": _("Write the term as its first and last year, for example 2025-2030.")})
    first, last = int(found.group(1)), int(found.group(2))
    if valid_from is None:
        return label, None
    years = rule_version("TERM_YEARS", valid_from)
    if not (first < last <= first + years.value):
        raise ValidationError({"label": _("A term lasts at most %(years)d years (%(regulation)s).")
                               % {"years": years.value, "regulation": cite(years)}})
    if not (first <= valid_from.year <= last):
        raise ValidationError({"label": _("The term %(label)s does not include %(date)s.")
                               % {"label": label, "date": day(valid_from)}})
    try:
        planned_end = valid_from.replace(year=last)
    except ValueError:  # 29 February
        planned_end = valid_from.replace(year=last, day=28)
    if planned_end <= valid_from:
        raise ValidationError({"label": _("The term %(label)s ends before %(date)s.")
                               % {"label": label, "date": day(valid_from)}})
    return label, planned_end


def check_seats(org: Organization, seats: Any, on: dt.date) -> dict[str, int]:
    """The seats of each body, within the ceilings of ``org``'s level in force on ``on`` (all refusals at once)."""
    errors = Refusals()
    if not isinstance(seats, dict):
        raise ValidationError({"seats": _("Give the number of seats of each body.")})
    clean: dict[str, int] = {}
    for kind, value in seats.items():
        if kind not in BodyKind.values:
            errors.add("seats", _("Unknown body: %(kind)s.") % {"kind": kind})
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number < 0 or number > 500 or (isinstance(value, float) and not value.is_integer()):
            errors.add(kind, _("Enter a whole number of seats."))
            continue
        if number:
            clean[kind] = number
    if not clean.get(BodyKind.EXECUTIVE_COMMITTEE) and not errors:
        errors.add(BodyKind.EXECUTIVE_COMMITTEE,
                   _("A term has an executive committee: give it at least one seat (its secretary)."))
    executive, standing = clean.get(BodyKind.EXECUTIVE_COMMITTEE, 0), clean.get(BodyKind.STANDING_COMMITTEE, 0)
    if executive and standing >= executive:
        errors.add(BodyKind.STANDING_COMMITTEE, _("The standing committee is elected from the executive committee "
                                                  "and is smaller: at most %(max)d seats.") % {"max": executive - 1})
    small, minimum = small_cell(org, on)
    official = official_members(org, on) if small else 0
    for kind, number in clean.items():
        if small and (kind != BodyKind.EXECUTIVE_COMMITTEE or number > SMALL_CELL_EXECUTIVE):
            errors.add(kind, _("%(name)s has %(official)d official members; a cell with fewer than %(min)d elects "
                               "only a secretary and a deputy secretary, no committee (%(regulation)s).")
                       % {"name": org.name, "official": official, "min": minimum.value,
                          "regulation": cite(minimum)})
            continue
        limit = ceiling(SIZE_RULES[kind], org, on)
        if limit is not None and number > limit.value:
            errors.add(kind, _("%(body)s of %(name)s may have at most %(max)d members on %(date)s (%(regulation)s); "
                               "%(seats)d were given.")
                       % {"body": BodyKind(kind).label, "name": org.name, "max": limit.value, "date": day(on),
                          "regulation": cite(limit), "seats": number})
    errors.raise_if_any()
    return clean


def close_term_with_posts(term: Term, on: dt.date, closed_by: str, decision: str, reason: str) -> dict:
    """Close ``term`` on ``on`` with its bodies, current holdings (``reason``) and their grants; audited updates.

    No scope check of its own: the caller (an action) has checked its right to close the term.
    """
    bodies = list(Body.objects.select_for_update().filter(term=term).values_list("pk", flat=True))
    holdings = PostHolding.objects.filter(body_id__in=bodies, valid_to__isnull=True)
    grants = list(holdings.exclude(role_grant__isnull=True).values_list("role_grant_id", flat=True))
    ended = _end_holdings(holdings, on, reason, decision)
    Body.objects.filter(pk__in=bodies, ended_on__isnull=True).update(ended_on=on)
    Body.objects.filter(pk__in=bodies).derived_update(filled=0, head_filled=False, vacant=False)
    Term.objects.filter(pk=term.pk).update(valid_to=max(on, term.valid_from), closed_by=closed_by,
                                           closing_decision=(decision or "")[:64])
    end_grants_following_posts(grants, on)
    return {"bodies": len(bodies), "holdings": ended, "grants": len(grants)}


def _end_holdings(holdings: QuerySet, on: dt.date, reason: str, decision: str) -> int:
    """End current holdings on ``on`` (one begun later becomes a holding of no day); audited updates."""
    decision = (decision or "")[:64]
    count = holdings.filter(valid_from__lte=on).update(valid_to=on, end_reason=reason, end_decision=decision)
    count += holdings.filter(valid_from__gt=on).update(valid_to=F("valid_from"), end_reason=reason,
                                                       end_decision=decision)
    return count


@action
def open_term(actor: Any, *, organization: Organization, label: str, valid_from: dt.date, opened_by: str,
              seats: dict[str, int], decision: str = "", decision_date: dt.date | None = None,
              reference_date: dt.date | None = None) -> Term:
    """Open a term of ``organization`` with its bodies; the term open until then closes on ``valid_from``.

    A congress's outcome is recorded with the change right on the organization; a committee appointed by the
    committee above needs the appoint right over it. Seats above the level's ceiling are refused.
    """
    org = Organization.objects.select_for_update().filter(pk=getattr(organization, "pk", organization)).first()
    if org is None:
        raise OutOfScope()
    if opened_by not in TermOpening.values:
        _view_or_404(actor, org)
        raise ValidationError({"opened_by": _("Choose how the term was opened.")})
    _require_right(actor, org, opened_by == TermOpening.APPOINTMENT)
    errors = Refusals()
    on = None
    with errors.collect():
        on = _check_date(valid_from, "valid_from")
    with errors.collect():
        if on is not None:
            check_open(org, on=on)
            if org.established_on and on < org.established_on:
                raise ValidationError({"valid_from": _("%(name)s was established on %(date)s.")
                                       % {"name": org.name, "date": day(org.established_on)}})
    planned_end = None
    with errors.collect():
        label, planned_end = _check_label(label, on)
    with errors.collect():
        decision = _text(decision, "decision", required=opened_by == TermOpening.APPOINTMENT)
    if decision_date is not None:
        with errors.collect():
            _check_date(decision_date, "decision_date")
    if reference_date is not None and (not isinstance(reference_date, dt.date)
                                       or isinstance(reference_date, dt.datetime)):
        errors.add("reference_date", _("Enter a date."))
    clean: dict[str, int] = {}
    if on is not None:
        with errors.collect():
            clean = check_seats(org, seats, on)
    last = Term.objects.filter(organization=org).order_by("-valid_from", "-id").first()
    if on is not None and last is not None and (on <= last.valid_from or (last.valid_to and on < last.valid_to)):
        errors.add("valid_from", _("%(name)s has a term %(label)s from %(date)s; a new term opens after it.")
                   % {"name": org.name, "label": last.label, "date": day(last.valid_from)})
    errors.raise_if_any()
    if last is not None and last.valid_to is None:
        close_term_with_posts(last, on, TermClosing.NEXT_TERM, decision, HoldingEnd.TERM_ENDED)
    term = Term(organization=org, label=label, planned_end=planned_end, reference_date=reference_date or on,
                opened_by=opened_by, decision=decision, decision_date=decision_date, valid_from=on)
    term.save()
    for kind in BODY_POSTS:
        if kind in clean:
            Body(term=term, organization=org, kind=kind, seats=clean[kind]).save()
    refresh_counters(list(term.bodies.values_list("pk", flat=True)))
    # Organization.term is the label of the current term, now derived from the terms (audited here, as Term rows).
    if org.term != label:
        Organization.objects.filter(pk=org.pk).derived_update(term=label)
    return term


@action
def close_term(actor: Any, term: Term, *, on: dt.date, closed_by: str, decision: str = "") -> Term:
    """Close a term without opening the next (its bodies and posts end): the organization ended, or a term
    closed before a congress could open the next."""
    pk = getattr(term, "pk", term)
    list(Term.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))
    term = Term.objects.restrict(actor, "view").select_related("organization").filter(pk=pk).first()
    if term is None:
        raise OutOfScope()
    _require_right(actor, term.organization, False)
    if term.valid_to is not None:
        raise StateConflict(_("This term was already closed on %(date)s.") % {"date": day(term.valid_to)})
    errors = Refusals()
    if closed_by not in TermClosing.values:
        errors.add("closed_by", _("Choose why the term closes."))
    with errors.collect():
        on = _check_date(on, "on")
        if on < term.valid_from:
            raise ValidationError({"on": _("The term opened on %(date)s.") % {"date": day(term.valid_from)}})
    with errors.collect():
        decision = _text(decision, "decision")
    errors.raise_if_any()
    reason = HoldingEnd.TERM_ENDED if closed_by == TermClosing.NEXT_TERM else HoldingEnd.REORGANIZED
    close_term_with_posts(term, on, closed_by, decision, reason)
    return Term.objects.get(pk=term.pk)


# --- posts ------------------------------------------------------------------------------------------------------


def _member(value: Any) -> Member | None:
    pk = getattr(value, "pk", value)
    try:
        return Member.objects.select_related("organization").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def holding_refusals(body: Body, member: Member | None, post: str, on: dt.date | None, selection: str,
                     errors: Refusals, *, pending: list[tuple[int, str]] = ()) -> None:
    """The checks of one post holder in ``body`` (all at once, into ``errors``). ``pending`` are (member, post)
    pairs already accepted in the same decision and not yet written (appoint_committee)."""
    term, org = body.term, body.organization
    if selection not in Selection.values:
        errors.add("selection", _("Choose how the holder was chosen."))
    if post not in BODY_POSTS[body.kind]:
        errors.add("post", _("%(body)s has no post %(post)s.")
                   % {"body": body.get_kind_display(), "post": Post(post).label if post in Post.values else post})
        return
    if on is not None:
        if on < term.valid_from or (term.valid_to is not None and on >= term.valid_to) or (
                body.ended_on is not None and on >= body.ended_on):
            errors.add("valid_from", _("The term %(label)s of %(name)s is not open on %(date)s.")
                       % {"label": term.label, "name": org.name, "date": day(on)})
    if member is None:
        errors.add("member", _("Choose a party member."))
        return
    if member.status not in ACTIVE_STATUSES:
        errors.add("member", _("%(name)s is no longer on the active register.") % {"name": member.full_name})
    elif not (member.organization.path or "").startswith(org.path):
        errors.add("member", _("%(name)s is not a member of %(org)s or of an organization under it.")
                   % {"name": member.full_name, "org": org.name})
    elif on is not None:
        _member_on_date(member, org, on, errors)
    if on is None:
        return
    # The holdings of the body over the new one's period [on, end of the term): a back-dated holding is checked
    # against the holdings of its own dates, recorded before or after it.
    overlapping = _overlapping(body, on)
    new_pending = [(m, p, on, None, "") for m, p in pending]
    if any(h[0] == member.pk for h in overlapping + new_pending):
        errors.add("member", _("%(name)s already holds a post in %(body)s over that period.")
                   % {"name": member.full_name, "body": body.get_kind_display()})
    head = HEAD_POSTS.get(body.kind)
    if post == head:
        holders = [h for h in overlapping + new_pending if h[1] == head]
        if holders:
            holder = holders[0]
            errors.add("post", _("%(body)s already has its %(post)s%(holder)s on or after %(date)s; end that post "
                                 "first.")
                       % {"body": body.get_kind_display(), "post": Post(head).label,
                          "holder": f" ({holder[4]})" if holder[4] else "", "date": day(max(on, holder[2]))})
    if post == Post.DEPUTY_SECRETARY:
        limit = ceiling("DEPUTY_SECRETARIES", org, on)
        if limit is not None:
            deputies = _most_at_once([h for h in overlapping + new_pending if h[1] == post], on)
            if deputies + 1 > limit.value:
                errors.add("post", _("%(name)s may have at most %(max)d deputy secretaries on %(date)s "
                                     "(%(regulation)s).")
                           % {"name": org.name, "max": limit.value, "date": day(on), "regulation": cite(limit)})
    if _most_at_once(overlapping + new_pending, on) + 1 > body.seats:
        errors.add("body", _("All %(seats)d seats of %(body)s are filled on or after %(date)s; end a post first or "
                             "change the seats by a new decision.")
                   % {"seats": body.seats, "body": body.get_kind_display(), "date": day(on)})


Span = tuple  # (member id, post, valid_from, valid_to or None, member name)


def _overlapping(body: Body, on: dt.date) -> list[Span]:
    """The body's holdings that overlap [``on``, end of the term): still held on ``on`` or begun later (a holding
    of no day excluded). One query; a body has at most a few dozen holdings over a term."""
    rows = (PostHolding.objects.filter(body=body).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
            .exclude(valid_to=F("valid_from")).order_by("valid_from", "id")
            .values_list("member_id", "post", "valid_from", "valid_to", "member__full_name"))
    return list(rows)


def _most_at_once(spans: list[Span], on: dt.date) -> int:
    """The largest number of ``spans`` held on one day from ``on`` on (counted where each begins)."""
    days = {on, *(s[2] for s in spans if s[2] > on)}
    return max((sum(1 for s in spans if s[2] <= d and (s[3] is None or s[3] > d)) for d in days), default=0)


def _member_on_date(member: Member, org: Organization, on: dt.date, errors: Refusals) -> None:
    """On ``on`` the member was on the active register in ``org``'s subtree as it stood then (the registry's dated
    history and the tree's versions)."""
    row = (MemberHistory.objects.as_of(on).filter(member=member).order_by("-valid_from", "-id")
           .values_list("status", "organization_id").first())
    if row is None or row[0] not in ACTIVE_STATUSES:
        errors.add("member", _("%(name)s was not on the active register on %(date)s.")
                   % {"name": member.full_name, "date": day(on)})
        return
    paths = dict(OrganizationVersion.objects.as_of(on).filter(organization_id__in={row[1], org.pk})
                 .values_list("organization_id", "path"))
    if org.pk not in paths or row[1] not in paths or not paths[row[1]].startswith(paths[org.pk]):
        errors.add("member", _("%(name)s was not a member of %(org)s or of an organization under it on %(date)s.")
                   % {"name": member.full_name, "org": org.name, "date": day(on)})


def _grant_for(holding: PostHolding) -> Any:
    """Access follows posts: the role of the post for the holder's account, if the post has one and they have an
    account."""
    role_code = POST_ROLES.get(holding.post)
    if not role_code:
        return None
    user = User.objects.filter(member_id=holding.member_id, is_active=True).first()
    if user is None:
        return None
    return grant_following_post(user=user, role_code=role_code, organization=holding.organization,
                                valid_from=holding.valid_from, decision=holding.decision)


@action
def record_holding(actor: Any, *, body: Body, member: Any, post: str, valid_from: dt.date, selection: str,
                   decision: str = "", decision_date: dt.date | None = None) -> PostHolding:
    """A member holds a post of ``body`` from ``valid_from`` (elected, appointed or designated)."""
    pk = getattr(body, "pk", body)
    _lock_body(pk)
    body = Body.objects.restrict(actor, "view").select_related("term", "organization").filter(pk=pk).first()
    if body is None:
        raise OutOfScope()
    _require_right(actor, body.organization, selection == Selection.APPOINTED)
    errors = Refusals()
    on = None
    with errors.collect():
        on = _check_date(valid_from, "valid_from")
    with errors.collect():
        decision = _text(decision, "decision", required=selection == Selection.APPOINTED)
    if decision_date is not None:
        with errors.collect():
            _check_date(decision_date, "decision_date")
    found = _member(member)
    if found is not None and not path_in_scope(actor, Member, "view", found.organization.path) \
            and not (found.organization.path or "").startswith(body.organization.path):
        found = None  # a member outside the actor's scope and the organization's is named as not found
    holding_refusals(body, found, post, on, selection, errors)
    errors.raise_if_any()
    return _write_holding(body, found, post, on, selection, decision, decision_date)


def _write_holding(body: Body, member: Member, post: str, on: dt.date, selection: str, decision: str,
                   decision_date: dt.date | None) -> PostHolding:
    holding = PostHolding(body=body, organization=body.organization, member=member, post=post, selection=selection,
                          decision=decision, decision_date=decision_date, valid_from=on)
    holding.role_grant = _grant_for(holding)
    holding.save()
    refresh_counters([body.pk])
    return holding


@action
def end_holding(actor: Any, holding: PostHolding, *, on: dt.date, reason: str, decision: str = "") -> PostHolding:
    """The holder leaves the post on ``on`` (the term ended, moved, dismissed, ...); the post's grant ends too."""
    pk = getattr(holding, "pk", holding)
    body_id = PostHolding.objects.filter(pk=pk).values_list("body_id", flat=True).first()
    if body_id is None:
        raise OutOfScope()
    _lock_body(body_id)  # the body first, as record_holding does: no deadlock between the two
    list(PostHolding.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))
    holding = PostHolding.objects.restrict(actor, "view").select_related("organization", "member").filter(pk=pk).first()
    if holding is None:
        raise OutOfScope()
    _require_right(actor, holding.organization, reason == HoldingEnd.DISMISSED)
    if holding.valid_to is not None:
        raise StateConflict(_("This post was already left on %(date)s.") % {"date": day(holding.valid_to)})
    errors = Refusals()
    if reason not in HoldingEnd.values:
        errors.add("reason", _("Choose why the post ends."))
    with errors.collect():
        on = _check_date(on, "on")
        if on < holding.valid_from:
            raise ValidationError({"on": _("%(name)s holds the post from %(date)s.")
                                   % {"name": holding.member.full_name, "date": day(holding.valid_from)}})
    with errors.collect():
        decision = _text(decision, "decision", required=reason == HoldingEnd.DISMISSED)
    errors.raise_if_any()
    holding.valid_to, holding.end_reason, holding.end_decision = on, reason, decision
    holding.save()
    if holding.role_grant_id:
        end_grants_following_posts([holding.role_grant_id], on)
    refresh_counters([holding.body_id])
    return holding


@action
def appoint_committee(actor: Any, *, organization: Organization, label: str, valid_from: dt.date, decision: str,
                      decision_date: dt.date | None, seats: dict[str, int],
                      holdings: list[tuple[Any, str, str]]) -> Term:
    """The committee above appoints a committee (after a merger): the term, its bodies and every holder, in one
    decision; all or nothing, every refusal listed at once."""
    errors = Refusals()
    term = None
    try:
        term = open_term(actor, organization=organization, label=label, valid_from=valid_from,
                         opened_by=TermOpening.APPOINTMENT, seats=seats, decision=decision,
                         decision_date=decision_date)
    except ValidationError as exc:
        errors.add(exc)
    if term is None:
        # The holders are still checked against the organization, so that one round shows everything.
        org = Organization.objects.filter(pk=getattr(organization, "pk", organization)).first()
        for i, row in enumerate(holdings or ()):
            _static_holding_check(org, row, i, errors)
        errors.raise_if_any()
    bodies = {b.kind: b for b in Body.objects.filter(term=term).select_related("term", "organization")}
    accepted: dict[str, list[tuple[int, str]]] = {}
    rows = []
    for i, row in enumerate(holdings or ()):
        try:
            member, post, kind = row
        except (TypeError, ValueError):
            errors.add("holdings", _("Line %(n)d: give the member, the post and the body.") % {"n": i + 1})
            continue
        body = bodies.get(kind)
        found = _member(member)
        if body is None:
            errors.add("holdings", _("Line %(n)d: the term has no %(body)s.")
                       % {"n": i + 1, "body": BodyKind(kind).label if kind in BodyKind.values else kind})
            continue
        line = Refusals()
        holding_refusals(body, found, post, term.valid_from, Selection.APPOINTED, line,
                         pending=accepted.get(kind, []))
        if line:
            name = found.full_name if found is not None else "-"
            for messages in line.errors.values():
                for message in messages:
                    errors.add("holdings", _("Line %(n)d (%(name)s): %(error)s")
                               % {"n": i + 1, "name": name, "error": message})
            continue
        accepted.setdefault(kind, []).append((found.pk, post))
        rows.append((body, found, post))
    errors.raise_if_any()
    for body, member, post in rows:
        _write_holding(body, member, post, term.valid_from, Selection.APPOINTED, term.decision, term.decision_date)
    return term


def _static_holding_check(org: Organization | None, row: Any, i: int, errors: Refusals) -> None:
    """What can be checked of a holder without the term (when the term itself was refused)."""
    try:
        member, post, kind = row
    except (TypeError, ValueError):
        errors.add("holdings", _("Line %(n)d: give the member, the post and the body.") % {"n": i + 1})
        return
    if kind not in BodyKind.values or post not in BODY_POSTS[kind]:
        errors.add("holdings", _("Line %(n)d: %(post)s is not a post of this body.") % {"n": i + 1, "post": post})
    found = _member(member)
    if found is None:
        errors.add("holdings", _("Line %(n)d: choose a party member.") % {"n": i + 1})
    elif found.status not in ACTIVE_STATUSES or org is None or not (found.organization.path or "").startswith(
            org.path):
        errors.add("holdings", _("Line %(n)d (%(name)s): not an active member of the organization.")
                   % {"n": i + 1, "name": found.full_name})


# --- member events (registered in cadres.registrations) -------------------------------------------------------


def end_holdings_of_member(member: Any, on: dt.date, reason: str, *, keep_under: str | None = None,
                           decision: str = "") -> int:
    """End the member's current posts on ``on`` (inside the lifecycle's action that changed the member); with
    ``keep_under`` (the member's new organization's path) the posts of organizations above it are kept."""
    holdings = PostHolding.objects.filter(member_id=member.pk, valid_to__isnull=True).select_related("organization")
    ending = [h for h in holdings if keep_under is None or not keep_under.startswith(h.organization.path or "")]
    return end_holdings(ending, on, reason, decision)


def end_holdings(ending: list[PostHolding], on: dt.date, reason: str, decision: str = "") -> int:
    """End these current holdings on ``on`` with their grants, under locks on their bodies (taken in order);
    counters refreshed. Inside the caller's action (a member event, a reorganization)."""
    if not ending:
        return 0
    bodies = sorted({h.body_id for h in ending})
    for pk in bodies:
        _lock_body(pk)
    ids = [h.pk for h in ending]
    count = _end_holdings(PostHolding.objects.filter(pk__in=ids), on, reason, decision)
    end_grants_following_posts([h.role_grant_id for h in ending if h.role_grant_id], on)
    refresh_counters(bodies)
    return count


def on_member_left(member: Any, on: dt.date, *, status: str = "", decision: str = "", **_details: Any) -> None:
    end_holdings_of_member(member, on, LEAVING_REASON.get(status, HoldingEnd.RESIGNED), decision=decision)


def on_member_died(member: Any, on: dt.date, *, decision: str = "", **_details: Any) -> None:
    end_holdings_of_member(member, on, HoldingEnd.DECEASED, decision=decision)


def on_member_moved(member: Any, on: dt.date, *, to_org: Any = None, decision: str = "", **_details: Any) -> None:
    end_holdings_of_member(member, on, HoldingEnd.MOVED, keep_under=getattr(to_org, "path", None) or "",
                           decision=decision)


# --- accounts linked to members (registered in cadres.registrations as the hook "member_link_changed") --------


def on_member_link_changed(user: Any, old_member_id: int | None, new_member_id: int | None, on: dt.date) -> int:
    """Access follows posts also for an account linked after the posts were recorded: the grants the account
    had from the old member's current posts end on ``on``; the new member's current posts with a role give the
    account their grants from ``on`` (kept on the holding, ended with it). Inside ``accounts.link_member``."""
    changed = 0
    if old_member_id is not None:
        grants = list(PostHolding.objects.filter(member_id=old_member_id, valid_to__isnull=True,
                                                 role_grant__user_id=user.pk).values_list("role_grant_id", flat=True))
        changed += end_grants_following_posts(grants, on)
    if new_member_id is None or not user.is_active:
        return changed
    holdings = (PostHolding.objects.filter(member_id=new_member_id, valid_to__isnull=True,
                                           post__in=list(POST_ROLES)).select_related("organization").order_by("id"))
    for holding in holdings:
        if holding.role_grant_id and RoleGrant.objects.filter(pk=holding.role_grant_id, user_id=user.pk).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gt=on)).exists():
            continue  # the account already has this post's grant
        grant = grant_following_post(user=user, role_code=POST_ROLES[holding.post], organization=holding.organization,
                                     valid_from=max(on, holding.valid_from), decision=holding.decision)
        if grant is not None:
            PostHolding.objects.filter(pk=holding.pk).update(role_grant=grant)
            changed += 1
    return changed


# --- reads ------------------------------------------------------------------------------------------------------


def composition(organization: Organization, on: dt.date | None = None) -> list[PostHolding]:
    """Who held which post in the organization's bodies on ``on`` (today if not given): one indexed query.

    The caller has placed the organization in the reader's scope (``get_scoped_or_404``)."""
    rows = list(PostHolding.objects.as_of(on or _today()).filter(organization=organization)
                .select_related("member", "body").order_by("valid_from", "id"))
    rows.sort(key=lambda h: (KIND_ORDER.get(h.body.kind, 99), POST_ORDER.get(h.post, 99)))
    return rows


def _under(field: str, root: Any) -> Q:
    return prefix_q(field, root.path) if root is not None else Q()


# The vacancies worklist is read in the tree's order: the organization's path, then the body. A subtree is one range
# of the path index, walked in order and joined to the partial vacancy index, so a province's first page reads its
# own organizations only (ordered by organization id, a province of high ids walked past every other province's
# vacancies first: p95 125 ms at scale 1.0).
VACANCY_ORDER = ["org_path", "id"]


def vacant_bodies(user: Any, root: Organization | None = None) -> QuerySet:
    """Open bodies with an open seat or no head, in the user's scope (under ``root`` if given); keyset pages take
    ``VACANCY_ORDER``."""
    return (Body.objects.restrict(user, "view").filter(vacant=True, ended_on__isnull=True)
            .filter(_under("organization__path", root)).select_related("organization", "term")
            .annotate(org_path=F("organization__path")))


def terms_ending(user: Any, before: dt.date, root: Organization | None = None) -> QuerySet:
    """Open terms planned to end before ``before``, in the user's scope (under ``root`` if given)."""
    return (Term.objects.restrict(user, "view").filter(valid_to__isnull=True, planned_end__lt=before)
            .filter(_under("organization__path", root)).select_related("organization").order_by("planned_end", "id"))
