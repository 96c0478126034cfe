from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import Role, RoleGrant, User
from core.admin import AuditedAdmin


@admin.register(User)
class PartyUserAdmin(AuditedAdmin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "organization", "is_superuser", "is_active")
    raw_id_fields = ("organization", "member")
    fieldsets = (*UserAdmin.fieldsets, ("Partywork", {"fields": ("organization", "member", "language")}))


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("code", "name")
    filter_horizontal = ("permissions",)


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedAdmin):
    list_display = ("user", "role", "organization", "valid_from", "valid_to")
    raw_id_fields = ("user", "organization")
