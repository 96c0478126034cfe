"""Actions on the member registry: each keeps the dated history and the organization counters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.rules import cite, rule_version
from core.scope import NotPermitted, OutOfScope, may_on, path_in_scope
from core.services import check_version
from core.text import clean_person_name
from core.tree import ancestor_ids
from members.choices import ACTIVE_STATUSES, HistoryEvent, MemberStatus
from members.models import Member, MemberHistory
from members.validators import validate_citizen_id, validate_party_card_no
from orgs.choices import MEMBER_HOLDING_TYPES
from orgs.models import Organization

PERSONAL_FIELDS = (
    "full_name", "gender", "birth_date", "ethnicity", "religion", "home_town", "education", "occupation",
    "citizen_id", "party_card_no", "admission_date", "official_date",
)


def adjust_counters(org_path: str, status: str, delta: int) -> None:
    """Keep the member counters of the organization and all its ancestors in step (one UPDATE)."""
    if status not in ACTIVE_STATUSES or delta == 0:
        return
    kind = "official" if status == MemberStatus.OFFICIAL else "probationary"
    ids = ancestor_ids(org_path)
    Organization.objects.filter(pk__in=ids).derived_update(**{f"subtree_{kind}": F(f"subtree_{kind}") + delta})
    Organization.objects.filter(pk=ids[-1]).derived_update(**{f"direct_{kind}": F(f"direct_{kind}") + delta})


def _age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def validate_member(data: dict[str, Any], *, instance: Member | None = None,
                    today: dt.date | None = None) -> dict[str, Any]:
    """Check a member record against the registry's rules; raises ValidationError with field errors.

    ``today`` defaults to the local date; a bulk caller (the import) passes it once per batch.
    """
    errors: dict[str, list[str]] = {}
    if today is None:
        today = timezone.localdate()
    cleaned = dict(data)
    if "full_name" in cleaned:
        cleaned["full_name"] = clean_person_name(cleaned["full_name"])
        if len(cleaned["full_name"]) < 2:
            errors.setdefault("full_name", []).append(_("Enter the member's full name."))
    for key in ("citizen_id", "party_card_no"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip() or None
    merged = {f: getattr(instance, f, None) for f in PERSONAL_FIELDS} if instance else {}
    merged.update(cleaned)
    birth, admission, official = merged.get("birth_date"), merged.get("admission_date"), merged.get("official_date")
    if birth and birth >= today:
        errors.setdefault("birth_date", []).append(_("The date of birth must be in the past."))
    if admission and admission > today:
        errors.setdefault("admission_date", []).append(_("The admission date cannot be in the future."))
    min_age = rule_version("MIN_ADMISSION_AGE", admission) if birth and admission else None
    if min_age is not None and _age_on(birth, admission) < min_age.value:
        errors.setdefault("admission_date", []).append(
            _("A member must be at least %(age)d years old when admitted (%(regulation)s).")
            % {"age": min_age.value, "regulation": cite(min_age)})
    if official and admission and official < admission:
        errors.setdefault("official_date", []).append(_("The official date cannot be before the admission date."))
    if official and official > today:
        errors.setdefault("official_date", []).append(_("The official date cannot be in the future."))
    if merged.get("citizen_id"):
        try:
            validate_citizen_id(merged["citizen_id"], birth_date=birth, gender=merged.get("gender"))
        except ValidationError as exc:
            errors.setdefault("citizen_id", []).extend(exc.messages)
        else:
            clash = Member.objects.filter(citizen_id=merged["citizen_id"])
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors.setdefault("citizen_id", []).append(_("Another member already has this citizen ID."))
    if merged.get("party_card_no"):
        try:
            validate_party_card_no(merged["party_card_no"])
        except ValidationError as exc:
            errors.setdefault("party_card_no", []).extend(exc.messages)
        else:
            clash = Member.objects.filter(party_card_no=merged["party_card_no"])
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors.setdefault("party_card_no", []).append(_("Another member already has this party card number."))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_holding_org(actor: Any, org: Organization, perm: str) -> None:
    if not path_in_scope(actor, Member, perm, org.path):
        raise OutOfScope()
    if not org.is_active:
        raise ValidationError({"organization": _("This organization has been dissolved.")})
    if org.org_type not in MEMBER_HOLDING_TYPES:
        raise ValidationError({"organization": _("Members belong to a party cell or a grassroots party cell.")})


def _open_history(member: Member, on: dt.date, event: str, decision: str = "", note: str = "") -> None:
    MemberHistory.objects.create(member=member, organization_id=member.organization_id, status=member.status,
                                 event=event, decision=decision, note=note, valid_from=on)


def _close_history(member: Member, on: dt.date) -> None:
    current = MemberHistory.objects.filter(member=member, valid_to__isnull=True).order_by("-valid_from").first()
    if current is None:
        return
    if on < current.valid_from:
        raise ValidationError({"effective_on": _("The date is before the member's last recorded change (%(date)s).")
                               % {"date": current.valid_from.isoformat()}})
    current.valid_to = on
    current.save()


@action
def register_member(actor: Any, *, organization: Organization, status: str = MemberStatus.OFFICIAL,
                    decision: str = "", **data: Any) -> Member:
    """Enter a member into the registry (an existing member's record, or one admitted on paper)."""
    _check_holding_org(actor, organization, "add")
    if status not in ACTIVE_STATUSES:
        raise ValidationError({"status": _("A new record is a probationary or an official member.")})
    unknown = set(data) - set(PERSONAL_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for required in ("full_name", "gender", "birth_date", "admission_date"):
        if not data.get(required):
            raise ValidationError({required: _("This field is required.")})
    if status == MemberStatus.OFFICIAL and not data.get("official_date"):
        raise ValidationError({"official_date": _("An official member needs the date of recognition.")})
    if status == MemberStatus.PROBATIONARY and data.get("official_date"):
        raise ValidationError({"official_date": _("A probationary member has no official date yet.")})
    cleaned = validate_member(data)
    member = Member(organization=organization, status=status,
                    status_since=cleaned.get("official_date") or cleaned["admission_date"], **cleaned)
    member.full_clean(exclude=["name_key", "given_key"], validate_unique=False)
    member.save()
    _open_history(member, cleaned["admission_date"], HistoryEvent.REGISTERED, decision)
    official = cleaned.get("official_date")
    if status == MemberStatus.OFFICIAL and official and official > cleaned["admission_date"]:
        # Probation is part of the history: admitted as probationary, recognized later.
        first = member.history.get()
        first.status = MemberStatus.PROBATIONARY
        first.valid_to = cleaned["official_date"]
        first.save()
        _open_history(member, cleaned["official_date"], HistoryEvent.RECOGNIZED, decision)
    adjust_counters(organization.path, status, +1)
    return member


@action
def update_member(actor: Any, member: Member, *, expected_version: int | None, **changes: Any) -> Member:
    """Correct a member's personal record; a concurrent edit by someone else is refused, not overwritten."""
    member = Member.objects.select_for_update(of=("self",)).restrict(actor, "change").get(pk=member.pk)
    if not may_on(actor, member, "correct"):
        raise NotPermitted(_("Your role does not allow correcting members' personal data here."))
    check_version(member, expected_version)
    unknown = set(changes) - set(PERSONAL_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "official_date" in changes and member.status == MemberStatus.PROBATIONARY and changes["official_date"]:
        raise ValidationError({"official_date": _("A probationary member has no official date yet.")})
    cleaned = validate_member(changes, instance=member)
    for field, value in cleaned.items():
        setattr(member, field, value)
    member.full_clean(exclude=["name_key", "given_key"], validate_unique=False)
    member.save()
    return member


@action
def transfer_member(actor: Any, member: Member, *, to: Organization, effective_on: dt.date | None = None,
                    decision: str = "", expected_version: int | None = None) -> Member:
    """Move a member to another organization at once (the letter-and-confirm workflow builds on this)."""
    member = Member.objects.select_for_update(of=("self",)).restrict(actor, "change").get(pk=member.pk)
    check_version(member, expected_version)
    if not member.is_active:
        raise ValidationError(_("Only probationary and official members can be transferred."))
    if to.pk == member.organization_id:
        raise ValidationError({"to": _("The member already belongs to this organization.")})
    _check_holding_org(actor, to, "change")
    on = effective_on or timezone.localdate()
    _close_history(member, on)
    adjust_counters(member.organization.path, member.status, -1)
    member.organization = to
    member.save()
    _open_history(member, on, HistoryEvent.TRANSFERRED, decision)
    adjust_counters(member.organization.path, member.status, +1)
    return member


@action
def change_member_status(actor: Any, member: Member, *, status: str, effective_on: dt.date | None = None,
                         decision: str = "", note: str = "", expected_version: int | None = None) -> Member:
    """Recognize, or record leaving, striking off, expulsion or death, as a dated history row."""
    member = Member.objects.select_for_update(of=("self",)).restrict(actor, "change").get(pk=member.pk)
    check_version(member, expected_version)
    if status not in MemberStatus.values or status == member.status:
        raise ValidationError({"status": _("Choose a different status.")})
    if not member.is_active:
        raise ValidationError({"status": _("This member is no longer on the active register.")})
    if status == MemberStatus.PROBATIONARY:
        raise ValidationError({"status": _("An official member cannot become probationary again.")})
    on = effective_on or timezone.localdate()
    _close_history(member, on)
    adjust_counters(member.organization.path, member.status, -1)
    member.status, member.status_since = status, on
    if status == MemberStatus.OFFICIAL:
        member.official_date = on
    member.save()
    event = HistoryEvent.RECOGNIZED if status == MemberStatus.OFFICIAL else HistoryEvent.STATUS_CHANGED
    _open_history(member, on, event, decision, note)
    adjust_counters(member.organization.path, member.status, +1)
    return member
