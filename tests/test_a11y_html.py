"""Accessibility (axe-core in the browser) and HTML validity (the W3C Nu checker, vnu-jar) of every main page.

* axe-core runs inside Chromium on every main page, in Vietnamese and in Arabic (right-to-left), plus a few states
  (a tree node opened, search results, a form with errors): no violation of impact "serious" or "critical".
  The page's Content-Security-Policy forbids injected scripts, so these contexts use ``bypass_csp``.
* The Nu checker reads the HTML exactly as served (Django's test client) for the same pages and a few extra states
  (form errors, an edit conflict, the 404 page); it runs once over all the files: no error.

Both tools come from npm (``npm install`` / ``scripts/setup.sh``); the Nu checker needs Java (apt: openjdk-17-jre).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from members.views import MemberEditView
from reorg.choices import ReorgKind
from tests.factories import build_world
from tests.test_browser import DESKTOP, TIMEOUT_MS, login, switch_language

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "best-practice"]
BLOCKING = {"serious", "critical"}


def page_paths(w, *, language: str = "vi") -> list[tuple[str, str]]:
    """Every main page a province secretary uses (other apps' list pages included).

    The browser sweep in Arabic leaves out the secondary forms (the six reorganization forms and the like) to keep
    the suite fast: they share their templates' building blocks with pages checked in both languages, and the
    Nu checker still reads all of them in both languages.
    """
    member, org = w.a.members[0], w.a.org
    main = ["dashboard", "orgs:tree", "members:list", "members:create", "audit:list", "password_change",
            "lifecycle:home", "lifecycle:admissions", "lifecycle:worklist", "lifecycle:letters", "reorg:list",
            "exchange:home", "jobs:list", "rules:list"]
    pages = [(name.replace(":", "-"), reverse(name)) for name in main]
    pages += [
        ("members-search", reverse("members:list") + "?q=nguyen"),
        ("orgs-detail", reverse("orgs:detail", args=[org.pk])),
        ("orgs-edit", reverse("orgs:edit", args=[org.pk])),
        ("members-detail", reverse("members:detail", args=[member.pk])),
        ("members-edit", reverse("members:edit", args=[member.pk])),
        ("lifecycle-member", reverse("lifecycle:member", args=[member.pk])),
        ("rules-detail", reverse("rules:detail", args=["BADGE_YEARS"])),
    ]
    if language == "vi":
        secondary = ["lifecycle:admission_create", "lifecycle:bulk_transfer", "lifecycle:badges", "lifecycle:targets",
                     "reorg:as_of", "exchange:import"]
        pages += [(name.replace(":", "-"), reverse(name)) for name in secondary]
        pages += [(f"reorg-create-{kind}", reverse(f"reorg:create_{kind}")) for kind in ReorgKind.values]
        pages += [("orgs-tree-search", reverse("orgs:tree") + "?q=chi"),
                  ("orgs-create-child", reverse("orgs:create_child", args=[org.pk]))]
    return pages


# ---------------------------------------------------------------- axe-core

AXE_START = """(tags) => {
  window.__axeResult = axe.run(document, {runOnly: tags, resultTypes: ['violations']}).then(r => r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))})));
}"""
AXE_RESULT = "() => window.__axeResult"


def run_axe(page) -> list[dict]:
    page.evaluate(AXE_START, AXE_TAGS)
    return page.evaluate(AXE_RESULT)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"    [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"        {' > '.join(map(str, node['target']))}: {node.get('failureSummary', '')[:300]}"
                         .replace("\n", " | "))
        if len(v["nodes"]) > 5:
            lines.append(f"        … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture
def live_world(transactional_db):
    return build_world()


@pytest.fixture
def axe_context(browser):
    assert AXE.exists(), f"{AXE} is missing: run `npm install` (or scripts/setup.sh)"
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", bypass_csp=True)
    # axe-core in every page of this context. An init script rather than page.add_script_tag(path=...) after each
    # load: same effect (bypass_csp lets it run under the strict CSP), 0.3 s a page faster.
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(2 * TIMEOUT_MS)
    yield context
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["vi", "ar"])
def test_axe_no_serious_violations(live_world, axe_context, live_server, language):
    page = axe_context.new_page()
    found: dict[str, list[dict]] = {}

    def check(name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", language)
        violations = run_axe(page)
        if violations:
            found[name] = violations

    page.goto(f"{live_server.url}{reverse('login')}")
    if language != "vi":
        with page.expect_navigation():
            page.locator("#login-language").select_option(language)
    check("login")
    login(page, live_server, "a_secretary")
    if page.locator("html").get_attribute("lang") != language:
        switch_language(page, language)
    for name, path in page_paths(live_world, language=language):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        check(name)
    # States reached by interaction: an opened tree node, results typed in, a refused form.
    page.goto(f"{live_server.url}{reverse('orgs:tree')}")
    page.locator("button.tree-toggle").first.click()
    expect(page.locator("button.tree-toggle").first).to_have_attribute("aria-expanded", "true")
    check("orgs-tree-expanded")
    page.goto(f"{live_server.url}{reverse('members:list')}")
    with page.expect_response(lambda r: "q=" in r.url):
        page.locator("#id_q").fill("tran")
    expect(page.locator("#member-results")).to_contain_text("Trần Thị Hoa")
    check("members-typed-search")
    page.goto(f"{live_server.url}{reverse('members:edit', args=[live_world.a.members[0].pk])}")
    page.locator("input[name=full_name]").fill("")
    page.locator("form.form-grid button[type=submit]").click()
    expect(page.locator(".field-invalid").first).to_be_visible()
    check("members-edit-errors")
    response = page.goto(f"{live_server.url}{reverse('members:detail', args=[live_world.b.members[0].pk])}")
    assert response.status == 404
    check("not-found")

    report = "\n".join(f"  {name} ({language}):\n{describe(v)}" for name, v in found.items())
    assert not found, f"axe-core: serious/critical violations on {len(found)} page(s):\n{report}"


# ---------------------------------------------------------------- W3C Nu HTML checker

def run_vnu(files: list[Path]) -> dict[str, list[dict]]:
    java = shutil.which("java")
    how = ("the W3C Nu checker needs Java and node_modules/vnu-jar: `apt-get install openjdk-17-jre-headless` "
           "and `npm install` (both done by scripts/setup.sh)")
    assert java, f"java not found: {how}"
    assert VNU.exists(), f"{VNU} not found: {how}"
    # C1-only JIT: the checker runs once for a few seconds, it starts more than twice as fast this way.
    command = [java, "-XX:TieredStopAtLevel=1", "-jar", str(VNU), "--errors-only", "--format", "json"]
    proc = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, timeout=240)
    try:
        messages = json.loads(proc.stderr or proc.stdout)["messages"]
    except (ValueError, KeyError):
        raise AssertionError(f"vnu did not run (exit {proc.returncode}): {proc.stderr[:2000]}\n{how}")
    by_file: dict[str, list[dict]] = {}
    for m in messages:
        if m.get("type") in ("error", "non-document-error"):
            by_file.setdefault(Path(m.get("url", "?").removeprefix("file:")).name, []).append(m)
    return by_file


def served_pages(client, w, tmp_path: Path) -> list[Path]:
    files: list[Path] = []

    def save(name: str, response, status: int = 200) -> None:
        assert response.status_code == status, f"{name}: {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)

    member = w.a.members[0]
    edit = reverse("members:edit", args=[member.pk])
    for language in ("vi", "ar"):
        client.logout()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        save(f"{language}-login", client.get(reverse("login")))
        save(f"{language}-login-error", client.post(reverse("login"), {"username": "nobody", "password": "x"}))
        client.force_login(w.a_secretary)
        session = client.session
        session["_language"] = language
        session.save()
        for name, path in page_paths(w, language="vi"):
            save(f"{language}-{name}", client.get(path))
        # Forms sent back with errors, an edit conflict, and the 404 page.
        save(f"{language}-members-create-errors", client.post(reverse("members:create"), {}))
        save(f"{language}-members-edit-errors", client.post(edit, {"full_name": "", "lock_version": "0"}))
        member.refresh_from_db()
        opened = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                  for k, v in MemberEditView._initial(member).items()}
        assert client.post(edit, {**opened, "occupation": f"Kỹ sư {language}"}).status_code == 302
        save(f"{language}-members-edit-conflict", client.post(edit, {**opened, "occupation": "Bác sĩ"}), status=409)
        save(f"{language}-not-found", client.get(reverse("members:detail", args=[w.b.members[0].pk])), status=404)
        save(f"{language}-orgs-edit-errors", client.post(reverse("orgs:edit", args=[w.a.org.pk]), {"name": ""}))
        # The rules page with the administrator's forms, and one sent back with errors.
        client.force_login(w.admin)
        session = client.session
        session["_language"] = language
        session.save()
        rules_page = reverse("rules:detail", args=["BADGE_YEARS"])
        save(f"{language}-rules-detail-admin", client.get(rules_page))
        save(f"{language}-rules-add-errors", client.post(rules_page, {"form": "add", "value": "x"}), status=400)
    return files


def test_html_is_valid(world, client, tmp_path):
    files = served_pages(client, world, tmp_path)
    errors = run_vnu(files)
    lines = []
    for name in sorted(errors):
        lines.append(f"  {name}:")
        for m in errors[name][:15]:
            where = f"line {m.get('lastLine', '?')}"
            extract = re.sub(r"\s+", " ", m.get("extract", ""))[:120]
            lines.append(f"    {where}: {m.get('message')}  «{extract}»")
        if len(errors[name]) > 15:
            lines.append(f"    … and {len(errors[name]) - 15} more")
    assert not errors, (f"W3C Nu checker: errors on {len(errors)} of {len(files)} pages "
                        f"(HTML kept in {tmp_path}):\n" + "\n".join(lines))
