"""exchange.xlsx_stream yields what openpyxl read_only + values_only yields (dates compared as dates)."""

import datetime as dt
import itertools
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from exchange import readers
from exchange.readers import FileProblem, open_xlsx_openpyxl, open_xlsx_stream
from exchange.xlsx_stream import XlsxSheet, from_excel, is_date_format

_files = itertools.count()


def _norm(value):
    if isinstance(value, dt.datetime) and value.time() == dt.time(0) and value.tzinfo is None:
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _normal_rows(rows):
    out = []
    for values in rows:
        values = [_norm(v) for v in values]
        while values and values[-1] is None:
            values.pop()
        out.append(tuple(values))
    while out and not out[-1]:
        out.pop()
    return out


def stream_rows(path):
    with zipfile.ZipFile(path) as archive:
        return list(XlsxSheet(archive).rows())


def openpyxl_rows(path):
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        return list(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()


def assert_same(path):
    ours, theirs = stream_rows(path), openpyxl_rows(path)
    assert _normal_rows(ours) == _normal_rows(theirs)
    return ours


def test_types_formats_blanks_and_formulas(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["name", "n", "f", "flag", "when"])
    ws.append(["Nguyễn Văn A", 1, 2.5, True, dt.date(1981, 2, 3)])
    ws.append(["  spaced  ", -7, 1e-9, False, dt.datetime(2020, 5, 6, 7, 8, 9)])
    ws["B4"] = 10 ** 15
    ws["E4"] = dt.date(1900, 1, 1)
    ws["A6"] = "after a gap"
    ws["H6"] = "far right"
    ws["C7"] = "=SUM(1,2)"
    ws["D7"] = '=CONCAT("T22",".G1.C1")'
    formats = ["yyyy-mm-dd", "dd/mm/yyyy", "d-mmm-yy", "mm/dd/yyyy hh:mm", "h:mm:ss", "[$-409]d mmmm yyyy;@",
               "[Red]dd.mm.yyyy", '"Year" 0', "0.00", "[Red]0.00", "#,##0", "@", "General", "0%",
               '0.00"h"', "[h]:mm:ss"]
    for i, fmt in enumerate(formats, start=1):
        cell = ws.cell(row=10, column=i, value=45000.25 if fmt not in ("@",) else "text")
        cell.number_format = fmt
        cell = ws.cell(row=11, column=i, value=dt.datetime(1999, 12, 31))
        cell.number_format = fmt
    ws["A12"] = 0.5
    ws["A12"].number_format = "h:mm"
    ws["B12"] = 59
    ws["B12"].number_format = "yyyy-mm-dd"
    ws["C12"] = 61
    ws["C12"].number_format = "yyyy-mm-dd"
    path = tmp_path / "types.xlsx"
    wb.save(path)
    rows = assert_same(path)
    assert rows[1][4] == dt.date(1981, 2, 3) and type(rows[1][4]) is dt.date
    assert rows[2][4] == dt.datetime(2020, 5, 6, 7, 8, 9)
    assert rows[3][4] == dt.date(1900, 1, 1)
    assert rows[4] == (None,) * len(rows[4])  # row 5 is absent from the sheet: an empty row
    assert rows[6][2] == "=SUM(1,2)"
    assert rows[9][7] == 45000.25 and rows[9][8] == 45000.25  # '"Year" 0' and "0.00" are not dates
    assert isinstance(rows[9][0], dt.datetime)
    assert rows[11][0] == dt.time(12, 0)


def test_1904_workbook(tmp_path):
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["d", "dt"])
    ws.append([dt.date(2001, 9, 11), dt.datetime(1990, 1, 2, 3, 4, 5)])
    ws.append([dt.date(1904, 1, 2), None])
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    rows = assert_same(path)
    assert rows[1] == (dt.date(2001, 9, 11), dt.datetime(1990, 1, 2, 3, 4, 5))
    assert rows[2][0] == dt.date(1904, 1, 2)


def test_from_excel_and_date_formats():
    assert from_excel(1) == dt.date(1900, 1, 1)
    assert from_excel(59) == dt.date(1900, 2, 28)
    assert from_excel(61) == dt.date(1900, 3, 1)
    assert from_excel(45000.5) == dt.datetime(2023, 3, 15, 12, 0)
    assert from_excel(0, date1904=True) == dt.time(0)
    assert from_excel(1, date1904=True) == dt.date(1904, 1, 2)
    assert is_date_format("dd/mm/yyyy") and is_date_format("[$-409]h:mm AM/PM") and is_date_format("[h]:mm")
    assert not is_date_format('"day" 0.00') and not is_date_format("[Red]0.00") and not is_date_format("General")
    assert not is_date_format("0.00_h") and not is_date_format("\\d0")


SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{ns}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<dimension ref="A1:F9"/>
<sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>inline</t></is></c>
<c r="D1" t="inlineStr"><is><r><t>rich </t></r><r><rPr><b/></rPr><t>inline</t></r></is></c></row>
<row><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="str"><f>A1&amp;"x"</f><v>plainx</v></c><c><v>3</v></c></row>
<row r="5"><c r="B5"><v>1.5</v></c><c><v>2</v></c><c r="F5" s="1"><v>44000</v></c></row>
<row r="6"><c r="A6" t="str"><v>cached string</v></c><c r="B6" t="s"><v>2</v></c></row>
</sheetData>
</worksheet>"""

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{ns}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr/><sheets><sheet name="Data" sheetId="1" r:id="rId7"/></sheets></workbook>"""

