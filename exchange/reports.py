"""The per-row error report of an import, as XLSX (row, column, value, message in the user's language)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from core.exports import SafeSheet
from exchange.importer import read_errors
from exchange.template import header_label

MAX_REPORT_ROWS = 500_000


def write_error_report(errors_jsonl: Path, target: Path) -> int:
    """Stream the error lines into a write-only workbook (memory stays flat); returns the rows written."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = SafeSheet(workbook, _("Errors"))  # the raw values of the file are shown as text, never evaluated
    sheet.header((_("Row"), _("Column"), _("Value"), _("Message")))
    count = 0
    for error in read_errors(errors_jsonl):
        if count >= MAX_REPORT_ROWS:
            sheet.append(["", "", "", _("More errors are not listed; correct these and import again.")])
            break
        sheet.append([error.row, header_label(error.column) if error.column else "", error.value, error.message])
        count += 1
    workbook.save(target)
    return count
