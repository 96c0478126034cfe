"""Pickers: one way to choose an organization (or a member) in every form, instead of typing internal ids.

A picker is a text input that works without JavaScript: the user types an organization's code or its exact name
(diacritics optional), and the field resolves it through the user's scope for the form's business event
(``scope_model`` + ``action``, the same right the service will check). With ``static/js/picker.js`` the input
becomes an ARIA combobox that asks :class:`OrganizationPickView` (``/pick/organizations/``) for suggestions and lets
the user browse the tree. What is submitted is the organization's code, never its id; an organization outside the
scope is "not found among your organizations", exactly like one that does not exist.

Core knows the organization model only through the registry; it relies on the fields every tree model has here:
``code``, ``name``, ``name_key`` (``core.text.search_key`` of the name), ``path``, ``parent``, ``org_type`` and
``dissolved_on``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from core import l10n
from core.registry import member_model, organization_model
from core.scope import grants_q, path_in_scope, scope_top_paths
from core.search import fuzzy_words_q, query_words, spaced_words_q
from core.text import search_key
from core.tree import prefix_q

PICK_LIMIT = 20
MAX_CHOSEN = 500
MAX_QUERY = 100
NOT_FOUND = _("No organization with this code or name among those you work on.")
AMBIGUOUS = _("Several of your organizations have this name: choose one from the list or type its code.")
MEMBER_NOT_FOUND = _("No member with this party card number or citizen ID among those you work on.")


# --- reading ------------------------------------------------------------------------------------------------------
def _text(value: Any, limit: int = MAX_QUERY) -> str:
    """What was typed, as text a database accepts (PostgreSQL refuses NUL characters), at most ``limit`` long."""
    return str(value if value is not None else "").replace("\x00", "").strip()[:limit]


def _model(label: str | type[Model] | None) -> type[Model]:
    if label is None:
        return organization_model()
    return apps.get_model(label) if isinstance(label, str) else label


def organization_scope(user: Any, scope_model: str | type[Model] | None = None, action: str = "view", *,
                       types: Iterable[str] = (), active_only: bool = False, within: Model | None = None) -> QuerySet:
    """Organizations ``user`` sees and where they may do ``action`` on ``scope_model`` (default: the tree itself).

    The right is the one of the business event: a clerk issues transfer letters from the cells where they may
    change members (``members.Member``, ``"change"``) without any right to change the organization itself.
    """
    qs = organization_model().objects.restrict(user, "view")
    q = grants_q(user, _model(scope_model), action, ("path",))
    if q is not None:
        qs = qs.filter(q)
    types = list(types)
    if types:
        qs = qs.filter(org_type__in=types)
    if active_only:
        qs = qs.filter(dissolved_on__isnull=True)
    if within is not None:
        qs = qs.filter(prefix_q("path", within.path))
    return qs


def organization_prefix_q(text: str) -> Q:
    """Code or name starts with ``text`` (the name without diacritics): answered from the two indexes."""
    text = (text or "").strip()[:MAX_QUERY]
    key = search_key(text)
    q = prefix_q("code", text) | prefix_q("code", text.upper())
    return q | prefix_q("name_key", key) if key else q


def organization_search(qs: QuerySet, text: str, limit: int = PICK_LIMIT) -> list[Model]:
    """Up to ``limit`` organizations of ``qs``: first those whose code or name starts with ``text`` (diacritics-free),
    then those whose name has every word of ``text`` in any order (``core.search``, the tree's search too), and,
    when nothing matched, one typo tolerated (PostgreSQL).

    The first query is answered from the ``code`` and ``name_key`` indexes, the others from the name's trigram index
    on PostgreSQL (on SQLite by reading the scope's rows). At most three queries, whatever is found.
    """
    text = _text(text)
    if not text:
        return []
    found = list(qs.filter(organization_prefix_q(text)).order_by("name_key", "id")[:limit])
    words = query_words(text)
    if words and len(found) < limit:
        found += list(qs.filter(spaced_words_q("name_key", words)).exclude(pk__in=[o.pk for o in found])
                      .order_by("name_key", "id")[:limit - len(found)])
    if words and not found:
        loose = fuzzy_words_q("name_key", words)
        if loose is not None:
            found = list(qs.filter(loose).order_by("name_key", "id")[:limit])
    return found


def resolve_organization(qs: QuerySet, value: str) -> Model:
    """The organization of ``qs`` typed as ``value``: its code, else its exact name (diacritics optional)."""
    value = (value or "").strip()
    org = qs.filter(code=value).first() if value else None
    if org is None and value:
        org = qs.filter(code=value.upper()).first()
    if org is None and search_key(value):
        named = list(qs.filter(name_key=search_key(value)).order_by("id")[:2])
        if len(named) > 1:
            raise forms.ValidationError(AMBIGUOUS, code="ambiguous")
        org = named[0] if named else None
    if org is None:
        raise forms.ValidationError(NOT_FOUND, code="not_found")
    return org


# --- form fields ----------------------------------------------------------------------------------------------------
class PickerInput(forms.TextInput):
    """The text input of a picker; ``picker.js`` turns it into a combobox (``data-picker-url``)."""

    template_name = "core/widgets/picker.html"

    def __init__(self, attrs: dict | None = None, *, multiple: bool = False) -> None:
        self.multiple = multiple
        self.url_name = "pick-organizations"
        self.params: dict[str, str] = {}
        self.describe = None  # the field's describe(tokens): [{"token", "found", "label"}] of the chosen items
        super().__init__(attrs)

    def format_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        if isinstance(value, Model):
            return getattr(value, "code", None) or str(value.pk)
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        if not self.multiple:
            return data.get(name)
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if values is None:
            return None
        if not isinstance(values, (list, tuple)):
            values = [values]
        return [part.strip() for v in values for part in str(v).split(",") if part.strip()]

    def get_context(self, name, value, attrs):
        chosen, typed = [], value
        if self.multiple and self.describe is not None:
            tokens = value if isinstance(value, (list, tuple)) else [
                t.strip() for t in str(value or "").split(",") if t.strip()]
            described = self.describe(tokens)
            chosen = [d for d in described if d["found"]]
            # What the user typed comes back to be corrected; a suggestion's token that no longer resolves
            # (``m<id>``, never typed) is not shown: the field's error says it was not found.
            typed = ", ".join(d["token"] for d in described if not d["found"] and not _is_member_token(d["token"]))
        elif not self.multiple and self.describe is not None and value not in (None, ""):
            found = self.describe([self.format_value(value)])
            chosen = [d for d in found if d["found"]]
            if chosen and _is_member_token(str(value)):
                # A form shown again keeps the chosen member as what a user could have typed (card number or
                # citizen ID), never the suggestion's internal token.
                value = chosen[0].get("typed") or ""
        context = super().get_context(name, typed if self.multiple else value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.update({"autocomplete": "off", "spellcheck": "false", "data-picker-url": reverse(self.url_name),
                             "data-picker-multiple": "1" if self.multiple else "0",
                             "data-picker-params": urlencode({k: v for k, v in self.params.items() if v})})
        widget_attrs["class"] = (widget_attrs.get("class", "") + " picker-input").strip()
        context["widget"].update({"multiple": self.multiple, "chosen": chosen})
        return context


class _ScopedPickerField(forms.Field):
    """A field that needs the acting user (set by :class:`PickerFormMixin` or by hand: ``field.user = user``)."""

    user: Any = None

    def bind_user(self, user: Any) -> None:
        self.user = user

    def __deepcopy__(self, memo):
        # The widget asks its own field to describe the chosen items; each form's copy gets its own.
        describe, self.widget.describe = self.widget.describe, None
        try:
            result = super().__deepcopy__(memo)
        finally:
            self.widget.describe = describe
        result.widget.describe = result.describe
        return result


class OrganizationChoiceField(_ScopedPickerField):
    """One organization, typed by its code or exact name, resolved through the user's scope for ``action``.

    ``scope_model`` names the model whose right counts (``"members.Member"`` for member work); default the tree.
    ``types`` limits the organizations to some types (party cells), ``active_only`` leaves dissolved ones out.
    """

    widget = PickerInput

    def __init__(self, *, scope_model: str | None = None, action: str = "view", types: Iterable[str] = (),
                 active_only: bool = True, multiple: bool = False, **kwargs: Any) -> None:
        self.scope_model, self.action = scope_model, action
        self.types, self.active_only, self.multiple = tuple(types), active_only, multiple
        self.within = None
        kwargs.setdefault("widget", PickerInput(multiple=multiple))
        super().__init__(**kwargs)
        self.widget.multiple = multiple
        self.widget.params = {"scope": (scope_model or "").lower(), "action": action,
                              "types": ",".join(self.types), "active": "1" if active_only else ""}
        self.widget.describe = self.describe


    def set_within(self, org: Model | None) -> None:
        """Only organizations in ``org``'s subtree (the receiving side of a letter, the members of a source)."""
        self.within = org
        self.widget.params = {**self.widget.params, "within": org.code if org is not None else ""}

    def queryset(self) -> QuerySet:
        return organization_scope(self.user, self.scope_model, self.action, types=self.types,
                                  active_only=self.active_only, within=self.within)

    def describe(self, tokens: list[str]) -> list[dict]:
        """The chosen items as the widget shows them (name — code), one query for all."""
        tokens = [t for t in tokens if t and len(t) <= MAX_QUERY]
        if not tokens or self.user is None:
            return [{"token": t, "found": False} for t in tokens]
        # A NUL typed into a filter comes back in the page's value; PostgreSQL refuses it in a query (a 500).
        by_code = {o.code: o for o in self.queryset().filter(code__in=[t for t in tokens if "\x00" not in t])}
        return [{"token": t, "found": t in by_code, "label": _label(by_code[t]) if t in by_code else t}
                for t in tokens]

    def _refuse_wrong_kind(self, value: str, exc: forms.ValidationError) -> None:
        """Found in the user's scope but of a kind this form does not take (a committee typed for a cell), or
        dissolved: say so, rather than "not found" for an organization the user does work on."""
        if getattr(exc, "code", None) != "not_found" or not (self.types or self.active_only):
            return
        wider = organization_scope(self.user, self.scope_model, self.action, types=(), active_only=False,
                                   within=self.within)
        try:
            org = resolve_organization(wider, value)
        except forms.ValidationError:
            return
        if getattr(org, "dissolved_on", None) is not None:
            raise forms.ValidationError(
                _("%(name)s was dissolved on %(date)s and can no longer be chosen.")
                % {"name": org.name, "date": l10n.day(org.dissolved_on)},
                code="dissolved")
        raise forms.ValidationError(
            _("%(name)s is a %(type)s; it cannot be chosen here.")
            % {"name": org.name, "type": org.get_org_type_display().lower()}, code="wrong_kind")

    def to_python(self, value: Any) -> Any:
        if self.multiple:
            if value in (None, ""):
                return []
            values = value if isinstance(value, (list, tuple)) else [value]
            return [_text(part, MAX_QUERY * 3) for v in values for part in str(v).split(",") if _text(part)]
        return "" if value in (None, "") else _text(value, MAX_QUERY * 3)

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def clean(self, value: Any) -> Any:
        value = self.to_python(value)
        self.validate(value)
        if not value:
            return [] if self.multiple else None
        qs = self.queryset()
        if not self.multiple:
            try:
                return resolve_organization(qs, value)
            except forms.ValidationError as exc:
                self._refuse_wrong_kind(value, exc)
                raise
        tokens = list(dict.fromkeys(value))
        if len(tokens) > MAX_CHOSEN:
            raise forms.ValidationError(_("Choose at most %(n)d organizations at once.") % {"n": MAX_CHOSEN},
                                        code="too_many")
        by_code = {o.code: o for o in qs.filter(code__in=tokens)}  # one query for what the picker submits
        found, missing = [], []
        for token in tokens:
            try:  # a name or a lower-case code typed by hand: looked up alone
                found.append(by_code[token] if token in by_code else resolve_organization(qs, token))
            except forms.ValidationError:
                missing.append(token)
        if missing:
            raise forms.ValidationError(_("Not found among the organizations you work on: %(codes)s.")
                                        % {"codes": ", ".join(missing)}, code="not_found")
        return list(dict.fromkeys(found))


def _is_member_token(token: str) -> bool:
    """A member suggestion's opaque token (``m<id>``): submitted from a hidden input, only resolved through the
    scope, never shown."""
    return token[:1] == "m" and token[1:].isdigit()


class MemberChoiceField(_ScopedPickerField):
    """Members, chosen from suggestions (their party card number or citizen ID, never an internal id shown).

    Suggestions submit an opaque ``m<id>`` token that is only ever resolved through the user's scope; typed by
    hand, a party card number or a citizen ID works too. ``multiple`` gives a list.
    """

    widget = PickerInput

    def __init__(self, *, scope_model: str | None = None, action: str = "view", multiple: bool = True,
                 **kwargs: Any) -> None:
        self.scope_model, self.action, self.multiple = scope_model, action, multiple
        kwargs.setdefault("widget", PickerInput(multiple=multiple))
        super().__init__(**kwargs)
        self.widget.multiple = multiple
        self.widget.url_name = "pick-members"
        self.widget.params = {"action": action}
        self.widget.describe = self.describe


    def queryset(self) -> QuerySet:
        model = apps.get_model(self.scope_model) if self.scope_model else member_model()
        return model.objects.restrict(self.user, self.action)

    def _lookup(self, tokens: list[str]) -> dict[str, Any]:
        ids = {int(t[1:]): t for t in tokens if _is_member_token(t) and len(t) < 17}
        numbers = [t for t in tokens if t.isdigit() and len(t) <= 12]
        if self.user is None or not (ids or numbers):
            return {}
        q = Q(pk__in=list(ids)) | Q(party_card_no__in=numbers) | Q(citizen_id__in=numbers)
        found: dict[str, Any] = {}
        for member in self.queryset().filter(q).select_related("organization")[:len(tokens) * 2]:
            for token in (ids.get(member.pk), member.party_card_no, member.citizen_id):
                if token and token in tokens:
                    found[token] = member
        return found

    def describe(self, tokens: list[str]) -> list[dict]:
        tokens = [t for t in tokens if t and len(t) <= MAX_QUERY]
        found = self._lookup(tokens)
        return [{"token": t, "found": t in found, "label": _member_label(found[t]) if t in found else t,
                 "typed": (found[t].party_card_no or found[t].citizen_id or "") if t in found else t}
                for t in tokens]

    def to_python(self, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        values = value if isinstance(value, (list, tuple)) else str(value).split(",")
        return [_text(v) for v in values if _text(v)]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def clean(self, value: Any) -> Any:
        tokens = list(dict.fromkeys(self.to_python(value)))
        self.validate(tokens)
        found = self._lookup(tokens)
        missing = [t for t in tokens if t not in found]
        if missing:
            raise forms.ValidationError(MEMBER_NOT_FOUND, code="not_found")
        members = list(dict.fromkeys(found[t] for t in tokens))
        return members if self.multiple else (members[0] if members else None)


class PickerFormMixin:
    """Gives every picker field of the form the acting user: ``Form(data, user=request.user)``."""

    takes_user = True

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, _ScopedPickerField):
                field.bind_user(user)


# --- the endpoints --------------------------------------------------------------------------------------------------
def _label(org: Model) -> str:
    return f"{org.name} — {org.code}"


def _member_label(member: Any) -> str:
    card = member.party_card_no or member.citizen_id or ""
    org = getattr(member, "organization", None)
    return " — ".join(p for p in (member.full_name, card, getattr(org, "name", "")) if p)


def _row(user: Any, org: Model, selectable: bool) -> dict:
    parent = org.parent if org.parent_id else None
    shown = parent is not None and path_in_scope(user, type(org), "view", parent.path)
    return {"value": org.code, "name": org.name, "code": org.code, "parent": parent.name if shown else "",
            "type": org.get_org_type_display(), "selectable": selectable,
            "expandable": bool(getattr(org, "has_children", False))}


def _bad(message: Any) -> JsonResponse:
    return JsonResponse({"error": str(message), "results": []}, status=400)


class OrganizationPickView(LoginRequiredMixin, View):
    """Suggestions for an organization picker, scoped like the field: ``q`` searches, ``under`` browses a node's
    children (by code), neither lists the top of the user's scope. Constant number of queries."""

    def get(self, request):
        user, data = request.user, request.GET
        action = _text(data.get("action") or "view", 40)
        scope = _text(data.get("scope"), 80)
        if not action.replace("_", "").isalpha():
            return _bad(_("Unknown action."))
        try:
            model = _model(scope or None)
        except (LookupError, ValueError):
            return _bad(_("Unknown kind of record."))
        types = [t for t in _text(data.get("types"), 200).split(",") if t][:10]
        active = data.get("active") == "1"
        org_model = organization_model()
        within = None
        if _text(data.get("within")):
            within = org_model.objects.restrict(user, "view").filter(code=_text(data.get("within"))).first()
            if within is None:
                return JsonResponse({"results": [], "error": str(NOT_FOUND)}, status=404)
        # Browsing walks the whole visible tree; only the organizations the field accepts are selectable.
        pickable = organization_scope(user, model, action, types=types, active_only=active, within=within)
        base = pickable if _text(data.get("q")) else organization_scope(user, model, action, within=within)
        base = base.select_related("parent").annotate(
            has_children=Exists(org_model.objects.filter(parent=OuterRef("pk"))))
        q, under = _text(data.get("q")), _text(data.get("under"))
        if q:
            orgs = organization_search(base, q)
            return JsonResponse({"results": [_row(user, o, True) for o in orgs]})
        if under:
            node = org_model.objects.restrict(user, "view").filter(code=under).first()
            if node is None:
                return JsonResponse({"results": [], "error": str(NOT_FOUND)}, status=404)
            orgs = list(base.filter(parent=node).order_by("name_key", "id")[:PICK_LIMIT * 10 + 1])
        elif (paths := scope_top_paths(user, model, action)) is None:
            top = base.filter(pk=within.pk) if within is not None else base.filter(parent__isnull=True)
            orgs = list(top.order_by("name_key", "id")[:PICK_LIMIT])
        else:
            if within is not None:  # the subtree's top if it is all the user's, else the user's roots inside it
                covered = any(within.path.startswith(p) for p in paths)
                paths = [within.path] if covered else [p for p in paths if p.startswith(within.path)]
            orgs = list(base.filter(path__in=paths).order_by("name_key", "id")[:PICK_LIMIT])
        more = len(orgs) > PICK_LIMIT * 10
        orgs = orgs[:PICK_LIMIT * 10]
        ok = set(pickable.filter(pk__in=[o.pk for o in orgs]).values_list("pk", flat=True)) if orgs else set()
        return JsonResponse({"results": [_row(user, o, o.pk in ok) for o in orgs], "more": more})


class MemberPickView(LoginRequiredMixin, View):
    """Suggestions for a member picker: the registry's own search (name without diacritics, card or citizen ID),
    scoped by ``action``; ``under`` (an organization's code) keeps the members of one organization."""

    def get(self, request):
        user, data = request.user, request.GET
        action = _text(data.get("action") or "view", 40)
        if not action.replace("_", "").isalpha():
            return _bad(_("Unknown action."))
        q = _text(data.get("q"))
        if not q:
            return JsonResponse({"results": []})
        qs = member_model().objects.restrict(user, action)
        under = _text(data.get("under"))
        if under:
            node = organization_model().objects.restrict(user, "view").filter(code=under).first()
            if node is None:
                return JsonResponse({"results": []})
            qs = qs.filter(organization=node)
        members = list(qs.search(q).select_related("organization").order_by("name_key", "id")[:PICK_LIMIT])
        return JsonResponse({"results": [
            {"value": f"m{m.pk}", "name": m.full_name, "code": m.party_card_no or m.citizen_id or "",
             "parent": m.organization.name, "type": m.get_status_display(), "selectable": True,
             "expandable": False} for m in members]})
