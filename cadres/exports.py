"""Export of committee compositions: who held which post in the committees of an organization's subtree on a date.

Built on ``core.object_views.ObjectExportView`` like the member list: recorded in the audit trail as an export before
the first byte leaves, CSV streamed and XLSX written row by row through ``core.exports`` (cells neutralized, dates as
dates in the reader's format, right to left in Arabic), headers in the reader's language, names as written. The
rows name people with their party card numbers, so the export needs the right to export members
(``members.export_member``) on the organization besides the right to see its compositions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres.forms import ExportForm
from cadres.models import PostHolding
from core.object_views import ExportRefused, ObjectExportView
from core.scope import may
from core.tree import prefix_q
from members.models import Member


def columns() -> list[str]:
    return [_("Organization code"), _("Party organization"), _("Term"), _("Body"), _("Post"), _("Full name"),
            _("Party card number"), _("From"), _("Until"), _("How chosen"), _("Deciding document"),
            _("Date of the deciding document")]


def row_values(holding: PostHolding) -> list[Any]:
    return [holding.organization.code, holding.organization.name, holding.body.term.label,
            holding.body.get_kind_display(), holding.get_post_display(), holding.member.full_name,
            holding.member.party_card_no or "", holding.valid_from, holding.valid_to,
            holding.get_selection_display(), holding.decision, holding.decision_date]


class CompositionExportView(ObjectExportView):
    """The compositions of an organization's subtree as of a date (``?organization=<code>&on=<date>``)."""

    model = PostHolding
    export_action = "view"
    ordering = ["organization__path", "body__kind", "post", "valid_from", "id"]
    filter_params = ("organization", "on")
    description = gettext_lazy("Committee compositions (%(format)s)")
    filename_prefix = "compositions"
    sheet_title = gettext_lazy("Compositions")
    back_url_name = "cadres:worklist"
    permission_denied_message = gettext_lazy("Your roles do not allow exporting compositions.")

    organization = None

    def columns(self) -> list[Any]:
        return columns()

    def row_values(self, obj: PostHolding) -> list[Any]:
        return row_values(obj)

    def get_export_queryset(self) -> QuerySet:
        form = ExportForm(self.request.GET, user=self.request.user)
        if not form.is_valid():
            errors = [str(e) for errors in form.errors.values() for e in errors]
            raise ExportRefused(" ".join(errors) or _("Choose an organization."))
        org = self.organization = form.cleaned_data["organization"]
        if not may(self.request.user, Member, "export", org.path):
            raise PermissionDenied(_("Your roles do not allow exporting members' data here."))
        on = form.cleaned_data.get("on") or timezone.localdate()
        return (self.restricted("view").as_of(on).filter(prefix_q("organization__path", org.path))
                .select_related("organization", "member", "body", "body__term").order_by(*self.ordering))

    def get_scope_path(self) -> str:
        return self.organization.path if self.organization is not None else super().get_scope_path()

    def get_back_url(self) -> str:
        from django.urls import reverse

        if self.organization is not None:
            return reverse("cadres:committee", args=[self.organization.pk])
        return super().get_back_url()
