"""Sentences written by code are stored as a code and parameters, and rendered in the reader's language.

Why: a job's result ("5,000 rows read"), a reorganization's summary or a history note written as text stays in
the language of whoever caused it, with that language's numbers and dates. Stored as ``{"code": ..., "params":
{...}}`` they read "5.000 dòng đã đọc" for a Vietnamese reader and "5.000 Zeilen gelesen" for a German one.

An app declares its sentences in its ``phrases.py`` (found by ``autodiscover_modules``, like ``rules.py``)::

    phrase("exchange.rows_read", lambda p: ngettext("%(n)s row read", "%(n)s rows read", p["n"]))
    phrase("jobs.cancelled", _("Cancelled."))

and stores ``text("exchange.rows_read", n=5000)``. Parameters are JSON: numbers are grouped when rendered,
``day(date)`` is shown as the reader's short date, ``choice("orgs.choices.OrgType", "cell")`` as the choice's
label, a nested ``text(...)`` is rendered too. A list of texts renders as one paragraph. A plain string (rows
written before this existed) is shown as it was stored.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules, import_string
from django.utils.translation import gettext

from core import l10n

log = logging.getLogger(__name__)

Template = Promise | str | Callable[[dict[str, Any]], str]
GETTEXT = "gettext"  # the code of a sentence stored by its message id (``said``)
_PHRASES: dict[str, Template] = {}
_discovered = False


def phrase(code: str, template: Template) -> str:
    """Declare the sentence ``code`` stands for: a lazy translation, or ``f(raw params)`` for plural forms."""
    _PHRASES[code] = template
    return code


def text(code: str, **params: Any) -> dict[str, Any]:
    """The stored form of a sentence: its code and JSON parameters (dates through ``day``)."""
    return {"code": code, "params": {k: _jsonable(v) for k, v in params.items()}}


def said(msgid: str, **params: Any) -> dict[str, Any]:
    """A sentence kept by its gettext message id (mark it with ``gettext_noop``) and parameters: for messages
    that already have a catalog entry and no registered code (validation messages, per-row import errors)."""
    return {"code": GETTEXT, "params": {"msgid": msgid, "args": {k: _jsonable(v) for k, v in params.items()}}}


class Said(str):
    """``gettext(msgid) % params`` that remembers its message id and parameters (``.stored``), so code written
    with ``_ = Said`` keeps producing text and what it stores can be rendered again in another language."""

    stored: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any] | None = None) -> Said:
        stored = said(msgid, **(params or {}))
        obj = super().__new__(cls, render(stored))
        obj.stored = stored
        obj.raw = dict(params or {})
        return obj

    def __getnewargs__(self) -> tuple[str, dict[str, Any]]:  # pickled to the import's parsing process and back
        return self.stored["params"]["msgid"], self.raw

    @classmethod
    def of(cls, message: Any, params: dict[str, Any] | None = None) -> str:
        """``message % params`` that keeps its message id when ``message`` is a plain ``gettext_lazy`` string
        (a view's description attribute); any other message gives plain text."""
        args = getattr(message, "_args", None)
        if (isinstance(message, Promise) and args and len(args) == 1 and isinstance(args[0], str)
                and gettext(args[0]) == str(message)):
            return cls(args[0], params)
        return str(message) % params if params else str(message)

    def __mod__(self, params: dict[str, Any]) -> Said:  # type: ignore[override]
        return Said(self.stored["params"]["msgid"], params)


class Phrased(str):
    """A stored text rendered in the active language that remembers its stored form (``.stored``): a parameter
    of a message that is itself a sentence (a regulation's citation) stays a code when the message is stored."""

    stored: dict[str, Any]

    def __new__(cls, stored: dict[str, Any]) -> Phrased:
        obj = super().__new__(cls, render(stored))
        obj.stored = stored
        return obj

    def __getnewargs__(self) -> tuple[dict[str, Any]]:  # pickled with the import's errors
        return (self.stored,)


def stored_text(message: Any) -> dict[str, Any] | None:
    """The stored form of a message when it has one (``Said``, a lazy translation), else None."""
    if isinstance(message, Said):
        return message.stored
    if isinstance(message, Promise):
        return from_error(type("E", (), {"message": message, "params": None})())
    return None


def from_error(error: Any) -> dict[str, Any] | None:
    """A ``ValidationError`` whose message is a ``gettext_lazy`` string, kept as ``said(msgid, **params)``;
    None when its message is already a plain text (then only its text in the writer's language is kept)."""
    message = getattr(error, "message", None)
    args = getattr(message, "_args", None)
    if not isinstance(message, Promise) or not args or not isinstance(args[0], str) or len(args) != 1:
        return None
    if gettext(args[0]) != str(message):  # not a plain gettext_lazy (ngettext, pgettext): keep the text
        return None
    params = getattr(error, "params", None) or {}
    return said(args[0], **{k: v for k, v in params.items()
                            if isinstance(v, (str, int, float, dt.date)) or hasattr(v, "stored")})


def day(value: dt.date | None) -> dict[str, str] | None:
    """A date parameter, shown as the reader's short date."""
    return None if value is None else {"$date": value.isoformat()}


def moment(value: dt.datetime | None) -> dict[str, str] | None:
    """A point in time, shown in the reader's time zone and short date-time."""
    return None if value is None else {"$moment": value.isoformat()}


def choice(choices_path: str, value: str) -> dict[str, str]:
    """A stored choice code (``"cell"``), shown as the label of ``choices_path`` (``"orgs.choices.OrgType"``)."""
    return {"$choice": choices_path, "value": value}


def _jsonable(value: Any) -> Any:
    if isinstance(getattr(value, "stored", None), dict):  # a Said or Phrased parameter: kept as its code
        return value.stored
    if isinstance(value, dt.datetime):
        return moment(value)
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("phrases")


def is_stored_text(value: Any) -> bool:
    return isinstance(value, dict) and "code" in value or (
        isinstance(value, list) and bool(value) and all(isinstance(v, dict) and "code" in v for v in value))


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return l10n.number(value)
    if isinstance(value, dict):
        if "$date" in value:
            return l10n.day(value["$date"])
        if "$moment" in value:
            return l10n.moment(value["$moment"])
        if "$choice" in value:
            try:
                return str(import_string(value["$choice"])(value["value"]).label)
            except (ImportError, ValueError):
                return str(value.get("value", ""))
        if "code" in value:
            return render(value)
    if isinstance(value, list):
        return ", ".join(str(_param(v)) for v in value)
    return "" if value is None else value


def render(stored: Any) -> str:
    """A stored sentence (or list of them, or a legacy plain string) in the active language."""
    if stored is None or stored == "":
        return ""
    if isinstance(stored, str):
        return stored
    if isinstance(stored, list):
        return " ".join(part for part in (render(s) for s in stored) if part)
    if not isinstance(stored, dict) or "code" not in stored:
        return str(stored)
    _discover()
    raw = stored.get("params") or {}
    if stored["code"] == GETTEXT:
        template, raw = gettext(str(raw.get("msgid", ""))), raw.get("args") or {}
    else:
        template = _PHRASES.get(stored["code"])
    if template is None:
        log.warning("no phrase registered for %r", stored["code"])
        return stored["code"]
    sentence = template(raw) if callable(template) else str(template)
    if not raw:
        return sentence.replace("%%", "%")
    try:
        return sentence % {k: _param(v) for k, v in raw.items()}
    except TypeError:  # a "%(n)d" placeholder: the number as it is
        try:
            return sentence % {k: v if isinstance(v, (int, float)) else _param(v) for k, v in raw.items()}
        except (KeyError, TypeError, ValueError):
            pass
    except (KeyError, ValueError):
        pass
    log.warning("phrase %r does not fit its parameters %r", stored["code"], raw)
    return sentence


def _citation(params: dict[str, Any]) -> str:
    """A regulation's citation (``core.rules.cite``) in the reader's language, from the stored version's fields."""
    from types import SimpleNamespace

    from core.rules import cite

    on = params.get("on")
    version = SimpleNamespace(regulation_kind=params.get("kind") or "", regulation=params.get("number") or "",
                              regulation_date=dt.date.fromisoformat(on) if on else None,
                              provision=params.get("provision") or "")
    return cite(version).replace("%", "%%")  # a finished sentence: no placeholder left to fill


phrase("rules.cite", _citation)


def cited(version: Any) -> Phrased:
    """``core.rules.cite(version)`` in the active language that keeps its stored form: for messages that are stored
    (an import's row errors) and shown again in another reader's language."""
    on = getattr(version, "regulation_date", None)
    return Phrased(text("rules.cite", kind=getattr(version, "regulation_kind", "") or "",
                        number=getattr(version, "regulation", "") or "",
                        on=on.isoformat() if on is not None else None,
                        provision=getattr(version, "provision", "") or ""))
