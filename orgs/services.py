"""Actions on the organization tree. Every change is dated history; nothing is overwritten."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
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


def _open_version(org: Organization, on: dt.date, decision: str, decision_date: dt.date | None, reason: str):
    OrganizationVersion.objects.create(
        organization=org, parent_id=org.parent_id, path=org.path, depth=org.depth, code=org.code, name=org.name,
        org_type=org.org_type, decision=decision, decision_date=decision_date, valid_from=on, reason=reason,
    )


def close_version(org: Organization, on: dt.date) -> None:
    current = OrganizationVersion.objects.filter(organization=org, valid_to__isnull=True).first()
    if current is None:
        return
    if on < current.valid_from:
        raise ValidationError({"effective_on": _("The date is before the organization's last recorded change.")})
    current.valid_to = on
    current.save()
    if on == current.valid_from:  # replaced the same day: the old row covered no day at all
        current.delete()


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
    before = {f: getattr(org, f) for f in VERSIONED_FIELDS}
    for field, value in changes.items():
        setattr(org, field, value)
    org.full_clean(exclude=["path", "parent"])
    org.save()
    if any(getattr(org, f) != before[f] for f in VERSIONED_FIELDS):
        on = effective_on or timezone.localdate()
        close_version(org, on)
        _open_version(org, on, decision, decision_date, "changed")
    return org
