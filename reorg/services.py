"""Reorganization by decision: establish, merge, split, transfer, dissolve, rename / change type.

Each operation is first *resolved* into a list of primitive steps (establish, move a subtree, move members,
hand over, dissolve, link predecessor -> successor, change). A hand-over calls the reorganization handlers the
other apps registered (``core.registry``: role grants, open work), so this app imports none of them.
``preview_*`` describes the steps without writing anything; ``apply_reorganization`` runs them in one
transaction (one action, one audit trail).
Moving a subtree is set-based SQL: one UPDATE rewrites the paths of all descendants (members carry no path
of their own, so the registry is not written at all); history rows are closed and opened in bulk; counters are
shifted by F() updates along the old and the new ancestors. Members and organizations keep their ids.

Dates: an operation effective today or earlier is applied at once (a decision recorded late), provided no
later history exists for the organizations and members whose own record changes; one effective later is
stored as *scheduled* and applied by ``manage.py apply_reorganizations`` (or cancelled before).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import SYSTEM, action
from core.dates import add_days
from core.l10n import day
from core.registry import HandOver, Moved, merge_into, reorg_handlers
from core.rules import cite, rule, rule_version
from core.scope import OutOfScope, path_in_scope, paths_q, scope_q
from core.tree import STEP, prefix_q
from members import counters
from members.choices import ACTIVE_STATUSES, HistoryEvent, MemberStatus
from members.models import Member, MemberHistory
from orgs.choices import ALLOWED_CHILDREN, MEMBER_HOLDING_TYPES, OrgType
from orgs.models import Organization, OrganizationVersion
from orgs.services import check_rename, conflict_error, later_conflict
from reorg.choices import LinkKind, ReorgKind, ReorgState, SplitRule
from reorg.models import OrganizationLink, Reorganization

SAMPLE = 50  # names listed per group in a preview


# --- resolving a plan into steps ------------------------------------------------------------------------------
@dataclass
class NewOrg:
    """An organization the operation establishes; ``obj`` is filled when the step runs."""

    parent: Organization
    code: str
    name: str
    org_type: str
    term: str = ""
    obj: Organization | None = None

    @property
    def pk(self) -> int | None:
        return self.obj.pk if self.obj else None


Ref = Organization | NewOrg


def _ref_id(ref: Ref) -> int:
    return ref.obj.pk if isinstance(ref, NewOrg) else ref.pk  # type: ignore[union-attr]


def _same_ref(a: Ref, b: Ref) -> bool:
    return a is b or (isinstance(a, Organization) and isinstance(b, Organization) and a.pk == b.pk)


def _ref_name(ref: Ref) -> str:
    return ref.name


def _ref_type(ref: Ref) -> str:
    return ref.org_type


@dataclass
class Steps:
    kind: str
    on: dt.date
    decision: str
    decision_date: dt.date | None
    items: list[tuple] = field(default_factory=list)
    affected: dict[int, Organization] = field(default_factory=dict)  # organizations concerned (for the M2M)
    paths: list[str] = field(default_factory=list)  # for the common scope path

    def add(self, *step: Any) -> None:
        self.items.append(step)

    def touch(self, *orgs: Organization) -> None:
        for org in orgs:
            self.affected[org.pk] = org
            self.paths.append(org.path)

    def ending(self) -> set[int]:
        """Ids of the existing organizations these steps end (dissolve)."""
        return {step[1].pk for step in self.items if step[0] == "dissolve"}


def _error(field_name: str, message: str) -> ValidationError:
    return ValidationError({field_name: message})


def _org(actor: Any, pk: Any, perm: str, field_name: str) -> Organization:
    """An organization the actor can see (else "unknown", like a 404) and may ``perm`` (else OutOfScope)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise _error(field_name, _("Choose an organization."))
    org = Organization.objects.filter(pk=pk).restrict(actor, "view").first()
    if org is None:
        raise _error(field_name, _("This organization does not exist or is outside your organizations."))
    if not path_in_scope(actor, Organization, perm, org.path):
        raise OutOfScope()
    if not org.is_active:
        raise _error(field_name, _("The organization %(name)s has been dissolved.") % {"name": org.name})
    return org


def _check_own_history(org: Organization, on: dt.date, field_name: str = "effective_on",
                       fields: tuple[str, ...] | None = None) -> None:
    """A back-dated change of ``org`` is inserted into its history; refused only where a later version conflicts.

    ``fields``: the change alters these (a transfer: the place; a rename: the name...); a later version that
    changed one of them contradicts it. ``None``: the change ends the organization (merge, split, dissolve), which
    no later recorded version may follow; its sub-organizations dissolved or moved away later, and members who
    left it later, conflict too. The refusal names the conflicting decision and its date.
    """
    if fields is not None:
        conflict = later_conflict(org, on, fields)
        if conflict is not None:
            raise conflict_error(org, conflict, field_name)
        return
    later = OrganizationVersion.objects.filter(organization=org, valid_from__gt=on).order_by("valid_from").first()
    if later is not None:
        raise conflict_error(org, later, field_name)
    gone = org.children.filter(dissolved_on__gt=on).order_by("dissolved_on").first()
    if gone is not None:
        raise _error(field_name, _("%(child)s under %(name)s was dissolved later by decision %(decision)s effective "
                                   "%(date)s; a decision effective earlier cannot end %(name)s.")
                     % {"child": gone.name, "name": org.name, "decision": gone.dissolving_decision or "-",
                        "date": day(gone.dissolved_on)})
    under_then = OrganizationVersion.objects.filter(parent=org).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)).values("organization_id")
    moved_away = (OrganizationVersion.objects.filter(organization__in=under_then, valid_from__gt=on)
                  .exclude(parent=org).select_related("organization").order_by("valid_from").first())
    if moved_away is not None:
        raise conflict_error(moved_away.organization, moved_away, field_name)
    # A member who left the cell after the date (or whose record there starts after it) conflicts; a former
    # member (deceased, expelled...) whose last record there began on or before the date does not: that record
    # stays with the closed organization, as history.
    left = (MemberHistory.objects.filter(organization=org)
            .filter(Q(valid_to__gt=on) | Q(valid_to__isnull=True, valid_from__gt=on))
            .exclude(member__in=_active_members(org).values("pk")).order_by("-valid_from").first())
    if left is not None:
        raise _error(field_name, _("A member of %(name)s has a later recorded change (%(date)s); a decision "
                                   "effective earlier cannot end %(name)s.")
                     % {"name": org.name,
                        "date": day(left.valid_from if left.valid_from > on else left.valid_to)})


