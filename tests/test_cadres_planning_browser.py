"""Planning a member in a real browser: the committee and the member chosen with the pickers by typing, in
Vietnamese and in Arabic (right to left); the warning of a rule not met appears on the entry's page with its
regulation, and the planning list shows the row."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from playwright.sync_api import expect

from cadres.models import PlanningEntry
from tests import factories
from tests.test_browser import login, switch_language, url

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=15_000)


def pick(page, field: str, typed: str, expected: str) -> None:
    combo = page.locator(f"input[name={field}]")
    combo.focus()
    page.keyboard.type(typed)
    listbox = page.locator(f"#{combo.get_attribute('aria-controls')}")
    expect(listbox.get_by_role("option").first).to_contain_text(expected)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(combo).to_have_attribute("aria-expanded", "false")


@pytest.mark.parametrize("language", ["vi", "ar"])
def test_plan_a_member_with_the_pickers(transactional_db, browser, live_server, language, tmp_path):
    world = factories.build_world()
    factories.member(world.a.cells[0], "Hoàng Văn Lão", birth=dt.date(1970, 1, 1))
    context = browser.new_context(locale="vi-VN")
    try:
        page = context.new_page()
        login(page, live_server, "a_secretary")
        switch_language(page, language)
        page.goto(url(live_server, "cadres:planning_create"))
        pick(page, "organization", "quang ninh", world.a.org.code)
        pick(page, "member", "hoang van lao", "Hoàng Văn Lão")
        page.locator("input[name=term_label]").fill("2030-2035")
        page.locator("input[name=reference_date]").fill("01/06/2030")
        page.locator("select[name=post]").select_option("secretary")
        page.locator("input[name=valid_from]").fill("01/09/2025")
        page.locator("form.form-grid button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/cadres/planning/\d+/$"))
        expect(page.locator(".message-warning")).to_contain_text("50-QĐ/TW")
        if os.environ.get("PLANNING_SHOTS"):
            page.screenshot(path=f"{os.environ['PLANNING_SHOTS']}/entry-{language}.png", full_page=True)
        assert PlanningEntry.objects.filter(member__full_name="Hoàng Văn Lão", term_label="2030-2035").exists()
        page.goto(url(live_server, "cadres:planning"))
        expect(page.locator("table.data")).to_contain_text("Hoàng Văn Lão")
        if os.environ.get("PLANNING_SHOTS"):
            page.screenshot(path=f"{os.environ['PLANNING_SHOTS']}/list-{language}.png", full_page=True)
    finally:
        context.close()
