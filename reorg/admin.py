from django.contrib import admin

from core.admin import ReadOnlyAdmin
from reorg.models import OrganizationLink, Reorganization


@admin.register(Reorganization)
class ReorganizationAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "decision", "effective_on", "state", "created_by", "applied_at")
    list_filter = ("kind", "state")
    search_fields = ("decision", "note")
    date_hierarchy = "effective_on"


@admin.register(OrganizationLink)
class OrganizationLinkAdmin(ReadOnlyAdmin):
    list_display = ("id", "predecessor", "successor", "kind", "effective_on", "reorganization")
    list_filter = ("kind",)
    raw_id_fields = ("predecessor", "successor", "reorganization")