def _check_existed(org: Organization, on: dt.date, field_name: str) -> None:
    if not OrganizationVersion.objects.as_of(on).filter(organization=org).exists():
        raise _error(field_name, _("%(name)s did not exist on %(date)s.") % {"name": org.name,
                                                                            "date": day(on)})
    moved_later = later_conflict(org, on, ("path",))
    if moved_later is not None:
        raise _error(field_name, _("%(name)s was moved in the tree after %(date)s (decision %(decision)s effective "
                                   "%(moved)s).") % {"name": org.name, "date": day(on),
                                                     "decision": moved_later.decision or "-",
                                                     "moved": day(moved_later.valid_from)})


def _check_members_history(member_qs, on: dt.date, source: Organization | None = None) -> None:
    """Members who move on ``on`` keep their later records in the same organization (they follow them); one who
    was recorded in another organization on or after the date (transferred in later) conflicts, with that date."""
    ids = list(member_qs.order_by().values_list("pk", flat=True))
    later = None
    for i in range(0, len(ids), 2000):
        rows = MemberHistory.objects.filter(member_id__in=ids[i:i + 2000]).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=on)).order_by()
        if source is not None:
            rows = rows.exclude(organization=source)
        dates = [max(start, on) if end is None else end
                 for start, end in rows.values_list("valid_from", "valid_to")]
        later = max([*dates, *([later] if later else [])], default=None)
    if later is not None:
        raise _error("effective_on", _("A member concerned has a later recorded change (%(date)s).")
                     % {"date": day(later)})


def _check_child_allowed(child_type: str, parent: Ref, field_name: str) -> None:
    if child_type not in ALLOWED_CHILDREN.get(_ref_type(parent), set()):
        raise _error(field_name, _("A %(child)s cannot stand under %(parent)s.")
                     % {"child": OrgType(child_type).label, "parent": _ref_name(parent)})


def _new_org(actor: Any, spec: Any, parent: Organization | None, on: dt.date, field_name: str,
             codes: set[str]) -> NewOrg:
    if not isinstance(spec, dict):
        raise _error(field_name, _("Describe the new organization."))
    if parent is None:
        parent = _org(actor, spec.get("parent"), "add", field_name)
    elif not path_in_scope(actor, Organization, "add", parent.path):
        raise OutOfScope()
    code, name = str(spec.get("code") or "").strip(), str(spec.get("name") or "").strip()
    org_type = str(spec.get("org_type") or "")
    if not code or not name:
        raise _error(field_name, _("The new organization needs a code and a name."))
    if org_type not in OrgType.values or org_type == OrgType.CENTRAL:
        raise _error(field_name, _("Choose the type of the new organization."))
    if code in codes or Organization.objects.filter(code=code).exists():
        raise _error(field_name, _("An organization with the code %(code)s already exists.") % {"code": code})
    codes.add(code)
    _check_child_allowed(org_type, parent, field_name)
    _check_existed(parent, on, field_name)
    return NewOrg(parent=parent, code=code, name=name, org_type=org_type, term=str(spec.get("term") or "")[:9])


def _ids(value: Any, field_name: str) -> list[int]:
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        raise _error(field_name, _("Give a list of numbers."))
    try:
        return [int(v) for v in value]
    except (TypeError, ValueError):
        raise _error(field_name, _("Give a list of numbers."))


def _active_children(org: Organization):
    return org.children.filter(dissolved_on__isnull=True).order_by("path")


def _active_members(org: Organization):
    return Member.objects.filter(organization=org, status__in=ACTIVE_STATUSES)


def _check_receiver(source: Organization, target: Ref, on: dt.date, field_name: str) -> None:
    """Everything in ``source`` can go to ``target``: its children are allowed there, its members held there."""
    for child_type in _active_children(source).values_list("org_type", flat=True).distinct():
        _check_child_allowed(child_type, target, field_name)
    if _active_members(source).exists() and _ref_type(target) not in MEMBER_HOLDING_TYPES:
        raise _error(field_name, _("%(name)s holds members directly; they can only go to a party cell or a "
                                   "grassroots party cell.") % {"name": source.name})
    if isinstance(target, Organization):
        if target.path.startswith(source.path):
            raise _error(field_name, _("An organization cannot be merged into one of its own sub-organizations."))
        _check_existed(target, on, field_name)


def _absorb(steps: Steps, source: Organization, target: Ref, link_kind: str) -> None:
    """Move everything of ``source`` to ``target``, then dissolve ``source`` (merge, dissolve with successor)."""
    for child in _active_children(source):
        steps.add("move_subtree", child, target)
    _check_members_history(_active_members(source), steps.on, source)
    steps.add("move_members", source, target, None)
    steps.add("hand_over", source, target)
    steps.add("link", source, target, link_kind)
    steps.add("dissolve", source)


