"""Actions on the organization tree. Every change is dated history; nothing is overwritten."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.l10n import day
from core.scope import NotPermitted, OutOfScope, may_decide_over, path_in_scope
from core.services import check_version
from orgs.choices import ALLOWED_CHILDREN, OrgType
from orgs.models import Organization, OrganizationVersion

VERSIONED_FIELDS = ("code", "name", "org_type", "parent_id", "path")
DECIDED_FIELDS = ("name", "code", "org_type")  # changed only by a decision of the body above


def may_rename(actor: Any, org: Organization) -> bool:
    """Renaming, re-coding or re-typing is decided by the committee above: a cell does not rename itself."""
    return may_decide_over(actor, Organization, "rename", org.path)


def check_rename(actor: Any, org: Organization) -> None:
    if not may_rename(actor, org):
        raise NotPermitted(_("The name, code and type of an organization are changed by a decision of the "
                             "committee above it; your role does not allow it here."))


def check_open(org: Organization, on: dt.date | None = None, field_name: str = "organization") -> None:
    """A dissolved or merged-away organization is closed: nothing new is recorded on it (its history stays
    readable). ``on`` (a date of the act) allows an act dated before the closing, e.g. a decision recorded late."""
    if org.dissolved_on is None or (on is not None and on < org.dissolved_on):
        return
    raise ValidationError({field_name: _("%(name)s was closed on %(date)s by decision %(decision)s; nothing new "
                                         "can be recorded on it, its history stays readable.")
                           % {"name": org.name, "date": day(org.dissolved_on),
                              "decision": org.dissolving_decision or "-"}})


def _open_version(org: Organization, on: dt.date, decision: str, decision_date: dt.date | None, reason: str):
    OrganizationVersion.objects.create(
        organization=org, parent_id=org.parent_id, path=org.path, depth=org.depth, code=org.code, name=org.name,
        org_type=org.org_type, decision=decision, decision_date=decision_date, valid_from=on, reason=reason,
    )


def close_version(org: Organization, on: dt.date) -> None:
    """End the current version on ``on``. Versions are appended, never rewritten or deleted: one replaced the
    same day stays as a version of no day (valid_from == valid_to), with its own decision."""
    current = OrganizationVersion.objects.filter(organization=org, valid_to__isnull=True).first()
    if current is None:
        return
    if on < current.valid_from:
        raise ValidationError({"effective_on": _("%(name)s has a later recorded change (%(date)s, decision "
                                                 "%(decision)s); a decision effective earlier cannot end it.")
                               % {"name": org.name, "date": day(current.valid_from),
                                  "decision": current.decision or "-"}})
    current.valid_to = on
    current.save()


def later_conflict(org: Organization, on: dt.date, fields: tuple[str, ...]) -> OrganizationVersion | None:
    """The first version of ``org`` after ``on`` that changed one of ``fields`` (a decision a back-dated change of
    the same fields would contradict); None when every later version kept them."""
    covering = OrganizationVersion.objects.as_of(on).filter(organization=org).first()
    if covering is None:
        return None
    for version in OrganizationVersion.objects.filter(organization=org, valid_from__gt=on).order_by("valid_from",
                                                                                                   "id"):
        if any(getattr(version, f) != getattr(covering, f) for f in fields):
            return version
    return None


def conflict_error(org: Organization, version: OrganizationVersion, field_name: str = "effective_on"):
    return ValidationError({field_name: _("%(name)s was changed later by decision %(decision)s effective %(date)s; "
                                          "a decision effective earlier cannot be recorded over it.")
                            % {"name": org.name, "decision": version.decision or "-",
                               "date": day(version.valid_from)}})


def insert_version(org: Organization, on: dt.date, changes: dict[str, Any], decision: str,
                   decision_date: dt.date | None, reason: str) -> None:
    """Record ``changes`` (name, code, type) from ``on`` into the history, which may hold later versions.

    The version that covered ``on`` is split there (both parts kept, each with its own decision); the later
    versions take the new values (they recorded the old ones as a snapshot) but keep their own decisions.
    A later version that changed the same field is a conflict, refused with its decision and date.
    """
    conflict = later_conflict(org, on, tuple(changes))
    if conflict is not None:
        raise conflict_error(org, conflict)
    covering = OrganizationVersion.objects.as_of(on).filter(organization=org).first()
    if covering is None:
        raise ValidationError({"effective_on": _("%(name)s did not exist on %(date)s.")
                               % {"name": org.name, "date": day(on)}})
    ends = covering.valid_to
    covering.valid_to = on
    covering.save()
    OrganizationVersion.objects.create(
        organization=org, parent_id=covering.parent_id, path=covering.path, depth=covering.depth,
        code=changes.get("code", covering.code), name=changes.get("name", covering.name),
        org_type=changes.get("org_type", covering.org_type), decision=decision, decision_date=decision_date,
        valid_from=on, valid_to=ends, reason=reason)
    for version in OrganizationVersion.objects.filter(organization=org, valid_from__gt=on):
        for f, value in changes.items():
            setattr(version, f, value)
        version.save()


def validate_placement(parent: Organization | None, org_type: str) -> None:
    if parent is None:
        if org_type != OrgType.CENTRAL:
            raise ValidationError({"parent": _("Only the Central Committee stands without a parent.")})
        return
    if not parent.is_active:
        raise ValidationError({"parent": _("The parent organization has been dissolved.")})
    if org_type not in ALLOWED_CHILDREN.get(parent.org_type, set()):
        raise ValidationError({"org_type": _("An organization of this type cannot stand under the chosen parent.")})


@action
def establish_organization(actor: Any, *, parent: Organization | None, code: str, name: str, org_type: str,
                           effective_on: dt.date | None = None, decision: str = "",
                           decision_date: dt.date | None = None, term: str = "") -> Organization:
    """Establish an organization by decision under a parent inside the actor's scope."""
    effective_on = effective_on or timezone.localdate()
    if parent is not None and not path_in_scope(actor, Organization, "add", parent.path):
        raise OutOfScope()
    validate_placement(parent, org_type)
    if Organization.objects.filter(code=code).exists():
        raise ValidationError({"code": _("An organization with this code already exists.")})
    org = Organization(
        parent=parent, code=code, name=name.strip(), org_type=org_type, term=term, established_on=effective_on,
        establishing_decision=decision, establishing_decision_date=decision_date,
    )
    org.full_clean(exclude=["path", "parent"])
    org.save()
    _open_version(org, effective_on, decision, decision_date, "established")
    return org


