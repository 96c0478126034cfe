"""Actions of a member's life in the party: admission, recognition, transfer, leaving, exemption, re-admission,
development targets.

Each action takes the acting user, names its deciding document and date, checks the scope and writes
through the audited models in one transaction (``core.actions``). The member registry itself is changed only
with the semantics of ``members.services`` (dated history rows, organization counters).
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.actions import action
from core.charts import daily_if_large, recent
from core.dates import EARLIEST, add_days, add_months, add_working_days, working_days_between
from core.l10n import day
from core.phrases import Said
from core.registry import MEMBER_DIED, MEMBER_LEFT, MEMBER_MOVED, member_event
from core.rules import cite, periods, rule, rule_version
from core.scope import NotPermitted, OutOfScope, may, may_decide_over, path_in_scope
from core.services import EditConflict, Refusals, StateConflict, check_version
from core.text import clean_person_name
from core.tree import STEP, prefix_q, province_path
from lifecycle.choices import (
    LEAVING_STATUS,
    LETTER_DEATH,
    OPEN_CASE_STATES,
    READMITTABLE_STATUSES,
    CaseState,
    LeavingKind,
    LetterState,
    TransferKind,
)
from lifecycle.models import (
    RECEIVING_SIDE,
    SENDING_SIDE,
    AdmissionCase,
    DevelopmentTarget,
    Exemption,
    TransferLetter,
    open_letter_q,
)
from lifecycle.rules import DISCIPLINE_FORMS
from members import registry
from members import services as member_services
from members.choices import ACTIVE_STATUSES, HistoryEvent, MemberStatus
from members.models import Member, MemberHistory
from members.validators import validate_citizen_id
from orgs.choices import MEMBER_HOLDING_TYPES, OrgType
from orgs.models import Organization
from orgs.services import check_open

APPLICANT_FIELDS = ("full_name", "gender", "birth_date", "ethnicity", "religion", "home_town", "education",
                    "occupation", "citizen_id")


def _today() -> dt.date:
    return timezone.localdate()


def _age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _require_text(value: str | None, field: str, message: str | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message or _("This field is required.")})
    return value


def _check_date(on: dt.date | None, field: str, *, not_before: dt.date | None = None,
                before_label: str = "") -> dt.date:
    if on is None:
        raise ValidationError({field: _("Enter a date.")})
    if on > _today():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before is not None and on < not_before:
        raise ValidationError({field: _("The date cannot be before %(what)s (%(date)s).")
                               % {"what": before_label, "date": day(not_before)}})
    return on


def _locked_case(actor: Any, case: AdmissionCase | int) -> AdmissionCase:
    """The case row locked alone, then re-read in scope (see ``members.registry.lock_member`` for why)."""
    pk = case.pk if isinstance(case, AdmissionCase) else case
    list(AdmissionCase.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))
    found = AdmissionCase.objects.restrict(actor, "change").filter(pk=pk).first()
    if found is None:
        raise OutOfScope()
    return found


def _locked_member(actor: Any, member: Member | int, action_name: str = "change") -> Member:
    pk = member.pk if isinstance(member, Member) else member
    found = registry.lock_member(actor, pk, action_name)
    if found is None:
        raise OutOfScope()
    return found


def _check_version(obj: Any, expected: int | None) -> None:
    check_version(obj, expected)


def _check_cell(actor: Any, org: Organization, perm: str = "add", field: str = "cell") -> None:
    if not path_in_scope(actor, Member, perm, org.path):
        raise OutOfScope()
    check_open(org, field_name=field)
    if org.org_type not in MEMBER_HOLDING_TYPES:
        raise ValidationError({field: _("Members belong to a party cell or a grassroots party cell.")})


def check_cell(actor: Any, org: Organization) -> None:
    """Refuse a cell an applicant cannot join here (the page runs it when other fields failed: one round)."""
    _check_cell(actor, org)


def _check_committee(actor: Any, org_path: str) -> None:
    """The committee above the cell decides an admission, a recognition or a striking off, not the cell."""
    if not may_decide_over(actor, AdmissionCase, "decide", org_path):
        raise NotPermitted(_("This decision is the committee's: your role does not allow you to record it for "
                             "this party cell."))


# --- Admission ------------------------------------------------------------------------------------------


def check_applicant(personal: dict[str, Any], *, applied_on: dt.date | None,
                    former_member: Member | None = None) -> dict[str, Any]:
    """The applicant's personal data, cleaned; every refusal at once (the form runs this too, before the cell)."""
    errors = Refusals()
    personal = dict(personal)
    personal["full_name"] = clean_person_name(personal.get("full_name") or "")
    if len(personal["full_name"]) < 2:
        errors.add("full_name", _("Enter the member's full name."))
    if personal.get("gender") not in ("M", "F"):
        errors.add("gender", _("This field is required."))
    birth = personal.get("birth_date")
    if not birth:
        errors.add("birth_date", _("This field is required."))
    elif birth >= _today():
        errors.add("birth_date", _("The date of birth must be in the past."))
    elif birth < EARLIEST:
        errors.add("birth_date", _("The date of birth cannot be before %(date)s.") % {"date": day(EARLIEST)})
    elif applied_on and _age_on(birth, applied_on) < (min_age := rule_version("MIN_ADMISSION_AGE", applied_on)).value:
        errors.add("birth_date", _("An applicant must be at least %(age)d years old (%(regulation)s).")
                   % {"age": min_age.value, "regulation": cite(min_age)})
    citizen_id = (personal.get("citizen_id") or "").strip() or None
    personal["citizen_id"] = citizen_id
    if citizen_id:
        try:
            validate_citizen_id(citizen_id, birth_date=birth, gender=personal.get("gender"))
        except ValidationError as exc:
            errors.add(ValidationError({"citizen_id": exc.messages}))
        else:
            clash = Member.objects.filter(citizen_id=citizen_id)
            if former_member is not None:
                clash = clash.exclude(pk=former_member.pk)
            if clash.exists():
                errors.add("citizen_id", _("Another member already has this citizen ID."))
            elif AdmissionCase.objects.filter(citizen_id=citizen_id, state__in=OPEN_CASE_STATES).exists():
                errors.add("citizen_id", _("An open admission case already has this citizen ID."))
    errors.raise_if_any()
    return personal


