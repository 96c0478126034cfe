"""``RuleVersion``: one value of one rule from a date, with the regulation that set it. Never overwritten."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel, AuditedQuerySet
from core.rules import RegulationKind, RuleKind


class RuleVersionQuerySet(AuditedQuerySet):
    """Rules are the whole party's: every signed-in user reads them; only national administrators write."""

    def restrict(self, user: Any, action: str = "view", *, sides: tuple[str, ...] | None = None
                 ) -> RuleVersionQuerySet:
        from core.rules import may_change_rules

        if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        if action == "view" or may_change_rules(user):
            return self
        return self.none()

    def update(self, **kwargs: Any) -> int:
        raise TypeError("rule versions are never changed: record a new version or a correction")

    def delete(self):
        raise TypeError("rule versions are never deleted: record a correction that withdraws the version")


class RuleVersion(AuditedModel):
    class Source(models.TextChoices):
        SHIPPED = "shipped", _("shipped with Partywork")
        RECORDED = "recorded", _("recorded by an administrator")

    code = models.CharField(_("rule"), max_length=64)
    kind = models.CharField(_("type"), max_length=16, choices=RuleKind.choices)
    value = models.JSONField(_("value"))
    valid_from = models.DateField(_("valid from"))
    regulation_kind = models.CharField(_("kind of text"), max_length=16, choices=RegulationKind.choices, blank=True)
    regulation = models.CharField(_("regulation"), max_length=64, blank=True,
                                  help_text=_("Its number as written, e.g. 294-QĐ/TW."))
    regulation_date = models.DateField(_("date of the regulation"), null=True, blank=True)
    provision = models.CharField(_("article or point"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.RECORDED)
    corrects = models.ForeignKey("self", verbose_name=_("corrects"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="corrections")
    withdrawn = models.BooleanField(_("withdrawn"), default=False,
                                    help_text=_("The corrected version was entered by mistake and does not hold."))
    reason = models.CharField(_("reason for the correction"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # Like the audit trail: no database constraint, so deleting an account rewrites nothing here.
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    scope_path_field = ""
    scope_check_on_write = False
    objects = RuleVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["code", "valid_from", "id"]
        indexes = [models.Index(fields=["code", "valid_from"], name="ruleversion_code_from_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.valid_from.isoformat() if self.valid_from else ''}"

    def scope_paths(self) -> list[str]:
        """The whole party's: no organization places a rule (its audit records are national)."""
        return []

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("rule versions are never changed: record a new version or a correction")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise TypeError("rule versions are never deleted: record a correction that withdraws the version")

    @property
    def citation(self) -> str:
        from core.rules import cite

        return cite(self)
