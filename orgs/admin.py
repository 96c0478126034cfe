from django.contrib import admin

from core.admin import ReadOnlyAdmin
from orgs.models import Organization, OrganizationVersion


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "org_type", "depth", "subtree_official", "subtree_probationary")
    search_fields = ("code",)
    show_full_result_count = False


@admin.register(OrganizationVersion)
class OrganizationVersionAdmin(ReadOnlyAdmin):
    list_display = ("organization", "name", "valid_from", "valid_to", "decision")
    show_full_result_count = False
