from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Role, RoleGrant, User
from accounts.services import link_member
from core.admin import AuditedAdmin
from core.scope import OutOfScope


@admin.register(User)
class PartyUserAdmin(AuditedAdmin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "organization", "is_superuser", "is_active")
    raw_id_fields = ("organization", "member")
    fieldsets = (*UserAdmin.fieldsets, ("Partywork", {"fields": ("organization", "member", "language")}))

    def save_model(self, request, obj, form, change):
        """The member link goes through its action (``accounts.services.link_member``): the grants of the member's
        posts follow it (access follows posts)."""
        linked = "member" in form.changed_data
        member_id = obj.member_id
        if linked:
            obj.member_id = form.initial.get("member") if change else None
        super().save_model(request, obj, form, change)
        if linked:
            try:
                link_member(request.user, obj, member_id)
            except (ValidationError, OutOfScope) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else _("Choose a party member.")
                self.message_user(request, text, level=messages.ERROR)


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("code", "name")
    filter_horizontal = ("permissions",)


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedAdmin):
    list_display = ("user", "role", "organization", "valid_from", "valid_to")
    raw_id_fields = ("user", "organization")
