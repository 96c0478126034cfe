"""Reorganizations of the tree by decision, and the predecessor -> successor links they leave behind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from core import l10n
from core.models import AuditedModel, AuditedQuerySet
from reorg.choices import LinkKind, ReorgKind, ReorgState


class ReorganizationQuerySet(AuditedQuerySet):
    def scheduled(self) -> ReorganizationQuerySet:
        return self.filter(state=ReorgState.SCHEDULED)

    def due(self, on) -> ReorganizationQuerySet:
        return self.scheduled().filter(effective_on__lte=on)


class Reorganization(AuditedModel):
    """One deciding document's change to the tree: previewed, then applied atomically (or scheduled).

    ``plan`` holds the operation's parameters (organization ids and assignments); ``summary`` what moved
    when it was applied. ``scope_path`` is the common ancestor of everything involved, so the
    reorganization is visible exactly to those who see the whole of it.
    """

    kind = models.CharField(_("operation"), max_length=16, choices=ReorgKind.choices)
    state = models.CharField(_("state"), max_length=16, choices=ReorgState.choices, default=ReorgState.SCHEDULED)
    decision = models.CharField(_("deciding document"), max_length=64)
    decision_date = models.DateField(_("date of the deciding document"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), db_index=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    plan = models.JSONField(_("plan"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    scope_path = models.CharField(max_length=252, db_index=True)
    organizations = models.ManyToManyField("orgs.Organization", related_name="reorganizations", blank=True,
                                           verbose_name=_("organizations concerned"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("applied by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("cancelled by"))

    scope_path_field = "scope_path"
    scope_permission_model = "orgs.organization"
    # The summary is derived (from the plan and the tree) and shown on the reorganization's page in the reader's
    # language; the trail keeps the plan, the decision and the state.
    audit_exclude = {"summary"}
    audit_repr_is_text = True
    objects = ReorganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reorganization")
        verbose_name_plural = _("reorganizations")
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["state", "effective_on"], name="reorg_state_on_idx"),
                   models.Index(fields=["scope_path"], opclasses=["varchar_pattern_ops"], name="reorg_scope_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decision} ({self.effective_on})"

    def audit_text(self) -> str:
        """How the audit trail names this reorganization, in the reader's language."""
        return f"{self.get_kind_display()} {self.decision} ({l10n.day(self.effective_on)})"

    @property
    def is_pending(self) -> bool:
        return self.state == ReorgState.SCHEDULED


class OrganizationLink(AuditedModel):
    """``predecessor`` lives on in ``successor`` (merged into it, split into it, or its contents moved there)."""

    reorganization = models.ForeignKey(Reorganization, on_delete=models.PROTECT, related_name="links")
    predecessor = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="successor_links",
                                    verbose_name=_("predecessor"))
    successor = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="predecessor_links",
                                  verbose_name=_("successor"))
    kind = models.CharField(_("kind"), max_length=16, choices=LinkKind.choices)
    effective_on = models.DateField(_("effective on"))

    scope_path_field = "successor__path"
    scope_permission_model = "orgs.organization"
    scope_check_on_write = False
    audit_repr_is_text = True
    audit_select_related = ("predecessor", "successor")

    class Meta:
        verbose_name = _("predecessor and successor")
        verbose_name_plural = _("predecessors and successors")
        ordering = ["effective_on", "id"]
        constraints = [models.UniqueConstraint(fields=["reorganization", "predecessor", "successor"],
                                               name="orglink_unique")]

    def __str__(self) -> str:
        return f"{self.predecessor_id} -> {self.successor_id} ({self.effective_on})"

    def audit_text(self) -> str:
        """How the audit trail names this link, in the reader's language."""
        arrow = "\u2190" if get_language_bidi() else "\u2192"  # bidi does not mirror arrows
        return f"{self.predecessor.name} {arrow} {self.successor.name} ({l10n.day(self.effective_on)})"
