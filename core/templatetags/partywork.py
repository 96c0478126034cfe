"""Template helpers of Partywork: audit changes, object links, status badges."""

from __future__ import annotations

import json

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import formats, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core import l10n
from core.dates import date_pattern as _date_pattern
from core.phrases import is_stored_text
from core.phrases import render as _render_phrase

register = template.Library()


@register.filter(is_safe=True)
def isolate(value) -> str:
    """A code, number, symbol or Latin name kept whole inside right-to-left text: ``<bdi>15-GGT/ĐU</bdi>``.

    Why: in Arabic the bidirectional algorithm reorders the neutral ``-`` and ``/`` of "15-GGT/ĐU" into
    "GGT/ĐU-15"; ``bdi`` gives the value its own direction from its first strong character. Empty values give
    nothing (so ``|isolate|default:"—"`` is not needed: write ``{{ value|default:"—"|isolate }}``).
    """
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)


@register.simple_tag
def forward_arrow() -> str:
    """The arrow from a before to an after ("A → B"), pointing the way the reader reads: ← in Arabic.

    Why: arrows are not mirrored by the bidirectional algorithm, so "A → B" laid out right to left shows B on
    the left and an arrow pointing back at A, reading as the opposite move."""
    return "\u2190" if translation.get_language_bidi() else "\u2192"


@register.filter
def phrase(stored) -> str:
    """A stored text (code and parameters, core.phrases) in the reader's language; a plain text as stored."""
    return _render_phrase(stored)


@register.simple_tag
def date_pattern() -> str:
    """The active language's date pattern for a hand-written date field's placeholder (dd/mm/yyyy)."""
    return _date_pattern()


@register.filter
def date_input(value) -> str:
    """A date as the active language's date field writes and reads it (06/11/2025 in Vietnamese)."""
    if not value:
        return ""
    return formats.localize_input(value, formats.get_format("DATE_INPUT_FORMATS")[0])

_OBJECT_URLS = {("members", "member"): "members:detail", ("orgs", "organization"): "orgs:detail"}


@register.filter
def object_url(record) -> str:
    """Link to the page of the object an audit record is about (members and organizations)."""
    ct = record.content_type
    if ct is None or not record.object_id or not record.object_id.isdigit():
        return ""
    name = _OBJECT_URLS.get((ct.app_label, ct.model))
    if not name:
        return ""
    try:
        return reverse(name, kwargs={"pk": int(record.object_id)})
    except NoReverseMatch:
        return ""


def _show(value) -> str:
    if value is None or value == "":
        return "\u2014"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# Keys of audit records that are not a model's field (exports, logins, bulk loads), in the reader's language.
_DETAIL_LABELS = {
    "filters": _("filters"),
    "rows": _("rows"),
    "format": _("format"),
    "count": _("count"),
}


def _field_of(model, name: str):
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id"), name.removesuffix("__in")):
        try:
            return model._meta.get_field(candidate)
        except Exception:  # noqa: BLE001 - a field that no longer exists keeps its stored name
            continue
    return None


def _shower(field, reference_names: dict | None = None):
    """How a stored value of ``field`` reads: choice labels, dates and times in the reader's format, yes/no; the id
    of a related object (a member, an organization) as its name where the page looked it up (``reference_names``)."""
    choices = {str(k): v for k, v in (getattr(field, "flatchoices", None) or ())} if field is not None else {}
    kind = field.get_internal_type() if field is not None else ""
    related = getattr(field, "related_model", None) if getattr(field, "many_to_one", False) else None

    def show(v):
        if isinstance(v, list):
            return mark_safe(", ".join(conditional_escape(show(item)) for item in v)) if v else "\u2014"
        if related is not None and reference_names and isinstance(v, int) and (related, v) in reference_names:
            return isolate(reference_names[(related, v)])
        if isinstance(v, str) and v in choices:
            return str(choices[v])  # a label in the reader's language, no isolation needed
        if kind == "DateField" and isinstance(v, str):
            return l10n.day(v)
        if kind == "DateTimeField" and isinstance(v, str):
            return l10n.moment(v)
        shown = _show(v)
        return shown if shown == "\u2014" else isolate(shown)  # a code, number or name kept whole in RTL text

    return show


