"""Dates, numbers and stored texts in the reader's language; codes isolated in right-to-left pages.

The walk at the end is the issue's test: after a job, an audit trail, an import with errors and a reorganization
were written in Vietnamese, the main pages read in Arabic and German show no stored code (``official``,
``running``, ``citizen_id``, snake_case names, ISO timestamps) and none of the Vietnamese sentences code wrote.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation

from core import l10n
from core.actions import SYSTEM
from core.dates import FormDateField
from core.exports import SafeSheet
from core.phrases import Said, render, text
from jobs.models import Job, JobState
from jobs.services import claim_job, enqueue_job, run_job
from members.models import MemberHistory
from reorg import services as reorg_services
from reorg.choices import LinkKind
from tests.test_exchange import row, write_xlsx

DAY = dt.date(2025, 11, 6)


# ------------------------------------------------------------------------------------------- formats per language

@pytest.mark.parametrize(("language", "number", "day"), [
    ("vi", "57.457", "06/11/2025"),
    ("de", "57.457", "06.11.2025"),
    ("ru", "57\xa0457", "06.11.2025"),
    ("tr", "57.457", "06.11.2025"),
    ("en", "57,457", "11/06/2025"),
    ("ar", "57.457", "06\u200f/11\u200f/2025"),  # Django's Arabic separators, now grouped; marks keep d/m/Y
])
def test_numbers_and_dates_follow_the_language(language, number, day):
    with translation.override(language):
        assert intcomma(57457) == number
        assert l10n.number(57457) == number
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == day
        assert l10n.day(DAY) == day
        # date-times are day-first wherever the date is (Arabic had month-first, Django's default)
        moment = formats.date_format(dt.datetime(2025, 11, 6, 14, 5), "SHORT_DATETIME_FORMAT")
        assert moment.startswith(day) or moment.endswith(day), moment


@pytest.mark.parametrize(("language", "typed"), [("vi", "06/11/2025"), ("de", "06.11.2025"), ("ar", "06/11/2025"),
                                                 ("en", "11/06/2025"), ("ru", "06.11.2025"), ("tr", "06.11.2025")])
def test_date_field_reads_and_writes_the_language_pattern(language, typed):
    with translation.override(language):
        field = FormDateField()
        assert field.clean(typed) == DAY
        assert field.clean("2025-11-06") == DAY  # links and bookmarks carry ISO dates
        html = field.widget.render("on", DAY)
        assert 'type="text"' in html and 'type="date"' not in html
        assert f'value="{typed}"' in html
        assert 'placeholder="' in html


def test_date_field_refuses_the_other_order_in_vietnamese():
    from django.core.exceptions import ValidationError

    with translation.override("vi"), pytest.raises(ValidationError):
        FormDateField().clean("11/31/2025")


def test_xlsx_dates_in_the_language_and_right_to_left_in_arabic(tmp_path):
    from openpyxl import Workbook, load_workbook

    for language, expected_format, rtl in (("vi", "dd\\/mm\\/yyyy", None), ("de", "dd\\.mm\\.yyyy", None),
                                           ("ar", "dd\\/mm\\/yyyy", True)):
        with translation.override(language):
            workbook = Workbook(write_only=True)
            sheet = SafeSheet(workbook, "x")
            sheet.append(["15-GGT/ĐU", DAY, 57457])
            workbook.save(tmp_path / f"{language}.xlsx")
        ws = load_workbook(tmp_path / f"{language}.xlsx").worksheets[0]
        code, day, number = ws[1]
        assert code.value == "15-GGT/ĐU" and code.data_type == "s"  # the code stays text, whole
        assert day.value.date() == DAY and day.number_format == expected_format  # a real date, shown the local way
        assert number.value == 57457  # a real number
        assert ws.sheet_view.rightToLeft is rtl


# ------------------------------------------------------------------------------------------- stored texts

def test_stored_text_renders_in_the_readers_language():
    stored = text("exchange.summary", rows=5000, created=4990, unchanged=0, errors=10)
    with translation.override("en"):
        assert render(stored).startswith("5,000 rows read")
    with translation.override("de"):
        german = render(stored)
    assert "5.000" in german and "rows read" not in german
    with translation.override("vi"):
        assert "5.000" in render(stored)


def test_said_keeps_its_message_id_and_renders_again():
    with translation.override("vi"):
        note = Said("Cell vote %(no)s of %(date)s", {"no": "3-NQ/CB", "date": DAY})
    assert "06/11/2025" in note
    with translation.override("de"):
        again = render(note.stored)
    assert "06.11.2025" in again and "3-NQ/CB" in again


def _import_in_vietnamese(world, tmp_path) -> Job:
    """An import started by a Vietnamese reader whose second row has a wrong citizen ID."""
    cell = world.a.cells[0]
    rows = [row(cell.code, 1), row(cell.code, 2, citizen_id="12")]
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    with translation.override("vi"):
        job = enqueue_job(world.a_secretary, kind="members.import", org_path=world.a.org.path,
                          label=text("exchange.import_label", file=path.name, org=world.a.org.code),
                          params={"file": str(path), "filename": path.name, "mode": "all",
                                  "root_id": world.a.org.pk, "language": "vi"}, start_inline=False)
    return run_job(claim_job("test", job.pk))


def _page(client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_job_message_and_import_errors_in_the_readers_language(world, client, tmp_path, job_files):
    job = _import_in_vietnamese(world, tmp_path)
    assert job.state == JobState.FAILED
    with translation.override("vi"):
        assert job.message == render(job.message_text)  # the author's language, kept for the API and the CLI
    client.force_login(world.a_secretary)
    page = _page(client, reverse("jobs:detail", args=[job.pk]), "de")
    with translation.override("de"):
        assert render(job.message_text) in page
        german_column = str(next(c.label for c in __import__("exchange.template").template.COLUMNS
                                 if c.key == "citizen_id"))
    assert german_column in page  # the template's column name, in German
    assert "citizen_id" not in _visible(page)
    assert job.message not in page  # the Vietnamese sentence is not shown to a German reader


def test_reorganization_summary_rendered_again_in_another_language(world, client):
    spare = world.a.cells[1]
    with translation.override("vi"):
        reorg = reorg_services.create_reorganization(
            SYSTEM, kind="merge", plan={"sources": [spare.pk], "target": world.a.cells[0].pk},
            effective_on=dt.date(2025, 11, 6), decision="15-GGT/ĐU", today=dt.date(2026, 1, 1))
    link = reorg.summary["preview"]["links"][0]
    assert link["kind"] == LinkKind.MERGED.value  # a code is stored, not a label
    client.force_login(world.admin)
    page = _page(client, reverse("reorg:detail", args=[reorg.pk]), "de")
    with translation.override("de"):
        assert str(LinkKind.MERGED.label) in page
        assert "06.11.2025" in page
    with translation.override("vi"):
        assert str(LinkKind.MERGED.label) not in page


def test_codes_are_isolated_in_arabic_pages(world, client):
    client.force_login(world.admin)
    org = world.a.org
    page = _page(client, reverse("orgs:detail", args=[org.pk]), "ar")
    assert 'dir="rtl"' in page
    assert f"<bdi>{org.code}</bdi>" in page
    member = world.a.members[0]
    page = _page(client, reverse("members:detail", args=[member.pk]), "ar")
    assert f"<bdi>{member.citizen_id}</bdi>" in page


def test_isolate_filter():
    html = Template("{% load partywork %}{{ v|isolate }}|{{ empty|isolate }}|{{ x|isolate }}").render(
        Context({"v": "15-GGT/ĐU", "empty": "", "x": "<b>"}))
    assert html == "<bdi>15-GGT/ĐU</bdi>||<bdi>&lt;b&gt;</bdi>"


# ------------------------------------------------------------------------------------------- the walk

class _Text(HTMLParser):
    """The text a reader sees: text nodes outside script/style, and the title/aria-label/placeholder attributes.

    Text in ``<code>`` is left out: it shows codes as codes on purpose (organization codes, and the import
    template's machine keys, which the file's hidden second row carries)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "code"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