def resolve(actor: Any, kind: str, plan: dict, *, effective_on: dt.date, decision: str,
            decision_date: dt.date | None = None) -> Steps:
    """Check a plan against the tree and the actor's rights and turn it into steps (nothing is written)."""
    if not isinstance(plan, dict):
        raise ValidationError(_("The plan is not valid."))
    decision = (decision or "").strip()
    if not decision:
        raise _error("decision", _("A reorganization needs the number of its deciding document."))
    if not isinstance(effective_on, dt.date):
        raise _error("effective_on", _("Enter the date the decision takes effect."))
    if decision_date and decision_date > add_days(effective_on, 3660):
        raise _error("decision_date", _("The decision date is too far from the effective date."))
    steps = Steps(kind=kind, on=effective_on, decision=decision, decision_date=decision_date)
    on, codes = effective_on, set()
    if kind == ReorgKind.ESTABLISH:
        parent = _org(actor, plan.get("parent"), "add", "parent")
        new = _new_org(actor, plan, parent, on, "parent", codes)
        steps.touch(parent)
        steps.add("establish", new)
    elif kind == ReorgKind.MERGE:
        source_ids = _ids(plan.get("sources"), "sources")
        if len(set(source_ids)) < (1 if plan.get("target") else 2) or len(set(source_ids)) != len(source_ids):
            raise _error("sources", _("Choose two or more different organizations to merge."))
        sources = [_org(actor, pk, "change", "sources") for pk in source_ids]
        for s in sources:
            if s.org_type == OrgType.CENTRAL:
                raise _error("sources", _("The Central Committee cannot be merged."))
            _check_own_history(s, on)
            for other in sources:
                if other.pk != s.pk and other.path.startswith(s.path):
                    raise _error("sources", _("One organization to merge lies inside another."))
        target: Ref
        if plan.get("target"):
            target = _org(actor, plan["target"], "add", "target")
            if target.pk in source_ids:
                raise _error("target", _("The receiving organization cannot be one of those merged."))
            steps.touch(target)
        else:
            target = _new_org(actor, plan.get("new"), None, on, "new", codes)
            steps.touch(target.parent)
            steps.add("establish", target)
        for s in sources:
            _check_receiver(s, target, on, "target")
            steps.touch(s)
            _absorb(steps, s, target, LinkKind.MERGED)
    elif kind == ReorgKind.SPLIT:
        _resolve_split(actor, plan, steps, codes)
    elif kind == ReorgKind.TRANSFER:
        org_ids = _ids(plan.get("organizations"), "organizations")
        if not org_ids or len(set(org_ids)) != len(org_ids):
            raise _error("organizations", _("Choose the organizations to transfer."))
        new_parent = _org(actor, plan.get("to"), "add", "to")
        _check_existed(new_parent, on, "to")
        moved = [_org(actor, pk, "change", "organizations") for pk in org_ids]
        steps.touch(new_parent)
        for org in moved:
            if org.org_type == OrgType.CENTRAL:
                raise _error("organizations", _("The Central Committee cannot be transferred."))
            if org.parent_id == new_parent.pk:
                raise _error("to", _("%(name)s already stands under this organization.") % {"name": org.name})
            if new_parent.path.startswith(org.path):
                raise _error("to", _("An organization cannot be moved under its own sub-organization."))
            for other in moved:
                if other.pk != org.pk and other.path.startswith(org.path):
                    raise _error("organizations", _("One organization to transfer lies inside another."))
            _check_child_allowed(org.org_type, new_parent, "to")
            _check_own_history(org, on, fields=("parent_id", "path"))
            steps.touch(org)
            steps.add("move_subtree", org, new_parent)
    elif kind == ReorgKind.DISSOLVE:
        org = _org(actor, plan.get("organization"), "change", "organization")
        if org.org_type == OrgType.CENTRAL:
            raise _error("organization", _("The Central Committee cannot be dissolved."))
        _check_own_history(org, on)
        steps.touch(org)
        if plan.get("move_to"):
            successor = _org(actor, plan["move_to"], "add", "move_to")
            if successor.pk == org.pk:
                raise _error("move_to", _("Choose another organization to receive the contents."))
            _check_receiver(org, successor, on, "move_to")
            steps.touch(successor)
            _absorb(steps, org, successor, LinkKind.DISSOLVED)
        else:
            if _active_children(org).exists() or _active_members(org).exists():
                raise _error("move_to", _("The organization still has sub-organizations or members: choose where "
                                          "they go, or move them first."))
            steps.add("hand_over", org, None)
            steps.add("dissolve", org)
    elif kind == ReorgKind.CHANGE:
        org = _org(actor, plan.get("organization"), "change", "organization")
        check_rename(actor, org)
        changes = {k: str(plan[k]).strip() for k in ("name", "code", "org_type") if plan.get(k)}
        changes = {k: v for k, v in changes.items() if v != getattr(org, k)}
        if not changes:
            raise _error("name", _("Nothing would change."))
        if "org_type" in changes:
            if changes["org_type"] not in OrgType.values:
                raise _error("org_type", _("Choose a type."))
            if org.parent_id:
                _check_child_allowed(changes["org_type"], org.parent, "org_type")
            for child_type in _active_children(org).values_list("org_type", flat=True).distinct():
                if child_type not in ALLOWED_CHILDREN.get(changes["org_type"], set()):
                    raise _error("org_type", _("The organizations under it cannot stand under this type."))
            if _active_members(org).exists() and changes["org_type"] not in MEMBER_HOLDING_TYPES:
                raise _error("org_type", _("It holds members directly; move them first or choose a cell type."))
        if "code" in changes and Organization.objects.exclude(pk=org.pk).filter(code=changes["code"]).exists():
            raise _error("code", _("An organization with the code %(code)s already exists.")
                         % {"code": changes["code"]})
        _check_own_history(org, on, fields=tuple(changes))
        steps.touch(org)
        steps.add("change", org, changes)
    else:
        raise _error("kind", _("Unknown operation."))
    return steps


def _resolve_split(actor: Any, plan: dict, steps: Steps, codes: set[str]) -> None:
    on = steps.on
    source = _org(actor, plan.get("source"), "change", "source")
    if source.org_type == OrgType.CENTRAL:
        raise _error("source", _("The Central Committee cannot be split."))
    _check_own_history(source, on)
    parent = _org(actor, plan["parent"], "add", "parent") if plan.get("parent") else source.parent
    rule = plan.get("rule") or SplitRule.LIST
    if rule not in SplitRule.values:
        raise _error("rule", _("Choose how the rest is assigned."))
    raw_parts = plan.get("parts")
    if not isinstance(raw_parts, list) or len(raw_parts) < 2:
        raise _error("parts", _("A split needs at least two successor organizations."))
    steps.touch(source)
    parts: list[Ref] = []
    for i, raw in enumerate(raw_parts):
        if not isinstance(raw, dict):
            raise _error("parts", _("The plan is not valid."))
        if raw.get("target"):
            target = _org(actor, raw["target"], "add", "parts")
            if target.path.startswith(source.path):
                raise _error("parts", _("A successor cannot lie inside the organization being split."))
            _check_existed(target, on, "parts")
            steps.touch(target)
            parts.append(target)
        else:
            if parent is None:
                raise _error("parent", _("Choose where the new organizations stand."))
            new = _new_org(actor, raw.get("new"), parent, on, f"parts.{i}", codes)
            steps.touch(parent)
            parts.append(new)
    if len({id(p) if isinstance(p, NewOrg) else p.pk for p in parts}) != len(parts):
        raise _error("parts", _("Each successor may appear only once."))
    children = {c.pk: c for c in _active_children(source)}
    members = dict(_active_members(source).values_list("pk", "full_name"))
    child_to: dict[int, int] = {}
    member_to: dict[int, int] = {}
    for i, raw in enumerate(raw_parts):
        for key, pool, assigned, label in (("children", children, child_to, _("sub-organization")),
                                           ("members", members, member_to, _("member"))):
            for pk in _ids(raw.get(key), f"parts.{i}.{key}"):
                if pk not in pool:
                    raise _error("parts", _("A listed %(what)s (%(id)s) is not in the organization being split.")
                                 % {"what": label, "id": pk})
                if pk in assigned:
                    raise _error("parts", _("A %(what)s (%(id)s) is assigned twice.") % {"what": label, "id": pk})
                assigned[pk] = i
    rest_children = [pk for pk in children if pk not in child_to]
    rest_members = sorted(pk for pk in members if pk not in member_to)
    if rule == SplitRule.LIST and (rest_children or rest_members):
        raise _error("parts", _("%(children)d sub-organizations and %(members)d members are not assigned to any "
                                "successor.") % {"children": len(rest_children), "members": len(rest_members)})
    for pk in rest_children:
        child_to[pk] = 0
    if rest_members:
        holders = [i for i, p in enumerate(parts) if _ref_type(p) in MEMBER_HOLDING_TYPES]
        if not holders:
            raise _error("parts", _("No successor can hold members."))
        if rule == SplitRule.BALANCE:
            for n, pk in enumerate(rest_members):
                member_to[pk] = holders[n % len(holders)]
        else:
            for pk in rest_members:
                member_to[pk] = 0
    for pk, i in child_to.items():
        _check_child_allowed(children[pk].org_type, parts[i], "parts")
    for i in set(member_to.values()):
        if _ref_type(parts[i]) not in MEMBER_HOLDING_TYPES:
            raise _error("parts", _("%(name)s cannot hold members directly.") % {"name": _ref_name(parts[i])})
    _check_members_history(_active_members(source), on, source)
    grants_to = plan.get("grants_to", 0)
    for part in parts:
        if isinstance(part, NewOrg):
            steps.add("establish", part)
    for i, part in enumerate(parts):
        for pk in sorted(pk for pk, j in child_to.items() if j == i):
            steps.add("move_subtree", children[pk], part)
        ids = sorted(pk for pk, j in member_to.items() if j == i)
        if ids:
            steps.add("move_members", source, part, ids)
        steps.add("link", source, part, LinkKind.SPLIT)
    grant_target = parts[int(grants_to)] if grants_to is not None and 0 <= int(grants_to) < len(parts) else None
    steps.add("hand_over", source, grant_target, True)
    steps.add("dissolve", source)