def _filter_shown(model, key: str, value) -> tuple[str, str]:
    """An export's filter as its label and value in the reader's language (the export's filterset names it)."""
    from core.object_views import EXPORT_FILTERSETS

    filterset = EXPORT_FILTERSETS.get(model)
    declared = filterset.base_filters.get(key) if filterset is not None else None
    if declared is None:
        field = _field_of(model, key)
        return _label(model, key, field), _shower(field)(value)
    field = _field_of(model, declared.field_name or key)
    if field is None and "Date" in type(declared).__name__ and isinstance(value, str):
        return str(declared.label or key), l10n.day(value)
    return str(declared.label or _label(model, key, field)), _shower(field)(value)


def _with_model_values(model, name: str, show):
    def shown(v):
        own = model.audit_value(name, v)
        return show(v) if own is None else own
    return shown


def _label(model, name: str, field) -> str:
    if field is not None:
        related = getattr(field, "related_model", None)
        if related is not None and str(field.verbose_name) == field.name.replace("_", " "):
            return str(related._meta.verbose_name)  # a relation named without a label: the related model's name
        return str(field.verbose_name)
    return str(_DETAIL_LABELS.get(name, name))


def _rendered(value, stored):
    """``value`` with each side replaced by its stored text rendered in the reader's language, where there is one."""
    if isinstance(value, list) and len(value) == 2 and isinstance(stored, list) and len(stored) == 2:
        return [_render_phrase(s) if is_stored_text(s) else v for v, s in zip(value, stored, strict=True)]
    return _render_phrase(stored) if is_stored_text(stored) else value


@register.filter
def audit_changes(record) -> list[dict]:
    """Rows of (field label, before, after) from ``changes``; other shapes (exports) as name/value rows.

    Field names read as the model's ``verbose_name``, stored codes ("official") as their choice labels, dates and
    times in the reader's format; an export's filters are spelled out the same way."""
    changes = record.changes or {}
    model = record.content_type.model_class() if record.content_type_id else None
    # A text written by code is kept twice: ``note`` (the writer's language) and ``note_text`` (code + parameters,
    # core.phrases); the trail shows the field once, rendered in the reader's language.
    stored = {name.removesuffix("_text"): value for name, value in changes.items()
              if name.endswith("_text") and name.removesuffix("_text") in changes}
    rows = []
    for name, value in changes.items():
        if name.endswith("_text") and name.removesuffix("_text") in stored or name == "object_text":
            continue  # shown with its field, or as the record's object (an export's name)
        if name in stored:
            value = _rendered(value, stored[name])
        field = _field_of(model, name)
        if field is not None and getattr(field, "primary_key", False) and field.get_internal_type().endswith(
                "AutoField"):
            continue  # the record's own id: the object column already names it
        show = _shower(field, getattr(record, "reference_names", None))
        if hasattr(model, "audit_value"):  # a model that knows how its codes read (a job's kind)
            show = _with_model_values(model, name, show)
        label = _label(model, name, field)
        if name == "filters" and isinstance(value, dict):
            parts = [format_html("{}: {}", *_filter_shown(model, key, v)) for key, v in value.items()]
            rows.append({"field": label, "value": mark_safe("; ".join(parts)) if parts else "\u2014", "pair": False})
        elif isinstance(value, list) and len(value) == 2:
            rows.append({"field": label, "before": show(value[0]), "after": show(value[1]), "pair": True})
        else:
            rows.append({"field": label, "value": show(value), "pair": False})
    return rows


@register.filter
def status_class(status: str) -> str:
    return {"official": "badge-ok", "probationary": "badge-info"}.get(status, "badge-muted")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