@action
def update_organization(actor: Any, org: Organization, *, expected_version: int | None,
                        effective_on: dt.date | None = None, decision: str = "",
                        decision_date: dt.date | None = None, **changes: Any) -> Organization:
    """Rename, re-code or change the type/term of an organization; a dated history row records the change."""
    org = Organization.objects.select_for_update().restrict(actor, "change").get(pk=org.pk)
    check_version(org, expected_version)
    check_open(org)
    if any(f in changes and changes[f] != getattr(org, f) for f in DECIDED_FIELDS):
        check_rename(actor, org)
        if not (decision or "").strip():
            raise ValidationError({"decision": _("A change of name, code or type is made by decision: enter the "
                                                 "deciding document.")})
    allowed = {"name", "code", "org_type", "term", "establishing_decision", "establishing_decision_date"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "code" in changes and Organization.objects.exclude(pk=org.pk).filter(code=changes["code"]).exists():
        raise ValidationError({"code": _("An organization with this code already exists.")})
    if "org_type" in changes and changes["org_type"] != org.org_type:
        validate_placement(org.parent, changes["org_type"])
        if any(c not in ALLOWED_CHILDREN.get(changes["org_type"], set())
               for c in org.children.active().values_list("org_type", flat=True).distinct()):
            raise ValidationError({"org_type": _("The organizations under it cannot stand under this type.")})
    versioned = {f: v for f, v in changes.items() if f in VERSIONED_FIELDS and v != getattr(org, f)}
    for field, value in changes.items():
        setattr(org, field, value)
    org.full_clean(exclude=["path", "parent"])
    org.save()
    if versioned:
        insert_version(org, effective_on or timezone.localdate(), versioned, decision, decision_date, "changed")
    return org


CORRECTABLE_FIELDS = ("name", "code", "org_type", "decision", "decision_date")


@action
def correct_version(actor: Any, version: OrganizationVersion, *, note: str, **changes: Any) -> OrganizationVersion:
    """Correct a version recorded wrongly (a misspelt name, a wrong decision number): never an edit in place.

    The correction is a new version over the same dates with reason "corrected" and its ``note``; the wrong one
    stays, with its own decision, as a version of no day (valid_from == valid_to), so reads as of any date see
    the corrected values and the history shows both.
    """
    version = OrganizationVersion.objects.select_for_update().get(pk=version.pk)
    org = Organization.objects.select_for_update().restrict(actor, "change").get(pk=version.organization_id)
    check_rename(actor, org)
    check_open(org)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the version is corrected.")})
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(fields)s")
                              % {"fields": ", ".join(sorted(unknown))})
    changes = {f: v for f, v in changes.items() if v != getattr(version, f)}
    if not changes:
        raise ValidationError(_("Nothing would change."))
    if version.valid_to is not None and version.valid_to == version.valid_from:
        raise ValidationError(_("This version covers no day; correct the version that followed it."))
    if "code" in changes and Organization.objects.exclude(pk=org.pk).filter(code=changes["code"]).exists():
        raise ValidationError({"code": _("An organization with this code already exists.")})
    if "org_type" in changes and changes["org_type"] not in OrgType.values:
        raise ValidationError({"org_type": _("Choose a type.")})
    ends = version.valid_to
    version.valid_to = version.valid_from
    version.save()
    fields = {f: getattr(version, f) for f in ("parent_id", "path", "depth", *CORRECTABLE_FIELDS)}
    corrected = OrganizationVersion.objects.create(organization=org, **{**fields, **changes},
                                                   valid_from=version.valid_from, valid_to=ends, reason="corrected",
                                                   note=note[:255])
    current = {f: v for f, v in changes.items() if f in DECIDED_FIELDS}
    if ends is None and current:
        for f, v in current.items():
            setattr(org, f, v)
        org.full_clean(exclude=["path", "parent"])
        org.save()
    return corrected
