"""The party's rule numbers as dated data: each rule has values by effective date and the regulation that set them.

A rule changes by decision of the party (a newer regulation replaces an older one), so no number is a constant in
code. Each app declares the rules it applies in its own ``rules.py`` with :func:`define` (code, type, label, the
shipped versions with their dates and regulations); the shipped versions are written to ``RuleVersion`` on
``migrate``, and a national administrator adds later ones through the rules page or the API.

Every act applies the rule in force on *its own* date: ``rule("PROBATION_MONTHS", on=ceremony_date)``.
``rule_version(code, on)`` returns the version itself, so a refusal can name the regulation (:func:`cite`).

Reads are on hot paths (the importer checks a citizen ID per row), so all versions are loaded once per process and
kept; a write in this process drops the copy at once, and every ``PARTYWORK_RULES_RECHECK_SECONDS`` (5 s) one small
query (count and largest id of the append-only table) tells whether another process wrote.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.signals import setting_changed
from django.db import connection, models
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Earliest and latest effective dates a version may carry (the party was founded in 1930).
FIRST_DATE = dt.date(1930, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)


class RuleKind(models.TextChoices):
    INT = "int", _("whole number")
    INT_LIST = "int_list", _("list of whole numbers")
    BOOL = "bool", _("yes or no")
    STR_LIST = "str_list", _("list of texts")
    DECIMAL = "decimal", _("decimal number")


class RegulationKind(models.TextChoices):
    """The kind of text that set a value; its number (e.g. ``294-QĐ/TW``) is stored as written, untranslated."""

    STATUTE = "statute", _("Party Statute")
    REGULATION = "regulation", _("Regulation")
    RESOLUTION = "resolution", _("Resolution")
    DIRECTIVE = "directive", _("Directive")
    CONCLUSION = "conclusion", _("Conclusion")
    GUIDANCE = "guidance", _("Guidance")
    DECISION = "decision", _("Decision")
    CIRCULAR = "circular", _("Circular")
    DECREE = "decree", _("Decree")
    LAW = "law", _("Law")


class UnknownRule(LookupError):
    """No app declares a rule with this code."""


@dataclass(frozen=True)
class Version:
    """A shipped version of a rule: its value from a date, and the text that set it."""

    valid_from: dt.date
    value: Any
    regulation_kind: str = ""
    regulation: str = ""
    regulation_date: dt.date | None = None
    provision: str = ""


@dataclass(frozen=True)
class RuleDefinition:
    code: str
    kind: str
    label: Promise | str
    help_text: Promise | str
    versions: tuple[Version, ...]
    app_label: str
    min_value: int | decimal.Decimal | None = None
    max_value: int | decimal.Decimal | None = None


@dataclass(frozen=True)
class RuleValue:
    """One version of a rule as it applies: value, effective dates and regulation (``pk`` None if not stored)."""

    code: str
    value: Any
    valid_from: dt.date
    valid_to: dt.date | None = None
    regulation_kind: str = ""
    regulation: str = ""
    regulation_date: dt.date | None = None
    provision: str = ""
    note: str = ""
    pk: int | None = None
    shipped: bool = True

    @property
    def citation(self) -> str:
        return cite(self)


_registry: dict[str, RuleDefinition] = {}


def _caller_app() -> str:
    module = sys._getframe(2).f_globals.get("__name__", "")
    return module.split(".")[0]


def define(code: str, kind: str, *, label: Promise | str, versions: Iterable[Version], help_text: Promise | str = "",
           min_value: int | decimal.Decimal | None = None, max_value: int | decimal.Decimal | None = None,
           app_label: str | None = None) -> RuleDefinition:
    """Declare a rule (from an app's ``rules.py``); the shipped versions' values are checked against the type."""
    if kind not in RuleKind.values:
        raise ImproperlyConfigured(f"rule {code}: unknown kind {kind!r}")
    if not code.isidentifier() or code.upper() != code:
        raise ImproperlyConfigured(f"rule {code!r}: codes are UPPER_CASE identifiers")
    shipped = tuple(sorted(versions, key=lambda v: v.valid_from))
    if not shipped:
        raise ImproperlyConfigured(f"rule {code}: at least one shipped version is needed")
    if len({v.valid_from for v in shipped}) != len(shipped):
        raise ImproperlyConfigured(f"rule {code}: two shipped versions from the same date")
    definition = RuleDefinition(code=code, kind=kind, label=label, help_text=help_text, versions=shipped,
                                app_label=app_label or _caller_app(), min_value=min_value, max_value=max_value)
    for version in shipped:
        try:
            clean_value(definition, version.value)
        except ValidationError as exc:
            raise ImproperlyConfigured(f"rule {code}: shipped value {version.value!r}: {exc.messages}") from exc
    existing = _registry.get(code)
    if existing is not None and existing.app_label != definition.app_label:
        raise ImproperlyConfigured(f"rule {code} is declared by {existing.app_label} and {definition.app_label}")
    _registry[code] = definition
    invalidate()
    return definition


def definitions() -> list[RuleDefinition]:
    """Every declared rule, ordered by app and code."""
    return sorted(_registry.values(), key=lambda d: (d.app_label, d.code))


def definition(code: str) -> RuleDefinition:
    try:
        return _registry[code]
    except (KeyError, TypeError):
        raise UnknownRule(code) from None


def autodiscover() -> None:
    """Import every installed app's ``rules`` module (called from core's AppConfig.ready)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("rules")


