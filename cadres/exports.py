"""Export of committee compositions: who held which post in the committees of an organization's subtree on a date.

Built on ``core.object_views.ObjectExportView`` like the member list: recorded in the audit trail as an export before
the first byte leaves, CSV streamed and XLSX written row by row through ``core.exports`` (cells neutralized, dates as
dates in the reader's format, right to left in Arabic), headers in the reader's language, names as written. The
rows name people with their party card numbers, so the export needs the right to export members
(``members.export_member``) on the organization besides the right to see its compositions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres.choices import BodyKind
from cadres.forms import ExportForm
from cadres.models import PostHolding
from core.exports import write_xlsx as core_write_xlsx
from core.object_views import ExportRefused, ObjectExportView
from core.phrases import text
from core.scope import may
from core.tree import prefix_q
from members.models import Member

EXPORT_KIND = "cadres.export"
CHUNK = 2000
ORDERING = ["organization__path", "body__kind", "post", "valid_from", "id"]
RANKED_ORDERING = ["organization__path", "body_rank", "post_rank", "valid_from", "id"]


def columns() -> list[str]:
    return [_("Organization code"), _("Party organization"), _("Term"), _("Body"), _("Post"), _("Full name"),
            _("Party card number"), _("From"), _("Until"), _("How chosen"), _("Deciding document"),
            _("Date of the deciding document")]


def row_values(holding: PostHolding) -> list[Any]:
    return [holding.organization.code, holding.organization.name, holding.body.term.label,
            holding.body.get_kind_display(), holding.get_post_display(), holding.member.full_name,
            holding.member.party_card_no or "", holding.valid_from, holding.valid_to,
            holding.get_selection_display(), holding.decision, holding.decision_date]


def compositions(user: Any, org: Any, on: dt.date) -> QuerySet:
    """The holdings of the committees of ``org``'s subtree on ``on`` that ``user`` may see, in the tree's order,
    each committee as its page shows it: executive committee, standing committee, inspection commission, and in
    each the secretary first, then the deputies, then the members (not the codes' alphabetical order)."""
    from cadres.planning import with_post_rank

    body_rank = Case(*[When(body__kind=kind, then=Value(i)) for i, kind in enumerate(BodyKind.values)],
                     default=Value(len(BodyKind.values)), output_field=IntegerField())
    qs = (PostHolding.objects.restrict(user, "view").as_of(on).filter(prefix_q("organization__path", org.path))
          .select_related("organization", "member", "body", "body__term"))
    return with_post_rank(qs).annotate(body_rank=body_rank).order_by(*RANKED_ORDERING)


def write_xlsx(qs: QuerySet, path: Any, *, progress: Any = None) -> int:
    """The workbook, row by row (the background job uses it)."""
    return core_write_xlsx(path, _("Compositions"), columns(),
                           (row_values(h) for h in qs.iterator(chunk_size=CHUNK)), progress=progress, every=CHUNK)


class CompositionExportView(ObjectExportView):
    """The compositions of an organization's subtree as of a date (``?organization=<code>&on=<date>``)."""

    model = PostHolding
    export_action = "view"
    ordering = ORDERING
    filter_params = ("organization", "on")
    description = gettext_lazy("Committee compositions (%(format)s)")
    filename_prefix = "compositions"
    sheet_title = gettext_lazy("Compositions")
    back_url_name = "cadres:worklist"
    permission_denied_message = gettext_lazy("Your roles do not allow exporting compositions.")

    organization = None
    on: dt.date | None = None

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
        self.on = form.cleaned_data.get("on") or timezone.localdate()
        return compositions(self.request.user, org, self.on)

    def get_scope_path(self) -> str:
        return self.organization.path if self.organization is not None else super().get_scope_path()

    def start_background(self, fmt: str, count: int, scope_path: str, filename: str) -> Any:
        from jobs.services import enqueue_job

        job = enqueue_job(self.request.user, kind=EXPORT_KIND, permission="export", org_path=scope_path,
                          label=text("cadres.export_label", format="XLSX"),
                          params={"organization": self.organization.code, "on": self.on.isoformat(), "count": count,
                                  "filename": filename}, total=count)
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))

    def get_back_url(self) -> str:
        if self.organization is not None:
            return reverse("cadres:committee", args=[self.organization.pk])
        return super().get_back_url()
