"""Layout on a phone and on a desktop, in a real browser: tables fit the screen, a preview takes the page's width."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.test_a11y_html import AXE, describe, run_axe
from tests.test_browser import DESKTOP, TIMEOUT_MS, live_world, login, new_context, switch_language  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def _page(new_context, live_server, language: str, viewport: dict, *, axe: bool = False):  # noqa: F811
    context = new_context(viewport=viewport, bypass_csp=axe)
    if axe:
        context.add_init_script(path=str(AXE))
    page = context.new_page()
    login(page, live_server, "a_secretary")
    if page.locator("html").get_attribute("lang") != language:
        switch_language(page, language)
    return page


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("language", ["vi", "ar"])
def test_member_list_status_is_on_screen_on_a_phone(live_world, new_context, live_server, language):  # noqa: F811
    page = _page(new_context, live_server, language, PHONE, axe=True)
    page.goto(f"{live_server.url}{reverse('members:list')}")
    badges = page.locator("#member-results table.data tbody td .badge")
    expect(badges.first).to_be_visible()
    assert badges.count() == len(live_world.a.members)
    for i in range(badges.count()):
        box = badges.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (i, box)
    # Each value carries its column's name on the card.
    status_cell = page.locator("#member-results table.data tbody tr").first.locator("td").last
    header = page.locator("#member-results table.data thead th").last.inner_text().strip()
    assert status_cell.get_attribute("data-label") == header
    _no_sideways_scroll(page)
    # Typed search swaps the results through htmx: the new rows are cards too.
    with page.expect_response(lambda r: "q=" in r.url):
        page.locator("#id_q").fill("tran")
    expect(page.locator("#member-results tbody tr")).to_have_count(1)
    expect(page.locator("#member-results table.data")).to_have_class("data js-cards")
    _no_sideways_scroll(page)
    violations = run_axe(page)
    assert not violations, describe(violations)


def test_reorganization_preview_takes_the_page_width(live_world, new_context, live_server):  # noqa: F811
    page = _page(new_context, live_server, "vi", DESKTOP)
    cell = live_world.a.cells[0]
    page.goto(f"{live_server.url}{reverse('reorg:create_change')}?organization={cell.code}")
    page.locator("input[name=decision]").fill("15-QĐ/HU")
    page.locator("input[name=name]").fill("Chi bộ thôn Mới")
    page.locator("form.form-grid button[type=submit]:not([name])").click()
    preview = page.locator(".reorg-preview")
    expect(preview).to_be_visible()
    form_box = page.locator("form.form-grid").bounding_box()
    preview_box = preview.bounding_box()
    assert preview_box["width"] >= 0.9 * form_box["width"], (preview_box, form_box)
    assert page.evaluate("getComputedStyle(document.querySelector('.reorg-preview')).gridColumnStart") == "1"


@pytest.mark.parametrize("language", ["vi", "ar"])
def test_dashboard_charts_are_drawn_beside_their_tables(live_world, new_context, live_server, language):  # noqa: F811
    page = _page(new_context, live_server, language, DESKTOP, axe=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}{reverse('dashboard')}")
    pairs = page.locator("figure.chart-pair")
    expect(pairs).to_have_count(5)
    for i in range(5):
        pair = pairs.nth(i)
        expect(pair.locator("canvas")).to_have_attribute("data-drawn", "1")
        canvas, table = pair.locator("canvas").bounding_box(), pair.locator("table").bounding_box()
        assert canvas["width"] > 100 and canvas["height"] > 100
        assert canvas["y"] + canvas["height"] <= table["y"] + 1 or canvas["x"] != table["x"]  # beside or above
    # Right to left: the first category is drawn on the right.
    first_bar_on_the_right = page.evaluate("""() => {
        const chart = Chart.getChart(document.querySelector('canvas[data-chart="chart-members-age-data"]'));
        const meta = chart.getDatasetMeta(0);
        return meta.data[0].x > meta.data[meta.data.length - 1].x;
    }""")
    assert first_bar_on_the_right == (language == "ar")
    assert not errors, errors
    violations = run_axe(page)
    assert not violations, describe(violations)
