"""Export of the filtered member list as CSV (streamed) or XLSX (written row by row to a temp file).

Built on ``core.object_views.ObjectExportView``: exports of personal data are recorded in the audit trail
before the first byte leaves, are offered only to roles with ``members.export_member``, stop at a configurable
number of rows, and every text cell is neutralized (no formula reaches a spreadsheet). Excel exports larger than
``PARTYWORK_EXPORT_INLINE_ROWS`` are written by the ``members.export`` background job.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import write_xlsx as core_write_xlsx
from core.object_views import ObjectExportView
from core.phrases import text
from members.filtersets import MemberFilterSet
from members.models import Member

CHUNK = 2000
DEFAULT_MAX_ROWS = 200_000
DEFAULT_INLINE_ROWS = 20_000  # larger Excel exports are written by a background job, with a progress bar
EXPORT_KIND = "members.export"
FILTER_PARAMS = ("q", "organization", "status", "gender", "age", "admission_year", "admitted_after",
                 "admitted_before", "born_after", "born_before")


def max_rows() -> int:
    return int(getattr(settings, "PARTYWORK_EXPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def inline_rows() -> int:
    return int(getattr(settings, "PARTYWORK_EXPORT_INLINE_ROWS", DEFAULT_INLINE_ROWS))


def columns():
    """The exported columns: the import template's, so an exported list re-imports as is (members are recognized
    by their citizen ID). No internal id: a list handed around names people by what is on their papers."""
    return [
        ("full_name", _("Full name")), ("gender", _("Gender")),
        ("birth_date", _("Date of birth")), ("citizen_id", _("Citizen ID")), ("party_card_no", _("Party card number")),
        ("status", _("Status")), ("admission_date", _("Admission date")), ("official_date", _("Official date")),
        ("organization_code", _("Organization code")), ("organization", _("Party organization")),
        ("ethnicity", _("Ethnicity")), ("religion", _("Religion")), ("home_town", _("Home town")),
        ("education", _("Education")), ("occupation", _("Occupation")),
    ]


def row_values(member: Member) -> list:
    return [
        member.full_name, member.get_gender_display(), member.birth_date, member.citizen_id or "",
        member.party_card_no or "", member.get_status_display(), member.admission_date, member.official_date,
        member.organization.code, member.organization.name, member.ethnicity, member.religion, member.home_town,
        member.education, member.occupation,
    ]


class MemberExportView(ObjectExportView):
    """The filtered member list: the generic export (right, audit, neutralized cells) with the members' columns."""

    model = Member
    filterset_class = MemberFilterSet
    ordering = ["name_key", "id"]
    filter_params = FILTER_PARAMS
    description = gettext_lazy("Member list (%(format)s)")
    filename_prefix = "members"
    sheet_title = gettext_lazy("Members")
    back_url_name = "members:list"
    permission_denied_message = gettext_lazy("Your roles do not allow exporting members.")

    max_rows = staticmethod(max_rows)
    inline_rows = staticmethod(inline_rows)

    def columns(self) -> list:
        return [label for _key, label in columns()]

    def row_values(self, obj: Member) -> list:
        return row_values(obj)

    def get_export_queryset(self):
        return super().get_export_queryset().select_related("organization")

    def get_scope_path(self) -> str:
        selected = self.filterset.selected_organization
        return selected.path if selected is not None else super().get_scope_path()

    def get_filters(self) -> dict:
        data = self.request.GET
        return {k: data.getlist(k) if k == "status" else data.get(k) for k in FILTER_PARAMS if data.get(k)}

    def start_background(self, fmt: str, count: int, scope_path: str, filename: str):
        from jobs.services import enqueue_job

        job = enqueue_job(self.request.user, kind=EXPORT_KIND, permission="export", org_path=scope_path,
                          label=text("members.export_label", format="XLSX"),
                          params={"query": self.request.GET.urlencode(), "count": count, "filename": filename},
                          total=count)
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))


def write_xlsx(qs, path, *, progress=None) -> int:
    """Write the member rows of ``qs`` to an XLSX file row by row (the background job and the bench use it)."""
    return core_write_xlsx(path, _("Members"), [label for _key, label in columns()],
                           (row_values(member) for member in qs.iterator(chunk_size=CHUNK)), progress=progress,
                           every=CHUNK)
