"""Badge lists as Excel workbooks (the offices' format), written row by row from an iterator."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from lifecycle.badges import badge_reached
from members.models import Member

MAX_ROWS = 200_000


def badge_workbook_stream(qs, start: dt.date, end: dt.date, *, early: bool = False) -> Iterator[bytes]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from core.views import add_months
    from lifecycle.services import rule

    if early:
        search_start, search_end = end + dt.timedelta(days=1), add_months(end, int(rule("BADGE_EARLY_MONTHS")))
    else:
        search_start, search_end = start, end
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Party badges"))
    bold = Font(bold=True)
    headers = [_("Badge (years)"), _("Date reached"), _("Full name"), _("Date of birth"), _("Admission date"),
               _("Official date"), _("Party organization"), _("Party card number")]
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    rows = qs.select_related("organization").order_by("admission_date", "id")[:MAX_ROWS]
    for member in rows.iterator(chunk_size=2000):
        member: Member
        years, day = badge_reached(member, search_start, search_end)
        sheet.append([years, day, member.full_name, member.birth_date, member.admission_date, member.official_date,
                      member.organization.name, member.party_card_no or ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    while chunk := buffer.read(65536):
        yield chunk