@action
def submit_application(actor: Any, *, cell: Organization, applied_on: dt.date, former_member: Member | None = None,
                       **personal: Any) -> AdmissionCase:
    """Receive an application for admission to a party cell (or re-admission of a former member)."""
    errors = Refusals()  # the cell, the date and the applicant are refused together, not one per round
    with errors.collect():
        _check_cell(actor, cell)
    unknown = set(personal) - set(APPLICANT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    with errors.collect():
        _check_date(applied_on, "applied_on")
    if former_member is not None:
        former_member = Member.objects.restrict(actor, "view").filter(pk=former_member.pk).first()
        if former_member is None:
            raise OutOfScope()
        if former_member.status not in READMITTABLE_STATUSES:
            raise ValidationError({"former_member": _("Only a person who left, was struck from the list or was "
                                                      "expelled can be admitted again.")})
        if AdmissionCase.objects.filter(member=former_member, state__in=OPEN_CASE_STATES).exists():
            raise ValidationError({"former_member": _("This person already has an open admission case.")})
        for name in APPLICANT_FIELDS:
            if not personal.get(name):
                personal[name] = getattr(former_member, name) or ""
    with errors.collect():
        personal = check_applicant(personal, applied_on=applied_on, former_member=former_member)
    errors.raise_if_any()
    case = AdmissionCase(cell=cell, applied_on=applied_on, member=former_member,
                         readmission=former_member is not None,
                         **{k: (v if v is not None else "") if k != "citizen_id" else v for k, v in personal.items()})
    case.full_clean(exclude=["member", "cell"])
    case.save()
    return case


@action
def record_cell_resolution(actor: Any, case: AdmissionCase | int, *, number: str, on: dt.date,
                           expected_version: int | None = None) -> AdmissionCase:
    """The cell meets and adopts its resolution proposing the admission."""
    case = _locked_case(actor, case)
    _check_version(case, expected_version)
    if case.state != CaseState.APPLIED:
        raise StateConflict(_("This step has already been recorded or the case is closed."))
    case.cell_resolution_no = _require_text(number, "number")
    case.cell_resolution_date = _check_date(on, "on", not_before=case.applied_on, before_label=_("the application"))
    case.state = CaseState.CELL_RESOLVED
    case.save()
    return case


@action
def record_committee_decision(actor: Any, case: AdmissionCase | int, *, number: str, on: dt.date,
                              expected_version: int | None = None) -> AdmissionCase:
    """The competent committee decides the admission; party age will count from this date."""
    case = _locked_case(actor, case)
    _check_version(case, expected_version)
    if case.state != CaseState.CELL_RESOLVED:
        raise StateConflict(_("This step has already been recorded or the case is closed."))
    _check_committee(actor, case.cell.path)
    number = _require_text(number, "number")
    _check_date(on, "on", not_before=case.cell_resolution_date, before_label=_("the cell resolution"))
    min_age = rule_version("MIN_ADMISSION_AGE", on)
    if _age_on(case.birth_date, on) < min_age.value:
        raise ValidationError({"on": _("A member must be at least %(age)d years old when admitted (%(regulation)s).")
                               % {"age": min_age.value, "regulation": cite(min_age)}})
    case.committee_decision_no, case.committee_decision_date = number, on
    case.state = CaseState.COMMITTEE_DECIDED
    case.save()
    return case


@action
def hold_ceremony(actor: Any, case: AdmissionCase | int, *, on: dt.date,
                  expected_version: int | None = None) -> AdmissionCase:
    """The admission ceremony: the person becomes a probationary member and probation starts."""
    case = _locked_case(actor, case)
    _check_version(case, expected_version)
    if case.state != CaseState.COMMITTEE_DECIDED:
        raise StateConflict(_("This step has already been recorded or the case is closed."))
    _check_date(on, "on", not_before=case.committee_decision_date, before_label=_("the committee decision"))
    _check_ceremony_deadline(case.committee_decision_date, on)
    cell = Organization.objects.get(pk=case.cell_id)
    _check_cell(actor, cell)
    case.ceremony_date = on  # before the re-admission, whose history note names it
    if case.readmission and case.member_id:
        member = _readmit(actor, case, cell)
    else:
        data = {f: getattr(case, f) for f in APPLICANT_FIELDS}
        data = {k: v for k, v in data.items() if v not in ("", None)}
        member = member_services.register_member(
            actor, organization=cell, status=MemberStatus.PROBATIONARY, decision=case.committee_decision_no,
            admission_date=case.committee_decision_date, **data)
        first = MemberHistory.objects.filter(member=member).order_by("valid_from", "id").first()
        if first is not None:
            first.event = HistoryEvent.ADMITTED
            note = Said(gettext_noop("Admission ceremony on %(date)s"), {"date": on})
            first.note, first.note_text = note, note.stored
            first.save()
    case.member = member
    case.state = CaseState.PROBATION
    case.save()
    return case


def ceremony_deadline(decided_on: dt.date) -> dt.date:
    """The last day for the ceremony: the working days of the rule in force on the committee decision's date."""
    return add_working_days(decided_on, rule("CEREMONY_WORKING_DAYS", decided_on))


def _check_ceremony_deadline(decided_on: dt.date, on: dt.date) -> None:
    limit = rule_version("CEREMONY_WORKING_DAYS", decided_on)
    if working_days_between(decided_on, on) > limit.value:
        raise ValidationError({"on": _(
            "The admission ceremony is held within %(days)d working days of the committee decision of %(decided)s, "
            "that is by %(deadline)s (%(regulation)s; public holidays are not counted yet); %(date)s is later."
        ) % {"days": limit.value, "decided": day(decided_on),
             "deadline": day(add_working_days(decided_on, limit.value)), "regulation": cite(limit),
             "date": day(on)}})


def _readmit(actor: Any, case: AdmissionCase, cell: Organization) -> Member:
    """The former member's own record returns to the register as probationary in the admitting cell."""
    list(Member.objects.select_for_update().filter(pk=case.member_id).values_list("pk", flat=True))
    member = Member.objects.get(pk=case.member_id)
    if member.status not in READMITTABLE_STATUSES:
        raise StateConflict(_("The former member's record is no longer that of a former member."))
    _check_version(member, None)
    return registry.return_to_register(
        member, cell, case.committee_decision_date, decision=case.committee_decision_no,
        note=Said(gettext_noop("Re-admission; ceremony on %(date)s"), {"date": case.ceremony_date or ""}))


def probation_start(member: Member) -> dt.date:
    """Probation runs from the ceremony when the case is on record, else from the admission decision."""
    case = (AdmissionCase.objects.filter(member=member, state=CaseState.PROBATION, ceremony_date__isnull=False)
            .order_by("-id").first())
    return case.ceremony_date if case else member.admission_date


def probation_end(member: Member) -> dt.date:
    """The end of probation: the months of the rule in force on the day probation started (the ceremony)."""
    start = probation_start(member)
    return add_months(start, rule("PROBATION_MONTHS", start))


def _close_case(member: Member, state: str, *, vote_no: str, vote_date: dt.date | None, number: str,
                on: dt.date, reason: str = "") -> None:
    case = AdmissionCase.objects.filter(member=member, state=CaseState.PROBATION).order_by("-id").first()
    if case is None:
        return
    case.state, case.vote_no, case.vote_date = state, vote_no, vote_date
    case.final_decision_no, case.final_decision_date, case.closed_reason = number, on, reason
    case.save()


@action
def recognize_official(actor: Any, member: Member | int, *, vote_no: str, vote_date: dt.date, decision_no: str,
                       on: dt.date, expected_version: int | None = None) -> Member:
    """After probation the cell votes and the committee recognizes the member as official."""
    member = _locked_member(actor, member)
    if member.status != MemberStatus.PROBATIONARY:
        raise StateConflict(_("Only a probationary member can be recognized as official."))
    _check_committee(actor, member.organization.path)
    vote_no = _require_text(vote_no, "vote_no")
    decision_no = _require_text(decision_no, "decision_no")
    start = probation_start(member)
    months = rule_version("PROBATION_MONTHS", start)
    end = add_months(start, months.value)
    if vote_date is None or vote_date < end:
        raise ValidationError({"vote_date": _("The probation ends on %(date)s (%(months)d months, %(regulation)s); "
                                              "the cell votes after that.")
                               % {"date": day(end), "months": months.value, "regulation": cite(months)}})
    _check_date(vote_date, "vote_date")
    _check_date(on, "on", not_before=vote_date, before_label=_("the cell vote"))
    _check_version(member, expected_version)
    note = Said(gettext_noop("Cell vote %(no)s of %(date)s"), {"no": vote_no, "date": vote_date})
    # Official membership counts from the end of probation, however late the cell and the committee act.
    member = registry.set_status(member, MemberStatus.OFFICIAL, on, decision=decision_no, note=note,
                                 official_date=end)
    _close_case(member, CaseState.OFFICIAL, vote_no=vote_no, vote_date=vote_date, number=decision_no, on=on)
    return member


@action
def strike_off(actor: Any, member: Member | int, *, decision_no: str, on: dt.date, vote_no: str = "",
               vote_date: dt.date | None = None, reason: str = "", expected_version: int | None = None) -> Member:
    """The committee strikes a probationary member from the list (not recognized)."""
    member = _locked_member(actor, member)
    if member.status != MemberStatus.PROBATIONARY:
        raise StateConflict(_("Only a probationary member can be struck from the list at the end of probation."))
    _check_committee(actor, member.organization.path)
    decision_no = _require_text(decision_no, "decision_no")
    if vote_date is not None:
        _check_date(vote_date, "vote_date", not_before=member.admission_date, before_label=_("the admission"))
    _check_date(on, "on", not_before=vote_date or member.admission_date, before_label=_("the cell vote"))
    if _open_letter(member) is not None:
        raise ValidationError(_("The member has an open transfer letter; cancel it first."))
    _check_version(member, expected_version)
    member = registry.set_status(member, MemberStatus.STRUCK_OFF, on, decision=decision_no, note=reason)
    member_event(MEMBER_LEFT, member, on, status=MemberStatus.STRUCK_OFF, decision=decision_no)
    _close_case(member, CaseState.STRUCK_OFF, vote_no=vote_no, vote_date=vote_date, number=decision_no, on=on,
                reason=reason)
    return member


@action
def withdraw_case(actor: Any, case: AdmissionCase | int, *, on: dt.date, reason: str, number: str = "",
                  expected_version: int | None = None) -> AdmissionCase:
    """The application is withdrawn or rejected before the ceremony."""
    case = _locked_case(actor, case)
    _check_version(case, expected_version)
    if case.state not in (CaseState.APPLIED, CaseState.CELL_RESOLVED, CaseState.COMMITTEE_DECIDED):
        raise StateConflict(_("Only a case before its ceremony can be withdrawn."))
    case.closed_reason = _require_text(reason, "reason")
    case.final_decision_no = (number or "").strip()
    case.final_decision_date = _check_date(on, "on", not_before=case.applied_on, before_label=_("the application"))
    case.state = CaseState.WITHDRAWN
    case.save()
    return case


def recognition_worklist(user: Any, on: dt.date | None = None):
    """Probationary members in scope whose probation has ended by ``on``, counted from the same date as
    ``recognize_official`` (``probation_start``): the ceremony of the member's open case, else the admission date
    (a member registered without a case). Index-backed: the cases by (state, ceremony_date), the members by
    (status, admission_date) and the cases by member for those without a ceremony on record."""
    on = on or _today()
    with_ceremony = AdmissionCase.objects.filter(state=CaseState.PROBATION, ceremony_date__isnull=False)
    due_by_ceremony = with_ceremony.filter(probation_due_q(on, "ceremony_date")).values("member_id")
    no_ceremony = ~Exists(with_ceremony.filter(member_id=OuterRef("pk")))
    probationary = Q(status=MemberStatus.PROBATIONARY)  # in each arm, so each can use its own index
    return Member.objects.restrict(user, "view").filter(
        (probationary & Q(pk__in=due_by_ceremony)) | (probationary & probation_due_q(on) & no_ceremony))


def with_probation_start(members):
    """``probation_from`` on each row: the ceremony of its open case, else the admission date (``probation_start``
    for a page of members in one query)."""
    ceremony = (AdmissionCase.objects.filter(member_id=OuterRef("pk"), state=CaseState.PROBATION,
                                             ceremony_date__isnull=False).order_by("-id").values("ceremony_date")[:1])
    return members.annotate(probation_from=Coalesce(Subquery(ceremony), "admission_date"))


def probation_due_q(on: dt.date, field: str = "admission_date") -> Q:
    """Admitted long enough ago that probation has ended by ``on``: each admission under the months of the rule in
    force on its own date (one range per version of the rule, so still one index scan)."""
    q = Q(pk__in=[])
    for start, stop, months in periods("PROBATION_MONTHS"):
        part = Q(**{f"{field}__lte": add_months(on, -months)})
        if start is not None:
            part &= Q(**{f"{field}__gte": start})
        if stop is not None:
            part &= Q(**{f"{field}__lt": stop})
        q |= part
    return q


# --- Transfers ------------------------------------------------------------------------------------------


def _open_letter(member: Member) -> TransferLetter | None:
    return TransferLetter.objects.filter(open_letter_q(), member=member).first()


def _locked_letter(actor: Any, letter: TransferLetter | int, side: str) -> TransferLetter:
    pk = letter.pk if isinstance(letter, TransferLetter) else letter
    # Locked alone, then read in scope (see members.registry.lock_member for why).
    list(TransferLetter.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))
    sides = {"from": (SENDING_SIDE,), "to": (RECEIVING_SIDE,)}.get(side)  # "either": all the letter's sides
    found = TransferLetter.objects.restrict(actor, "change", sides=sides).filter(pk=pk).first()
    if found is None:
        raise OutOfScope()
    return found


