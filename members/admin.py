from django.contrib import admin

from core.admin import ReadOnlyAdmin
from members.models import Member, MemberHistory


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "birth_date", "status", "organization")
    search_fields = ("citizen_id", "party_card_no")
    show_full_result_count = False
    list_select_related = ("organization",)


@admin.register(MemberHistory)
class MemberHistoryAdmin(ReadOnlyAdmin):
    list_display = ("member", "organization", "status", "event", "valid_from", "valid_to")
    show_full_result_count = False
