"""The web interface in a real browser: Playwright driving Debian's Chromium against pytest-django's live server.

One browser is shared by the whole session (pytest-playwright's ``browser`` fixture, launched with the arguments in
conftest.py); every test opens its own contexts. No sleeps: Playwright's ``expect`` waits, within bounded timeouts.
Screenshots of the main pages in vi and ar land in ``artifacts/screenshots/`` (git-ignored, kept by CI).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from members.models import Member
from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000

expect.set_options(timeout=TIMEOUT_MS)


# ---------------------------------------------------------------- fixtures and helpers

@pytest.fixture
def live_world(transactional_db) -> factories.World:
    return factories.build_world()


@pytest.fixture
def new_context(browser):
    """Open browser contexts (each one its own cookie jar) and close them after the test."""
    opened = []

    def make(viewport=DESKTOP, locale="vi-VN", **kwargs):
        context = browser.new_context(viewport=viewport, locale=locale, **kwargs)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(2 * TIMEOUT_MS)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


def url(live_server, name, *args, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{live_server.url}{reverse(name, args=args)}" + (f"?{query}" if query else "")


def login(page, live_server, username: str) -> None:
    """Through the real form (django-axes watches it)."""
    page.goto(url(live_server, "login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def logged_in_page(new_context, live_server, username="a_secretary", **context_kwargs):
    page = new_context(**context_kwargs).new_page()
    login(page, live_server, username)
    return page


def switch_language(page, code: str) -> None:
    """The header's language switcher: choosing submits the form (partywork.js), the page comes back re-rendered."""
    with page.expect_navigation():
        page.locator("#header-language").select_option(code)
    expect(page.locator("html")).to_have_attribute("lang", code)


def main_pages(live_server, w: factories.World) -> list[tuple[str, str]]:
    member = w.a.members[0]
    return [
        ("dashboard", url(live_server, "dashboard")),
        ("tree", url(live_server, "orgs:tree")),
        ("member-list", url(live_server, "members:list")),
        ("member", url(live_server, "members:detail", member.pk)),
        ("member-edit", url(live_server, "members:edit", member.pk)),
        ("org", url(live_server, "orgs:detail", w.a.org.pk)),
        ("audit", url(live_server, "audit:list")),
    ]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


# ---------------------------------------------------------------- tests