def may_send_out_of_province(actor: Any, from_path: str) -> bool:
    """A letter to another province is the province's: the right must cover the whole sending province."""
    return may(actor, TransferLetter, "transfer_out_of_province", province_path(from_path))


def _check_out_of_province(actor: Any, from_path: str, to_path: str | None) -> None:
    if to_path and province_path(to_path) != province_path(from_path) and not may_send_out_of_province(
            actor, from_path):
        raise NotPermitted(_("A transfer letter to another province is issued by the province's committee; your "
                             "role does not allow it here."))


NOT_AN_ADDRESSEE = _("Choose a party cell among those you work on, or the receiving province's committee.")


def is_committee_address(org: Organization) -> bool:
    """A letter addressed to a committee directly under the Centre (a province, a central bloc): the committee
    assigns the party cell on receipt. The list of these committees is public, their cells are not."""
    return org.org_type == OrgType.LEVEL1


def receiving_committees() -> Any:
    """The committees a letter may be addressed to outside the sender's scope (names and codes are public)."""
    return Organization.objects.filter(org_type=OrgType.LEVEL1, dissolved_on__isnull=True).order_by("code", "id")


def _check_addressee(actor: Any, to_org: Organization | None, member: Member) -> None:
    """A letter goes to a party cell the sender works on, or to a receiving committee; nothing in between.

    Why the one sentence for every refusal outside the sender's scope: a different answer for a missing, a
    dissolved or a foreign cell would tell the sender which ids exist in another province.
    """
    if to_org is None:
        raise ValidationError({"to_org": _("This field is required.")})
    if is_committee_address(to_org):
        if not to_org.is_active:
            raise ValidationError({"to_org": NOT_AN_ADDRESSEE})
        return
    if not path_in_scope(actor, Member, "view", to_org.path):
        raise ValidationError({"to_org": NOT_AN_ADDRESSEE})
    if to_org.pk == member.organization_id:
        raise ValidationError({"to_org": _("The member already belongs to this organization.")})
    check_open(to_org, field_name="to_org")
    if to_org.org_type not in MEMBER_HOLDING_TYPES:
        raise ValidationError({"to_org": _("Members belong to a party cell or a grassroots party cell.")})