# --- Values -------------------------------------------------------------------------------------------------


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.replace(";", ",").replace("\n", ",").split(",") if part.strip()]


def _int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().lstrip("+-").isdigit() and len(raw.strip()) <= 12:
        return int(raw.strip())
    raise ValueError


def _check_bounds(definition: RuleDefinition, number: int | decimal.Decimal) -> None:
    if definition.min_value is not None and number < definition.min_value:
        raise ValidationError(_("Enter a value of at least %(limit)s.") % {"limit": definition.min_value},
                              code="min_value")
    if definition.max_value is not None and number > definition.max_value:
        raise ValidationError(_("Enter a value of at most %(limit)s.") % {"limit": definition.max_value},
                              code="max_value")


def clean_value(definition: RuleDefinition, raw: Any) -> Any:
    """The typed value of ``raw`` (a Python value from JSON, or the text of a form field), or a ValidationError."""
    kind = definition.kind
    if kind == RuleKind.BOOL:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower() if isinstance(raw, (str, int)) else None
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ValidationError(_("Enter yes or no."), code="invalid")
    if kind == RuleKind.INT:
        try:
            number = _int(raw)
        except ValueError:
            raise ValidationError(_("Enter a whole number."), code="invalid") from None
        _check_bounds(definition, number)
        return number
    if kind == RuleKind.DECIMAL:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str, decimal.Decimal)):
            raise ValidationError(_("Enter a number."), code="invalid")
        try:
            number = decimal.Decimal(str(raw).strip().replace(",", "."))
        except decimal.InvalidOperation:
            raise ValidationError(_("Enter a number."), code="invalid") from None
        if not number.is_finite() or number.as_tuple().exponent < -4 or abs(number) >= 10**9:
            raise ValidationError(_("Enter a number with at most four decimal places."), code="invalid")
        _check_bounds(definition, number)
        return number
    items = _split(raw) if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)):
        raise ValidationError(_("Enter a list of values separated by commas."), code="invalid")
    if not items:
        raise ValidationError(_("Enter at least one value."), code="empty")
    if len(items) > 200:
        raise ValidationError(_("Enter at most %(n)d values.") % {"n": 200}, code="invalid")
    if kind == RuleKind.INT_LIST:
        try:
            numbers = sorted({_int(item) for item in items})
        except ValueError:
            raise ValidationError(_("Enter whole numbers separated by commas."), code="invalid") from None
        for number in numbers:
            _check_bounds(definition, number)
        return numbers
    texts: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(_("Enter texts separated by commas."), code="invalid")
        if len(item.strip()) > 100:
            raise ValidationError(_("Each value may have at most %(n)d characters.") % {"n": 100}, code="invalid")
        if item.strip() not in texts:
            texts.append(item.strip())
    return texts


def to_stored(kind: str, value: Any) -> Any:
    """The JSON form of a typed value (decimals as text, so no float ever rounds a rule)."""
    if kind == RuleKind.DECIMAL:
        return str(value)
    return list(value) if kind in (RuleKind.INT_LIST, RuleKind.STR_LIST) else value


def from_stored(definition: RuleDefinition, stored: Any) -> Any:
    return clean_value(definition, stored)


def format_value(kind: str, value: Any) -> str:
    """The value as shown on a page: lists joined by commas, yes/no in the reader's language."""
    if kind == RuleKind.BOOL:
        return gettext("yes") if value else gettext("no")
    if kind in (RuleKind.INT_LIST, RuleKind.STR_LIST):
        return ", ".join(str(v) for v in value)
    return str(value)