def test_login_through_the_form_reaches_the_dashboard(live_world, new_context, live_server):
    page = new_context().new_page()
    page.goto(url(live_server, "dashboard"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # anonymous: sent to the login page
    page.locator("input[name=username]").fill("a_secretary")
    page.locator("input[name=password]").fill("wrong-password")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("[role=alert]")).to_be_visible()  # a wrong password is refused, visibly
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("Quảng Ninh")
    expect(page.locator("nav.main-nav a[aria-current=page]")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_tree_expands_lazily(live_world, new_context, live_server):
    w = live_world
    page = logged_in_page(new_context, live_server)
    page.goto(url(live_server, "orgs:tree"))
    toggle = page.locator(f"button.tree-toggle[aria-controls=children-{w.a.org.pk}]")
    children = page.locator(f"#children-{w.a.org.pk}")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(children).to_be_hidden()
    expect(page.get_by_role("link", name=w.a.grassroots.name)).to_have_count(0)  # not loaded yet
    with page.expect_response(lambda r: f"/orgs/{w.a.org.pk}/children/" in r.url) as response:
        toggle.click()
    assert response.value.status == 200
    expect(children).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(children.get_by_role("link", name=w.a.grassroots.name)).to_be_visible()
    # One level further, with the keyboard this time.
    grass_toggle = page.locator(f"button.tree-toggle[aria-controls=children-{w.a.grassroots.pk}]")
    grass_toggle.focus()
    page.keyboard.press("Enter")
    for cell in w.a.cells:
        expect(page.get_by_role("link", name=cell.name)).to_be_visible()
    # A second click folds without another request.
    toggle.click()
    expect(children).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    # Province B is outside a_secretary's scope: not in the tree.
    expect(page.get_by_text("Zetaprovince")).to_have_count(0)


@pytest.mark.parametrize("query", ["nguyen van duc", "Nguyễn Văn Đức"])
def test_member_search_as_you_type(live_world, new_context, live_server, query):
    page = logged_in_page(new_context, live_server)
    page.goto(url(live_server, "members:list"))
    results = page.locator("#member-results")
    expect(results).to_contain_text("Trần Thị Hoa")  # the whole list first
    with page.expect_response(lambda r: "/members/?" in r.url and "q=" in r.url):
        page.locator("#id_q").press_sequentially(query)
    expect(results.get_by_role("link", name="Nguyễn Văn Đức")).to_be_visible()
    expect(results).not_to_contain_text("Trần Thị Hoa")
    expect(results).not_to_contain_text("Zetamember")  # province B stays out of scope
    expect(page).to_have_url(re.compile(r"[?&]q="))  # the search is in the address, so it can be shared


def test_edit_member_shows_in_record_and_audit(live_world, new_context, live_server):
    member = live_world.a.members[0]
    page = logged_in_page(new_context, live_server)
    page.goto(url(live_server, "members:detail", member.pk))
    expect(page.locator("h1")).to_have_text(member.full_name)
    page.locator(".page-actions a[href$=\"/edit/\"]").click()  # "Edit" (beside the link to the lifecycle page)
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/edit/$"))
    occupation = page.locator("input[name=occupation]")
    expect(occupation).to_be_visible()
    assert page.locator("label[for=id_occupation]").count() == 1  # a labelled field
    occupation.fill("Kỹ sư cầu đường")
    page.locator("form.form-grid button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/$"))
    expect(page.locator(".messages")).to_be_visible()
    record = page.locator("section[aria-labelledby=record-heading]")
    expect(record).to_contain_text("Kỹ sư cầu đường")
    audit = page.locator("section[aria-labelledby=audit-heading]")
    expect(audit.locator("td.after", has_text="Kỹ sư cầu đường")).to_have_count(1)
    # The full audit trail, filtered on this member, shows the same change.
    audit.locator("a[href*='object_id=']").click()
    expect(page.locator("main")).to_contain_text("Kỹ sư cầu đường")
    assert Member.objects.get(pk=member.pk).occupation == "Kỹ sư cầu đường"


def test_concurrent_edit_gets_a_conflict(live_world, new_context, live_server):
    member = live_world.a.members[1]
    first = logged_in_page(new_context, live_server, "a_secretary")
    second = logged_in_page(new_context, live_server, "root")
    for page in (first, second):
        page.goto(url(live_server, "members:edit", member.pk))
        expect(page.locator("input[name=occupation]")).to_be_visible()
    first.locator("input[name=occupation]").fill("Giáo viên")
    first.locator("form.form-grid button[type=submit]").click()
    expect(first).to_have_url(re.compile(rf"/members/{member.pk}/$"))
    second.locator("input[name=occupation]").fill("Bác sĩ")
    with second.expect_response(lambda r: r.request.method == "POST") as response:
        second.locator("form.form-grid button[type=submit]").click()
    assert response.value.status == 409
    conflict = second.locator("section[aria-labelledby=conflict-heading]")
    expect(conflict).to_be_visible()
    expect(second.locator("[role=alert]")).to_be_visible()
    # The saved value is shown next to the user's own entry, on a row marked as differing.
    expect(conflict.locator("tr.row-diff", has_text="Giáo viên")).to_contain_text("Bác sĩ")
    assert Member.objects.get(pk=member.pk).occupation == "Giáo viên"  # the first save is kept
    first.reload()
    expect(first.locator("section[aria-labelledby=record-heading]")).to_contain_text("Giáo viên")


def test_arabic_is_right_to_left_and_mirrored(live_world, new_context, live_server):
    page = logged_in_page(new_context, live_server)
    page.goto(url(live_server, "members:list"))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    width = page.viewport_size["width"]
    brand_vi = page.locator(".brand").bounding_box()
    nav_vi = page.locator("nav.main-nav li").first.bounding_box()
    search_vi = page.locator("#id_q").bounding_box()
    assert brand_vi["x"] < width / 2 and nav_vi["x"] < width / 2

    switch_language(page, "ar")
    expect(page.locator("html[dir=rtl][lang=ar]")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/members/$"))  # back on the same page
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    brand_ar = page.locator(".brand").bounding_box()
    nav_ar = page.locator("nav.main-nav li").first.bounding_box()
    search_ar = page.locator("#id_q").bounding_box()
    # The brand, the first menu entry and the search field start from the right edge now.
    assert brand_ar["x"] + brand_ar["width"] > width / 2, brand_ar
    assert nav_ar["x"] + nav_ar["width"] > width / 2, nav_ar
    assert abs((brand_ar["x"] + brand_ar["width"]) - (width - brand_vi["x"])) < 4
    assert search_ar["x"] > search_vi["x"]
    assert no_horizontal_scroll(page)
    # The choice sticks: other pages come in Arabic too.
    page.goto(url(live_server, "orgs:tree"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # And back.
    switch_language(page, "vi")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")


def test_scope_other_province_is_not_found(live_world, new_context, live_server):
    w = live_world
    page = logged_in_page(new_context, live_server, "a_secretary")
    outsider = w.b.members[0]
    for target in (url(live_server, "members:detail", outsider.pk), url(live_server, "members:edit", outsider.pk),
                   url(live_server, "orgs:detail", w.b.org.pk)):
        response = page.goto(target)
        assert response.status == 404, target
        expect(page.locator("body")).not_to_contain_text("Zeta")
        # The site's own 404 page: in the user's language, with the menu to go on from.
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        expect(page.locator("main#main h1")).to_be_visible()
        expect(page.locator("nav.main-nav")).to_be_visible()
    # Their own member opens.
    assert page.goto(url(live_server, "members:detail", w.a.members[0].pk)).status == 200
    # And the other way round.
    page_b = logged_in_page(new_context, live_server, "zetauser")
    assert page_b.goto(url(live_server, "members:detail", w.a.members[0].pk)).status == 404


def test_keyboard_login_and_skip_link(live_world, new_context, live_server):
    page = new_context().new_page()
    # The login page puts the cursor in the user name (autofocus); the form works from the keyboard alone.
    page.goto(url(live_server, "login"))
    expect(page.locator("input[name=username]")).to_be_focused()
    page.keyboard.type("a_secretary")
    page.keyboard.press("Tab")
    expect(page.locator("input[name=password]")).to_be_focused()
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")
    for target in (url(live_server, "dashboard"), url(live_server, "members:list"), url(live_server, "orgs:tree")):
        page.goto(target)
        page.keyboard.press("Tab")
        skip = page.locator("a.skip-link")
        expect(skip).to_be_focused()  # the first stop from the top of the page
        box = skip.bounding_box()
        assert box and box["y"] >= 0, "the focused skip link must be on screen"
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        # The next Tab stops inside main, not back in the header.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('main') !== null"), target
    # The main menu is reachable with Tab and shows where focus is.
    page.goto(url(live_server, "dashboard"))
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('nav.main-nav') !== null"):
            break
    else:
        raise AssertionError("Tab never reached the main menu")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "a focused menu link has no visible focus outline"


@pytest.mark.parametrize("language", ["vi", "ar"])
def test_main_pages_at_desktop_and_phone_width(live_world, new_context, live_server, language):
    """Screenshots at 1366x768 (full page, for people to look at; CI keeps the folder), then the same pages at
    390x844: nothing may scroll sideways at either width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{language}-*.png"):
        old.unlink()
    page = new_context().new_page()
    page.goto(url(live_server, "login"))
    if language != "vi":  # the login page's own switcher
        with page.expect_navigation():
            page.locator("#login-language").select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.screenshot(path=SCREENSHOTS / f"{language}-login.png", full_page=True)
    overflowing = []
    page.set_viewport_size(PHONE)
    if not no_horizontal_scroll(page):
        overflowing.append(("login", "390px"))
    page.set_viewport_size(DESKTOP)
    page.locator("input[name=username]").fill("a_secretary")
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    direction = "rtl" if language == "ar" else "ltr"
    for name, target in main_pages(live_server, live_world):
        page.goto(target)
        expect(page.locator("html")).to_have_attribute("dir", direction)
        if name == "tree":  # show one level open
            page.locator("button.tree-toggle").first.click()
            expect(page.locator("button.tree-toggle").first).to_have_attribute("aria-expanded", "true")
        if not no_horizontal_scroll(page):
            overflowing.append((name, "1366px"))
        page.screenshot(path=SCREENSHOTS / f"{language}-{name}.png", full_page=True)
    page.set_viewport_size(PHONE)
    for name, target in main_pages(live_server, live_world):
        page.goto(target)
        expect(page.locator("main#main")).to_be_visible()
        if not no_horizontal_scroll(page):
            overflowing.append((name, "390px", page.evaluate("document.documentElement.scrollWidth")))
        if name in ("dashboard", "member", "tree"):
            page.screenshot(path=SCREENSHOTS / f"{language}-phone-{name}.png", full_page=True)
    assert not overflowing, f"pages that scroll sideways ({language}): {overflowing}"
    assert len(list(SCREENSHOTS.glob(f"{language}-*.png"))) >= 8