def _receiving_cell(actor: Any, letter: TransferLetter, cell: Organization | None) -> Organization:
    """The cell the member joins: the letter's own, or for a letter to a committee the cell the committee assigns
    (one it works on, under the addressed committee)."""
    to = Organization.objects.get(pk=letter.to_org_id)
    if not to.is_active:
        raise ValidationError(_("The receiving organization has been dissolved; return the letter."))
    if not is_committee_address(to):
        if cell is not None and cell.pk != to.pk:
            raise ValidationError({"cell": _("This letter names its party cell already.")})
        return to
    if cell is None:
        raise ValidationError({"cell": _("Choose the party cell that receives the member.")})
    if not (path_in_scope(actor, Member, "change", cell.path) and cell.path.startswith(to.path)):
        raise ValidationError({"cell": _("Choose a party cell of the receiving committee among those you work on.")})
    if not cell.is_active:
        raise ValidationError({"cell": _("This organization has been dissolved.")})
    if cell.org_type not in MEMBER_HOLDING_TYPES:
        raise ValidationError({"cell": _("Members belong to a party cell or a grassroots party cell.")})
    return cell


@action
def issue_transfer_letter(actor: Any, member: Member | int, *, to_org: Organization, number: str,
                          issued_on: dt.date, kind: str = TransferKind.OFFICIAL,
                          expected_version: int | None = None) -> TransferLetter:
    """The sending side issues the letter; the member stays with the sender, in transit, until receipt."""
    member = _locked_member(actor, member)
    _check_version(member, expected_version)
    if expected_version is not None:
        member.save()
    if not member.is_active:
        raise StateConflict(_("Only probationary and official members can be transferred."))
    if kind not in TransferKind.values:
        raise ValidationError({"kind": _("Choose an official transfer or temporary activity.")})
    if _open_letter(member) is not None:
        raise StateConflict(_("The member already has an open transfer letter."))
    _check_addressee(actor, to_org, member)
    _check_out_of_province(actor, member.organization.path, to_org.path)
    number = _require_text(number, "number")
    _check_date(issued_on, "issued_on", not_before=member.status_since or member.admission_date,
                before_label=_("the member's last change"))
    letter = TransferLetter(member=member, from_org_id=member.organization_id,
                            to_org=to_org, kind=kind, number=number, issued_on=issued_on,
                            due_on=add_days(issued_on, rule("TRANSFER_DUE_DAYS", issued_on)))
    letter.save()
    return letter


