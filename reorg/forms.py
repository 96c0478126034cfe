"""The guided forms: one per operation, each turning its fields into a plan for ``reorg.services``.

Organizations are chosen with the organization picker (``core.pickers``: part of the name or the code, or the
tree), each scoped to the right the service checks for it ("change" for what is reorganized, "add" for where
things go); the plan carries their ids, as the API's does, and the service checks each again.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import FormDateField
from core.pickers import MemberChoiceField, OrganizationChoiceField, PickerFormMixin
from orgs.choices import OrgType
from orgs.forms import DateInput
from reorg.choices import ReorgKind, SplitRule

TYPE_CHOICES = [(k, v) for k, v in OrgType.choices if k != OrgType.CENTRAL]
MAX_PARTS = 4
MAX_PART_ROWS = 20
TERM_HELP = _("For example 2025-2030.")


def org_field(action: str, label, *, multiple: bool = False, **kwargs) -> OrganizationChoiceField:
    """An organization (or several) where the user may do ``action`` on organizations."""
    if multiple:
        kwargs.setdefault("help_text", _("Several: choose them one after the other, or type their codes separated "
                                         "by commas."))
    return OrganizationChoiceField(label=label, action=action, multiple=multiple, **kwargs)


def _pk(org) -> int | None:
    return org.pk if org is not None else None


class DecisionForm(PickerFormMixin, forms.Form):
    decision = forms.CharField(label=_("Deciding document"), max_length=64, help_text=_("For example 242-QD/TW."))
    decision_date = FormDateField(label=_("Date of the deciding document"), required=False, widget=DateInput)
    effective_on = FormDateField(label=_("Effective on"), widget=DateInput,
                                   help_text=_("A later date schedules the change; an earlier one records it late."))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    kind: str = ""

    def to_plan(self) -> dict:  # pragma: no cover - each form defines it
        raise NotImplementedError


class EstablishForm(DecisionForm):
    kind = ReorgKind.ESTABLISH
    parent = org_field("add", _("Under the organization"))
    name = forms.CharField(label=_("Name"), max_length=255)
    code = forms.CharField(label=_("Code"), max_length=32)
    org_type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES)
    term = forms.CharField(label=_("Term"), max_length=9, required=False, help_text=TERM_HELP)
    field_order = ["parent", "name", "code", "org_type", "term"]

    def to_plan(self) -> dict:
        d = self.cleaned_data
        return {"parent": _pk(d["parent"]), "name": d["name"], "code": d["code"], "org_type": d["org_type"],
                "term": d["term"]}


class MergeForm(DecisionForm):
    kind = ReorgKind.MERGE
    sources = org_field("change", _("Organizations to merge"), multiple=True)
    target = org_field("add", _("Into the existing organization"), required=False,
                       help_text=_("Leave empty to establish a new organization."))
    new_parent = org_field("add", _("New organization: under"), required=False)
    new_name = forms.CharField(label=_("New organization: name"), max_length=255, required=False)
    new_code = forms.CharField(label=_("New organization: code"), max_length=32, required=False)
    new_type = forms.ChoiceField(label=_("New organization: type"), choices=[("", "—"), *TYPE_CHOICES],
                                 required=False)
    new_term = forms.CharField(label=_("New organization: term"), max_length=9, required=False, help_text=TERM_HELP)
    field_order = ["sources", "target", "new_parent", "new_name", "new_code", "new_type", "new_term"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("target") and not (data.get("new_parent") and data.get("new_name") and data.get("new_code")
                                           and data.get("new_type")):
            raise forms.ValidationError(_("Choose an existing organization to merge into, or describe the new one."))
        return data

    def to_plan(self) -> dict:
        d = self.cleaned_data
        sources = [o.pk for o in d["sources"]]
        if d.get("target"):
            return {"sources": sources, "target": d["target"].pk}
        return {"sources": sources, "new": {"parent": _pk(d["new_parent"]), "name": d["new_name"],
                                            "code": d["new_code"], "org_type": d["new_type"],
                                            "term": d["new_term"]}}


class SplitPartForm(PickerFormMixin, forms.Form):
    """One successor of a split: an existing organization, or a new one; what it receives."""

    target = org_field("add", _("Existing organization"), required=False)
    code = forms.CharField(label=_("New: code"), max_length=32, required=False)
    name = forms.CharField(label=_("New: name"), max_length=255, required=False)
    org_type = forms.ChoiceField(label=_("New: type"), choices=[("", "—"), *TYPE_CHOICES], required=False)
    term = forms.CharField(label=_("New: term"), max_length=9, required=False, help_text=TERM_HELP)
    children = org_field("change", _("Sub-organizations it receives"), multiple=True, required=False)
    members = MemberChoiceField(label=_("Members it receives"), action="change", required=False,
                                help_text=_("Type part of a name, a party card number or a citizen ID."))

    def __init__(self, *args, source_id: str = "id_source", **kwargs):
        super().__init__(*args, **kwargs)
        # Suggestions for members come from the organization being split.
        self.fields["members"].widget.attrs["data-picker-under-field"] = source_id

    def is_empty(self) -> bool:
        return not any(self.data.get(self.add_prefix(f)) for f in ("target", "code", "name", "children", "members"))

    def part(self) -> dict:
        d = self.cleaned_data
        part: dict = {"children": [o.pk for o in d["children"]], "members": [m.pk for m in d["members"]]}
        if d.get("target"):
            part["target"] = d["target"].pk
        else:
            part["new"] = {"code": d["code"].strip(), "name": d["name"].strip(), "org_type": d["org_type"],
                           "term": d["term"].strip()}
        return part


class SplitForm(DecisionForm):
    """The successors come as sub-forms ``part0-*``, ``part1-*``, ... (one per successor)."""

    kind = ReorgKind.SPLIT
    source = org_field("change", _("Organization to split"))
    rule = forms.ChoiceField(label=_("Those not listed"), choices=SplitRule.choices, initial=SplitRule.LIST)
    parent = org_field("add", _("New organizations stand under"), required=False,
                       help_text=_("Leave empty: under the parent of the organization split."))
    field_order = ["source", "rule", "parent"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        rows = MAX_PARTS
        if data is not None:
            used = [i for i in range(MAX_PART_ROWS) if any(k.startswith(f"part{i}-") for k in data)]
            rows = max(MAX_PARTS, (max(used) + 1) if used else 0)
        self.part_forms = [SplitPartForm(data, prefix=f"part{i}", user=self.user) for i in range(rows)]

    def clean(self):
        data = super().clean()
        parts = []
        for n, part_form in enumerate(self.part_forms, start=1):
            if part_form.is_empty():
                continue
            if not part_form.is_valid():
                for errors in part_form.errors.values():
                    for error in errors:
                        self.add_error(None, _("Successor %(n)d: %(error)s") % {"n": n, "error": error})
                continue
            parts.append(part_form.part())
        if not self.errors and len(parts) < 2:
            raise forms.ValidationError(_("A split needs at least two successor organizations."))
        data["parts"] = parts
        return data

    def to_plan(self) -> dict:
        d = self.cleaned_data
        plan = {"source": d["source"].pk, "rule": d["rule"], "parts": d["parts"]}
        if d.get("parent"):
            plan["parent"] = d["parent"].pk
        return plan


class TransferForm(DecisionForm):
    kind = ReorgKind.TRANSFER
    organizations = org_field("change", _("Organizations to transfer"), multiple=True)
    to = org_field("add", _("New parent organization"))
    field_order = ["organizations", "to"]

    def to_plan(self) -> dict:
        return {"organizations": [o.pk for o in self.cleaned_data["organizations"]], "to": self.cleaned_data["to"].pk}


class DissolveForm(DecisionForm):
    kind = ReorgKind.DISSOLVE
    organization = org_field("change", _("Organization to dissolve"))
    move_to = org_field("add", _("Move its contents to"), required=False,
                        help_text=_("Leave empty only if nothing is left in it."))
    field_order = ["organization", "move_to"]

    def to_plan(self) -> dict:
        plan = {"organization": self.cleaned_data["organization"].pk}
        if self.cleaned_data.get("move_to"):
            plan["move_to"] = self.cleaned_data["move_to"].pk
        return plan


class ChangeForm(DecisionForm):
    kind = ReorgKind.CHANGE
    organization = org_field("change", _("Organization"))
    name = forms.CharField(label=_("New name"), max_length=255, required=False)
    code = forms.CharField(label=_("New code"), max_length=32, required=False)
    org_type = forms.ChoiceField(label=_("New type"), choices=[("", "—"), *TYPE_CHOICES], required=False)
    field_order = ["organization", "name", "code", "org_type"]

    def to_plan(self) -> dict:
        d = self.cleaned_data
        plan = {"organization": d["organization"].pk}
        plan.update({k: d[k] for k in ("name", "code", "org_type") if d.get(k)})
        return plan


FORMS: dict[str, type[DecisionForm]] = {
    ReorgKind.ESTABLISH: EstablishForm, ReorgKind.MERGE: MergeForm, ReorgKind.SPLIT: SplitForm,
    ReorgKind.TRANSFER: TransferForm, ReorgKind.DISSOLVE: DissolveForm, ReorgKind.CHANGE: ChangeForm,
}

# Which field a link from an organization page pre-fills (``?organization=<code>``).
PREFILL = {ReorgKind.ESTABLISH: "parent", ReorgKind.MERGE: "sources", ReorgKind.SPLIT: "source",
           ReorgKind.TRANSFER: "organizations", ReorgKind.DISSOLVE: "organization", ReorgKind.CHANGE: "organization"}


class AsOfForm(PickerFormMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Organization"), active_only=False)
    on = FormDateField(label=_("As of date"), widget=DateInput)
