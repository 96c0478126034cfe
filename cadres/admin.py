"""Committees in the admin: read-only (terms, bodies and posts change only through cadres.services, which keep the
history, the counters and the grants that follow posts)."""

from django.contrib import admin

from cadres.models import Body, PlanningEntry, PostHolding, Rotation, Term
from core.admin import ReadOnlyAdmin


@admin.register(Term)
class TermAdmin(ReadOnlyAdmin):
    list_display = ("organization", "label", "valid_from", "valid_to", "planned_end", "opened_by", "closed_by")
    list_filter = ("opened_by", "closed_by")
    search_fields = ("organization__code", "label", "decision")
    raw_id_fields = ("organization",)


@admin.register(Body)
class BodyAdmin(ReadOnlyAdmin):
    list_display = ("organization", "term", "kind", "seats", "filled", "head_filled", "vacant", "ended_on")
    list_filter = ("kind", "vacant")
    search_fields = ("organization__code",)
    raw_id_fields = ("organization", "term")


@admin.register(PostHolding)
class PostHoldingAdmin(ReadOnlyAdmin):
    list_display = ("member", "post", "organization", "selection", "valid_from", "valid_to", "end_reason")
    list_filter = ("post", "selection", "end_reason")
    search_fields = ("organization__code", "decision")
    raw_id_fields = ("organization", "member", "body", "role_grant")


@admin.register(PlanningEntry)
class PlanningEntryAdmin(ReadOnlyAdmin):
    list_display = ("member", "post", "organization", "term_label", "valid_from", "valid_to", "end_reason")
    list_filter = ("post", "end_reason")
    search_fields = ("organization__code", "term_label")
    raw_id_fields = ("organization", "member")


@admin.register(Rotation)
class RotationAdmin(ReadOnlyAdmin):
    list_display = ("member", "from_org", "to_org", "position", "valid_from", "valid_to", "decision")
    search_fields = ("decision",)
    raw_id_fields = ("member", "from_org", "to_org")