@action
def bulk_issue_transfer_letters(actor: Any, member_ids: list[int], *, to_org: Organization, number: str,
                                issued_on: dt.date, kind: str = TransferKind.OFFICIAL) -> list[TransferLetter]:
    """Letters for many members in one transaction: all are issued, or none (each refusal is reported)."""
    ids = list(dict.fromkeys(int(i) for i in member_ids))
    if not ids:
        raise ValidationError({"members": _("Choose at least one member.")})
    limit = 1000
    if len(ids) > limit:
        raise ValidationError({"members": _("At most %(n)d members at a time.") % {"n": limit}})
    names = dict(Member.objects.restrict(actor, "change").filter(pk__in=ids).values_list("pk", "full_name"))
    letters, errors = [], []
    for pk in ids:
        if pk not in names:
            errors.append(_("No. %(id)s: not a member you may transfer.") % {"id": pk})
            continue
        try:
            letters.append(issue_transfer_letter(actor, pk, to_org=to_org, number=number, issued_on=issued_on,
                                                 kind=kind))
        except (ValidationError, OutOfScope, EditConflict) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            errors.append(_("%(name)s (No. %(id)s): %(error)s") % {"name": names[pk], "id": pk,
                                                                    "error": " ".join(messages)})
    if errors:
        raise ValidationError({"members": errors})
    return letters


