"""Refresh the six translation catalogs from the source and report what is left to translate.

Runs makemessages, sets each language's plural rule (taken from Django's own catalog), drops
fuzzy guesses (a guess is not a translation) and obsolete entries, and fills English with the
msgids themselves. Translators then fill the empty entries; `tests/test_i18n.py` checks the result.
"""

from __future__ import annotations

import re
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

IGNORE = [".venv/*", "node_modules/*", "tests/*", "bench/*", "var/*", "staticfiles/*", "artifacts/*"]


def django_plural_forms(lang: str) -> str:
    po = Path(django.__file__).parent / "conf" / "locale" / lang / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    match = re.search(r'"Plural-Forms: ((?:[^"\\]|\\.)*)"\n((?:"(?:[^"\\]|\\.)*"\n)*)', text)
    if not match:
        return "nplurals=2; plural=(n != 1);"
    value = match.group(1) + "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(2)))
    return value.replace("\\n", "").strip()


class Command(BaseCommand):
    help = "Refresh locale/*/LC_MESSAGES/django.po from the source and report untranslated entries."

    def handle(self, *args, **options):
        import polib

        languages = [code for code, _name in settings.LANGUAGES]
        call_command("makemessages", locale=languages, ignore_patterns=IGNORE, verbosity=0, no_obsolete=True)
        for lang in languages:
            path = Path(settings.BASE_DIR) / "locale" / lang / "LC_MESSAGES" / "django.po"
            po = polib.pofile(str(path), wrapwidth=0)
            po.metadata["Plural-Forms"] = django_plural_forms(lang)
            po.metadata["Language"] = lang
            po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
            nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
            for entry in po:
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                    entry.msgstr = ""
                    entry.msgstr_plural = {i: "" for i in range(nplurals)} if entry.msgid_plural else {}
                    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
                if entry.msgid_plural and len(entry.msgstr_plural) != nplurals:
                    old = entry.msgstr_plural
                    entry.msgstr_plural = {i: old.get(i, "") for i in range(nplurals)}
                if lang == "en":
                    if entry.msgid_plural:
                        entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                    else:
                        entry.msgstr = entry.msgid
            po.save(str(path))
            missing = [e for e in po if not e.obsolete and not e.translated()]
            self.stdout.write(f"{lang}: {len(po)} entries, {len(missing)} to translate")