STRINGS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{ns}" count="3" uniqueCount="3"><si><t xml:space="preserve"> plain </t></si>
<si><r><t>Rich</t></r><r><rPr><i/></rPr><t xml:space="preserve"> text</t></r><rPh sb="0" eb="1"><t>PH</t></rPh></si>
<si><t>Đà Nẵng</t></si></sst>"""

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{ns}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>
<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
 Target="worksheets/data.xml"/>
<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
 Target="/xl/strings.xml"/>
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
 Target="styles.xml"/>
</Relationships>"""

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/data.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/strings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="xl/workbook.xml"/></Relationships>"""

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def handmade(path: Path, ns: str = MAIN, skip: str = "") -> Path:
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
             "xl/_rels/workbook.xml.rels": RELS, "xl/worksheets/data.xml": SHEET, "xl/strings.xml": STRINGS,
             "xl/styles.xml": STYLES}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            if name != skip:
                archive.writestr(name, text.replace("{ns}", ns))
    return path


def test_handmade_parts_inline_and_rich_strings_missing_refs(tmp_path):
    path = handmade(tmp_path / "hand.xlsx")
    rows = assert_same(path)
    assert rows[0] == (" plain ", "Rich text", "inline", "rich inline", None, None)
    assert rows[1] == (True, "#N/A", '=A1&"x"', 3, None, None)
    assert rows[2] == rows[3] == (None,) * 6
    assert rows[4] == (None, 1.5, 2, None, None, dt.date(2020, 6, 18))
    assert rows[5] == ("cached string", "Đà Nẵng", None, None, None, None)
    with zipfile.ZipFile(path) as archive:
        sheet = XlsxSheet(archive)
        list(sheet.rows())
        assert (sheet.max_row, sheet.max_column) == (9, 6)


def test_strict_namespace(tmp_path):
    strict = handmade(tmp_path / "strict.xlsx", ns="http://purl.oclc.org/ooxml/spreadsheetml/main")
    assert stream_rows(strict) == stream_rows(handmade(tmp_path / "transitional.xlsx"))


@pytest.mark.parametrize("skip", ["xl/worksheets/data.xml", "xl/workbook.xml", "xl/strings.xml"])
def test_missing_parts_are_a_file_problem(tmp_path, skip):
    path = handmade(tmp_path / "missing.xlsx", skip=skip)
    with pytest.raises(FileProblem) as exc:
        with open_xlsx_stream(path) as table:
            list(table.rows())
    assert "not a readable Excel" in exc.value.message


def _sample_workbook(path: Path, n: int = 20) -> Path:
    from tests.test_exchange import write_xlsx

    rows = [{"full_name": f"Nguyễn Văn Thử {i}", "gender": "M", "birth_date": dt.date(1980, 1, 1 + i % 28),
             "citizen_id": f"{i:012d}", "status": "official", "admission_date": "01/02/2003",
             "organization_code": "T22.G1.C1"} for i in range(n)]
    return write_xlsx(path, rows)


@pytest.mark.parametrize("content", [b"hello, this is not a zip", b"PK\x03\x04garbage", b""])
def test_non_zip_is_a_file_problem(tmp_path, content):
    path = tmp_path / "not.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileProblem) as exc:
        with open_xlsx_stream(path) as table:
            list(table.rows())
    assert "not a readable Excel" in exc.value.message


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.9, 0.99])
def test_truncated_file_is_a_file_problem(tmp_path, keep):
    raw = _sample_workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(raw[: int(len(raw) * keep)])
    with pytest.raises(FileProblem):
        with open_xlsx_stream(path) as table:
            list(table.rows())


def test_stream_and_openpyxl_tables_agree(tmp_path):
    path = _sample_workbook(tmp_path / "both.xlsx", 50)
    wb = load_workbook(path)
    wb.active["C4"] = dt.datetime(1982, 3, 3)
    wb.active["I5"] = "=1+1"
    wb.save(path)
    with open_xlsx_stream(path) as new, open_xlsx_openpyxl(path) as old:
        assert (new.keys, new.first_data_row, new.estimated_rows) == (old.keys, old.first_data_row, old.estimated_rows)
        new_rows, old_rows = list(new.rows()), list(old.rows())
    assert [(n, {k: _norm(v) for k, v in r.items()}) for n, r in new_rows] == \
        [(n, {k: _norm(v) for k, v in r.items()}) for n, r in old_rows]
    assert new.estimated_rows == 50
    assert readers.XLSX_READER == "stream"


def test_empty_rows_rule_with_sparse_rows(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["a"])
    ws["A5"] = "x"
    ws["A1006"] = "stopped before this"
    path = tmp_path / "sparse.xlsx"
    wb.save(path)
    rows = stream_rows(path)
    assert len(rows) == 1006 and rows[4] == ("x",) and rows[1005] == ("stopped before this",)


cell_values = st.one_of(
    st.none(),
    st.text(max_size=30).filter(lambda s: not ILLEGAL_CHARACTERS_RE.search(s)),
    st.integers(min_value=-(2 ** 53), max_value=2 ** 53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
)


@given(grid=st.lists(st.lists(cell_values, max_size=8), min_size=1, max_size=8), mac=st.booleans())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_cells_round_trip(tmp_path, grid, mac):
    wb = Workbook()
    if mac:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    for values in grid:
        ws.append(values)
    path = tmp_path / f"r{next(_files)}.xlsx"
    wb.save(path)
    assert_same(path)