def _move_member(member: Member, to: Organization, on: dt.date, letter: TransferLetter, note: str) -> Member:
    """The member moves on receipt, done for the receiving side (which cannot see the sender)."""
    _check_version(member, None)
    return registry.move(member, to, on, decision=letter.number, note=note)


@action
def confirm_receipt(actor: Any, letter: TransferLetter | int, *, received_on: dt.date, decision: str = "",
                    cell: Organization | None = None, expected_version: int | None = None) -> TransferLetter:
    """The receiving side confirms: an official transfer moves the member, effective on the receipt date.

    A letter addressed to a committee names no cell: the committee assigns one (``cell``) on receipt, and the
    letter's receiving organization becomes that cell (the audit keeps the address it came with).
    """
    letter = _locked_letter(actor, letter, "to")
    _check_version(letter, expected_version)
    if letter.state != LetterState.ISSUED:
        raise StateConflict(_("This letter is no longer in transit."))
    _check_date(received_on, "received_on", not_before=letter.issued_on, before_label=_("the letter date"))
    list(Member.objects.select_for_update().filter(pk=letter.member_id).values_list("pk", flat=True))
    member = Member.objects.get(pk=letter.member_id)
    if not member.is_active or member.organization_id != letter.from_org_id:
        raise ValidationError(_("The member is no longer with the sending organization; return the letter."))
    to = _receiving_cell(actor, letter, cell)
    decision = (decision or "").strip()
    if letter.kind == TransferKind.OFFICIAL:
        note = Said(gettext_noop("Transfer letter %(no)s of %(date)s"), {"no": letter.number, "date": letter.issued_on})
        if decision:
            note = Said(gettext_noop("Transfer letter %(no)s of %(date)s; %(decision)s"),
                        {"no": letter.number, "date": letter.issued_on, "decision": decision})
        from_org = member.organization
        _move_member(member, to, received_on, letter, note)
        member_event(MEMBER_MOVED, member, received_on, from_org=from_org, to_org=to, decision=letter.number)
    letter.to_org = to
    letter.state, letter.received_on, letter.receiving_decision = LetterState.RECEIVED, received_on, decision[:64]
    letter.save()
    return letter


@action
def return_letter(actor: Any, letter: TransferLetter | int, *, on: dt.date, reason: str,
                  expected_version: int | None = None) -> TransferLetter:
    """The receiving side refuses the letter; the member remains with the sender."""
    letter = _locked_letter(actor, letter, "to")
    _check_version(letter, expected_version)
    if letter.state != LetterState.ISSUED:
        raise StateConflict(_("This letter is no longer in transit."))
    letter.reason = _require_text(reason, "reason")[:255]
    letter.closed_on = _check_date(on, "on", not_before=letter.issued_on, before_label=_("the letter date"))
    letter.state = LetterState.RETURNED
    letter.save()
    return letter


@action
def cancel_letter(actor: Any, letter: TransferLetter | int, *, on: dt.date, reason: str,
                  expected_version: int | None = None) -> TransferLetter:
    """The sending side withdraws a letter that has not been received."""
    letter = _locked_letter(actor, letter, "from")
    _check_version(letter, expected_version)
    if letter.state != LetterState.ISSUED:
        raise StateConflict(_("This letter is no longer in transit."))
    letter.reason = _require_text(reason, "reason")[:255]
    letter.closed_on = _check_date(on, "on", not_before=letter.issued_on, before_label=_("the letter date"))
    letter.state = LetterState.CANCELLED
    letter.save()
    return letter


@action
def end_temporary_activity(actor: Any, letter: TransferLetter | int, *, on: dt.date,
                           expected_version: int | None = None) -> TransferLetter:
    """Temporary activity elsewhere ends (either side records it)."""
    letter = _locked_letter(actor, letter, "either")
    _check_version(letter, expected_version)
    if letter.kind != TransferKind.TEMPORARY:
        raise ValidationError(_("Only a received temporary-activity letter can be ended."))
    if letter.state != LetterState.RECEIVED:
        raise StateConflict(_("Only a received temporary-activity letter can be ended."))
    letter.closed_on = _check_date(on, "on", not_before=letter.received_on, before_label=_("the receipt"))
    letter.state = LetterState.ENDED
    letter.save()
    return letter


# --- Leaving, exemption --------------------------------------------------------------------------------


