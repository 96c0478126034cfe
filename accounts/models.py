"""Users, roles and grants: a role granted on an organization covers its whole subtree."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import RoleCode
from core.models import AuditedModel, AuditedQuerySet, DatedRecord


class PartyUserManager(UserManager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    def _create_user(self, *args: Any, **kwargs: Any):
        # createsuperuser and scripts create accounts outside a request: audit them as the system.
        from core.actions import SYSTEM, acting, in_action

        if in_action():
            return super()._create_user(*args, **kwargs)
        with acting(SYSTEM, "accounts.create_user", check_scope=False):
            return super()._create_user(*args, **kwargs)


class User(AuditedModel, AbstractUser):
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users", help_text=_("The organization whose office this account belongs to."),
    )
    member = models.OneToOneField(
        "members.Member", verbose_name=_("party member"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="user",
    )
    language = models.CharField(_("language"), max_length=8, blank=True)

    scope_path_field = "organization__path"
    audit_exclude = {"password", "last_login"}
    objects = PartyUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(AuditedModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    permissions = models.ManyToManyField(Permission, verbose_name=_("permissions"), blank=True, related_name="+")

    scope_check_on_write = False

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        try:
            return str(RoleCode(self.code).label)
        except ValueError:
            return self.name

    def audit_scope_path(self) -> str:
        return ""


class RoleGrantQuerySet(AuditedQuerySet):
    def active(self, on: Any = None) -> RoleGrantQuerySet:
        return self.filter(DatedRecord.as_of_q(on or timezone.localdate()))

    def active_paths_for(self, user: Any, perm: str):
        app_label, codename = perm.split(".", 1)
        return (
            self.active()
            .filter(
                user=user,
                organization__dissolved_on__isnull=True,
                role__permissions__codename=codename,
                role__permissions__content_type__app_label=app_label,
            )
            .values_list("organization__path", flat=True)
            .distinct()
        )


class RoleGrant(DatedRecord, AuditedModel):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants")
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="grants")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="grants"
    )
    decision = models.CharField(_("deciding document"), max_length=64, blank=True)

    scope_path_field = "organization__path"
    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["user", "-valid_from"]
        indexes = [models.Index(fields=["user", "valid_from"], name="grant_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} - {self.role} - {self.organization}"
