"""The audit trail page: filterable, keyset paginated newest first."""

from __future__ import annotations

from audit.filtersets import AuditRecordFilterSet
from audit.models import OBJECT_TEXT, AuditRecord
from core.object_views import ObjectListView
from core.phrases import is_stored_text, render
from core.registry import audit_types


def shown_in_readers_language(records) -> None:
    """Give each record ``shown_repr``: for objects named by words and dates (``audit_repr_is_text``: history rows,
    reorganizations, jobs), the live row's ``audit_text()`` in the reader's language; else the stored name.

    One query per such object type on the page (not per record); a row deleted since keeps its stored text.
    """
    wanted: dict[int, set[str]] = {}
    for record in records:
        record.shown_repr = record.object_repr
        stored = record.changes.get(OBJECT_TEXT) if isinstance(record.changes, dict) else None
        if is_stored_text(stored):  # an export's name, kept as a code: in the reader's language
            record.shown_repr = render(stored)
            continue
        model = record.content_type.model_class() if record.content_type_id else None
        if model is not None and getattr(model, "audit_repr_is_text", False) and record.object_id.isdigit():
            wanted.setdefault(record.content_type_id, set()).add(record.object_id)
    for type_id, ids in wanted.items():
        model = next(r.content_type for r in records if r.content_type_id == type_id).model_class()
        related = getattr(model, "audit_select_related", ())  # what audit_text() names, in the same query
        live = model._base_manager.select_related(*related).in_bulk([int(i) for i in ids])
        for record in records:
            if record.content_type_id == type_id and record.object_id.isdigit():
                obj = live.get(int(record.object_id))
                if obj is not None:
                    record.shown_repr = obj.audit_text() if hasattr(obj, "audit_text") else str(obj)


def name_references(records) -> None:
    """Give each record ``reference_names``: the ids of related objects in its changes (the member of a history row,
    an organization) mapped to their names, so the trail shows no internal id.

    One query per related model on the page (not per record); an object deleted since keeps showing its id.
    """
    wanted: dict[type, set[int]] = {}
    for record in records:
        model = record.content_type.model_class() if record.content_type_id else None
        if model is None or not isinstance(record.changes, dict):
            continue
        for name, value in record.changes.items():
            try:
                field = model._meta.get_field(name.removesuffix("_id"))
            except Exception:  # noqa: BLE001 - a field that no longer exists keeps its stored value
                continue
            if not getattr(field, "many_to_one", False) or field.related_model is None:
                continue
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, int) and not isinstance(v, bool):
                    wanted.setdefault(field.related_model, set()).add(v)
    names: dict = {}
    for related, ids in wanted.items():
        for pk, obj in related._base_manager.in_bulk(sorted(ids)).items():
            names[(related, pk)] = obj.audit_text() if hasattr(obj, "audit_text") else str(obj)
    for record in records:
        record.reference_names = names


def object_type_choices() -> list[tuple[str, str]]:
    """Object types offered in the filter (value "app_label.model"): every audited model of every installed app,
    from the registry; others can still be typed in the URL."""
    return audit_types()


class AuditListView(ObjectListView):
    model = AuditRecord
    select_related = ("content_type",)
    template_name = "audit/list.html"
    partial_template_name = "audit/_table.html"
    context_object_name = "records"
    filterset_class = AuditRecordFilterSet
    sorts = {"": ["-id"]}

    def get_extra_context(self, listing) -> dict:
        shown_in_readers_language(listing.items)
        name_references(listing.items)
        one_object = ""
        if self.request.GET.get("object_id") and listing.items:  # a link from an object's page: name the object
            first = listing.items[0]
            one_object = first.shown_repr or first.object_repr
        return {"object_types": object_type_choices(), "selected_type": self.request.GET.get("object_type", ""),
                "one_object": one_object}