@action
def record_leaving(actor: Any, member: Member | int, *, kind: str, on: dt.date, decision: str, note: str = "",
                   expected_version: int | None = None) -> Member:
    """Voluntary leave, removal from the list, expulsion or death, by a deciding document."""
    member = _locked_member(actor, member)
    if kind not in LEAVING_STATUS:
        raise ValidationError({"kind": _("Choose how the member leaves.")})
    if not member.is_active:
        raise StateConflict(_("This member is no longer on the active register."))
    decision = _require_text(decision, "decision")
    _check_date(on, "on", not_before=member.admission_date, before_label=_("the admission"))
    if kind == LeavingKind.EXPULSION and member.status == MemberStatus.PROBATIONARY:
        forms = rule_version("PROBATIONARY_DISCIPLINE_FORMS", on)
        if LeavingKind.EXPULSION.value not in forms.value:
            raise ValidationError({"kind": _(
                "A probationary member cannot be expelled: the discipline forms for a probationary member on "
                "%(date)s are %(forms)s (%(regulation)s). Strike the member from the list instead.")
                % {"date": day(on), "regulation": cite(forms),
                   "forms": ", ".join(str(DISCIPLINE_FORMS.get(f, f)) for f in forms.value)}})
    if _open_letter(member) is not None and kind != LeavingKind.DEATH:
        raise ValidationError(_("The member has an open transfer letter; cancel it first."))
    if kind == LeavingKind.DEATH:
        for letter in TransferLetter.objects.filter(open_letter_q(), member=member):
            letter.state, letter.closed_on, letter.reason = LetterState.CANCELLED, on, LETTER_DEATH  # a code
            letter.save()
    _check_version(member, expected_version)
    member = registry.set_status(member, LEAVING_STATUS[kind], on, decision=decision, note=note or "")
    if kind == LeavingKind.DEATH:
        member_event(MEMBER_DIED, member, on, status=LEAVING_STATUS[kind], decision=decision)
    else:
        member_event(MEMBER_LEFT, member, on, status=LEAVING_STATUS[kind], decision=decision)
    for exemption in Exemption.objects.filter(member=member, valid_to__isnull=True):
        exemption.valid_to = max(on, exemption.valid_from)
        exemption.save()
    _close_case(member, CaseState.WITHDRAWN, vote_no="", vote_date=None, number=decision, on=on,
                reason=LeavingKind(kind).value)  # the kind's code, shown by its label in the reader's language
    return member


@action
def grant_exemption(actor: Any, member: Member | int, *, valid_from: dt.date, reason: str,
                    valid_to: dt.date | None = None, decision: str = "") -> Exemption:
    """Exempt a member from activities (old age, illness) for a period, or until further notice."""
    member = _locked_member(actor, member)
    if not member.is_active:
        raise StateConflict(_("This member is no longer on the active register."))
    reason = _require_text(reason, "reason")
    if valid_from is None:
        raise ValidationError({"valid_from": _("Enter a date.")})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end cannot be before the start.")})
    overlapping = Exemption.objects.filter(member=member, valid_from__lte=valid_to or dt.date.max).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from))
    if overlapping.exists():
        raise ValidationError({"valid_from": _("The member already has an exemption in this period.")})
    exemption = Exemption(member=member, valid_from=valid_from, valid_to=valid_to, reason=reason[:255],
                          decision=(decision or "").strip()[:64])
    exemption.save()
    return exemption


@action
def end_exemption(actor: Any, exemption: Exemption | int, *, on: dt.date) -> Exemption:
    pk = exemption.pk if isinstance(exemption, Exemption) else exemption
    exemption = Exemption.objects.select_for_update(of=("self",)).restrict(actor, "change").filter(pk=pk).first()
    if exemption is None:
        raise OutOfScope()
    if exemption.valid_to is not None and exemption.valid_to <= on:
        raise ValidationError({"on": _("The exemption has already ended.")})
    if on < exemption.valid_from:
        raise ValidationError({"on": _("The end cannot be before the start.")})
    exemption.valid_to = on
    exemption.save()
    return exemption


def exempt_member_ids(member_ids: list[int], on: dt.date | None = None) -> set[int]:
    on = on or _today()
    return set(Exemption.objects.filter(Exemption.as_of_q(on), member_id__in=member_ids)
               .values_list("member_id", flat=True))


# --- Development targets --------------------------------------------------------------------------------


@action
def set_target(actor: Any, organization: Organization, *, year: int, target_count: int | None = None,
               target_percent: decimal.Decimal | float | None = None, decision: str = "") -> DevelopmentTarget:
    """Set (or change) the admission target of an organization's subtree for a year."""
    if not path_in_scope(actor, Member, "change", organization.path):
        raise OutOfScope()
    if not 1930 <= int(year) <= 2100:
        raise ValidationError({"year": _("Enter a year between 1930 and 2100.")})
    if (target_count is None) == (target_percent is None):
        raise ValidationError(_("Give either a number of members or a percent, not both."))
    if target_count is not None and target_count < 0:
        raise ValidationError({"target_count": _("Enter a number of zero or more.")})
    if target_percent is not None and not 0 <= decimal.Decimal(str(target_percent)) <= 100:
        raise ValidationError({"target_percent": _("Enter a percent between 0 and 100.")})
    # The organization's row is locked first: two first targets of one year set at once would both insert (an
    # IntegrityError, a 500); the second now waits and changes the first one's row.
    list(Organization.objects.select_for_update().filter(pk=organization.pk).values_list("pk", flat=True))
    target = DevelopmentTarget.objects.filter(organization=organization, year=year).first()
    if target is None:
        target = DevelopmentTarget(organization=organization, year=year)
    target.target_count = target_count
    target.target_percent = decimal.Decimal(str(target_percent)) if target_percent is not None else None
    target.decision = (decision or "").strip()[:64]
    target.save()
    return target


def _date_key(field: str):
    return ExtractYear(field) * Value(10000) + ExtractMonth(field) * Value(100) + ExtractDay(field)


