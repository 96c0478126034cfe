"""Shared pieces of the action layer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from core.actions import action, user_of
from core.l10n import day


class EditConflict(Exception):
    """Someone else saved the record after this user opened it; nothing was overwritten."""

    message = _("Someone else changed this record after you opened it. Reload it to see their change, "
                "then make yours again.")

    def __str__(self) -> str:
        return str(self.message)


class Refusals:
    """The errors of several independent checks, raised together as one ``ValidationError`` by field."""

    def __init__(self) -> None:
        self.errors: dict[str, list[Any]] = {}

    def add(self, error: ValidationError | str, message: Any = None) -> None:
        """``add(exc)`` keeps a ValidationError's errors; ``add(field, message)`` adds one message to a field."""
        if isinstance(error, str):
            self.errors.setdefault(error, []).append(message)
        elif hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.errors.setdefault(name, []).extend(messages)
        else:
            self.errors.setdefault(NON_FIELD_ERRORS, []).extend(error.messages)

    @contextmanager
    def collect(self) -> Iterator[None]:
        """Run a check; a ValidationError it raises is kept, and the next check runs."""
        try:
            yield
        except ValidationError as exc:
            self.add(exc)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def check_version(obj: Any, expected: int | None) -> None:
    """Optimistic locking: the caller says which version it edited; a stale edit is refused."""
    if expected is not None and int(expected) != obj.lock_version:
        raise EditConflict()
    obj.lock_version += 1


# --- Rule versions ---------------------------------------------------------------------------------------------


def _rule_meta(definition: Any, *, valid_from: Any, regulation_kind: str, regulation: str, regulation_date: Any,
               provision: str, note: str) -> dict[str, Any]:
    """Check the dated part of a version; all errors at once, by field."""
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from core.rules import FIRST_DATE, LAST_DATE, RegulationKind

    errors: dict[str, list[str]] = {}
    if not isinstance(valid_from, dt.date) or isinstance(valid_from, dt.datetime):
        errors["valid_from"] = [_("Enter a date.")]
    elif not FIRST_DATE <= valid_from <= LAST_DATE:
        errors["valid_from"] = [_("Enter a date between %(first)s and %(last)s.")
                                % {"first": day(FIRST_DATE), "last": day(LAST_DATE)}]
    regulation_kind = (regulation_kind or "").strip()
    regulation = (regulation or "").strip()
    if regulation_kind and regulation_kind not in RegulationKind.values:
        errors["regulation_kind"] = [_("Choose the kind of text.")]
    if regulation and not regulation_kind:
        errors["regulation_kind"] = [_("Choose the kind of text that set the value.")]
    if len(regulation) > 64:
        errors["regulation"] = [_("At most %(n)d characters.") % {"n": 64}]
    if regulation_date is not None:
        if not isinstance(regulation_date, dt.date) or isinstance(regulation_date, dt.datetime):
            errors["regulation_date"] = [_("Enter a date.")]
        elif not FIRST_DATE <= regulation_date <= timezone.localdate():
            errors["regulation_date"] = [_("The date of the regulation cannot be in the future.")]
    if len((provision or "").strip()) > 64:
        errors["provision"] = [_("At most %(n)d characters.") % {"n": 64}]
    if len((note or "").strip()) > 255:
        errors["note"] = [_("At most %(n)d characters.") % {"n": 255}]
    if errors:
        raise ValidationError(errors)
    return {"valid_from": valid_from, "regulation_kind": regulation_kind, "regulation": regulation,
            "regulation_date": regulation_date, "provision": (provision or "").strip(), "note": (note or "").strip()}


def _rule_value(definition: Any, value: Any) -> Any:
    from django.core.exceptions import ValidationError

    from core.rules import clean_value, to_stored

    try:
        return to_stored(definition.kind, clean_value(definition, value))
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from None


