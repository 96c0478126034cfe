"""The organization picker in a real browser: the clerk picks their cell by typing part of its name without
diacritics, with the keyboard only, in Vietnamese and in Arabic (right to left), and submits the bulk transfer and
the admission forms."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from playwright.sync_api import expect

from lifecycle.models import AdmissionCase, TransferLetter
from tests import factories
from tests.test_browser import login, switch_language, url

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=15_000)


@pytest.fixture
def clerk_world(transactional_db) -> factories.World:
    world = factories.build_world()
    factories.user_with_role("a_clerk", "office_clerk", world.a.cells[0])
    return world


def pick_by_keyboard(page, field: str, typed: str, code: str) -> None:
    """Focus the picker, type, wait for the suggestions, choose the first with Enter."""
    combo = page.locator(f"input[name={field}]")
    combo.focus()
    expect(combo).to_have_attribute("role", "combobox")
    page.keyboard.type(typed)
    listbox = page.locator(f"#{combo.get_attribute('aria-controls')}")
    expect(combo).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").first).to_contain_text(code)
    expect(combo).to_have_attribute("aria-activedescendant", re.compile(r"-listbox-0$"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(combo).to_have_value(code)
    expect(combo).to_have_attribute("aria-expanded", "false")


@pytest.mark.parametrize("language", ["vi", "ar"])
def test_the_clerk_picks_their_cell_with_the_keyboard(clerk_world, browser, live_server, language):
    world = clerk_world
    cell = world.a.cells[0]
    context = browser.new_context(locale="vi-VN")
    try:
        page = context.new_page()
        login(page, live_server, "a_clerk")
        switch_language(page, language)
        if language == "ar":
            expect(page.locator("html")).to_have_attribute("dir", "rtl")

        # The bulk transfer: the sending cell, typed without diacritics, chosen with the keyboard.
        page.goto(url(live_server, "lifecycle:bulk_transfer"))
        pick_by_keyboard(page, "organization", "thon 1 quang", cell.code)
        with page.expect_navigation():
            page.keyboard.press("Enter")  # the list is closed: Enter submits the form
        member = world.a.members[0]
        checkbox = page.locator(f"input[name=members][value='{member.pk}']")
        checkbox.focus()
        page.keyboard.press("Space")
        page.locator("select[name=to_province]").select_option(str(world.a.org.pk))
        page.locator("input[name=number]").fill(f"5-GGT-{language}")
        page.locator("input[name=issued_on]").fill((dt.date.today() - dt.timedelta(days=1)).isoformat())
        with page.expect_navigation():
            page.locator("input[name=number]").press("Enter")
        assert TransferLetter.objects.filter(member=member, number=f"5-GGT-{language}").exists()

        # The admission form: the same picker, the same keys.
        page.goto(url(live_server, "lifecycle:admission_create"))
        pick_by_keyboard(page, "cell", "chi bo thon 1", cell.code)
        birth = dt.date(1999, 1, 2)
        name = f"Phan Văn Bình {language}"
        page.locator("input[name=applied_on]").fill((dt.date.today() - dt.timedelta(days=3)).isoformat())
        page.locator("input[name=full_name]").fill(name)
        page.locator("select[name=gender]").select_option("M")
        page.locator("input[name=birth_date]").fill(birth.isoformat())
        with page.expect_navigation():
            page.locator("input[name=full_name]").press("Enter")
        assert AdmissionCase.objects.filter(full_name=name, cell=cell).exists()
    finally:
        context.close()


def test_browsing_the_tree_with_the_keyboard(clerk_world, browser, live_server):
    """ArrowDown on an empty picker shows the top of the user's organizations; the inline-end arrow opens one."""
    world = clerk_world
    context = browser.new_context(locale="vi-VN")
    try:
        page = context.new_page()
        login(page, live_server, "a_secretary")
        page.goto(url(live_server, "lifecycle:bulk_transfer"))
        combo = page.locator("input[name=organization]")
        combo.focus()
        page.keyboard.press("ArrowDown")
        listbox = page.locator(f"#{combo.get_attribute('aria-controls')}")
        expect(listbox.get_by_role("option").first).to_contain_text(world.a.org.code)
        expect(listbox.get_by_role("option").first).to_have_attribute("aria-disabled", "true")  # not a cell
        page.keyboard.press("ArrowRight")
        expect(listbox.get_by_role("option").nth(1)).to_contain_text(world.a.grassroots.code)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowRight")
        expect(listbox.get_by_role("option").filter(has_text=world.a.cells[1].code)).to_have_count(1)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(combo).to_have_value(re.compile(r"^T22\.G1\.C[12]$"))
        page.keyboard.press("Escape")
    finally:
        context.close()