def common_path(paths: list[str]) -> str:
    if not paths:
        return ""
    first = min(paths)
    last = max(paths)
    n = 0
    while n + STEP <= min(len(first), len(last)) and first[n:n + STEP] == last[n:n + STEP]:
        n += STEP
    return first[:n]


# --- preview -------------------------------------------------------------------------------------------------
def _members_on(org: Organization, on: dt.date) -> dict[str, int]:
    """Members of ``org``'s subtree on the effective date (today's counters for a date not yet past)."""
    if on >= timezone.localdate():
        return _counts(org.subtree_official, org.subtree_probationary)
    return member_count_as_of(org, on, user=SYSTEM) or _counts(0, 0)


def _size_warnings(steps: Steps, result: dict[int, dict], out: dict) -> None:
    """An empty successor, and a resulting cell outside the configured size (``CELL_MIN_MEMBERS`` full members,
    ``CELL_MAX_MEMBERS`` members: Party Statute art. 21), are warnings; refusals where ``REORG_REFUSE_CELL_SIZE`` is
    in force on the effective date. Stored as codes and numbers (the page says them in the reader's language)."""
    smallest, largest = rule_version("CELL_MIN_MEMBERS", steps.on), rule_version("CELL_MAX_MEMBERS", steps.on)
    refusals = []
    for entry in result.values():
        ref, official, total = entry["ref"], entry["official"], entry["official"] + entry["probationary"]
        holds = _ref_type(ref) in MEMBER_HOLDING_TYPES
        base = {"name": _ref_name(ref), "members": total, "official": official}
        if entry["successor"] and total == 0 and not entry["children"]:
            out["warnings"].append({"code": "empty_successor", **base})
            continue
        if not holds or not (entry["successor"] or entry["received"]):
            continue
        if official < smallest.value:
            out["warnings"].append({"code": "cell_too_small", **base, "limit": smallest.value,
                                    "rule": "CELL_MIN_MEMBERS", "on": steps.on.isoformat()})
            refusals.append(_("%(name)s would have %(official)d full members; a party organization needs at least "
                              "%(limit)d (%(regulation)s).") % {**base, "limit": smallest.value,
                                                                "regulation": cite(smallest)})
        elif total > largest.value:
            out["warnings"].append({"code": "cell_too_large", **base, "limit": largest.value,
                                    "rule": "CELL_MAX_MEMBERS", "on": steps.on.isoformat()})
            refusals.append(_("%(name)s would have %(members)d members; a party cell has at most %(limit)d "
                              "(%(regulation)s).") % {**base, "limit": largest.value, "regulation": cite(largest)})
    if refusals and rule("REORG_REFUSE_CELL_SIZE", steps.on):
        raise ValidationError(refusals)