RAW_CODES = re.compile(r"\b(members\.import|members\.export|"
                       r"official|probationary|running|succeeded|queued|failed|cancelled|merged|split_from|"
                       r"grassroots_committee|level1|cell|citizen_id|party_card_no|organization_code|"
                       r"admission_date|official_date|birth_date|org_type)\b")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
ISO_MOMENT = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?\b")


@pytest.mark.parametrize("language", ["ar", "de"])
def test_pages_show_no_stored_code_nor_a_sentence_in_the_writers_language(world, client, tmp_path, job_files,
                                                                           language):
    from lifecycle.services import recognize_official
    from tests import factories

    job = _import_in_vietnamese(world, tmp_path)
    probationary = factories.member(world.a.cells[0], "Đỗ Thị Mai", admitted=dt.date(2023, 1, 10), official=None)
    with translation.override("vi"):  # the history note is written by code in Vietnamese
        recognize_official(SYSTEM, probationary, vote_no="3-NQ/CB", vote_date=dt.date(2024, 7, 20),
                           decision_no="12-QĐ/ĐU", on=dt.date(2024, 8, 1))
        note = MemberHistory.objects.filter(member=probationary).order_by("-id").first()
    assert note.note_text and "20/07/2024" in note.note
    with translation.override("vi"):
        reorg = reorg_services.create_reorganization(
            SYSTEM, kind="merge", plan={"sources": [world.a.cells[1].pk], "target": world.a.cells[0].pk},
            effective_on=dt.date(2025, 11, 6), decision="15-GGT/ĐU", today=dt.date(2026, 1, 1))
        vietnamese = {render(job.message_text), render(job.label_text), job.message}
        vietnamese |= {e["message"] for e in job.result["errors_sample"]}
    # An export and a letter cancelled by a death, recorded by a Vietnamese reader.
    from audit.services import record_export
    from lifecycle import services as lifecycle
    from lifecycle.choices import LeavingKind
    from members.models import Member
    from orgs.services import establish_organization

    departed = world.a.members[0]
    seventh = establish_organization(SYSTEM, parent=world.a.grassroots, code="T22.G1.C7", org_type="cell",
                                     name="Chi bộ thôn 7 Quảng Ninh", effective_on=dt.date(2020, 1, 1))
    letter = lifecycle.issue_transfer_letter(SYSTEM, departed, to_org=seventh, number="4-GGT",
                                             issued_on=dt.date(2026, 1, 5))
    with translation.override("vi"):
        exported = record_export(world.a_secretary, Member, scope_path=world.a.org.path, count=3, filters={},
                                 description=Said("Member list (%(format)s)", {"format": "CSV"}))
        lifecycle.record_leaving(SYSTEM, departed, kind=LeavingKind.DEATH, on=dt.date(2026, 1, 6), decision="2-QĐ")
    written = {exported.object_repr, "Đảng viên đã từ trần."}
    vietnamese |= written
    member = probationary
    vietnamese.add(note.note)
    history = note
    usernames = {"a_secretary", "a_viewer", "root", "zetauser"}
    pages = [reverse("dashboard"), reverse("jobs:list"), reverse("jobs:detail", args=[job.pk]),
             reverse("audit:list"), reverse("reorg:list"), reverse("reorg:detail", args=[reorg.pk]),
             reverse("members:detail", args=[member.pk]), reverse("orgs:detail", args=[world.a.org.pk]),
             reverse("orgs:detail", args=[world.a.cells[0].pk]), reverse("members:list"), reverse("exchange:home"),
             reverse("orgs:tree"), reverse("lifecycle:home"), reverse("lifecycle:member", args=[member.pk]),
             reverse("lifecycle:letters"), reverse("lifecycle:admissions"),
             reverse("lifecycle:letter", args=[letter.pk])]
    # The import page documents the status codes a file may use besides the status names.
    documented = {reverse("exchange:home"): {"probationary", "official"}}
    client.force_login(world.admin)
    problems = []
    for url in pages:
        html = _page(client, url, language)
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        if title is None or "bdi" in title.group(1) or "&lt;bdi" in html:
            problems.append(f"{url}: isolation markup shown as text")
        seen = _visible(html)
        for sentence in vietnamese:
            if sentence and sentence in seen:
                problems.append(f"{url}: Vietnamese sentence written by code: {sentence[:80]}")
        for pattern in (RAW_CODES, ISO_MOMENT):
            for match in pattern.finditer(seen):
                if match.group(0) in documented.get(url, ()):
                    continue
                around = seen[max(0, match.start() - 40):match.end() + 40]
                problems.append(f"{url}: raw {match.group(0)!r} in …{around}…")
        for match in SNAKE.finditer(seen):
            if match.group(0) not in usernames:
                problems.append(f"{url}: snake_case {match.group(0)!r}")
    assert history is not None
    assert not problems, "\n".join(problems)


