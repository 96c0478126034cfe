"""Committees by term: the terms of an organization, its bodies (executive and standing committee, inspection
commission), who held which post in them and when, and the cadre planning behind the next term.

Everything is dated history: a term, a holding, a planning entry is closed (``valid_to``, a reason, a decision), never
rewritten or deleted, so the composition of any body on any date can be read back. The organization is stored on every
row (denormalized from the term) so that scope, the as-of reads and the worklists are one indexed query.

Rights: these rows share the permissions of ``cadres.PostHolding`` (``scope_permission_model``): who may view
compositions in a subtree sees terms, bodies, holdings and planning there; recording them needs the change
permission; appointing (a decision of the higher committee) needs ``cadres.appoint_postholding`` over the
organization (``core.scope.may_decide_over``).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.choices import BodyKind, HoldingEnd, PlanningEnd, Post, Selection, TermClosing, TermOpening, TheoryLevel
from core import l10n
from core.models import AuditedModel, AuditedQuerySet, DatedRecord

_SHARED = "cadres.postholding"


class DatedQuerySet(AuditedQuerySet):
    def as_of(self, on: dt.date) -> DatedQuerySet:
        return self.filter(DatedRecord.as_of_q(on))

    def current(self) -> DatedQuerySet:
        return self.filter(valid_to__isnull=True)


class Term(DatedRecord, AuditedModel):
    """One term of an organization's committee (e.g. 2025-2030), from its opening until the next one opens."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("party organization"),
                                     on_delete=models.PROTECT, related_name="terms")
    label = models.CharField(_("term"), max_length=9, help_text=_("For example 2025-2030."))
    planned_end = models.DateField(_("planned end"))
    reference_date = models.DateField(_("reference date"),
                                      help_text=_("The date at which ages are counted for this term."))
    opened_by = models.CharField(_("opened by"), max_length=16, choices=TermOpening.choices)
    decision = models.CharField(_("deciding document"), max_length=64, blank=True)
    decision_date = models.DateField(_("date of the deciding document"), null=True, blank=True)
    closed_by = models.CharField(_("closed by"), max_length=16, choices=TermClosing.choices, blank=True)
    closing_decision = models.CharField(_("closing document"), max_length=64, blank=True)

    scope_path_field = "organization__path"
    scope_permission_model = _SHARED
    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["organization", "valid_from", "id"]
        indexes = [
            models.Index(fields=["organization", "valid_from"], name="term_org_from_idx"),
            # Terms ending soon across a subtree: open terms by planned end.
            models.Index(fields=["planned_end"], condition=models.Q(valid_to__isnull=True), name="term_open_end_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization"], condition=models.Q(valid_to__isnull=True),
                                    name="term_one_open_per_org"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_open(self) -> bool:
        return self.valid_to is None


class Body(AuditedModel):
    """A body elected or appointed for a term; its seats are decided, its counters kept by the holding actions."""

    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="bodies")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("party organization"),
                                     on_delete=models.PROTECT, related_name="bodies")
    kind = models.CharField(_("body"), max_length=24, choices=BodyKind.choices)
    seats = models.PositiveSmallIntegerField(_("seats"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # Derived, kept by the holding actions (cadres.services): current holders, head post held, open seats.
    filled = models.PositiveSmallIntegerField(default=0, editable=False)
    head_filled = models.BooleanField(default=False, editable=False)
    vacant = models.BooleanField(default=True, editable=False)

    scope_path_field = "organization__path"
    scope_permission_model = _SHARED
    audit_exclude = {"filled", "head_filled", "vacant"}
    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee body")
        verbose_name_plural = _("committee bodies")
        ordering = ["organization", "term", "kind"]
        constraints = [models.UniqueConstraint(fields=["term", "kind"], name="body_one_kind_per_term")]
        indexes = [
            # The vacancies worklist: bodies of open terms with an open seat or no head.
            models.Index(fields=["organization"], condition=models.Q(vacant=True, ended_on__isnull=True),
                         name="body_vacant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.term.label}"

    @property
    def open_seats(self) -> int:
        return max(self.seats - self.filled, 0)


class PostHolding(DatedRecord, AuditedModel):
    """A member in a post of a body from a date, by a decision, until a date and a reason."""

    body = models.ForeignKey(Body, verbose_name=_("committee body"), on_delete=models.PROTECT,
                             related_name="holdings")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("party organization"),
                                     on_delete=models.PROTECT, related_name="post_holdings")
    member = models.ForeignKey("members.Member", verbose_name=_("party member"), on_delete=models.PROTECT,
                               related_name="post_holdings")
    post = models.CharField(_("post"), max_length=24, choices=Post.choices)
    selection = models.CharField(_("how chosen"), max_length=12, choices=Selection.choices)
    decision = models.CharField(_("deciding document"), max_length=64, blank=True)
    decision_date = models.DateField(_("date of the deciding document"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=16, choices=HoldingEnd.choices, blank=True)
    end_decision = models.CharField(_("ending document"), max_length=64, blank=True)
    # The role grant the post gave its holder's account (access follows posts), ended with the holding.
    role_grant = models.ForeignKey("accounts.RoleGrant", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    scope_path_field = "organization__path"
    scope_permission_model = _SHARED
    audit_repr_is_text = True
    audit_select_related = ("member",)
    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("post holding")
        verbose_name_plural = _("post holdings")
        ordering = ["organization", "valid_from", "id"]
        indexes = [
            models.Index(fields=["organization", "valid_from", "valid_to"], name="holding_org_asof_idx"),
            models.Index(fields=["member", "valid_from"], name="holding_member_idx"),
            models.Index(fields=["body", "valid_to"], name="holding_body_idx"),
        ]
        permissions = [
            ("appoint_postholding", "Can appoint committees and post holders by decision of the higher committee"),
        ]

    def __str__(self) -> str:
        return f"{self.member} - {self.get_post_display()}"

    def audit_text(self) -> str:
        """How the audit trail names a holding, in the reader's language."""
        return f"{self.member.full_name} - {self.get_post_display()} ({l10n.day(self.valid_from)})"


class PlanningEntry(DatedRecord, AuditedModel):
    """A member planned (quy hoạch) for a post of an organization's committee in a coming term."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("party organization"),
                                     on_delete=models.PROTECT, related_name="planning_entries")
    term_label = models.CharField(_("planned for the term"), max_length=9, help_text=_("For example 2030-2035."))
    reference_date = models.DateField(_("reference date"),
                                      help_text=_("The date at which age and years of service are counted."))
    member = models.ForeignKey("members.Member", verbose_name=_("party member"), on_delete=models.PROTECT,
                               related_name="planning_entries")
    post = models.CharField(_("post"), max_length=24, choices=Post.choices)
    theory_level = models.CharField(_("political theory"), max_length=16, choices=TheoryLevel.choices, blank=True)
    qualification = models.CharField(_("professional qualification"), max_length=120, blank=True)
    decision = models.CharField(_("deciding document"), max_length=64, blank=True)
    decision_date = models.DateField(_("date of the deciding document"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=16, choices=PlanningEnd.choices, blank=True)
    end_decision = models.CharField(_("ending document"), max_length=64, blank=True)

    scope_path_field = "organization__path"
    scope_permission_model = _SHARED
    audit_repr_is_text = True
    audit_select_related = ("member",)
    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("planning entry")
        verbose_name_plural = _("cadre planning")
        ordering = ["organization", "term_label", "post", "id"]
        indexes = [
            models.Index(fields=["organization", "term_label", "post"], name="planning_org_term_idx"),
            models.Index(fields=["member", "valid_from"], name="planning_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} - {self.get_post_display()} {self.term_label}"

    def audit_text(self) -> str:
        return f"{self.member.full_name} - {self.get_post_display()} {self.term_label}"


class Rotation(DatedRecord, AuditedModel):
    """A cadre rotated (luân chuyển) from one organization to work in another for a period, by decision."""

    member = models.ForeignKey("members.Member", verbose_name=_("party member"), on_delete=models.PROTECT,
                               related_name="rotations")
    from_org = models.ForeignKey("orgs.Organization", verbose_name=_("from organization"), on_delete=models.PROTECT,
                                 related_name="rotations_out")
    to_org = models.ForeignKey("orgs.Organization", verbose_name=_("to organization"), on_delete=models.PROTECT,
                               related_name="rotations_in")
    position = models.CharField(_("position"), max_length=120, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    decision = models.CharField(_("deciding document"), max_length=64)
    decision_date = models.DateField(_("date of the deciding document"), null=True, blank=True)

    scope_path_field = "from_org__path"
    scope_sides = ("from_org__path", "to_org__path")
    scope_permission_model = _SHARED
    audit_select_related = ("member",)
    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        ordering = ["-valid_from", "id"]
        indexes = [models.Index(fields=["member", "valid_from"], name="rotation_member_idx")]

    def __str__(self) -> str:
        return f"{self.member} ({self.position})" if self.position else str(self.member)
