"""Actions on the member registry: entering a member and correcting the personal record.

A member's status and organization change only through the lifecycle actions (``lifecycle.services``), which
carry the party's rules and use the low-level steps of ``members.registry``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import action
from core.phrases import cited
from core.rules import rule_version
from core.scope import NotPermitted, OutOfScope, may_on, path_in_scope
from core.services import Refusals, check_version
from core.text import clean_person_name
from members import counters, registry
from members.choices import ACTIVE_STATUSES, HistoryEvent, MemberStatus
from members.models import Member
from members.validators import validate_citizen_id, validate_party_card_no
from orgs.choices import MEMBER_HOLDING_TYPES
from orgs.models import Organization
from orgs.services import check_open

PERSONAL_FIELDS = (
    "full_name", "gender", "birth_date", "ethnicity", "religion", "home_town", "education", "occupation",
    "citizen_id", "party_card_no", "admission_date", "official_date",
)


def _age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def validate_member(data: dict[str, Any], *, instance: Member | None = None,
                    today: dt.date | None = None) -> dict[str, Any]:
    """Check a member record against the registry's rules; raises ValidationError with field errors.

    ``today`` defaults to the local date; a bulk caller (the import) passes it once per batch. The messages are
    lazy with parameters (the regulation as ``core.rules.cited``): a page shows them at once in its language, and
    the import stores them as codes (``core.phrases.from_error``), shown later in each reader's language.
    """
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: Any, params: dict[str, Any] | None = None) -> None:
        errors.setdefault(field, []).append(ValidationError(message, params=params))

    if today is None:
        today = timezone.localdate()
    cleaned = dict(data)
    if "full_name" in cleaned:
        cleaned["full_name"] = clean_person_name(cleaned["full_name"])
        if len(cleaned["full_name"]) < 2:
            refuse("full_name", gettext_lazy("Enter the member's full name."))
    for key in ("citizen_id", "party_card_no"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip() or None
    merged = {f: getattr(instance, f, None) for f in PERSONAL_FIELDS} if instance else {}
    merged.update(cleaned)
    birth, admission, official = merged.get("birth_date"), merged.get("admission_date"), merged.get("official_date")
    if birth and birth >= today:
        refuse("birth_date", gettext_lazy("The date of birth must be in the past."))
    if admission and admission > today:
        refuse("admission_date", gettext_lazy("The admission date cannot be in the future."))
    min_age = rule_version("MIN_ADMISSION_AGE", admission) if birth and admission else None
    if min_age is not None and _age_on(birth, admission) < min_age.value:
        refuse("admission_date", gettext_lazy("A member must be at least %(age)d years old when admitted "
                                              "(%(regulation)s)."),
               {"age": min_age.value, "regulation": cited(min_age)})
    if official and admission and official < admission:
        refuse("official_date", gettext_lazy("The official date cannot be before the admission date."))
    if official and official > today:
        refuse("official_date", gettext_lazy("The official date cannot be in the future."))
    if merged.get("citizen_id"):
        try:
            validate_citizen_id(merged["citizen_id"], birth_date=birth, gender=merged.get("gender"))
        except ValidationError as exc:
            errors.setdefault("citizen_id", []).extend(exc.error_list)
        else:
            clash = Member.objects.filter(citizen_id=merged["citizen_id"])
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                refuse("citizen_id", gettext_lazy("Another member already has this citizen ID."))
    if merged.get("party_card_no"):
        try:
            validate_party_card_no(merged["party_card_no"])
        except ValidationError as exc:
            errors.setdefault("party_card_no", []).extend(exc.error_list)
        else:
            clash = Member.objects.filter(party_card_no=merged["party_card_no"])
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                refuse("party_card_no", gettext_lazy("Another member already has this party card number."))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_holding_org(actor: Any, org: Organization, perm: str) -> None:
    if not path_in_scope(actor, Member, perm, org.path):
        raise OutOfScope()
    check_open(org)
    if org.org_type not in MEMBER_HOLDING_TYPES:
        raise ValidationError({"organization": _("Members belong to a party cell or a grassroots party cell.")})


def check_new_member(data: dict[str, Any], *, status: str) -> dict[str, Any]:
    """A new record's status and personal data, cleaned; every refusal at once (the form runs this too)."""
    errors = Refusals()
    if status not in ACTIVE_STATUSES:
        errors.add("status", _("A new record is a probationary or an official member."))
    for required in ("full_name", "gender", "birth_date", "admission_date"):
        if not data.get(required):
            errors.add(required, _("This field is required."))
    if status == MemberStatus.OFFICIAL and not data.get("official_date"):
        errors.add("official_date", _("An official member needs the date of recognition."))
    if status == MemberStatus.PROBATIONARY and data.get("official_date"):
        errors.add("official_date", _("A probationary member has no official date yet."))
    cleaned = data
    with errors.collect():
        cleaned = validate_member(data)
    errors.raise_if_any()
    return cleaned


def check_holding_org(actor: Any, org: Organization) -> None:
    """Refuse an organization a member cannot be registered in (the page runs it when other fields failed)."""
    _check_holding_org(actor, org, "add")


@action
def register_member(actor: Any, *, organization: Organization, status: str = MemberStatus.OFFICIAL,
                    decision: str = "", **data: Any) -> Member:
    """Enter a member into the registry (an existing member's record, or one admitted on paper)."""
    errors = Refusals()  # the organization and the record are refused together, not one per round
    with errors.collect():
        _check_holding_org(actor, organization, "add")
    unknown = set(data) - set(PERSONAL_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    with errors.collect():
        cleaned = check_new_member(data, status=status)
    errors.raise_if_any()
    member = Member(organization=organization, status=status,
                    status_since=cleaned.get("official_date") or cleaned["admission_date"], **cleaned)
    member.full_clean(exclude=["name_key", "given_key"], validate_unique=False)
    member.save()
    registry.open_history(member, cleaned["admission_date"], HistoryEvent.REGISTERED, decision)
    official = cleaned.get("official_date")
    if status == MemberStatus.OFFICIAL and official and official > cleaned["admission_date"]:
        # Probation is part of the history: admitted as probationary, recognized later.
        first = member.history.get()
        first.status = MemberStatus.PROBATIONARY
        first.valid_to = cleaned["official_date"]
        first.save()
        registry.open_history(member, cleaned["official_date"], HistoryEvent.RECOGNIZED, decision)
    counters.adjust(organization.path, status, +1)
    return member


@action
def update_member(actor: Any, member: Member, *, expected_version: int | None, **changes: Any) -> Member:
    """Correct a member's personal record; a concurrent edit by someone else is refused, not overwritten."""
    member = registry.lock_member(actor, member.pk, "view")
    if member is None:  # moved out of the actor's scope meanwhile: a refusal, never a DoesNotExist (a 500)
        raise OutOfScope()
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
