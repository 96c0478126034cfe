"""Property-based tests (hypothesis): broken rows and broken files never raise, are always reported,
never change the registry in all-or-nothing mode; valid files import exactly once."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from exchange.importer import ErrorLog, MemberImporter, parse_row
from exchange.readers import FileProblem, open_table, parse_date
from tests.test_exchange import row, snapshot, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
PROFILE = settings(max_examples=25, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_files = itertools.count()

bad_dates = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["31/02/1990", "00/01/1990", "1990-13-01", "32-01-1990", "1/1/90", "01.01.1990", "1990/01/01",
                     "29/02/1991", "01/01/1800", "tomorrow", "2099-01-01"]),
    st.integers(min_value=-10**6, max_value=10**6),
).filter(lambda v: parse_date(v) is None or (isinstance(v, str) and v.endswith("2099-01-01")))
bad_ids = st.one_of(st.text(alphabet="0123456789abc -", max_size=14), st.just("999000000001"),
                    st.integers(min_value=0, max_value=10**13).map(str))
formulas = st.text(max_size=10).map(lambda s: "=" + s)


def mutation(world):
    return st.one_of(
        st.tuples(st.just("birth_date"), bad_dates),
        st.tuples(st.just("admission_date"), bad_dates),
        st.tuples(st.just("citizen_id"), bad_ids),
        st.tuples(st.just("organization_code"), st.sampled_from(
            ["NOPE", world.b.cells[0].code, world.b.org.code, world.a.org.code, world.a.grassroots.code, ""])),
        st.tuples(st.just("full_name"), st.sampled_from(["", " ", "x"])),
        st.tuples(st.sampled_from(["full_name", "home_town", "gender", "status"]), formulas),
        st.tuples(st.just("gender"), st.text(max_size=3).filter(lambda s: s.strip().lower() not in
                                                                   {"m", "f", "nam", "nữ", "nu"})),
        st.tuples(st.just("status"), st.sampled_from(["expelled", "deceased", "x", ""])),
        st.tuples(st.just("official_date"), st.just("")),
    )


def _import(world, path, mode, tmp_path):
    errors = ErrorLog(tmp_path / f"e{next(_files)}.jsonl")
    importer = MemberImporter(world.a_secretary, world.a.org, mode, errors, batch_size=4)
    try:
        with open_table(path, path.name) as table:
            return (importer.run_all(table) if mode == "all" else importer.run_valid(table)), errors
    finally:
        errors.close()


@given(data=st.data())
@PROFILE
def test_broken_rows_are_reported_and_change_nothing(world, tmp_path, data):
    n = data.draw(st.integers(min_value=1, max_value=8))
    rows = [row(world.a.cells[i % 2].code, i) for i in range(n)]
    bad = data.draw(st.sets(st.integers(min_value=0, max_value=n - 1), min_size=1))
    for index in bad:
        key, value = data.draw(mutation(world))
        if key == "official_date" and rows[index]["status"] != "official":
            key, value = "status", "x"
        rows[index][key] = value if isinstance(value, str) else str(value)
    fmt = data.draw(st.sampled_from(["csv", "xlsx"]))
    if any(ILLEGAL_CHARACTERS_RE.search(str(v)) for r in rows for v in r.values()):
        fmt = "csv"  # a workbook cannot even hold control characters
    path = (write_csv if fmt == "csv" else write_xlsx)(tmp_path / f"p{next(_files)}.{fmt}", rows)
    state = snapshot()
    try:
        stats, errors = _import(world, path, "all", tmp_path)
    except FileProblem as exc:  # e.g. a NUL character makes the CSV a binary file: refused as a whole
        assert exc.message and snapshot() == state
        return
    assert stats.created == 0
    assert snapshot() == state
    reported = {e["row"] for e in errors.sample}
    assert {i + 3 for i in bad} <= reported  # data start on row 3, after the two header rows
    assert stats.error_rows == len(bad)


@given(data=st.data())
@PROFILE
def test_valid_rows_import_exactly_once(world, tmp_path, data):
    n = data.draw(st.integers(min_value=1, max_value=6))
    base = data.draw(st.integers(min_value=0, max_value=10_000))
    rows = [row(world.a.cells[i % 2].code, base + i) for i in range(n)]
    path = write_xlsx(tmp_path / f"ok{next(_files)}.xlsx", rows) if data.draw(st.booleans()) else \
        write_csv(tmp_path / f"ok{next(_files)}.csv", rows)
    mode = data.draw(st.sampled_from(["all", "valid"]))
    stats, _errors = _import(world, path, mode, tmp_path)
    assert (stats.created, stats.error_rows) == (n, 0)
    state = snapshot()
    again, _errors = _import(world, path, mode, tmp_path)
    assert (again.created, again.unchanged, again.error_rows) == (0, n, 0)
    assert snapshot() == state


@given(content=st.binary(max_size=400), name=st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f.xls", "f"]))
@PROFILE
def test_garbage_files_never_raise_anything_else(world, tmp_path, content, name):
    path = tmp_path / f"{next(_files)}{name}"
    path.write_bytes(content)
    state = snapshot()
    try:
        _import(world, path, "all", tmp_path)
    except FileProblem as exc:
        assert exc.message
    assert snapshot() == state


@given(data=st.data())
@PROFILE
def test_truncated_or_corrupted_xlsx(world, tmp_path, data):
    source = write_xlsx(tmp_path / f"src{next(_files)}.xlsx", [row(world.a.cells[0].code, i) for i in range(3)])
    raw = bytearray(source.read_bytes())
    if data.draw(st.booleans()):
        raw = raw[:data.draw(st.integers(min_value=0, max_value=10**6)) % len(raw)]
    else:
        for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
            raw[data.draw(st.integers(min_value=0, max_value=10**6)) % len(raw)] ^= 0xFF
    path = tmp_path / f"broken{next(_files)}.xlsx"
    path.write_bytes(bytes(raw))
    state = snapshot()
    try:
        stats, _errors = _import(world, path, "all", tmp_path)
    except FileProblem as exc:
        assert exc.message
        assert snapshot() == state
    else:  # a flipped byte in a part the reader does not use leaves a valid workbook
        assert snapshot()[0] == state[0] + stats.created


@given(text=st.text(max_size=200), encoding=st.sampled_from(["cp1252", "latin-1", "utf-16", "utf-8", "cp1258"]))
@PROFILE
def test_any_text_in_any_encoding(world, tmp_path, text, encoding):
    header = "full_name,gender,birth_date,citizen_id,status,admission_date,organization_code\n"
    path = tmp_path / f"enc{next(_files)}.csv"
    path.write_bytes((header + text).encode(encoding, "replace"))
    state = snapshot()
    try:
        _import(world, path, "all", tmp_path)
    except FileProblem as exc:
        assert exc.message
    assert snapshot() == state


@given(value=st.one_of(st.text(), st.integers(), st.floats(allow_nan=True), st.none(), st.booleans(),
                       st.dates().map(lambda d: d), st.datetimes()))
@settings(max_examples=200, deadline=None)
def test_parse_date_and_parse_row_never_raise(value):
    result = parse_date(value)
    assert result is None or isinstance(result, dt.date)
    parsed = parse_row(3, {"full_name": value, "birth_date": value, "citizen_id": value, "gender": value,
                           "status": value, "admission_date": value, "organization_code": value})
    assert parsed.errors


def test_dates_in_three_formats_and_real_dates(world, tmp_path):
    rows = [row(world.a.cells[0].code, i) for i in range(3)]
    rows[0]["birth_date"] = "1981-02-03"
    rows[1]["birth_date"] = "03-02-1981"
    path = write_xlsx(tmp_path / "dates.xlsx", rows)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    born = dt.datetime(1982, 3, 3)
    wb.active["C5"] = born
    wb.save(path)
    with open_table(path, path.name) as table:
        parsed = [parse_row(n, raw) for n, raw in table.rows()]
    assert [p.data["birth_date"] for p in parsed] == [dt.date(1981, 2, 3), dt.date(1981, 2, 3), born.date()]
