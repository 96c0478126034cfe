"""Badge lists as Excel workbooks (the offices' format), through the generic export.

``core.object_views.ObjectExportView`` checks the export right (``members.export_member``: the list holds names,
dates of birth and party card numbers), reads with ``restrict(user, "export")``, writes the export audit record
before the file leaves and neutralizes every text cell; this module only says which rows and columns.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.object_views import ExportRefused, ObjectExportView
from lifecycle import badges
from lifecycle.badges import badge_reached
from members.models import Member


class BadgeExportView(ObjectExportView):
    """``/lifecycle/badges/?format=xlsx[&early=1]``: the members of the chosen badges and period, in scope."""

    model = Member
    formats = ("xlsx",)
    description = gettext_lazy("Party badge list (%(format)s)")
    sheet_title = gettext_lazy("Party badges")
    back_url_name = "lifecycle:badges"
    permission_denied_message = gettext_lazy("Your roles do not allow exporting members.")

    def get_export_queryset(self) -> QuerySet:
        from core.dates import add_days, add_months
        from lifecycle.forms import BadgeFilterForm

        form = BadgeFilterForm(self.request.GET, years=badges.badge_years(), user=self.request.user)
        if not form.is_valid():
            raise ExportRefused(_("Some filter values are not valid. Correct them and export again."))
        start, end = badges.badge_period(form)
        data = form.cleaned_data
        self.organization = data.get("organization")
        only = [data["badge"]] if data.get("badge") else None
        early = bool(self.request.GET.get("early"))
        self.period = (start, end)
        if early:
            self.search = (add_days(end, 1), add_months(end, badges.early_months(end)))
        else:
            self.search = (start, end)
        qs = badges.badge_queryset(self.request.user, start, end, organization=self.organization, only=only,
                                   early=early, action=self.export_action)
        return qs.select_related("organization").order_by("admission_date", "id")

    def get_scope_path(self) -> str:
        return self.organization.path if self.organization is not None else super().get_scope_path()

    def get_filename(self, fmt: str) -> str:
        start, end = self.period
        return f"badges_{start.isoformat()}_{end.isoformat()}.{fmt}"

    def columns(self) -> list[Any]:
        return [_("Badge (years)"), _("Date reached"), _("Full name"), _("Date of birth"), _("Admission date"),
                _("Official date"), _("Party organization"), _("Party card number")]

    def row_values(self, member: Member) -> list[Any]:
        years, day = badge_reached(member, *self.search)
        return [years, day, member.full_name, member.birth_date, member.admission_date, member.official_date,
                member.organization.name, member.party_card_no or ""]
