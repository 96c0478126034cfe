"""Writing spreadsheets safely: the one place where exported cells are neutralized.

Every CSV and XLSX file the application hands out (member lists, badge lists, statistics, error reports) is
written through :func:`csv_lines` or :class:`SafeSheet`, so a value typed by anyone - a member named
``=HYPERLINK("http://evil.example","x")`` accepted by the API, say - reaches the spreadsheet as text and is never
evaluated (OWASP "CSV injection"): a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading apostrophe. Numbers and dates are written as numbers and dates, untouched.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

# The characters a spreadsheet program reads as the start of a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """A text value that a spreadsheet would evaluate, made inert by a leading apostrophe; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_value(value: Any) -> Any:
    """One CSV cell: empty for None, ISO for dates, neutralized text."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return neutralize(value)
    return value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> Iterator[str]:
    """The lines of a CSV file, one by one (for a StreamingHttpResponse); the BOM lets Excel read UTF-8."""
    writer = csv.writer(_Echo())
    if bom:
        yield "\ufeff"
    yield writer.writerow([csv_value(str(label)) for label in header])
    for row in rows:
        yield writer.writerow([csv_value(v) for v in row])


def _clean_text(value: str) -> str:
    """Text openpyxl can store: control characters XML refuses are dropped (never an IllegalCharacterError)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return neutralize(ILLEGAL_CHARACTERS_RE.sub("", value))


class Quantity(int):
    """A count written as a real number with grouping (``#,##0``: Excel shows the reader's own separators)."""


_EXCEL_DATE_PARTS = {"d": "dd", "j": "d", "m": "mm", "n": "m", "Y": "yyyy", "y": "yy"}


def excel_date_format() -> str:
    """The active language's short date (Django's ``SHORT_DATE_FORMAT``) as an Excel number format.

    Month names and other parts Excel cannot take from Django's format fall back to ``yyyy-mm-dd``.
    """
    from django.utils import formats

    pattern = formats.get_format("SHORT_DATE_FORMAT")
    out = []
    for char in pattern:
        if char in _EXCEL_DATE_PARTS:
            out.append(_EXCEL_DATE_PARTS[char])
        elif char in "/.-":
            out.append("\\" + char if char != "-" else char)
        elif char == " ":
            out.append(" ")
        elif char == "\u200f":  # the right-to-left mark of Arabic dates; the sheet itself is right to left
            continue
        else:
            return "yyyy-mm-dd"
    return "".join(out) or "yyyy-mm-dd"


class SafeSheet:
    """A write-only openpyxl worksheet whose rows are neutralized on the way in.

    ``append`` takes plain values or ``WriteOnlyCell`` objects; text is neutralized and stored as a string
    (``data_type = "s"``), dates get the ``yyyy-mm-dd`` format, so nothing typed by a user becomes a formula.
    """

    def __init__(self, workbook: Any, title: str) -> None:
        from django.utils import translation

        self.sheet = workbook.create_sheet(title=str(title)[:31])
        if translation.get_language_bidi():
            self.sheet.sheet_view.rightToLeft = True
        self.date_format = excel_date_format()

    def _cell(self, value: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import Cell

        if isinstance(value, Cell):
            if isinstance(value.value, str):
                value.value = _clean_text(value.value)
                value.data_type = "s"
            return value
        if isinstance(value, str):
            cell = WriteOnlyCell(self.sheet, value=_clean_text(value))
            cell.data_type = "s"
            return cell
        if isinstance(value, Quantity):
            cell = WriteOnlyCell(self.sheet, value=int(value))
            cell.number_format = "#,##0"
            return cell
        if isinstance(value, (dt.date, dt.datetime)):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = self.date_format + " hh:mm" if isinstance(value, dt.datetime) else self.date_format
            return cell
        return value

    def append(self, values: Iterable[Any]) -> None:
        self.sheet.append([self._cell(v) for v in values])

    def header(self, labels: Iterable[Any]) -> None:
        """A bold header row."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        bold = Font(bold=True)
        row = []
        for label in labels:
            cell = WriteOnlyCell(self.sheet, value=str(label))
            cell.font = bold
            row.append(cell)
        self.append(row)


def write_xlsx(target: Any, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], *,
               progress: Callable[[int], None] | None = None, every: int = 2000) -> int:
    """Write one sheet row by row (write-only: memory stays flat) to ``target`` (a path or a binary file).

    ``progress(rows_written)`` is called every ``every`` rows (background jobs report it and check for
    cancellation there). Returns the number of data rows written.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = SafeSheet(workbook, title)
    sheet.header(header)
    written = 0
    for row in rows:
        sheet.append(row)
        written += 1
        if progress is not None and written % every == 0:
            progress(written)
    workbook.save(target if not hasattr(target, "__fspath__") else str(target))
    return written