def admission_counts(org: Organization, year: int, *, by_child: bool = False, admitted: bool = True,
                     base: bool = True) -> dict[str, dict[str, int]]:
    """Members admitted in ``year`` in the subtree of ``org``: total, young, students and the base at the start
    of the year. Grouped counts in the database (one query each), keyed by the child's path (or the org's);
    ``admitted=False`` or ``base=False`` leaves one of the two out (zeros)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    width = len(org.path) + STEP if by_child else len(org.path)
    young_years = int(rule("YOUNG_MEMBER_MAX_AGE", start))
    students = list(rule("STUDENT_OCCUPATIONS", start))
    within = Member.objects.filter(prefix_q("organization__path", org.path))
    admitted_rows = (within.filter(admission_date__gte=start, admission_date__lte=end)
                     .annotate(branch=Substr("organization__path", 1, width),
                               age_key=_date_key("admission_date") - _date_key("birth_date"))
                     .values("branch")
                     .annotate(n=Count("id"),
                               young=Count("id", filter=Q(age_key__lt=young_years * 10000)),
                               students=Count("id", filter=Q(occupation__in=students)))
                     .order_by())
    base_rows = (within.filter(admission_date__lt=start)
                 .filter(Q(status__in=ACTIVE_STATUSES) | Q(status_since__gte=start))
                 .annotate(branch=Substr("organization__path", 1, width)).values("branch").annotate(n=Count("id"))
                 .order_by())
    result: dict[str, dict[str, int]] = {}
    for row in admitted_rows if admitted else ():
        result.setdefault(row["branch"], {"actual": 0, "young": 0, "students": 0, "base": 0}).update(
            actual=row["n"], young=row["young"], students=row["students"])
    for row in base_rows if base else ():
        result.setdefault(row["branch"], {"actual": 0, "young": 0, "students": 0, "base": 0})["base"] = row["n"]
    return result


def _target_value(target: DevelopmentTarget | None, base: int, year: int) -> tuple[int, decimal.Decimal | None, bool]:
    if target is not None and target.target_count is not None:
        return target.target_count, None, False
    if target is not None and target.target_percent is not None:
        percent = target.target_percent
        default = False
    else:
        # A year's default target is the rule in force on its first day.
        percent = decimal.Decimal(str(rule("ADMISSION_TARGET_PERCENT", dt.date(year, 1, 1))))
        default = True
    count = int((decimal.Decimal(base) * percent / 100).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))
    return count, percent, default


def target_value(target: DevelopmentTarget | None, base: int, year: int) -> tuple[int, decimal.Decimal | None, bool]:
    """A year's target in members: the recorded count, else its percent (or the rule's) of ``base``; and whether
    it is the default."""
    return _target_value(target, base, year)


def _row(org: Organization, counts: dict[str, int], target: DevelopmentTarget | None, year: int) -> dict:
    value, percent, default = _target_value(target, counts["base"], year)
    return {"organization": org, "year": year, "target": value, "target_percent": percent, "is_default": default,
            "decision": target.decision if target else "", "actual": counts["actual"], "young": counts["young"],
            "students": counts["students"], "base": counts["base"],
            "progress": round(counts["actual"] * 100 / value) if value else None}


_EMPTY = {"actual": 0, "young": 0, "students": 0, "base": 0}


def target_report(org: Organization, year: int) -> dict:
    """The organization's own row and one row per child: target vs actual admissions, young, students."""
    total = admission_counts(org, year).get(org.path, _EMPTY)
    per_child = admission_counts(org, year, by_child=True)
    children = list(Organization.objects.filter(parent=org, dissolved_on__isnull=True).order_by("name_key", "id"))
    targets = {t.organization_id: t for t in DevelopmentTarget.objects.filter(
        organization__in=[org, *children], year=year)}
    rows = [_row(child, per_child.get(child.path, _EMPTY), targets.get(child.pk), year) for child in children]
    return {"summary": _row(org, total, targets.get(org.pk), year), "children": rows}


def target_summary(user_or_org: Any, year: int | None = None) -> dict | None:
    """For the dashboard: target vs actual of the user's scope root (or of the given organization).

    Render with ``{% include "lifecycle/_targets_summary.html" with summary=... %}``.
    """
    from accounts.roots import scope_root

    year = year or _today().year
    org = user_or_org if isinstance(user_or_org, Organization) else scope_root(user_or_org)
    if org is None:
        return None
    # This year's admissions are current (kept a few minutes for a large subtree); the base, the membership at
    # the start of the year, takes a pass over the subtree and changes only with a correction of the past: kept
    # for the day for a large subtree (core.charts; the warm job computes both ahead).
    counts = dict(recent(f"admitted:{year}", org,
                         lambda: admission_counts(org, year, base=False).get(org.path, _EMPTY)))
    counts["base"] = daily_if_large(f"admission-base:{year}", org,
                                    lambda: admission_counts(org, year, admitted=False).get(org.path, _EMPTY)["base"])
    return _row(org, counts, DevelopmentTarget.objects.filter(organization=org, year=year).first(), year)


def leaving_kinds() -> list[tuple[str, str]]:
    return list(LeavingKind.choices)


def as_int(value: Any, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default

