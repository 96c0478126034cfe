"""A streaming reader of the first worksheet of an .xlsx file, standard library only.

``zipfile`` + ``xml.etree.ElementTree.iterparse``: each ``<row>`` is turned into a tuple of values and
then dropped from the tree, so memory stays flat however long the sheet is. The values are the ones
openpyxl's ``load_workbook(read_only=True, data_only=False)`` + ``iter_rows(values_only=True)`` gives,
with two deliberate differences: a date-formatted number without a time part comes out as
``datetime.date`` (openpyxl: ``datetime`` at midnight), and every formula (array formulas included)
comes out as the text ``"=" + formula`` so the importer's formula check always applies.

Broken archives or parts raise :class:`XlsxError`; the caller turns it into its user-facing message.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import iterparse

MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
           "http://purl.oclc.org/ooxml/spreadsheetml/main")
REL_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "http://purl.oclc.org/ooxml/officeDocument/relationships")
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
BUILTIN_TIMEDELTA_FORMATS = frozenset({46})
_STRIP_FORMAT = re.compile(r'"[^"]*"|\[(?!h{1,2}\]|m{1,2}\]|s{1,2}\])[^\]]*\]|\\.|_.|\*.')
_DATE_CHARS = re.compile(r"[dmyhs]", re.IGNORECASE)
_TIMEDELTA = re.compile(r"^\s*\[(h{1,2}|m{1,2}|s{1,2})\]")
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_DIGITS = "0123456789"
_ROW_OF_REF = re.compile(r"(\d+)$")


class XlsxError(Exception):
    """The archive or one of the parts the reader needs is missing or malformed."""


def _tag(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def is_date_format(code: str | None) -> bool:
    """True if a number format code shows a date or a time (d, m, y, h or s outside quotes and brackets)."""
    if not code:
        return False
    section = _STRIP_FORMAT.sub("", code.split(";")[0])
    return _DATE_CHARS.search(section) is not None


def is_timedelta_format(code: str | None) -> bool:
    return bool(code) and _TIMEDELTA.match(code.split(";")[0]) is not None


def from_excel(value: float, date1904: bool = False) -> Any:
    """An Excel serial number as date, datetime or (below 1) time, like openpyxl's ``from_excel``."""
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= value < 1 and diff.days == 0:
        return (dt.datetime.min + diff).time()
    if date1904:
        epoch = _EPOCH_1904
    else:
        epoch = _EPOCH_1900
        if 0 < value < 60:  # Excel's 1900 leap-year bug: serials before the fake 29 Feb 1900 are off by one
            day += 1
    moment = epoch + dt.timedelta(days=day) + diff
    if moment.hour == moment.minute == moment.second == moment.microsecond == 0:
        return moment.date()
    return moment


