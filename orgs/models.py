"""The organization tree with dated history: the tree as it stood on any date can be read."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import l10n
from core.models import AuditedModel, AuditedQuerySet, DatedRecord
from core.text import search_key
from orgs.choices import OrgType


class OrganizationQuerySet(AuditedQuerySet):
    def within(self, org: Organization) -> OrganizationQuerySet:
        return self.filter(path__startswith=org.path)

    def active(self) -> OrganizationQuerySet:
        return self.filter(dissolved_on__isnull=True)


class Organization(AuditedModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_key = models.CharField(max_length=255, db_index=True, editable=False)
    org_type = models.CharField(_("type"), max_length=24, choices=OrgType.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organization"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=252, unique=True, null=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=1)
    term = models.CharField(_("term"), max_length=9, blank=True, help_text=_("For example 2025-2030."))
    established_on = models.DateField(_("established on"), null=True, blank=True)
    establishing_decision = models.CharField(_("establishing decision"), max_length=64, blank=True)
    establishing_decision_date = models.DateField(_("date of the establishing decision"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    dissolving_decision = models.CharField(_("dissolving decision"), max_length=64, blank=True)
    dissolving_decision_date = models.DateField(_("date of the dissolving decision"), null=True, blank=True)
    # Member counters, kept by the member actions so that counting a subtree is one row read.
    direct_official = models.PositiveIntegerField(default=0, editable=False)
    direct_probationary = models.PositiveIntegerField(default=0, editable=False)
    subtree_official = models.PositiveIntegerField(default=0, editable=False)
    subtree_probationary = models.PositiveIntegerField(default=0, editable=False)
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    scope_path_field = "path"
    audit_exclude = {"direct_official", "direct_probationary", "subtree_official", "subtree_probationary",
                     "name_key", "lock_version"}
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "name_key"], name="org_parent_name_idx")]
        permissions = [
            ("rename_organization", "Can rename, re-code or re-type an organization by decision"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)

    def after_insert(self) -> None:
        from core.tree import child_path

        self.path = child_path(self.parent.path if self.parent_id else "", self.pk)
        self.depth = len(self.path) // 6
        Organization.objects.filter(pk=self.pk).derived_update(path=self.path, depth=self.depth)

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    @property
    def subtree_members(self) -> int:
        return self.subtree_official + self.subtree_probationary

    @property
    def direct_members(self) -> int:
        return self.direct_official + self.direct_probationary

    def ancestors(self) -> OrganizationQuerySet:
        from core.tree import ancestor_ids

        return Organization.objects.filter(pk__in=ancestor_ids(self.path)[:-1]).order_by("depth")


class OrganizationVersionQuerySet(AuditedQuerySet):
    def as_of(self, on: dt.date) -> OrganizationVersionQuerySet:
        return self.filter(DatedRecord.as_of_q(on))


class OrganizationVersion(DatedRecord, AuditedModel):
    """How an organization stood between two dates: name, type, parent and place in the tree."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="versions")
    parent = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=252)  # indexed by orgversion_path_asof_idx
    depth = models.PositiveSmallIntegerField()
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=255)
    org_type = models.CharField(_("type"), max_length=24, choices=OrgType.choices)
    decision = models.CharField(_("deciding document"), max_length=64, blank=True)
    decision_date = models.DateField(_("date of the deciding document"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    # Why a correction was recorded (reason "corrected"): the wrong version stays, as a version of no day.
    note = models.CharField(_("note"), max_length=255, blank=True, default="", db_default="")  # bulk loads omit it

    scope_path_field = "organization__path"
    scope_permission_model = "orgs.organization"
    audit_repr_is_text = True
    scope_check_on_write = False
    objects = OrganizationVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization history entry")
        verbose_name_plural = _("organization history")
        ordering = ["organization", "valid_from", "id"]
        indexes = [
            models.Index(fields=["organization", "valid_from"], name="orgversion_org_from_idx"),
            # A subtree as of a date, index-only for the ids and types (reorg.services: tree and member counts as
            # of a date); the path's "C" collation on PostgreSQL lets it serve LIKE 'prefix%' (members 0002).
            models.Index(fields=["path", "valid_from", "valid_to", "org_type", "organization"],
                         name="orgversion_path_asof_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from})"

    def audit_text(self) -> str:
        """How the audit trail names this version, in the reader's language."""
        return f"{self.name} ({l10n.day(self.valid_from)})"