def test_a_file_problem_is_stored_by_its_message_id_with_column_codes(world, tmp_path, job_files):
    from exchange.template import BY_KEY

    path = tmp_path / "few.csv"
    path.write_text(f"{BY_KEY['full_name'].label}\nNguyễn Văn A\n", encoding="utf-8")
    with translation.override("vi"):
        job = enqueue_job(world.a_secretary, kind="members.import", org_path=world.a.org.path, label="x",
                          params={"file": str(path), "filename": path.name, "mode": "all",
                                  "root_id": world.a.org.pk, "language": "vi"}, start_inline=False)
    job = run_job(claim_job("test", job.pk))
    assert job.state == JobState.FAILED and job.message_text, job.message
    with translation.override("de"):
        german, label = render(job.message_text), str(BY_KEY["citizen_id"].label)
    assert label in german and german != job.message


def test_statistics_counts_are_grouped_numbers(world, tmp_path):
    from openpyxl import load_workbook

    from exchange.statistics import build_statistics

    target = tmp_path / "s.xlsx"
    with translation.override("vi"):
        build_statistics(world.a.org, str(target))
    sheet = load_workbook(target).worksheets[0]
    assert "/" in sheet["A1"].value  # the date in the title reads 06/11/2025, not 2025-11-06
    counts = [c for row in sheet.iter_rows(min_row=3) for c in row[2:] if isinstance(c.value, int)]
    assert counts and all(c.number_format == "#,##0" for c in counts)


