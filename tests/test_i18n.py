"""Six languages, every string translated: the catalogs must cover the source and have no gaps."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LANGS = [code for code, _name in settings.LANGUAGES]
# Every app of ours (a folder with apps.py), the project package and the templates.
SOURCE_DIRS = sorted(p.parent.name for p in ROOT.glob("*/apps.py")) + ["config", "templates"]


@pytest.fixture(scope="module")
def fresh_msgids(tmp_path_factory) -> set[str]:
    """Run makemessages on a copy of the source: the msgids the code uses today."""
    if not shutil.which("xgettext"):
        pytest.fail("gettext is not installed (scripts/setup.sh installs it)")
    work = tmp_path_factory.mktemp("src")
    for name in [*SOURCE_DIRS, "manage.py"]:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
        elif src.exists():
            shutil.copy(src, work / name)
    (work / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-c",
         "import sys; from django.core.management import call_command; import django; "
         "django.setup(); call_command('makemessages', locale=['en'], verbosity=0, "
         "ignore_patterns=['.venv/*', 'node_modules/*', 'tests/*'])"],
        cwd=work, check=True, env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin",
                                   "PARTYWORK_VAR_DIR": str(work / "var"), "PYTHONPATH": str(work)},
    )
    po = polib.pofile(str(work / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    return {(e.msgctxt or "") + "\x04" + e.msgid for e in po if not e.obsolete}


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_complete(lang, fresh_msgids):
    path = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"no catalog for {lang}"
    po = polib.pofile(str(path))
    entries = {(e.msgctxt or "") + "\x04" + e.msgid: e for e in po if not e.obsolete}
    missing = sorted(k.split("\x04")[1] for k in fresh_msgids - set(entries))
    assert not missing, f"{lang}: {len(missing)} strings not in the catalog, e.g. {missing[:5]}"
    fuzzy = [e.msgid for e in entries.values() if "fuzzy" in e.flags]
    assert not fuzzy, f"{lang}: fuzzy entries {fuzzy[:5]}"
    untranslated = [e.msgid for e in entries.values() if not e.translated()]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"


@pytest.mark.parametrize("lang", [c for c in LANGS if c != "en"])
def test_translations_keep_placeholders(lang):
    po = polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]|\{\w*\}")
    for entry in po:
        if entry.obsolete or not entry.msgstr:
            continue
        assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(entry.msgstr)), (lang, entry.msgid)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_pages_speak_each_language(lang, client):
    """The catalogs are compiled and used: the login page comes in the chosen language and direction."""
    from django.urls import reverse
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    html = client.get(reverse("login")).content.decode()
    with translation.override(lang):
        expected = translation.gettext("Sign in with the account issued by your committee's office.")
    assert f'lang="{lang}"' in html
    assert ('dir="rtl"' in html) == (lang == "ar")
    assert expected in html.replace("&#x27;", "'")
    if lang != "en":
        assert expected != "Sign in with the account issued by your committee's office."


@pytest.mark.django_db
def test_vietnamese_is_the_default(client, settings):
    settings.LANGUAGE_CODE = "vi"
    from django.urls import reverse

    assert 'lang="vi"' in client.get(reverse("login")).content.decode()
