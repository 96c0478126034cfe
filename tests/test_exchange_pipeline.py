"""The import's parsing process (exchange/importer.py): the file read and parsed in a forked process,
pipelined with the database writes, with the same results, problems, cancel and language as in one process."""

from __future__ import annotations

import multiprocessing
import signal
import threading

import pytest
from django.db import transaction

from exchange import importer as importer_module
from exchange.importer import ErrorLog, MemberImporter, _parsed_in_child, parsed_batches, read_errors, use_parse_process
from exchange.readers import open_table
from jobs.models import JobState
from jobs.services import claim_job, enqueue_job, jobs_dir, request_cancel, run_job
from members.models import Member
from tests.test_exchange import row, snapshot, write_csv, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_import_batches")]


def _rows(world, n=11):
    cell = world.a.cells[0].code
    rows = [row(cell, i) for i in range(n)]
    rows[4]["birth_date"] = "hôm qua"  # a bad date
    rows[7]["organization_code"] = "NO-SUCH-ORG"
    rows[9]["citizen_id"] = rows[2]["citizen_id"]  # twice in the file
    return rows


def _job(world, path, mode, language="en"):
    job = enqueue_job(world.a_secretary, kind="members.import", org_path=world.a.org.path, label="t",
                      params={"file": str(path), "filename": path.name, "mode": mode, "root_id": world.a.org.pk,
                              "language": language})
    return claim_job("w", job.pk)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_child_parses_exactly_what_one_process_parses(world, tmp_path, fmt):
    rows = _rows(world)
    path = (write_csv if fmt == "csv" else write_xlsx)(tmp_path / f"p.{fmt}", rows)
    with open_table(path, path.name) as table:
        here = [b for b in parsed_batches(table, 0, 3)]
    with open_table(path, path.name) as table:
        there = [b for b in _parsed_in_child(table, 0, 3)]
    assert [len(b) for b in there] == [3, 3, 3, 2]
    assert there == here
    assert any(r.errors for b in there for r in b)
    with open_table(path, path.name) as table:  # resuming after a row
        assert [r.number for b in _parsed_in_child(table, 6, 3) for r in b] == list(range(7, 14))


@pytest.mark.parametrize("mode", ["all", "valid"])
def test_same_outcome_with_and_without_the_parsing_process(world, tmp_path, settings, mode):
    path = write_csv(tmp_path / "same.csv", _rows(world))
    outcomes = []

    class Undo(Exception):
        """Roll the run back, so that both runs start from the same registry."""

    for setting in (False, True):
        settings.EXCHANGE_PARSE_PROCESS = setting
        state = snapshot()
        try:
            with transaction.atomic():
                job = run_job(_job(world, path, mode))
                errors = [(e.row, e.column, e.message) for e in read_errors(jobs_dir() / str(job.pk) / "errors.jsonl")]
                outcomes.append((job.state, {k: v for k, v in job.result.items() if k != "errors_sample"},
                                 job.result["errors_sample"], errors, snapshot()))
                raise Undo()
        except Undo:
            pass
        assert snapshot() == state
    assert outcomes[0] == outcomes[1]
    expected = JobState.FAILED if mode == "all" else JobState.SUCCEEDED
    assert outcomes[1][0] == expected
    assert outcomes[1][1]["error_rows"] == 3 and outcomes[1][1]["created"] == (0 if mode == "all" else 8)
    assert not multiprocessing.active_children()


def test_messages_of_the_child_are_in_the_users_language(world, tmp_path, settings):
    settings.EXCHANGE_PARSE_PROCESS = True
    path = write_csv(tmp_path / "de.csv", _rows(world))
    job = run_job(_job(world, path, "all", language="de"))
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("de"):
        expected = gettext("This is not a date. Use an Excel date or dd/mm/yyyy, yyyy-mm-dd or dd-mm-yyyy.")
    assert expected in [e["message"] for e in job.result["errors_sample"]]


