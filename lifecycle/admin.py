from django.contrib import admin

from core.admin import ReadOnlyAdmin
from lifecycle.models import AdmissionCase, DevelopmentTarget, Exemption, TransferLetter


@admin.register(AdmissionCase)
class AdmissionCaseAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "cell", "state", "applied_on", "committee_decision_date", "ceremony_date")
    list_filter = ("state",)
    search_fields = ("full_name", "citizen_id")
    raw_id_fields = ("cell", "member")


@admin.register(TransferLetter)
class TransferLetterAdmin(ReadOnlyAdmin):
    list_display = ("number", "member", "from_org", "to_org", "kind", "state", "issued_on", "due_on")
    list_filter = ("state", "kind")
    search_fields = ("number",)
    raw_id_fields = ("member", "from_org", "to_org")


@admin.register(Exemption)
class ExemptionAdmin(ReadOnlyAdmin):
    list_display = ("member", "valid_from", "valid_to", "reason")
    raw_id_fields = ("member",)


@admin.register(DevelopmentTarget)
class DevelopmentTargetAdmin(ReadOnlyAdmin):
    list_display = ("organization", "year", "target_count", "target_percent")
    raw_id_fields = ("organization",)
