"""The round trip of ``manage.py bench_import --roundtrip`` (bench/exchange.py), small and in process.

Import N generated rows, export the imported members with the member list's XLSX export, compare the
export field by field with the generated rows, import the export again: nothing may change. The second
test spoils the export and checks that the round trip says so instead of passing.
"""

from __future__ import annotations

import pytest

from bench import exchange as bench_exchange
from core.memory import peak_rss_mb
from members import exports

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("job_files")]
N = 300


def _roundtrip(tmp_path, *, record: bool = False):
    return bench_exchange.roundtrip(N, scale=None, folder=tmp_path, org_root="TW", user="root", in_process=True,
                                    record=record, log=lambda s: None)


def test_round_trip_of_generated_rows_changes_nothing(world, tmp_path, monkeypatch):
    results = tmp_path / "RESULTS.md"
    monkeypatch.setattr(bench_exchange, "RESULTS", results)
    rt = _roundtrip(tmp_path, record=True)
    assert rt.ok, rt.failures
    assert rt.exported == N and rt.differences == 0 and rt.differing_rows == 0
    assert [p.rows for p in rt.phases] == [N, N, N, N]
    assert "created 0, unchanged 300, errors 0" in rt.phases[-1].outcome
    assert rt.before == rt.after and rt.before["members"] >= N
    text = results.read_text()
    assert f"## Import/export round trip of {N} members" in text and " UTC" in text
    assert "Result: **pass**" in text and "| re-import the export | 300 |" in text


def test_round_trip_reports_an_export_that_differs(world, tmp_path, monkeypatch):
    original = exports.row_values

    def spoiled(member):
        values = original(member)
        if member.pk % 10 == 0:
            values[0] = values[0] + " Thị"  # the full name
        return values

    monkeypatch.setattr(exports, "row_values", spoiled)
    rt = _roundtrip(tmp_path)
    assert not rt.ok
    assert rt.differences == rt.differing_rows > 0
    assert any(": full_name: exported " in d for d in rt.first_differences)
    assert any(f.startswith("compare:") for f in rt.failures)
    # The spoilt rows now clash with the registered members: the re-import refuses the file.
    assert any(f.startswith("re-import:") for f in rt.failures)


def test_peak_rss_is_read_from_proc():
    peak = peak_rss_mb()
    assert peak is not None and peak > 10