def test_a_file_problem_found_by_the_child_fails_the_job_and_writes_nothing(world, tmp_path, settings):
    settings.EXCHANGE_PARSE_PROCESS = True
    rows = [row(world.a.cells[0].code, i) for i in range(10)]
    rows[8]["home_town"] = "x" * 200_000  # beyond the csv module's field limit: the line is malformed
    path = write_csv(tmp_path / "late.csv", rows)
    state = snapshot()
    for mode in ("all", "valid"):
        job = run_job(_job(world, path, mode))
        assert job.state == JobState.FAILED and "Line 11 of the CSV file is malformed" in job.message
        if mode == "all":
            assert snapshot() == state
    assert not multiprocessing.active_children()


def test_a_crash_of_the_child_fails_the_job(world, tmp_path, settings, monkeypatch):
    settings.EXCHANGE_PARSE_PROCESS = True
    real = importer_module.parse_row

    def breaks_on_row_8(number, raw, context=None):
        if number == 8:
            raise ZeroDivisionError("boom")
        return real(number, raw, context)

    monkeypatch.setattr(importer_module, "parse_row", breaks_on_row_8)
    path = write_csv(tmp_path / "crash.csv", [row(world.a.cells[0].code, i) for i in range(10)])
    state = snapshot()
    job = run_job(_job(world, path, "all"))
    assert job.state == JobState.FAILED and "internal error" in job.message
    assert snapshot() == state
    with open_table(path, path.name) as table, pytest.raises(RuntimeError, match="ZeroDivisionError"):
        list(_parsed_in_child(table, 0, 3))
    assert not multiprocessing.active_children()


@pytest.fixture
def worker_signal_handlers():
    """What ``manage.py run_jobs`` installs (a SIGTERM handler that only sets a flag); a forked child inherits it."""
    previous = signal.signal(signal.SIGTERM, lambda *_args: None)
    yield
    signal.signal(signal.SIGTERM, previous)


@pytest.mark.parametrize("mode", ["all", "valid"])
def test_cancel_stops_the_child_after_a_whole_batch(world, tmp_path, settings, mode, worker_signal_handlers):
    settings.EXCHANGE_PARSE_PROCESS = True
    path = write_csv(tmp_path / "cancel.csv", [row(world.a.cells[0].code, i) for i in range(30)])
    job = _job(world, path, mode)
    state = snapshot()

    def cancel_after_first_batch(done, total):
        if done >= 3:
            request_cancel(world.a_secretary, job)

    job = run_job(job, on_progress=cancel_after_first_batch)
    assert job.state == JobState.CANCELLED
    created = Member.objects.filter(full_name__startswith="Nguyễn Văn Thử").count()
    assert created == (0 if mode == "all" else 3)
    if mode == "all":
        assert snapshot() == state
    assert not multiprocessing.active_children()


def test_the_importer_uses_the_child_for_big_files_from_the_main_thread_only(world, tmp_path, settings):
    path = write_csv(tmp_path / "auto.csv", [row(world.a.cells[0].code, i) for i in range(10)])
    with open_table(path, path.name) as table:
        settings.EXCHANGE_PARSE_PROCESS = "auto"
        assert use_parse_process(table, 3) is (multiprocessing.cpu_count() > 1)
        assert use_parse_process(table, 5) is False  # two batches or fewer: not worth a process
        seen = []
        worker = threading.Thread(target=lambda: seen.append(use_parse_process(table, 3)))
        worker.start()
        worker.join()
        assert seen == [False]  # an inline job in a thread of the web server never forks
        settings.EXCHANGE_PARSE_PROCESS = False
        assert use_parse_process(table, 3) is False
        settings.EXCHANGE_PARSE_PROCESS = True
        assert use_parse_process(table, 100) is True


def test_direct_importer_run_with_the_child(world, tmp_path, settings):
    settings.EXCHANGE_PARSE_PROCESS = True
    path = write_csv(tmp_path / "direct.csv", [row(world.a.cells[0].code, i) for i in range(10)])
    importer = MemberImporter(world.a_secretary, world.a.org, "all", ErrorLog(tmp_path / "e.jsonl"), batch_size=4)
    with open_table(path, path.name) as table:
        stats = importer.run_all(table)
    assert (stats.rows, stats.created, stats.error_rows) == (10, 10, 0)
