"""Admin support: writes from Django's admin run as audited actions of the administrator."""

from __future__ import annotations

from django.contrib import admin

from core.actions import acting


class AuditedAdmin(admin.ModelAdmin):
    def _act(self, request, what: str):
        return acting(request.user, f"admin.{self.model._meta.model_name}.{what}")

    def save_model(self, request, obj, form, change):
        with self._act(request, "save"):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with self._act(request, "save_related"):
            super().save_related(request, form, formsets, change)

    def delete_model(self, request, obj):
        with self._act(request, "delete"):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with self._act(request, "delete"):
            super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Tree and registry change only through their actions (history, counters): the admin only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
