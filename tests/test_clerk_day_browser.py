"""The clerk's day by clicking only (issue #18's Done-when), in Vietnamese and in Arabic.

The office clerk of a grassroots committee finds a member by name typed without diacritics and with the words out
of order, opens the member, issues a transfer letter from the member's page (the receiving cell chosen with the
picker), sees the member in transit, opens an admission case choosing the cell with the picker, and exports the
member list. Every click and every typed field is counted per step against a ceiling written below, and the walk
fails if a step shows a field that wants an internal id typed, or if anything typed is an internal id.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re

import pytest
from playwright.sync_api import expect

from lifecycle.models import AdmissionCase, TransferLetter
from members.models import Member
from orgs.models import Organization
from tests import factories
from tests.test_browser import login, switch_language

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=15_000)

# The most a clerk should need for each job: (clicks, typed fields). Choosing from a list (a suggestion, a select)
# counts as a click; the default date of today is not typed.
CEILINGS = {
    "find": (2, 1),       # the menu's "Members", the member's name in the results; the search box
    "letter": (3, 2),     # the action on the member's page, the suggested cell, submit; the cell and the number
    "transit": (1, 0),    # back to the member from the letter
    "admission": (6, 3),  # menu, admissions, new application, the suggested cell, gender, submit; cell, name, birth
    "export": (2, 0),     # the menu's "Members", CSV
}

# A visible field of these names, or any "…_id"/"…pk" field, must be a picker (or the citizen ID): never a box that
# wants an organization's or a member's internal number.
ID_LIKE = re.compile(r"(^|_)(id|pk|org|organization|cell|member|members|parent|target|sources)$")
NOT_INTERNAL = {"citizen_id"}


class Walk:
    """Counts clicks and typed fields per step, and refuses a typed internal id."""

    def __init__(self, page, internal_ids: set[str]) -> None:
        self.page, self.internal_ids = page, internal_ids
        self.step = ""
        self.counts: dict[str, list[int]] = {}

    def begin(self, step: str) -> None:
        self.step = step
        self.counts[step] = [0, 0]

    def click(self, locator, *, navigates: bool = False) -> None:
        self.counts[self.step][0] += 1
        if navigates:
            with self.page.expect_navigation():
                locator.click()
        else:
            locator.click()
        self.check_no_id_inputs()

    def type(self, locator, value: str) -> None:
        assert value.strip() not in self.internal_ids, f"{self.step}: typed an internal id {value!r}"
        self.counts[self.step][1] += 1
        locator.fill("")
        locator.press_sequentially(value)

    def choose(self, select, value: str) -> None:
        self.counts[self.step][0] += 1
        select.select_option(value)

    def pick(self, field: str, typed: str, code: str) -> None:
        """A picker: type part of the name, click the suggestion showing the code (one typed field, one click)."""
        combo = self.page.locator(f"input[name={field}]")
        expect(combo).to_have_attribute("role", "combobox")
        self.type(combo, typed)
        listbox = self.page.locator(f"#{combo.get_attribute('aria-controls')}")
        option = listbox.get_by_role("option").filter(has_text=code).first
        expect(option).to_be_visible()
        self.click(option)
        expect(combo).to_have_value(code)

    def end(self) -> None:
        clicks, typed = self.counts[self.step]
        most_clicks, most_typed = CEILINGS[self.step]
        assert clicks <= most_clicks, f"{self.step}: {clicks} clicks, at most {most_clicks}"
        assert typed <= most_typed, f"{self.step}: {typed} typed fields, at most {most_typed}"
        self.check_no_id_inputs()

    def check_no_id_inputs(self) -> None:
        """No visible text box asks for an organization or member by number: such fields are pickers."""
        fields = self.page.evaluate("""() => Array.from(document.querySelectorAll('input, textarea'))
            .filter(e => e.offsetParent !== null && !['hidden', 'submit', 'button', 'checkbox', 'radio']
                         .includes(e.type))
            .map(e => ({name: e.name || e.id, type: e.type, picker: e.hasAttribute('data-picker-url'),
                        label: (e.labels && e.labels[0] ? e.labels[0].textContent : '')}))""")
        for field in fields:
            name = field["name"] or ""
            if name in NOT_INTERNAL or field["picker"]:
                continue
            assert not ID_LIKE.search(name), f"{self.step}: a box wants an internal id typed: {field}"
            assert field["type"] != "number" or name == "admission_year", f"{self.step}: a number box: {field}"


@pytest.fixture
def committee_clerk_world(transactional_db) -> factories.World:
    world = factories.build_world()
    factories.user_with_role("a_clerk", "office_clerk", world.a.grassroots)
    return world


@pytest.mark.parametrize("language", ["vi", "ar"])
def test_the_clerks_day_by_clicking(committee_clerk_world, browser, live_server, language):
    world = committee_clerk_world
    member = world.a.members[0]  # Nguyễn Văn Đức, in the first cell
    assert member.full_name == "Nguyễn Văn Đức"
    target = world.a.cells[1]
    internal = {str(pk) for pk in Organization.objects.values_list("pk", flat=True)}
    internal |= {str(pk) for pk in Member.objects.values_list("pk", flat=True)}
    internal |= {f"m{pk}" for pk in Member.objects.values_list("pk", flat=True)}
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    try:
        page = context.new_page()
        login(page, live_server, "a_clerk")
        switch_language(page, language)
        if language == "ar":
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
        walk = Walk(page, internal)
        menu = page.locator("nav.main-nav")

        # 1. Find the member: no diacritics, the words out of order.
        walk.begin("find")
        walk.click(menu.locator("a[href='/members/']"), navigates=True)
        walk.type(page.locator("#id_q"), "duc nguyen van")
        result = page.locator("#member-results a", has_text=member.full_name)
        expect(result).to_have_count(1)
        walk.click(result, navigates=True)
        expect(page.locator("h1")).to_contain_text(member.full_name)
        walk.end()

        # 2. Issue a transfer letter from the member's page, the receiving cell chosen with the picker.
        walk.begin("letter")
        walk.click(page.locator("[data-testid=member-actions] a[data-action=transfer]"), navigates=True)
        walk.pick("to_org", "thon 2", target.code)
        walk.type(page.locator("input[name=number]"), f"7-GGT/{language}")
        walk.click(page.locator("form button[type=submit]").last, navigates=True)
        letter = TransferLetter.objects.get(member=member, number=f"7-GGT/{language}")
        assert letter.to_org_id == target.pk and letter.state == "issued"
        walk.end()

        # 3. The member shows as in transit.
        walk.begin("transit")
        walk.click(page.locator("main a", has_text=member.full_name).first, navigates=True)
        expect(page.locator("[data-testid=member-transit]").first).to_be_visible()
        expect(page.locator("[data-testid=member-transit]").first).to_contain_text(target.name)
        walk.end()

        # 4. Open an admission case, the cell chosen with the picker.
        walk.begin("admission")
        walk.click(menu.locator("a[href='/lifecycle/']"), navigates=True)
        walk.click(page.locator("a[href='/lifecycle/admissions/']").first, navigates=True)
        walk.click(page.locator("a[href='/lifecycle/admissions/new/']"), navigates=True)
        walk.pick("cell", "chi bo thon 1", world.a.cells[0].code)
        name = f"Phan Văn Bình {language}"
        walk.type(page.locator("input[name=full_name]"), name)
        walk.choose(page.locator("select[name=gender]"), "M")
        birth = page.locator("input[name=birth_date]")
        walk.type(birth, "1999-01-02")  # the date field also reads ISO dates
        walk.click(page.locator("form button[type=submit]").last, navigates=True)
        case = AdmissionCase.objects.get(full_name=name)
        assert case.cell_id == world.a.cells[0].pk and case.birth_date == dt.date(1999, 1, 2)
        walk.end()

        # 5. Export the member list.
        walk.begin("export")
        walk.click(menu.locator("a[href='/members/']"), navigates=True)
        with page.expect_download() as download:
            walk.counts["export"][0] += 1
            page.locator(".export-bar a", has_text="CSV").click()
        content = download.value.path().read_bytes().decode("utf-8-sig")
        walk.end()
        rows = list(csv.reader(io.StringIO(content)))
        assert any(member.full_name in row for row in rows)
        ids = {str(m.pk) for m in Member.objects.all()}
        first_column = {row[0] for row in rows[1:] if row}
        assert not first_column & ids, "the export's first column is the internal member id"
    finally:
        context.close()


def test_the_walk_fails_on_a_box_that_wants_an_internal_id(browser):
    """The walk's own check can fail: a plain box for an organization, or a number box, is refused; a picker and
    the citizen ID are not."""
    page = browser.new_page()
    try:
        walk = Walk(page, {"42"})
        walk.begin("find")
        page.set_content('<form><input type="text" name="to_org" data-picker-url="/pick/organizations/">'
                         '<input type="text" name="citizen_id"></form>')
        walk.check_no_id_inputs()
        for box in ('<input type="text" name="organization">', '<input type="number" name="member">',
                    '<input type="text" name="parent_id">'):
            page.set_content(f"<form>{box}</form>")
            with pytest.raises(AssertionError):
                walk.check_no_id_inputs()
        with pytest.raises(AssertionError):
            walk.type(page.locator("input"), "42")
    finally:
        page.close()