def describe(steps: Steps) -> dict:
    """What the steps will do: members counted on the effective date, nothing written; warnings on an empty
    successor and on a resulting cell outside its size.

    Stored with the reorganization, so it holds codes and ISO dates (organization type, link kind, role code),
    never a label: ``reorg/templatetags/reorg_tags.py`` renders them in the reader's language."""
    out: dict[str, Any] = {"kind": steps.kind, "effective_on": steps.on.isoformat(), "decision": steps.decision,
                           "established": [], "moves": [], "member_moves": [], "grants": [], "review": [],
                           "dissolved": [], "links": [], "changes": [], "users": 0, "warnings": []}
    total_orgs = total_members = 0
    result: dict[int, dict] = {}  # what each receiving or successor organization will hold

    def entry(ref: Ref) -> dict:
        key = id(ref) if isinstance(ref, NewOrg) else ref.pk
        if key not in result:
            now = (_members_on(ref, steps.on) if isinstance(ref, Organization) and _ref_type(ref)
                   in MEMBER_HOLDING_TYPES else _counts(0, 0))
            children = _active_children(ref).exists() if isinstance(ref, Organization) else False
            result[key] = {"ref": ref, "official": now["official"], "probationary": now["probationary"],
                           "children": children, "successor": False, "received": False}
        return result[key]

    for step in steps.items:
        op = step[0]
        if op == "establish":
            new = step[1]
            out["established"].append({"code": new.code, "name": new.name, "type": new.org_type,
                                       "parent": new.parent.name})
        elif op == "move_subtree":
            org, to = step[1], step[2]
            sub = Organization.objects.filter(prefix_q("path", org.path), dissolved_on__isnull=True).count()
            members = _members_on(org, steps.on)["total"]
            out["moves"].append({"id": org.pk, "name": org.name, "code": org.code,
                                 "from": org.parent.name if org.parent_id else "", "to": _ref_name(to),
                                 "organizations": sub, "members": members})
            entry(to)["children"] = True
            total_orgs += sub
            total_members += members
        elif op == "move_members":
            source, to, ids = step[1], step[2], step[3]
            qs = _active_members(source) if ids is None else Member.objects.filter(pk__in=ids)
            if ids is None and source.org_type in MEMBER_HOLDING_TYPES:  # no sub-organizations: subtree = own
                counts = _members_on(source, steps.on)
            else:
                by_status = _by_status(qs.order_by())
                counts = _counts(by_status["official"], by_status["probationary"])
            count = counts["total"]
            if count:
                names = list(qs.order_by("name_key", "id").values_list("pk", "full_name")[:SAMPLE])
                out["member_moves"].append({"from": source.name, "to": _ref_name(to), "count": count,
                                            "sample": [{"id": pk, "name": n} for pk, n in names]})
                total_members += count
                received = entry(to)
                received["official"] += counts["official"]
                received["probationary"] += counts["probationary"]
                received["received"] = True
        elif op == "hand_over":
            source, to = step[1], step[2]
            hand = HandOver(source=source, target=to if isinstance(to, Organization) else None,
                            target_name=_ref_name(to) if to is not None else None,
                            on=steps.on, decision=steps.decision,
                            target_type=_ref_type(to) if to is not None else None, split=len(step) > 3)
            for handler in reorg_handlers():
                merge_into(out, handler.preview(hand))
        elif op == "dissolve":
            out["dissolved"].append({"id": step[1].pk, "name": step[1].name, "code": step[1].code})
        elif op == "link":
            out["links"].append({"predecessor": step[1].name, "successor": _ref_name(step[2]),
                                 "kind": str(step[3])})
            entry(step[2])["successor"] = True
        elif op == "change":
            org, changes = step[1], step[2]
            out["changes"].append({"id": org.pk, "name": org.name,
                                   "changes": {k: [getattr(org, k), v] for k, v in changes.items()}})
    _size_warnings(steps, result, out)
    out["totals"] = {"organizations": total_orgs, "members": total_members, "grants": len(out["grants"]),
                     "review": len(out["review"])}
    return out


def preview(actor: Any, kind: str, plan: dict, *, effective_on: dt.date, decision: str,
            decision_date: dt.date | None = None) -> dict:
    """Validate and describe an operation without writing (raises ValidationError / OutOfScope)."""
    return describe(resolve(actor, kind, plan, effective_on=effective_on, decision=decision,
                            decision_date=decision_date))


# --- the set-based primitives --------------------------------------------------------------------------------


ROOTS_PER_STATEMENT = 200  # subtrees rewritten by one UPDATE (an OR of that many index ranges)
IDS_PER_STATEMENT = 2000  # ids in one ``IN (...)`` list


def _move_subtrees(steps: Steps, roots: list[Organization], new_parent: Organization, summary: dict) -> None:
    """Move ``roots`` (disjoint subtrees) with everything under them below ``new_parent``.

    Set-based: the roots are grouped by their old parent, and for each group one UPDATE rewrites the paths of
    all their descendants (organizations, versions from the date on), one closes the
    versions spanning the date and one bulk insert opens their copies at the new place; counters are shifted
    once per group along the old and the new ancestors.
    """
    new_parent = Organization.objects.get(pk=new_parent.pk)
    locked = list(Organization.objects.select_for_update().filter(pk__in=[r.pk for r in roots]).order_by("path"))
    groups: dict[str, list[Organization]] = defaultdict(list)
    for org in locked:
        groups[org.path[:-STEP]].append(org)
    moved: dict[int, dict] = {}
    for old_parent_path, group in groups.items():
        for i in range(0, len(group), ROOTS_PER_STATEMENT):
            _move_group(steps, group[i:i + ROOTS_PER_STATEMENT], old_parent_path, new_parent, summary, moved)
    summary["moved"].extend(moved[r.pk] for r in roots)  # in the order of the steps


def _move_group(steps: Steps, roots: list[Organization], old_parent_path: str, new_parent: Organization,
                summary: dict, moved_roots: dict[int, dict]) -> None:
    """Siblings under ``old_parent_path`` move below ``new_parent``: a constant prefix is swapped in each path."""
    on, decision = steps.on, steps.decision
    cut = len(old_parent_path)  # every path in these subtrees is old_parent_path + <root segment> + ...
    delta = (len(new_parent.path) - cut) // STEP
    root_ids = [org.pk for org in roots]
    old_prefixes = [org.path for org in roots]
    in_subtrees = paths_q("path", old_prefixes)

    def repath(field: str) -> Concat:
        return Concat(Value(new_parent.path), Substr(field, cut + 1))

    # How many organizations each subtree holds (for the summary), in one grouped read.
    sizes = dict(Organization.objects.filter(in_subtrees).order_by()
                 .annotate(subtree_root=Substr("path", 1, cut + STEP)).values("subtree_root")
                 .annotate(n=Count("id")).values_list("subtree_root", "n"))
    # 1. Versions that span the date: close at the date (audited), copy from the date at the new place.
    # A version that began the same day is closed too (a version of no day, kept with its own decision).
    spanning = list(OrganizationVersion.objects.filter(in_subtrees, valid_from__lte=on)
                    .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on)).order_by("path").values())
    for i in range(0, len(spanning), IDS_PER_STATEMENT):
        OrganizationVersion.objects.filter(pk__in=[r["id"] for r in spanning[i:i + IDS_PER_STATEMENT]]).update(
            valid_to=on)
    # 2. Versions after the date (a back-dated move inserted before later changes): they stand at the new place
    # from now on, but keep their own decisions and reasons.
    later = OrganizationVersion.objects.filter(in_subtrees, valid_from__gt=on)
    later.derived_update(path=repath("path"), depth=F("depth") + delta)
    OrganizationVersion.objects.filter(organization_id__in=root_ids, valid_from__gt=on).update(parent=new_parent)
    # 3. The organizations: one UPDATE for the whole group (members follow through their organization).
    Organization.objects.filter(pk__in=root_ids).update(parent=new_parent)
    moved = Organization.objects.filter(in_subtrees).derived_update(path=repath("path"), depth=F("depth") + delta)
    # The copies, attached to their (already moved) organizations so the audit knows their place without a query.
    orgs = {}
    ids = sorted({r["organization_id"] for r in spanning})
    for i in range(0, len(ids), IDS_PER_STATEMENT):
        orgs.update(Organization.objects.only("id", "path").in_bulk(ids[i:i + IDS_PER_STATEMENT]))
    own = {"parent_id": new_parent.pk, "decision": decision, "decision_date": steps.decision_date,
           "reason": "reorganized"}
    root_set = set(root_ids)
    copies = []
    for row in spanning:
        row.pop("id")
        row["path"] = new_parent.path + row["path"][cut:]
        row["depth"] += delta
        row["valid_from"] = on
        # Every new version names the decision that made it: the move's, also for the sub-organizations that
        # moved with a root (their earlier versions keep their own decisions).
        row.update({"decision": decision, "decision_date": steps.decision_date, "reason": "reorganized", "note": ""})
        if row["organization_id"] in root_set:
            row.update(own)
        copy = OrganizationVersion(**row)
        copy.organization = orgs[row["organization_id"]]
        copies.append(copy)
    OrganizationVersion.objects.bulk_create(copies, batch_size=2000)
    # 4. Counters: the old ancestors lose the subtrees, the new ones gain them (one shift each for the group).
    official = sum(org.subtree_official for org in roots)
    probationary = sum(org.subtree_probationary for org in roots)
    counters.shift(old_parent_path, -official, -probationary, direct=False)
    counters.shift(new_parent.path, official, probationary, direct=False)
    summary["organizations"] += moved
    summary["members"] += official + probationary
    _announce(Moved(left=old_parent_path, arrived=new_parent.path, on=on, decision=decision,
                    new_paths=tuple(new_parent.path + path[cut:] for path in old_prefixes),
                    left_ends=roots[0].parent_id in steps.ending()), summary)
    for org in roots:
        moved_roots[org.pk] = {"id": org.pk, "from": org.parent_id, "to": new_parent.pk,
                               "organizations": sizes.get(org.path, 0), "members": org.subtree_members}