def cite(version: RuleValue | Any) -> str:
    """The text that set a version, in the reader's language: 'Regulation 294-QĐ/TW of 26/05/2025'."""
    kind = getattr(version, "regulation_kind", "") or ""
    number = getattr(version, "regulation", "") or ""
    on = getattr(version, "regulation_date", None)
    if not kind and not number:
        return gettext("the installation's default (no regulation recorded)")
    labels = dict(RegulationKind.choices)
    if number and translation.get_language_bidi():
        # A first-strong isolate keeps "50-QĐ/TW" whole inside a right-to-left sentence (not "QĐ/TW-50").
        number = f"\u2068{number}\u2069"
    document = " ".join(str(part) for part in (labels.get(kind, ""), number) if part)
    if on is not None:
        document = gettext("%(document)s of %(date)s") % {
            "document": document, "date": formats.date_format(on, "SHORT_DATE_FORMAT")}
    provision = provision_text(getattr(version, "provision", "") or "")
    if provision:
        document = gettext("%(document)s, %(provision)s") % {"document": document, "provision": provision}
    return document


def provision_text(provision: str) -> str:
    """A provision in the reader's language: stored as a code ("art:5", "pt:27.3") where it is an article or a
    point; anything else (typed by an administrator) is shown as written."""
    kind, _sep, number = provision.partition(":")
    if kind == "art" and number:
        return gettext("Article %(number)s") % {"number": number}
    if kind == "pt" and number:
        return gettext("point %(number)s") % {"number": number}
    return provision


# --- Lookup and cache -----------------------------------------------------------------------------------------


@dataclass
class _Cache:
    snapshot: dict[str, list[RuleValue]] | None = None
    generation: tuple | None = None
    checked: float = 0.0
    pending: bool = False
    recheck: float | None = None
    forked: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


_cache = _Cache()


def _after_fork_in_child() -> None:
    # A forked child (the importer's parsing process) shares its parent's database connection: it must never
    # query, so it keeps the copy it inherited (the parent loads one before forking: :func:`load_before_fork`).
    _cache.forked = True
    _cache.lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _shipped_values(definition: RuleDefinition) -> list[RuleValue]:
    versions = definition.versions
    return [RuleValue(code=definition.code, value=clean_value(definition, v.value), valid_from=v.valid_from,
                      valid_to=versions[i + 1].valid_from if i + 1 < len(versions) else None,
                      regulation_kind=v.regulation_kind, regulation=v.regulation, regulation_date=v.regulation_date,
                      provision=v.provision) for i, v in enumerate(versions)]


def effective_rows(rows: Iterable[Any]) -> list[Any]:
    """The stored versions that hold: not corrected by a later row and not themselves withdrawals."""
    rows = list(rows)
    corrected = {row.corrects_id for row in rows if row.corrects_id}
    return [row for row in rows if row.pk not in corrected and not row.withdrawn]


def _build(rows: Iterable[Any]) -> dict[str, list[RuleValue]]:
    by_code: dict[str, list[Any]] = {}
    for row in effective_rows(rows):
        by_code.setdefault(row.code, []).append(row)
    snapshot: dict[str, list[RuleValue]] = {}
    for code, found in by_code.items():
        definition_ = _registry.get(code)
        if definition_ is None:
            continue
        found.sort(key=lambda r: (r.valid_from, r.pk))
        values = []
        for i, row in enumerate(found):
            try:
                value = from_stored(definition_, row.value)
            except ValidationError:
                continue  # a value of a type the rule no longer has: the rule keeps its other versions
            values.append(RuleValue(
                code=code, value=value, valid_from=row.valid_from,
                valid_to=found[i + 1].valid_from if i + 1 < len(found) else None,
                regulation_kind=row.regulation_kind, regulation=row.regulation, regulation_date=row.regulation_date,
                provision=row.provision, note=row.note, pk=row.pk, shipped=row.source == "shipped"))
        if values:
            snapshot[code] = values
    for code, definition_ in _registry.items():
        if code not in snapshot:  # not in the database yet (before migrate): the shipped versions hold
            snapshot[code] = _shipped_values(definition_)
    return snapshot


def _query(func):
    """Run a read of the rules table; None if the table is not there yet (before ``migrate``)."""
    from django.db import DatabaseError, connection, transaction

    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                return func()
        return func()
    except DatabaseError:
        return None


def _generation() -> tuple | None:
    from django.db.models import Count, Max

    from core.models import RuleVersion

    return _query(lambda: tuple(RuleVersion.objects.aggregate(n=Count("id"), top=Max("id")).values()))


def _load() -> tuple[dict[str, list[RuleValue]], tuple] | None:
    from core.models import RuleVersion

    def read():
        generation = tuple(RuleVersion.objects.aggregate(
            n=models.Count("id"), top=models.Max("id")).values())
        return _build(RuleVersion.objects.all()), generation

    return _query(read)


