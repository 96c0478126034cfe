"""A member's life in the party: admission cases, transfer letters, exemptions and development targets.

Every model reuses the members' permissions (``scope_permission_model = "members.member"``): who may
register and change members in a subtree may run their admissions and transfers there. The business events
that need more carry their own permissions (``Meta.permissions``): the committee's admission decision, a
transfer letter to another province.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import l10n
from core.models import AuditedModel, AuditedQuerySet, DatedRecord
from lifecycle.choices import (
    CASE_REASONS,
    LETTER_REASONS,
    OPEN_CASE_STATES,
    CaseState,
    LetterState,
    TransferKind,
    reason_label,
)
from members.models import PersonRecord


class AdmissionCase(PersonRecord, AuditedModel):
    """One person's way into the party: application, cell resolution, committee decision, ceremony, probation.

    The applicant's fields are the member record's (``PersonRecord``), so the ceremony copies them over.
    """

    citizen_id = models.CharField(_("citizen ID"), max_length=12, null=True, blank=True, db_index=True)

    cell = models.ForeignKey("orgs.Organization", verbose_name=_("party cell"), on_delete=models.PROTECT,
                             related_name="admission_cases")
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices, default=CaseState.APPLIED)
    applied_on = models.DateField(_("application date"))
    cell_resolution_no = models.CharField(_("cell resolution number"), max_length=64, blank=True)
    cell_resolution_date = models.DateField(_("cell resolution date"), null=True, blank=True)
    committee_decision_no = models.CharField(_("committee decision number"), max_length=64, blank=True)
    committee_decision_date = models.DateField(_("committee decision date"), null=True, blank=True)
    ceremony_date = models.DateField(_("admission ceremony date"), null=True, blank=True)
    vote_no = models.CharField(_("cell vote resolution number"), max_length=64, blank=True)
    vote_date = models.DateField(_("cell vote date"), null=True, blank=True)
    final_decision_no = models.CharField(_("recognition or striking-off decision"), max_length=64, blank=True)
    final_decision_date = models.DateField(_("date of that decision"), null=True, blank=True)
    closed_reason = models.CharField(_("reason"), max_length=255, blank=True)
    member = models.ForeignKey("members.Member", verbose_name=_("party member"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="admission_cases")
    readmission = models.BooleanField(_("re-admission"), default=False)
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    scope_path_field = "cell__path"
    scope_permission_model = "members.member"
    audit_exclude = {"lock_version"}
    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("admission case")
        verbose_name_plural = _("admission cases")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "id"], name="admcase_state_idx"),
            models.Index(fields=["state", "ceremony_date"], name="admcase_state_ceremony_idx"),
        ]
        permissions = [
            ("decide_admissioncase", "Can record the committee's decisions on admission (admission, recognition, "
                                     "striking off)"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CASE_STATES

    @property
    def closed_reason_shown(self) -> str:
        """The reason in the reader's language (a leaving kind's code by its label; typed text as written)."""
        return reason_label(CASE_REASONS, self.closed_reason)

    @staticmethod
    def audit_value(name: str, value: Any) -> str | None:
        """The trail shows a stored reason code by its label."""
        if name == "closed_reason" and isinstance(value, str) and value in CASE_REASONS:
            return str(CASE_REASONS[value])
        return None

    @property
    def next_step(self) -> str | None:
        return {
            CaseState.APPLIED: "cell_resolution",
            CaseState.CELL_RESOLVED: "committee_decision",
            CaseState.COMMITTEE_DECIDED: "ceremony",
            CaseState.PROBATION: "recognition",
        }.get(self.state)


SENDING_SIDE = "from_org__path"
RECEIVING_SIDE = "to_org__path"


class TransferLetterQuerySet(AuditedQuerySet):
    """A letter belongs to both sides (``TransferLetter.scope_sides``): the sender's and the receiver's subtree."""

    def outgoing(self, user: Any) -> TransferLetterQuerySet:
        return self.restrict(user, "view", sides=(SENDING_SIDE,))

    def incoming(self, user: Any) -> TransferLetterQuerySet:
        return self.restrict(user, "view", sides=(RECEIVING_SIDE,))

    def open(self) -> TransferLetterQuerySet:
        return self.filter(open_letter_q())

    def overdue(self, on: dt.date | None = None) -> TransferLetterQuerySet:
        return self.filter(state=LetterState.ISSUED, due_on__lt=on or timezone.localdate())


def open_letter_q(prefix: str = "") -> models.Q:
    """An issued letter (member in transit) or a received temporary one (activity elsewhere) is open."""
    return models.Q(**{f"{prefix}state": LetterState.ISSUED}) | models.Q(
        **{f"{prefix}state": LetterState.RECEIVED, f"{prefix}kind": TransferKind.TEMPORARY})


class TransferLetter(AuditedModel):
    """The letter that carries a member from one organization to another; open, it IS the member's transit."""

    member = models.ForeignKey("members.Member", verbose_name=_("party member"), on_delete=models.PROTECT,
                               related_name="transfer_letters")
    from_org = models.ForeignKey("orgs.Organization", verbose_name=_("sending organization"),
                                 on_delete=models.PROTECT, related_name="letters_out")
    to_org = models.ForeignKey("orgs.Organization", verbose_name=_("receiving organization"),
                               on_delete=models.PROTECT, related_name="letters_in")
    kind = models.CharField(_("kind"), max_length=12, choices=TransferKind.choices, default=TransferKind.OFFICIAL)
    number = models.CharField(_("letter number"), max_length=64)
    issued_on = models.DateField(_("letter date"))
    due_on = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=12, choices=LetterState.choices, default=LetterState.ISSUED)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    receiving_decision = models.CharField(_("receiving decision"), max_length=64, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    scope_path_field = SENDING_SIDE
    scope_sides = (SENDING_SIDE, RECEIVING_SIDE)
    scope_permission_model = "members.member"
    audit_exclude = {"lock_version"}
    objects = TransferLetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer letter")
        verbose_name_plural = _("transfer letters")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["member", "state"], name="letter_member_state_idx"),
            models.Index(fields=["state", "due_on", "id"], name="letter_state_due_idx"),
        ]
        permissions = [
            ("transfer_out_of_province", "Can issue transfer letters to another province"),
        ]

    audit_repr_is_text = True  # the trail names a letter by its number and date, in the reader's format

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on})"

    def audit_text(self) -> str:
        return f"{self.number} ({l10n.day(self.issued_on)})"

    @property
    def reason_shown(self) -> str:
        """The reason in the reader's language (the member's death by its sentence; typed text as written)."""
        return reason_label(LETTER_REASONS, self.reason)

    @staticmethod
    def audit_value(name: str, value: Any) -> str | None:
        """The trail shows a stored reason code by its sentence."""
        if name == "reason" and isinstance(value, str) and value in LETTER_REASONS:
            return str(LETTER_REASONS[value])
        return None

    @property
    def is_open(self) -> bool:
        return self.state == LetterState.ISSUED or (self.state == LetterState.RECEIVED
                                                    and self.kind == TransferKind.TEMPORARY)

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return self.state == LetterState.ISSUED and self.due_on < (on or timezone.localdate())


