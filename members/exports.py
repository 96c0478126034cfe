"""Export of the filtered member list as CSV (streamed) or XLSX (written row by row to a temp file).

Exports of personal data are recorded in the audit trail before the first byte leaves, are
offered only to roles with ``members.export_member``, and stop at a configurable number of rows.
"""

from __future__ import annotations

import csv
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from audit.services import record_export
from core.scope import can
from core.views import scope_root
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
    return [
        ("id", _("Number")), ("full_name", _("Full name")), ("gender", _("Gender")),
        ("birth_date", _("Date of birth")), ("citizen_id", _("Citizen ID")), ("party_card_no", _("Party card number")),
        ("status", _("Status")), ("admission_date", _("Admission date")), ("official_date", _("Official date")),
        ("organization_code", _("Organization code")), ("organization", _("Party organization")),
        ("ethnicity", _("Ethnicity")), ("religion", _("Religion")), ("home_town", _("Home town")),
        ("education", _("Education")), ("occupation", _("Occupation")),
    ]


def row_values(member: Member) -> list:
    return [
        member.pk, member.full_name, member.get_gender_display(), member.birth_date, member.citizen_id or "",
        member.party_card_no or "", member.get_status_display(), member.admission_date, member.official_date,
        member.organization.code, member.organization.name, member.ethnicity, member.religion, member.home_town,
        member.education, member.occupation,
    ]


class _Echo:
    def write(self, value):
        return value


class MemberExportView(LoginRequiredMixin, View):
    def get(self, request, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        user = request.user
        if not can(user, Member, "export"):
            raise PermissionDenied(_("Your roles do not allow exporting members."))
        back = reverse("members:list") + ("?" + request.GET.urlencode() if request.GET else "")
        filterset = MemberFilterSet(request.GET, queryset=Member.objects.restrict(user, "export"), request=request)
        if not filterset.is_valid():
            messages.error(request, _("Some filter values are not valid. Correct them and export again."))
            return HttpResponseRedirect(back)
        qs = filterset.qs.select_related("organization").order_by("name_key", "id")
        limit = max_rows()
        count = qs.order_by()[: limit + 1].count()
        if count > limit:
            messages.error(request, _("The export would have more than %(limit)s rows. Narrow the filters "
                                      "(for example choose an organization or a status) and export again.")
                           % {"limit": f"{limit:,}"})
            return HttpResponseRedirect(back)
        selected = filterset.selected_organization
        if selected is not None:
            scope_path = selected.path
        else:
            root = scope_root(user)
            scope_path = "" if user.is_superuser or root is None else root.path
        filters = {k: request.GET.getlist(k) if k == "status" else request.GET.get(k)
                   for k in FILTER_PARAMS if request.GET.get(k)}
        record_export(user, Member, scope_path=scope_path,
                      description=_("Member list (%(format)s)") % {"format": fmt.upper()}, count=count,
                      filters=filters)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"members-{stamp}.{fmt}"
        if fmt == "xlsx" and count > inline_rows():
            from jobs.services import enqueue_job

            job = enqueue_job(user, kind=EXPORT_KIND, permission="export", org_path=scope_path,
                              label=_("Member list (%(format)s)") % {"format": "XLSX"},
                              params={"query": request.GET.urlencode(), "count": count, "filename": filename},
                              total=count)
            return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))
        if fmt == "csv":
            return self._csv(qs, filename)
        return self._xlsx(qs, filename)

    def _csv(self, qs, filename):
        writer = csv.writer(_Echo())

        def rows():
            yield "\ufeff"  # so that spreadsheet programs read the Vietnamese names as UTF-8
            yield writer.writerow([str(label) for _key, label in columns()])
            for member in qs.iterator(chunk_size=CHUNK):
                values = row_values(member)
                yield writer.writerow(["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v)
                                       for v in values])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _xlsx(self, qs, filename):
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # deleted when the response closes it
        write_xlsx(qs, handle.name)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=filename,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def write_xlsx(qs, path, *, progress=None) -> int:
    """Write the member rows of ``qs`` to an XLSX file row by row (write-only: memory stays flat)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Members")[:31])
    header = []
    for _key, label in columns():
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    date_cols = {i for i, (key, _label) in enumerate(columns()) if key.endswith("_date")}
    written = 0
    for member in qs.iterator(chunk_size=CHUNK):
        row = []
        for i, value in enumerate(row_values(member)):
            if i in date_cols and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)
        written += 1
        if progress is not None and written % CHUNK == 0:
            progress(written)
    workbook.save(str(path))
    return written