def _recheck_changed(setting: str = "", **kwargs: Any) -> None:
    if setting == "PARTYWORK_RULES_RECHECK_SECONDS":
        _cache.recheck = None


setting_changed.connect(_recheck_changed)


def _snapshot() -> dict[str, list[RuleValue]]:
    cache = _cache
    now = time.monotonic()
    if cache.recheck is None:
        cache.recheck = float(settings.PARTYWORK_RULES_RECHECK_SECONDS)
    snapshot = cache.snapshot
    if snapshot is not None and not cache.pending and now - cache.checked < cache.recheck:
        return snapshot
    if cache.forked:
        if snapshot is None:
            cache.snapshot = snapshot = _build([])
        return snapshot
    if not apps.ready:
        return _build([])
    with cache.lock:
        if cache.pending and not connection.in_atomic_block:
            cache.pending = False  # the writing transaction has ended (committed or rolled back)
        if cache.snapshot is not None and not cache.pending:
            generation = _generation()
            if generation == cache.generation:
                cache.checked = now
                return cache.snapshot
        loaded = _load()
        if loaded is None:
            # No table yet (before ``migrate``): the shipped versions hold; look again after the interval.
            loaded = (_build([]), None)
        snapshot, generation = loaded
        if not cache.pending:
            # A copy read while this process has uncommitted rule writes is used once, never kept.
            cache.snapshot, cache.generation, cache.checked = snapshot, generation, now
        return snapshot


def load_before_fork() -> None:
    """Make sure this process holds a copy of the rules, for a child about to be forked (it never queries)."""
    if _registry:
        rule_version(next(iter(_registry)))


def invalidate() -> None:
    """Drop this process's copy of the rules (the next read loads them again)."""
    _cache.snapshot, _cache.generation = None, None


def reset() -> None:
    """Forget everything cached, pending writes included (tests start each case from the database)."""
    invalidate()
    _cache.pending = False


def written() -> None:
    """Called by the rule actions: the copy is stale now, and must not be kept until the transaction ends."""
    from django.db import transaction

    _cache.pending = True
    invalidate()

    def committed() -> None:
        _cache.pending = False
        invalidate()

    transaction.on_commit(committed)


def versions(code: str) -> list[RuleValue]:
    """The versions in force of a rule, oldest first (the shipped ones until the database holds the rule)."""
    cache = _cache
    snapshot = cache.snapshot
    if snapshot is None or cache.pending or cache.recheck is None or time.monotonic() - cache.checked >= cache.recheck:
        snapshot = _snapshot()
    found = snapshot.get(code)
    if found is None:
        definition(code)  # raises UnknownRule
        found = _shipped_values(_registry[code])  # declared after the copy was made
    return found


def rule_version(code: str, on: dt.date | None = None) -> RuleValue:
    """The version of ``code`` in force on ``on`` (today if not given).

    Before its first version a rule holds its first value: the registry has members admitted decades before the
    oldest regulation on record, and the first value recorded is the best knowledge of the rule then.
    """
    found = versions(code)
    if len(found) == 1:
        return found[0]
    if on is None:
        from django.utils import timezone

        on = timezone.localdate()
    for version in reversed(found):
        if version.valid_from <= on:
            return version
    return found[0]


def rule(code: str, on: dt.date | None = None) -> Any:
    """The value of ``code`` in force on ``on`` (today if not given): every act passes its own date."""
    return rule_version(code, on).value


def periods(code: str) -> list[tuple[dt.date | None, dt.date | None, Any]]:
    """``(from, to, value)`` per version, the first open towards the past: for filters over many acts' dates."""
    found = versions(code)
    return [(None if i == 0 else v.valid_from, v.valid_to, v.value) for i, v in enumerate(found)]


def may_change_rules(user: Any) -> bool:
    """National administrators only: a superuser (or SYSTEM: migrate seeds the shipped versions), or a role carrying
    ``core.change_ruleversion`` granted on the Centre itself (rules are the whole party's, so a grant lower in the tree
    does not reach them). ``None`` may nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    from core.scope import granted_paths
    from core.tree import STEP

    return any(len(path) == STEP for path in granted_paths(user, "core.change_ruleversion"))


class RuleCodeConverter:
    """``<rulecode:code>`` in URLs: a rule's code as declared (UPPER_CASE), so ``PROBATION_MONTHS.json`` still ends
    at the code and a mistyped suffix is a 404, not a redirect."""

    regex = "[A-Z][A-Z0-9_]{0,63}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def _register_converter() -> None:
    from django.urls import register_converter
    from django.urls.converters import get_converters

    if "rulecode" not in get_converters():
        register_converter(RuleCodeConverter, "rulecode")


_register_converter()
