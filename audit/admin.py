from django.contrib import admin

from audit.models import AuditRecord
from core.admin import ReadOnlyAdmin


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "event", "object_repr", "ip")
    show_full_result_count = False