class Exemption(DatedRecord, AuditedModel):
    """Exemption from party activities (old age, illness), from a date until a date (or open)."""

    member = models.ForeignKey("members.Member", verbose_name=_("party member"), on_delete=models.PROTECT,
                               related_name="exemptions")
    reason = models.CharField(_("reason"), max_length=255)
    decision = models.CharField(_("deciding document"), max_length=64, blank=True)

    scope_path_field = "member__organization__path"
    scope_permission_model = "members.member"
    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("exemption from activities")
        verbose_name_plural = _("exemptions from activities")
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(fields=["member", "valid_from"], name="exemption_member_idx")]

    audit_repr_is_text = True  # named by the member and the date, not by internal ids
    audit_select_related = ("member",)

    def __str__(self) -> str:
        return f"{self.member.full_name} {self.valid_from}"

    def audit_text(self) -> str:
        return f"{self.member.full_name} {l10n.day(self.valid_from)}"


class DevelopmentTarget(AuditedModel):
    """How many members an organization's subtree should admit in a year: a count, or a percent of its members."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("party organization"),
                                      on_delete=models.PROTECT, related_name="development_targets")
    year = models.PositiveSmallIntegerField(_("year"))
    target_count = models.PositiveIntegerField(_("target (members)"), null=True, blank=True)
    target_percent = models.DecimalField(_("target (percent of members)"), max_digits=5, decimal_places=2,
                                         null=True, blank=True)
    decision = models.CharField(_("deciding document"), max_length=64, blank=True)

    scope_path_field = "organization__path"
    scope_permission_model = "members.member"
    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("development target")
        verbose_name_plural = _("development targets")
        ordering = ["organization__path", "year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="devtarget_org_year_uniq")]

    audit_repr_is_text = True  # named by the organization, not by its internal id
    audit_select_related = ("organization",)

    def __str__(self) -> str:
        return f"{self.organization.code} {self.year}"

    def audit_text(self) -> str:
        return f"{self.organization.name} {self.year}"