def _require_rule_right(actor: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from core.rules import may_change_rules

    if not may_change_rules(actor):
        raise PermissionDenied(_("Only a national administrator may change the party's rules."))


def _locked_rule_rows(code: str) -> list[Any]:
    from core.models import RuleVersion

    return list(RuleVersion.objects.select_for_update().filter(code=code).order_by("valid_from", "id"))


def _clashing(rows: list[Any], valid_from: Any, ignore: Any = None) -> bool:
    from core.rules import effective_rows

    return any(row.valid_from == valid_from and row.pk != ignore for row in effective_rows(rows))


@action
def add_rule_version(actor: Any, code: str, *, value: Any, valid_from: Any, regulation_kind: str = "",
                     regulation: str = "", regulation_date: Any = None, provision: str = "",
                     note: str = "") -> Any:
    """A new value of a rule from a date, by a regulation. Earlier acts keep the value of their own date."""
    from django.core.exceptions import ValidationError

    from core import rules
    from core.models import RuleVersion

    _require_rule_right(actor)
    definition = rules.definition(code)
    errors: dict[str, list[str]] = {}
    stored = meta = None
    try:
        stored = _rule_value(definition, value)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        meta = _rule_meta(definition, valid_from=valid_from, regulation_kind=regulation_kind, regulation=regulation,
                          regulation_date=regulation_date, provision=provision, note=note)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    rows = _locked_rule_rows(code)
    if _clashing(rows, meta["valid_from"]):
        raise ValidationError({"valid_from": [_("A version of this rule already holds from this date; record a "
                                                "correction of it instead.")]})
    version = RuleVersion(code=code, kind=definition.kind, value=stored, source=RuleVersion.Source.RECORDED,
                          recorded_by=user_of(actor), **meta)
    version.save()
    rules.written()
    return version


@action
def correct_rule_version(actor: Any, version: Any, *, reason: str, withdraw: bool = False, value: Any = None,
                         valid_from: Any = None, regulation_kind: str | None = None, regulation: str | None = None,
                         regulation_date: Any = None, provision: str | None = None, note: str | None = None) -> Any:
    """A recorded correction of a version entered wrongly: a new row that replaces it (or withdraws it), with the
    reason; the corrected row stays as it was. Fields not given keep the corrected version's values."""
    from django.core.exceptions import ValidationError

    from core import rules
    from core.models import RuleVersion

    _require_rule_right(actor)
    pk = version.pk if isinstance(version, RuleVersion) else version
    target = RuleVersion.objects.filter(pk=pk).first()
    if target is None:
        raise ValidationError({"corrects": [_("Choose a version of this rule.")]})
    definition = rules.definition(target.code)
    rows = _locked_rule_rows(target.code)
    effective = rules.effective_rows(rows)
    if target.pk not in {row.pk for row in effective}:
        raise ValidationError({"corrects": [_("This version has already been corrected or withdrawn.")]})
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why the version is corrected.")]
    elif len(reason) > 255:
        errors["reason"] = [_("At most %(n)d characters.") % {"n": 255}]
    if withdraw and len(effective) == 1:
        errors["withdraw"] = [_("The only version of a rule cannot be withdrawn; correct its value instead.")]
    stored = target.value
    if not withdraw and value is not None:
        try:
            stored = _rule_value(definition, value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    meta: dict[str, Any] = {}
    try:
        meta = _rule_meta(
            definition, valid_from=target.valid_from if valid_from is None else valid_from,
            regulation_kind=target.regulation_kind if regulation_kind is None else regulation_kind,
            regulation=target.regulation if regulation is None else regulation,
            regulation_date=target.regulation_date if regulation_date is None else regulation_date,
            provision=target.provision if provision is None else provision,
            note=target.note if note is None else note)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if not withdraw and _clashing(rows, meta["valid_from"], ignore=target.pk):
        raise ValidationError({"valid_from": [_("Another version of this rule already holds from this date.")]})
    correction = RuleVersion(code=target.code, kind=definition.kind, value=stored, corrects=target,
                             withdrawn=bool(withdraw), reason=reason, source=RuleVersion.Source.RECORDED,
                             recorded_by=user_of(actor), **meta)
    correction.save()
    rules.written()
    return correction


def seed_shipped_rules(**kwargs: Any) -> int:
    """On ``migrate``: write the shipped versions the database does not hold yet (audited, as the system).

    A version is identified by its rule and date; one the administrator recorded or corrected for that date wins.
    """
    from django.db import DEFAULT_DB_ALIAS, connection

    from core import rules
    from core.actions import system_action
    from core.models import RuleVersion

    using = kwargs.get("using", DEFAULT_DB_ALIAS)
    if using != DEFAULT_DB_ALIAS or RuleVersion._meta.db_table not in connection.introspection.table_names():
        return 0
    present = set(RuleVersion.objects.values_list("code", "valid_from"))
    missing = [(definition, version) for definition in rules.definitions() for version in definition.versions
               if (definition.code, version.valid_from) not in present]
    if not missing:
        return 0
    with system_action("core.seed_shipped_rules"):
        for definition, version in missing:
            RuleVersion(code=definition.code, kind=definition.kind,
                        value=rules.to_stored(definition.kind, rules.clean_value(definition, version.value)),
                        valid_from=version.valid_from, regulation_kind=version.regulation_kind,
                        regulation=version.regulation, regulation_date=version.regulation_date,
                        provision=version.provision, source=RuleVersion.Source.SHIPPED).save()
        rules.written()
    return len(missing)


class StateConflict(EditConflict):
    """The object is no longer in the state the action acts on (someone else acted first): 409, not 400.

    Actions lock their object and re-check its state; the loser of two simultaneous calls gets this, with the
    action's own sentence saying what changed.
    """

    def __init__(self, message: Any = None) -> None:
        super().__init__(message)
        if message is not None:
            self.message = message