def test_audit_values_read_in_the_readers_language(world):
    from audit.models import AuditRecord
    from audit.services import record_export
    from core.templatetags.partywork import audit_changes
    from members.choices import MemberStatus
    from members.models import Member

    export = record_export(world.admin, Member, scope_path=world.a.org.path, description="x", count=57457,
                           filters={"status": ["official", "probationary"], "admitted_after": "2025-11-06"})
    member = world.a.members[0]
    created = AuditRecord.objects.filter(content_type__model="member", object_id=str(member.pk),
                                         event=AuditRecord.Event.CREATE).get()
    with translation.override("de"):
        filters = next(str(r["value"]) for r in audit_changes(export) if ";" in str(r["value"]))
        assert "official" not in filters and "06.11.2025" in filters
        assert str(MemberStatus.OFFICIAL.label) in filters and str(MemberStatus.PROBATIONARY.label) in filters
        shown = " ".join(str(r.get("value", "")) + str(r.get("after", "")) for r in audit_changes(created))
        assert "06.05.2005" in shown and "2005-05-06" not in shown  # the admission date, in German
        assert str(MemberStatus.OFFICIAL.label) in shown and "official" not in shown.replace(
            str(MemberStatus.OFFICIAL.label), "")
        assert str(Member._meta.get_field("admission_date").verbose_name) in {str(r["field"]) for r in
                                                                             audit_changes(created)}


def test_member_checks_of_an_import_are_stored_as_codes_with_the_regulation(world, tmp_path, job_files):
    """validate_member's refusals (the age at admission names its regulation) are kept as message ids and
    parameters: a German reader reads them in German, the regulation's date in the German format."""
    cell = world.a.cells[0]
    young = row(cell.code, 3, birth_date="01/01/2000", admission_date="2010-05-06", official_date="06-05-2011",
                citizen_id="")
    young.pop("citizen_id")
    path = write_xlsx(tmp_path / "young.xlsx", [row(cell.code, 1), young])
    with translation.override("vi"):
        job = enqueue_job(world.a_secretary, kind="members.import", org_path=world.a.org.path, label="x",
                          params={"file": str(path), "filename": path.name, "mode": "all",
                                  "root_id": world.a.org.pk, "language": "vi"}, start_inline=False)
        job = run_job(claim_job("test", job.pk))
    errors = [e for e in job.result["errors_sample"] if e["column"] == "admission_date"]
    assert errors and errors[0]["text"], errors
    stored = errors[0]["text"]
    assert stored["params"]["args"]["regulation"]["code"] == "rules.cite"  # the citation is a code too
    with translation.override("de"):
        german = render(stored)
    assert german != errors[0]["message"] and "18" in german
    assert re.search(r"\d{2}\.\d{2}\.\d{4}", german), german  # the regulation's date, German style
    with translation.override("vi"):
        assert render(stored) == errors[0]["message"]


def test_member_check_messages_read_at_once_on_a_form(world):
    from django.core.exceptions import ValidationError

    from members.services import validate_member

    with translation.override("de"), pytest.raises(ValidationError) as refused:
        validate_member({"full_name": "A", "birth_date": dt.date(2000, 1, 1), "admission_date": dt.date(2010, 1, 1)})
    messages = refused.value.message_dict
    assert set(messages) == {"full_name", "admission_date"}
    assert all("%(" not in m and "rules.cite" not in m for ms in messages.values() for m in ms)


