"""Streaming readers of import files: XLSX (exchange.xlsx_stream, or openpyxl read-only) and CSV (UTF-8), row by row.

Whole-file problems (wrong type, broken workbook, wrong encoding, missing columns) raise
:class:`FileProblem` with a message in the user's language *before* the first row is handed out, so
such a file changes nothing. Row problems (formulas, bad dates) are left to the importer, which
reports them per cell. Reading stops after ``EMPTY_ROWS_STOP`` consecutive empty rows, so a sheet
with a million formatted but empty rows costs next to nothing.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from core.phrases import Said
from exchange.limits import LimitExceeded, check_archive, check_text_size, import_limit, too_many_rows
from exchange.template import BY_KEY, COLUMNS, REQUIRED_KEYS, _norm, header_aliases

# A file's problem keeps its message id and parameters (core.phrases.Said): a job stores it as a code and shows it
# in the reader's language; a form shows it as the text it also is.
_ = Said


def _columns(keys: list[str]) -> list[dict]:
    """Column names as stored texts: each reads as the template's header in the reader's language."""
    return [{"code": f"exchange.column.{key}"} for key in keys]

EMPTY_ROWS_STOP = 1000
MAX_COLUMNS = 200


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    kind: str  # "xlsx" | "csv"
    keys: list[str | None]  # machine key of each column, None for columns the import ignores
    first_data_row: int
    estimated_rows: int | None
    _rows: Iterator[tuple[Any, ...]]

    def rows(self, start_after: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
        """(spreadsheet row number, {key: raw value}) for every non-empty row, in order."""
        empty = 0
        number = self.first_data_row - 1
        keyed = [(i, k) for i, k in enumerate(self.keys) if k]
        names = [k for _i, k in keyed]
        width = max((i for i, _k in keyed), default=-1) + 1
        pick = itemgetter(*[i for i, _k in keyed]) if len(keyed) > 1 else None
        max_rows, seen = import_limit("MAX_ROWS"), 0
        for values in self._rows:
            number += 1
            if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                empty += 1
                if empty >= EMPTY_ROWS_STOP:
                    return
                continue
            empty = 0
            seen += 1
            if seen > max_rows:  # a file whose declared size understated its rows
                raise FileProblem(too_many_rows(seen).message)
            if number <= start_after:
                continue
            if pick is not None and len(values) >= width:
                yield number, dict(zip(names, pick(values)))
            else:
                n = len(values)
                yield number, {k: (values[i] if i < n else None) for i, k in keyed}


def detect_kind(path: str | Path, filename: str = "") -> str:
    with open(path, "rb") as handle:
        head = handle.read(8)
    name = (filename or str(path)).lower()
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(_("This is an old Excel file (.xls). Open it in Excel and save it as an Excel "
                            "workbook (.xlsx), then import again."))
    if name.endswith((".xlsx", ".xlsm")):
        raise FileProblem(_("The file is not a readable Excel workbook: it may be damaged or incomplete. "
                            "Save it again as .xlsx and import again."))
    if name.endswith((".csv", ".txt")) or not name:
        return "csv"
    raise FileProblem(_("This file type cannot be imported. Use the Excel template (.xlsx) or a CSV file "
                        "(UTF-8)."))


def _map_headers(labels: tuple[Any, ...], second: tuple[Any, ...] | None) -> tuple[list[str | None], bool]:
    """Column keys from the key row if present, else from the names of row 1; True if row 2 was keys."""
    if len(labels) > MAX_COLUMNS:
        labels = labels[:MAX_COLUMNS]
    if second:
        cells = [str(v).strip() for v in second[:MAX_COLUMNS] if v is not None and str(v).strip()]
        if cells and all(c in BY_KEY for c in cells):
            keys = [(str(v).strip() if v is not None and str(v).strip() in BY_KEY else None)
                    for v in second[:MAX_COLUMNS]]
            return keys, True
    aliases = header_aliases()
    keys = [aliases.get(_norm(v)) if v is not None else None for v in labels]
    return keys, False


def _check_keys(keys: list[str | None]) -> None:
    seen: set[str] = set()
    doubled = []
    for key in keys:
        if key is None:
            continue
        if key in seen:
            doubled.append(key)
        seen.add(key)
    if doubled:
        raise FileProblem(_("These columns appear more than once: %(columns)s.") % {"columns": _columns(doubled)})
    missing = [k for k in REQUIRED_KEYS if k not in seen]
    if missing:
        if not seen:
            raise FileProblem(_("The first row does not name the template's columns. Download the template "
                                "and keep its header rows."))
        raise FileProblem(_("Required columns are missing: %(columns)s. Download the template to see all "
                            "columns.") % {"columns": _columns(missing)})


# "stream": exchange.xlsx_stream (standard library, several times faster); "openpyxl": the previous reader.
XLSX_READER = "stream"


def _limited(check: Callable[..., None], *args: Any) -> None:
    """Run a limit check of exchange.limits; a file over a limit is a FileProblem like any other."""
    try:
        check(*args)
    except LimitExceeded as exc:
        raise FileProblem(exc.message) from None


def _broken_xlsx() -> FileProblem:
    return FileProblem(_("The file is not a readable Excel workbook: it may be damaged or incomplete. "
                         "Save it again as .xlsx and import again."))


@contextmanager
def open_xlsx(path: str | Path):
    opener = open_xlsx_stream if XLSX_READER == "stream" else open_xlsx_openpyxl
    with opener(path) as table:
        yield table


def _table(kind: str, rows: Iterator[tuple[Any, ...]], total_rows: Callable[[], int | None]) -> Table:
    """What every reader shares: the title row and the optional key row, then the data rows; ``total_rows``
    (the file's declared or counted rows, header included) gives the estimate."""
    first = next(rows, None)
    if first is None:
        raise FileProblem(_("The file is empty."))
    second = next(rows, None)
    keys, key_row = _map_headers(first, second)
    _check_keys(keys)
    header_rows = 2 if key_row else 1

    def data():
        if not key_row and second is not None:
            yield second
        yield from rows

    try:
        total = total_rows()
    except Exception:
        total = None
    estimated = max(0, total - header_rows) if total is not None else None
    # No refusal on the estimate: it counts formatted empty rows too, which cost next to nothing (rows() counts
    # the rows that hold data and stops at MAX_ROWS).
    return Table(kind, keys, header_rows + 1, estimated, data())


def _xlsx_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """A sheet's rows, with damage met in the header rows reported as a broken file and damage met later as
    damage after some rows."""
    read = 0
    try:
        for row in rows:
            read += 1
            yield row
    except Exception:
        if read < 2:
            raise _broken_xlsx() from None
        raise FileProblem(_("The workbook is damaged after some rows; nothing was imported from the "
                            "damaged part.")) from None


@contextmanager
def open_xlsx_stream(path: str | Path):
    from exchange.xlsx_stream import XlsxSheet

    try:
        archive = zipfile.ZipFile(path)
    except Exception:
        raise _broken_xlsx() from None
    try:
        _limited(check_archive, archive)  # before anything is inflated (testzip inflates everything)
        try:
            if archive.testzip() is not None:
                raise zipfile.BadZipFile("crc")
            sheet = XlsxSheet(archive)
        except Exception:
            raise _broken_xlsx() from None
        if sheet.sheet_part is None:
            raise FileProblem(_("The workbook has no sheet to import."))
        yield _table("xlsx", _xlsx_rows(sheet.rows()), lambda: sheet.max_row)
    finally:
        archive.close()


@contextmanager
def open_xlsx_openpyxl(path: str | Path):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            _limited(check_archive, archive)
            if archive.testzip() is not None:
                raise zipfile.BadZipFile("crc")
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise zipfile.BadZipFile("not a workbook")
        workbook = load_workbook(path, read_only=True, data_only=False)
    except FileProblem:
        raise
    except Exception:
        raise _broken_xlsx() from None
    try:
        if not workbook.worksheets:
            raise FileProblem(_("The workbook has no sheet to import."))
        sheet = workbook.worksheets[0]
        yield _table("xlsx", _xlsx_rows(sheet.iter_rows(values_only=True)), lambda: sheet.max_row)
    finally:
        workbook.close()


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _legacy() -> str:
    return _("The file is not UTF-8 text (it looks like a legacy encoding such as Windows-1258 or "
                 "Windows-1252). In Excel choose \"Save as\" -> \"CSV UTF-8\", then import again.")


def _prescan_csv(path: str | Path, encoding: str) -> int:
    """Decode and parse the whole file once (streaming) before anything is written; returns its rows."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    rows = 0
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(1 << 20)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                raise FileProblem(_legacy()) from None
            if "\x00" in text:
                raise FileProblem(_("This is not a text (CSV) file. Use the Excel template (.xlsx) or a CSV file "
                                    "(UTF-8)."))
            rows += text.count("\n")
            if not chunk:
                return rows


@contextmanager
def open_csv(path: str | Path):
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(_("The file is UTF-16 text (Excel's \"Unicode text\"). Save it as \"CSV UTF-8\" "
                            "and import again."))
    encoding = "utf-8-sig"
    _limited(check_text_size, Path(path).stat().st_size)
    estimated = _prescan_csv(path, encoding)
    handle = open(path, encoding=encoding, newline="")
    try:
        first_line = handle.readline()
        handle.seek(0)  # utf-8-sig drops the BOM again after a seek to the start
        reader = csv.reader(handle, delimiter=_sniff_delimiter(first_line))

        def guarded():
            try:
                for row in reader:
                    yield tuple(row)
            except csv.Error:
                raise FileProblem(_("Line %(line)d of the CSV file is malformed (for example an unclosed "
                                    "quote).") % {"line": reader.line_num}) from None

        yield _table("csv", guarded(), lambda: estimated)
    finally:
        handle.close()


@contextmanager
def open_table(path: str | Path, filename: str = ""):
    kind = detect_kind(path, filename)
    opener = open_xlsx if kind == "xlsx" else open_csv
    with opener(path) as table:
        yield table


# --- cell values ------------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DMY_DASH = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


def parse_date(value: Any) -> dt.date | None:
    """Excel dates, or text as dd/mm/yyyy, yyyy-mm-dd or dd-mm-yyyy; ``None`` if it is none of these."""
    if isinstance(value, dt.datetime):
        return value.date() if 1900 <= value.year <= 2100 else None
    if isinstance(value, dt.date):
        return value if 1900 <= value.year <= 2100 else None
    if not isinstance(value, str):
        return None
    return parse_date_text(value.strip())


def parse_date_text(text: str) -> dt.date | None:
    """``parse_date`` of a stripped text; the usual ten-character spellings skip the regular expressions."""
    if len(text) == 10 and text.isascii():
        if text[2] == "/" and text[5] == "/" or text[2] == "-" and text[5] == "-":
            day, month, year = text[:2], text[3:5], text[6:]
        elif text[4] == "-" and text[7] == "-":
            year, month, day = text[:4], text[5:7], text[8:]
        else:
            day = ""
        if day.isdigit() and month.isdigit() and year.isdigit():
            y = int(year)
            if not 1900 <= y <= 2100:
                return None
            try:
                return dt.date(y, int(month), int(day))
            except ValueError:
                return None
    for pattern, order in ((_DMY, "dmy"), (_YMD, "ymd"), (_DMY_DASH, "dmy")):
        match = pattern.match(text)
        if match:
            a, b, c = (int(g) for g in match.groups())
            year, month, day = (c, b, a) if order == "dmy" else (a, b, c)
            if not 1900 <= year <= 2100:
                return None
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def column_keys() -> list[str]:
    return [c.key for c in COLUMNS]