def column_index(letters: str) -> int:
    """Zero-based column of ``"A"``, ``"AB"``, ..."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch.upper()) - 64)
    return n - 1


def _resolve(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    parts: list[str] = [p for p in base_dir.split("/") if p]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _text_of(element: Any, ns: str) -> str:
    """Text of an ``<si>``/``<is>``: its ``<t>``, or the ``<t>`` of its rich-text runs (not phonetic runs)."""
    t_tag, r_tag = _tag(ns, "t"), _tag(ns, "r")
    pieces = []
    for child in element:
        if child.tag == t_tag:
            pieces.append(child.text or "")
        elif child.tag == r_tag:
            for t in child.iter(t_tag):
                pieces.append(t.text or "")
    return "".join(pieces)


class XlsxSheet:
    """The first worksheet of a workbook: ``rows()`` streams tuples of cell values, in column order.

    ``dimension`` (e.g. ``"A1:P1000001"``) is known once the first row has been read.
    """

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise XlsxError("not a workbook")
        self.names = names
        self.dimension: str | None = None
        self.date1904 = False
        sheet_rid, sheet_name = self._read_workbook()
        rels = self._read_rels("xl/_rels/workbook.xml.rels")
        self.sheet_part: str | None = None
        if sheet_rid is not None:
            target = rels.get("id", {}).get(sheet_rid)
            if target is None:
                raise XlsxError("sheet relationship missing")
            self.sheet_part = _resolve("xl", target)
            if self.sheet_part not in names:
                raise XlsxError("sheet part missing")
        self.sheet_name = sheet_name
        strings_part = rels.get("type", {}).get("sharedStrings")
        styles_part = rels.get("type", {}).get("styles")
        self.shared = self._read_shared_strings(_resolve("xl", strings_part) if strings_part else
                                                "xl/sharedStrings.xml")
        self.date_styles, self.timedelta_styles = self._read_styles(_resolve("xl", styles_part) if styles_part
                                                                    else "xl/styles.xml")

    # --- workbook parts ---------------------------------------------------------------------------

    def _read_workbook(self) -> tuple[str | None, str | None]:
        with self.archive.open("xl/workbook.xml") as part:
            for _event, element in iterparse(part):
                name = _local(element.tag)
                if name == "workbookPr":
                    self.date1904 = element.get("date1904", "false").lower() in ("1", "true")
                elif name == "sheet":
                    rid = next((element.get(_tag(ns, "id")) for ns in REL_NS if element.get(_tag(ns, "id"))), None)
                    if rid is None:
                        raise XlsxError("sheet without relationship")
                    return rid, element.get("name")
        return None, None

    def _read_rels(self, path: str) -> dict[str, dict[str, str]]:
        by_id: dict[str, str] = {}
        by_type: dict[str, str] = {}
        if path not in self.names:
            return {"id": by_id, "type": by_type}
        with self.archive.open(path) as part:
            for _event, element in iterparse(part):
                if _local(element.tag) == "Relationship":
                    target = element.get("Target", "")
                    if element.get("TargetMode") == "External":
                        continue
                    by_id[element.get("Id", "")] = target
                    by_type.setdefault(element.get("Type", "").rpartition("/")[2], target)
        return {"id": by_id, "type": by_type}

    def _read_shared_strings(self, path: str) -> list[str]:
        strings: list[str] = []
        if path not in self.names:
            return strings
        with self.archive.open(path) as part:
            for event, element in iterparse(part, events=("start", "end")):
                if event == "start":
                    continue
                tag = element.tag
                if tag.endswith("}si"):
                    strings.append(_text_of(element, tag[1:-3]))
                    element.clear()
        return strings

    def _read_styles(self, path: str) -> tuple[frozenset[int], frozenset[int]]:
        if path not in self.names:
            return frozenset(), frozenset()
        custom: dict[int, str] = {}
        xfs: list[int] = []
        in_cell_xfs = False
        with self.archive.open(path) as part:
            for event, element in iterparse(part, events=("start", "end")):
                name = _local(element.tag)
                if name == "cellXfs":
                    in_cell_xfs = event == "start"
                elif event == "end" and name == "numFmt":
                    custom[int(element.get("numFmtId", "-1"))] = element.get("formatCode", "")
                elif event == "start" and name == "xf" and in_cell_xfs:
                    xfs.append(int(element.get("numFmtId", "0")))
        dates, timedeltas = set(), set()
        for index, fmt in enumerate(xfs):
            code = custom.get(fmt)
            if code is not None:
                if is_date_format(code):
                    dates.add(index)
                    if is_timedelta_format(code):
                        timedeltas.add(index)
            elif fmt in BUILTIN_DATE_FORMATS:
                dates.add(index)
                if fmt in BUILTIN_TIMEDELTA_FORMATS:
                    timedeltas.add(index)
        return frozenset(dates), frozenset(timedeltas)

    # --- the sheet --------------------------------------------------------------------------------

    @property
    def max_row(self) -> int | None:
        """Last row of the ``<dimension>`` reference, if the sheet has one."""
        if not self.dimension:
            return None
        match = _ROW_OF_REF.search(self.dimension.split(":")[-1])
        return int(match.group(1)) if match else None

    @property
    def max_column(self) -> int | None:
        if not self.dimension:
            return None
        last = self.dimension.split(":")[-1].replace("$", "").rstrip(_DIGITS)
        return column_index(last) + 1 if last.isalpha() else None

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Every row from row 1 on (gaps in the sheet come out as empty rows), as tuples of values."""
        if self.sheet_part is None:
            return
        shared = self.shared
        n_shared = len(shared)
        date_styles = self.date_styles
        timedelta_styles = self.timedelta_styles
        date1904 = self.date1904
        columns: dict[str, int] = {}
        with self.archive.open(self.sheet_part) as part:
            events = iterparse(part, events=("start", "end"))
            ns = None
            sheet_data = None
            width = 0
            expected = 1  # number of the next row to hand out
            for event, element in events:
                if ns is None:
                    ns = element.tag[1:].partition("}")[0] if element.tag.startswith("{") else ""
                    if ns not in MAIN_NS:
                        raise XlsxError("not a worksheet")
                    ROW, C, V, F, IS, T = (_tag(ns, n) for n in ("row", "c", "v", "f", "is", "t"))
                    SHEET_DATA, DIMENSION = _tag(ns, "sheetData"), _tag(ns, "dimension")
                    continue
                tag = element.tag
                if event == "start":
                    if tag == SHEET_DATA:
                        sheet_data = element
                        width = self.max_column or 0
                    continue
                if tag != ROW:
                    if tag == DIMENSION:
                        self.dimension = element.get("ref")
                    elif tag == SHEET_DATA:
                        return
                    continue
                number = element.get("r")
                number = int(number) if number else expected
                values: list[Any] = [None] * width
                col = -1
                for cell in element:
                    if cell.tag != C:
                        continue
                    ref = cell.get("r")
                    if ref:
                        letters = ref.rstrip(_DIGITS)
                        col = columns.get(letters)
                        if col is None:
                            col = columns[letters] = column_index(letters)
                    else:
                        col += 1
                    raw = formula = inline = None
                    for child in cell:
                        ctag = child.tag
                        if ctag == V:
                            raw = child.text
                        elif ctag == F:
                            formula = child
                        elif ctag == IS:
                            inline = child
                    kind = cell.get("t", "n")
                    if formula is not None:
                        value: Any = "=" + (formula.text or "")
                    elif kind == "n":
                        if raw is None:
                            continue
                        try:
                            value = int(raw)
                        except ValueError:
                            value = float(raw)
                            if value.is_integer():
                                value = int(value)
                        style = cell.get("s")
                        if style is not None and int(style) in date_styles:
                            try:
                                if int(style) in timedelta_styles:
                                    value = dt.timedelta(days=value)
                                else:
                                    value = from_excel(value, date1904)
                            except (OverflowError, ValueError):
                                value = "#VALUE!"
                    elif kind == "s":
                        if raw is None:
                            continue
                        index = int(raw)
                        if not 0 <= index < n_shared:
                            raise XlsxError("shared string out of range")
                        value = shared[index]
                    elif kind == "inlineStr":
                        if inline is None:
                            value = None
                        elif len(inline) == 1 and inline[0].tag == T and not len(inline[0]):
                            value = inline[0].text or ""  # the usual <is><t>text</t></is>
                        else:
                            value = _text_of(inline, ns)
                    elif kind == "str":
                        value = raw or ""
                    elif kind == "b":
                        if raw is None:
                            continue
                        value = raw.strip() not in ("0", "false", "")
                    elif kind == "e":
                        value = raw
                    elif kind == "d":
                        if raw is None:
                            continue
                        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
                        if value.tzinfo is None and value.time() == dt.time(0):
                            value = value.date()
                    else:
                        value = raw
                    if col >= len(values):
                        values.extend([None] * (col + 1 - len(values)))
                    values[col] = value
                element.clear()
                if sheet_data is not None:
                    sheet_data.clear()
                while expected < number:
                    yield (None,) * width
                    expected += 1
                if number >= expected:
                    yield tuple(values)
                    expected = number + 1


def open_sheet(archive: zipfile.ZipFile) -> XlsxSheet:
    return XlsxSheet(archive)