def test_reasons_written_by_code_are_codes_shown_in_the_readers_language(world, client):
    """A letter cancelled by the member's death and a case closed by leaving keep codes, not sentences."""
    from lifecycle import services as lifecycle
    from lifecycle.choices import LeavingKind
    from lifecycle.models import AdmissionCase, TransferLetter

    member = world.a.members[0]
    letter = lifecycle.issue_transfer_letter(SYSTEM, member, to_org=world.a.cells[1], number="9-GGT",
                                             issued_on=dt.date(2026, 1, 5))
    with translation.override("vi"):
        lifecycle.record_leaving(SYSTEM, member, kind=LeavingKind.DEATH, on=dt.date(2026, 1, 6), decision="1-QĐ")
    letter.refresh_from_db()
    assert letter.reason == "death"
    case = lifecycle.submit_application(SYSTEM, cell=world.a.cells[0], applied_on=dt.date(2026, 1, 5),
                                        full_name="Vũ Văn Lâm", gender="M", birth_date=dt.date(1990, 2, 3))
    lifecycle.withdraw_case(SYSTEM, case, on=dt.date(2026, 1, 6), reason="Chuyển đi nơi khác")  # typed: as written
    client.force_login(world.admin)
    with translation.override("de"):
        died = str(TransferLetter.reason_shown.fget(letter))
    page = _page(client, reverse("lifecycle:letter", args=[letter.pk]), "de")
    assert died in page and "Đảng viên đã từ trần." not in page and ">death<" not in page
    assert "Chuyển đi nơi khác" in _page(client, reverse("lifecycle:admission", args=[case.pk]), "ar")
    with translation.override("ar"):
        assert AdmissionCase(closed_reason="expulsion").closed_reason_shown == str(LeavingKind.EXPULSION.label)
        assert AdmissionCase.audit_value("closed_reason", "death") == str(LeavingKind.DEATH.label)


def test_the_migration_turns_labels_of_any_language_into_codes_and_leaves_typed_reasons(world):
    import importlib

    from django.apps import apps

    from core.actions import system_action
    from lifecycle import services as lifecycle
    from lifecycle.models import AdmissionCase, TransferLetter

    migration = importlib.import_module("lifecycle.migrations.0006_reason_codes")
    cases = []
    for n, reason in enumerate(["Từ trần", "Ausschluss", "الشطب من القائمة", "Xin ra khỏi Đảng", "Ốm nặng"]):
        case = lifecycle.submit_application(SYSTEM, cell=world.a.cells[0], applied_on=dt.date(2026, 1, 5),
                                            full_name=f"Vũ Văn Lâm {n}", gender="M", birth_date=dt.date(1990, 2, 3))
        cases.append(lifecycle.withdraw_case(SYSTEM, case, on=dt.date(2026, 1, 6), reason=reason))
    letter = lifecycle.issue_transfer_letter(SYSTEM, world.a.members[1], to_org=world.a.cells[0], number="8-GGT",
                                             issued_on=dt.date(2026, 1, 5))
    typed = lifecycle.issue_transfer_letter(SYSTEM, world.a.members[2], to_org=world.a.cells[1], number="6-GGT",
                                            issued_on=dt.date(2026, 1, 5))
    with system_action("test.old_labels"):
        TransferLetter.objects.filter(pk=letter.pk).update(reason="Член партии умер.", state="cancelled")
        TransferLetter.objects.filter(pk=typed.pk).update(reason="Gửi nhầm", state="cancelled")
        migration.forwards(apps, None)
    assert [c.closed_reason for c in AdmissionCase.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk")] == [
        "death", "expulsion", "removal", "voluntary", "Ốm nặng"]
    assert TransferLetter.objects.get(pk=letter.pk).reason == "death"
    assert TransferLetter.objects.get(pk=typed.pk).reason == "Gửi nhầm"


def test_an_exports_audit_record_names_it_in_the_readers_language(world, client):
    """The export's name is stored as a code with its parameters; the trail shows it in the reader's language."""
    from audit.models import AuditRecord

    client.force_login(world.a_secretary)
    client.cookies["django_language"] = "vi"
    assert client.get(reverse("members:export", kwargs={"fmt": "csv"})).status_code == 200
    record = AuditRecord.objects.filter(event="export").latest("id")
    assert record.changes["object_text"]["params"]["args"] == {"format": "CSV"}
    with translation.override("vi"):
        vietnamese = record.object_repr
    with translation.override("de"):
        german = render(record.changes["object_text"])
    assert german != vietnamese and "CSV" in german
    client.force_login(world.admin)
    page = _page(client, reverse("audit:list") + "?event=export", "de")
    seen = _visible(page)
    assert german in seen and vietnamese not in seen
    assert "object_text" not in seen and "rows.read" not in seen