def _move_members(steps: Steps, source: Organization, target: Organization, ids: list[int] | None,
                  summary: dict) -> None:
    """Members of a member-holding organization go to ``target``: history closed and opened, counters shifted."""
    on = steps.on
    source = Organization.objects.get(pk=source.pk)
    target = Organization.objects.get(pk=target.pk)
    qs = _active_members(source)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    official, probationary = by_status.get(MemberStatus.OFFICIAL, 0), by_status.get(MemberStatus.PROBATIONARY, 0)
    if not official and not probationary:
        return
    member_ids = list(qs.values_list("pk", flat=True))
    # The rows covering the date are closed there (kept, even as rows of no day) and continued at the target; rows
    # after the date (a back-dated decision) are the members' later records, now in the target, events kept.
    covering = MemberHistory.objects.filter(member_id__in=member_ids, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    spans = {pk: (status, ends) for pk, status, ends in covering.values_list("member_id", "status", "valid_to")}
    covering.update(valid_to=on)
    MemberHistory.objects.filter(member_id__in=member_ids, valid_from__gt=on).update(organization=target)
    Member.objects.filter(pk__in=member_ids).update(organization=target)
    # Loaded with their (new) organization, so the audit finds each history row's place without a query per row.
    members = Member.objects.select_related("organization").in_bulk(member_ids)
    rows = []
    for pk in member_ids:
        if pk not in spans:
            continue  # recorded in the source only after the date: its later rows moved above
        status, ends = spans[pk]
        row = MemberHistory(member_id=pk, organization_id=target.pk, status=status, event=HistoryEvent.REORGANIZED,
                            decision=steps.decision[:64], valid_from=on, valid_to=ends, note=source.name[:255])
        row.member, row.organization = members[pk], target
        rows.append(row)
    MemberHistory.objects.bulk_create(rows, batch_size=2000)
    counters.shift(source.path, -official, -probationary, direct=True)
    counters.shift(target.path, official, probationary, direct=True)
    summary["members"] += official + probationary
    summary["member_moves"].append({"from": source.pk, "to": target.pk, "count": official + probationary})
    _announce(Moved(left=source.path, arrived=target.path, on=on, decision=steps.decision,
                    member_ids=tuple(member_ids), left_ends=source.pk in steps.ending()), summary)


def _announce(moved: Moved, summary: dict) -> None:
    """The apps whose items are tied to a place (posts in the committees above) hear that members moved."""
    for handler in reorg_handlers():
        if handler.moved is not None:
            merge_into(summary, handler.moved(moved))


def _hand_over(steps: Steps, source: Organization, target: Organization | None, summary: dict,
               split: bool = False) -> None:
    """The other apps' open items of an organization that ends follow it (registered reorg handlers)."""
    hand = HandOver(source=source, target=target, target_name=target.name if target is not None else None,
                    on=steps.on, decision=steps.decision,
                    target_type=target.org_type if target is not None else None, split=split)
    for handler in reorg_handlers():
        merge_into(summary, handler.apply(hand))


def _dissolve(steps: Steps, org: Organization) -> None:
    from orgs.services import close_version

    org = Organization.objects.get(pk=org.pk)
    close_version(org, steps.on)
    Organization.objects.filter(pk=org.pk).update(dissolved_on=steps.on, dissolving_decision=steps.decision[:64],
                                                  dissolving_decision_date=steps.decision_date)


def _execute(actor: Any, reorg: Reorganization, steps: Steps) -> dict:
    from orgs.services import establish_organization, update_organization

    summary: dict[str, Any] = {"organizations": 0, "members": 0, "moved": [], "member_moves": [], "grants": [],
                               "review": [], "established": [], "dissolved": [], "links": []}
    list(Organization.objects.select_for_update().filter(pk__in=list(steps.affected)).values_list("pk", flat=True))

    def target_of(ref: Ref) -> Organization:
        return ref.obj if isinstance(ref, NewOrg) else ref  # type: ignore[return-value]

    items: list[tuple] = []
    for step in steps.items:  # consecutive moves to the same place run as one set-based move
        if (step[0] == "move_subtree" and items and items[-1][0] == "move_subtrees"
                and _same_ref(items[-1][2], step[2])):
            items[-1][1].append(step[1])
        elif step[0] == "move_subtree":
            items.append(("move_subtrees", [step[1]], step[2]))
        else:
            items.append(step)
    for step in items:
        op = step[0]
        if op == "establish":
            new: NewOrg = step[1]
            parent = Organization.objects.get(pk=new.parent.pk)
            new.obj = establish_organization(actor, parent=parent, code=new.code, name=new.name,
                                             org_type=new.org_type, effective_on=steps.on, decision=steps.decision,
                                             decision_date=steps.decision_date, term=new.term)
            reorg.organizations.add(new.obj)
            summary["established"].append(new.obj.pk)
        elif op == "move_subtrees":
            _move_subtrees(steps, step[1], target_of(step[2]), summary)
        elif op == "move_members":
            _move_members(steps, step[1], target_of(step[2]), step[3], summary)
        elif op == "hand_over":
            target = target_of(step[2]) if step[2] is not None else None
            _hand_over(steps, step[1], target, summary, split=len(step) > 3)
        elif op == "link":
            successor = target_of(step[2])
            OrganizationLink.objects.create(reorganization=reorg, predecessor_id=step[1].pk, successor=successor,
                                            kind=step[3], effective_on=steps.on)
            summary["links"].append([step[1].pk, successor.pk])
        elif op == "dissolve":
            _dissolve(steps, step[1])
            summary["dissolved"].append(step[1].pk)
        elif op == "change":
            org = Organization.objects.get(pk=step[1].pk)
            update_organization(actor, org, expected_version=None, effective_on=steps.on, decision=steps.decision,
                                decision_date=steps.decision_date, **step[2])
    if actor is not None:
        actor.__dict__.pop("_partywork_scope_cache", None)
    return summary


# --- the actions ---------------------------------------------------------------------------------------------
@action
def create_reorganization(actor: Any, *, kind: str, plan: dict, effective_on: dt.date, decision: str,
                          decision_date: dt.date | None = None, note: str = "",
                          today: dt.date | None = None) -> Reorganization:
    """Record a reorganization: applied at once if effective today or earlier, else scheduled."""
    today = today or timezone.localdate()
    steps = resolve(actor, kind, plan, effective_on=effective_on, decision=decision, decision_date=decision_date)
    reorg = Reorganization(kind=kind, decision=steps.decision, decision_date=decision_date,
                           effective_on=effective_on, note=(note or "")[:255], plan=plan,
                           summary={"preview": describe(steps)}, scope_path=common_path(steps.paths),
                           created_by=actor if getattr(actor, "pk", None) else None)
    reorg.save()
    reorg.organizations.set(list(steps.affected))
    if effective_on <= today:
        _apply(actor, reorg, steps)
    return reorg


def _apply(actor: Any, reorg: Reorganization, steps: Steps) -> None:
    summary = _execute(actor, reorg, steps)
    Reorganization.objects.filter(pk=reorg.pk).update(
        state=ReorgState.APPLIED, applied_at=timezone.now(),
        applied_by=actor if getattr(actor, "pk", None) else None, summary={**reorg.summary, "applied": summary},
        error="")
    reorg.refresh_from_db()


@action
def apply_reorganization(actor: Any, reorg: Reorganization, *, today: dt.date | None = None) -> Reorganization:
    """Apply a scheduled reorganization whose date has come (all or nothing)."""
    today = today or timezone.localdate()
    reorg = Reorganization.objects.select_for_update().restrict(actor, "change").get(pk=reorg.pk)
    if reorg.state not in (ReorgState.SCHEDULED, ReorgState.FAILED):
        raise ValidationError(_("Only a scheduled reorganization can be applied."))
    if reorg.effective_on > today:
        raise _error("effective_on", _("This reorganization takes effect on %(date)s.")
                     % {"date": day(reorg.effective_on)})
    steps = resolve(actor, reorg.kind, reorg.plan, effective_on=reorg.effective_on, decision=reorg.decision,
                    decision_date=reorg.decision_date)
    _apply(actor, reorg, steps)
    return reorg


@action
def cancel_reorganization(actor: Any, reorg: Reorganization) -> Reorganization:
    """Cancel a scheduled reorganization before it takes effect."""
    reorg = Reorganization.objects.select_for_update().restrict(actor, "change").get(pk=reorg.pk)
    if reorg.state not in (ReorgState.SCHEDULED, ReorgState.FAILED):
        raise ValidationError(_("Only a scheduled reorganization can be cancelled."))
    reorg.state = ReorgState.CANCELLED
    reorg.cancelled_at = timezone.now()
    reorg.cancelled_by = actor if getattr(actor, "pk", None) else None
    reorg.save()
    return reorg


@action
def _mark_failed(actor: Any, reorg: Reorganization, message: str) -> None:
    Reorganization.objects.filter(pk=reorg.pk).update(state=ReorgState.FAILED, error=message[:2000])


def apply_due_reorganizations(actor: Any, today: dt.date | None = None) -> dict[str, list[int]]:
    """The daily job: apply every scheduled reorganization whose date has come, each in its own transaction."""
    today = today or timezone.localdate()
    done: dict[str, list[int]] = {"applied": [], "failed": []}
    due = list(Reorganization.objects.due(today).order_by("effective_on", "id").values_list("pk", flat=True))
    for pk in due:
        reorg = Reorganization.objects.get(pk=pk)
        try:
            apply_reorganization(actor, reorg, today=today)
        except (ValidationError, OutOfScope, Reorganization.DoesNotExist) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            _mark_failed(actor, reorg, message)
            done["failed"].append(pk)
        else:
            done["applied"].append(pk)
    return done


# --- reading the past ----------------------------------------------------------------------------------------
def path_on(org: Organization, on: dt.date) -> str | None:
    version = OrganizationVersion.objects.as_of(on).filter(organization=org).only("path").first()
    return version.path if version is not None else None


TREE_FIELDS = ("organization_id", "parent_id", "path", "depth", "code", "name", "org_type", "valid_from", "decision",
               "decision_date")


def tree_as_of(org: Organization, on: dt.date, *, user: Any, max_depth: int | None = None,
               limit: int = 5000) -> list[dict]:
    """The versions of ``org``'s subtree as they stood on ``on``, in tree order (plain rows: no model overhead).

    The rule for past places (README, "Reading the past"): ``user`` sees the past of the organizations in their
    scope today, as they were then, and nothing of an organization outside their scope today (a subtree that
    has since moved to another province is not shown, as the tree and member as-of reads do). Like every read,
    it names its reader: ``SYSTEM`` (commands, benchmarks) reads everything, ``None`` nothing.
    """
    path = path_on(org, on)
    if path is None:
        return []
    qs = OrganizationVersion.objects.as_of(on).filter(prefix_q("path", path)).restrict(user, "view")
    if max_depth is not None:
        qs = qs.filter(depth__lte=len(path) // STEP + max_depth)
    labels = dict(OrgType.choices)
    rows = list(qs.order_by("path").values(*TREE_FIELDS)[:limit])
    for row in rows:
        row["type_label"] = labels.get(row["org_type"], row["org_type"])
    return rows


def _holders_on(path: str, on: dt.date, user: Any):
    """Ids of the member-holding organizations that stood in the subtree at ``path`` on ``on`` (a subquery), of
    those in ``user``'s scope today."""
    qs = OrganizationVersion.objects.as_of(on).filter(prefix_q("path", path), org_type__in=MEMBER_HOLDING_TYPES)
    return qs.restrict(user, "view").order_by().values("organization_id")


def _some_left_the_scope(user: Any, path: str, on: dt.date) -> bool:
    """Has an organization of the subtree at ``path`` on ``on`` left ``user``'s scope since?

    Only an organization changed since the date can have (its version of that day is closed); one unchanged
    stands where it stood, under the root the user may see today.
    """
    changed = OrganizationVersion.objects.as_of(on).filter(prefix_q("path", path), valid_to__isnull=False)
    return changed.exclude(pk__in=changed.restrict(user, "view").values("pk")).exists()


def _by_status(qs) -> dict[str, int]:
    return qs.aggregate(official=Count("status", filter=Q(status=MemberStatus.OFFICIAL)),
                        probationary=Count("status", filter=Q(status=MemberStatus.PROBATIONARY)))


def _counts(official: int, probationary: int) -> dict[str, int]:
    return {"official": official, "probationary": probationary, "total": official + probationary}


CHANGED_ORGS_MAX = 5000  # above this many organizations changed since the date, sum the holders' counters


def _holders_direct_counts(org: Organization, path: str, on: dt.date) -> tuple[int, int]:
    """Today's direct counters summed over the organizations that held members in the subtree on ``on``.

    That is the subtree's counters of today, corrected for the organizations whose place or type changed since
    the date (every such change leaves a version row dated after it); the others stand where they stood. When
    many changed (a subtree moved as a whole), the holders' counters are summed one by one instead.
    """
    current = Organization.objects.filter(pk=org.pk).values("path", "subtree_official", "subtree_probationary").get()
    ranges = prefix_q("path", path) if path == current["path"] else prefix_q("path", path) | prefix_q(
        "path", current["path"])
    changed = set(OrganizationVersion.objects.filter(ranges).filter(Q(valid_from__gt=on) | Q(valid_to__gt=on))
                  .order_by().values_list("organization_id", flat=True).distinct()[:CHANGED_ORGS_MAX + 1])
    holders = OrganizationVersion.objects.as_of(on).filter(prefix_q("path", path), org_type__in=MEMBER_HOLDING_TYPES)
    if len(changed) > CHANGED_ORGS_MAX:
        total = holders.order_by().aggregate(official=Coalesce(Sum("organization__direct_official"), 0),
                                             probationary=Coalesce(Sum("organization__direct_probationary"), 0))
        return total["official"], total["probationary"]
    official, probationary = current["subtree_official"], current["subtree_probationary"]
    if changed:
        held_then = set(holders.filter(organization_id__in=changed).values_list("organization_id", flat=True))
        for pk, now_path, direct_official, direct_probationary in Organization.objects.filter(pk__in=changed) \
                .values_list("pk", "path", "direct_official", "direct_probationary"):
            here_now = now_path.startswith(current["path"])
            if here_now and pk not in held_then:
                official, probationary = official - direct_official, probationary - direct_probationary
            elif pk in held_then and not here_now:
                official, probationary = official + direct_official, probationary + direct_probationary
    return official, probationary


def member_count_as_of(org: Organization, on: dt.date, *, user: Any) -> dict[str, int] | None:
    """Official and probationary members of ``org``'s subtree on ``on`` (None if it did not exist then).

    Counted back from today's counters, so the work grows with the changes since the date, not with the
    members: today's direct counters of the organizations that held members in the subtree on that date
    (``_holders_direct_counts``), less their history rows opened after it and still open, plus their rows that
    were open on it and have been closed since. Index-only reads (a province of 520,000 members: a few
    thousand index entries instead of ~1,000,000). It rests on the invariant that an organization's direct
    counters equal its open history rows of active members, which the actions keep and the tests check, and
    the hypothesis sequences compare it with ``member_count_as_of_scan``.

    Only the members of organizations in ``user``'s scope today (the rule of ``tree_as_of``); when part of the
    past subtree has left the scope, that part is left out by reading the history rows. An unrestricted reader
    (a national administrator, ``SYSTEM``) needs no such check.
    """
    path = path_on(org, on)
    if path is None:
        return None
    if scope_q(user, OrganizationVersion) is not None and _some_left_the_scope(user, path, on):
        return member_count_as_of_scan(org, on, user=user)
    official, probationary = _holders_direct_counts(org, path, on)
    # Every holder of that date is in the reader's scope today (checked above), so none is filtered out.
    history = MemberHistory.objects.filter(organization_id__in=_holders_on(path, on, SYSTEM),
                                           status__in=ACTIVE_STATUSES).order_by()
    # Index-only reads of the rows changed since the date: mhist_from_idx and mhist_to_idx (see MemberHistory).
    opened_later = _by_status(history.filter(valid_from__gt=on, valid_to__isnull=True))
    closed_later = _by_status(history.filter(valid_to__isnull=False, valid_to__gt=on, valid_from__lte=on))
    return _counts(official - opened_later["official"] + closed_later["official"],
                   probationary - opened_later["probationary"] + closed_later["probationary"])


def member_count_as_of_scan(org: Organization, on: dt.date, *, user: Any) -> dict[str, int] | None:
    """The same count read directly from the history rows open on ``on`` (one per member: the reference)."""
    path = path_on(org, on)
    if path is None:
        return None
    counts = _by_status(MemberHistory.objects.as_of(on).filter(organization_id__in=_holders_on(path, on, user),
                                                               status__in=ACTIVE_STATUSES).order_by())
    return _counts(counts["official"], counts["probationary"])


def links_of(org: Organization) -> dict[str, list[OrganizationLink]]:
    return {
        "predecessors": list(org.predecessor_links.select_related("predecessor", "reorganization")),
        "successors": list(org.successor_links.select_related("successor", "reorganization")),
    }


def pending_for(org: Organization):
    return org.reorganizations.filter(state=ReorgState.SCHEDULED).order_by("effective_on", "id")

