"""The guided forms: one per operation, each turning its fields into a plan for ``reorg.services``.

Organizations are named by their number (shown on every organization page): a choice list of 330,000
organizations would not load; the service checks each number against the user's scope.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import FormDateField
from orgs.choices import OrgType
from orgs.forms import DateInput
from reorg.choices import ReorgKind, SplitRule

TYPE_CHOICES = [(k, v) for k, v in OrgType.choices if k != OrgType.CENTRAL]
MAX_PARTS = 4


def parse_ids(value) -> list[int]:
    if value in (None, ""):
        return []
    values = value if isinstance(value, (list, tuple)) else [value]
    out: list[int] = []
    for item in values:
        for part in str(item).replace(";", ",").replace(" ", ",").split(","):
            part = part.strip()
            if part:
                if not part.isdigit() or len(part) > 15:
                    raise forms.ValidationError(_("Enter organization or member numbers separated by commas."))
                out.append(int(part))
    return out


class IdListInput(forms.TextInput):
    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = [v for v in data.getlist(name) if v]
            return ",".join(values) if values else None
        value = data.get(name)
        return ",".join(str(v) for v in value) if isinstance(value, (list, tuple)) else value


class IdListField(forms.CharField):
    """Numbers separated by commas (or the same field repeated)."""

    widget = IdListInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        return parse_ids(super().to_python(value))


class OrgNumberField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**53)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)


class DecisionForm(forms.Form):
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
    parent = OrgNumberField(label=_("Under organization number"))
    name = forms.CharField(label=_("Name"), max_length=255)
    code = forms.CharField(label=_("Code"), max_length=32)
    org_type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES)
    term = forms.CharField(label=_("Term"), max_length=9, required=False)
    field_order = ["parent", "name", "code", "org_type", "term"]

    def to_plan(self) -> dict:
        d = self.cleaned_data
        return {"parent": d["parent"], "name": d["name"], "code": d["code"], "org_type": d["org_type"],
                "term": d["term"]}


class MergeForm(DecisionForm):
    kind = ReorgKind.MERGE
    sources = IdListField(label=_("Organizations to merge (numbers)"), max_length=2000)
    target = OrgNumberField(label=_("Into the existing organization number"), required=False,
                            help_text=_("Leave empty to establish a new organization."))
    new_parent = OrgNumberField(label=_("New organization: under number"), required=False)
    new_name = forms.CharField(label=_("New organization: name"), max_length=255, required=False)
    new_code = forms.CharField(label=_("New organization: code"), max_length=32, required=False)
    new_type = forms.ChoiceField(label=_("New organization: type"), choices=[("", "—"), *TYPE_CHOICES],
                                 required=False)
    field_order = ["sources", "target", "new_parent", "new_name", "new_code", "new_type"]

    def clean(self):
        data = super().clean()
        if not data.get("target") and not (data.get("new_parent") and data.get("new_name") and data.get("new_code")
                                           and data.get("new_type")):
            raise forms.ValidationError(_("Choose an existing organization to merge into, or describe the new one."))
        return data

    def to_plan(self) -> dict:
        d = self.cleaned_data
        if d.get("target"):
            return {"sources": d["sources"], "target": d["target"]}
        return {"sources": d["sources"], "new": {"parent": d["new_parent"], "name": d["new_name"],
                                                 "code": d["new_code"], "org_type": d["new_type"]}}


class SplitForm(DecisionForm):
    """The successors come as repeated ``part_*`` fields (one row per successor)."""

    kind = ReorgKind.SPLIT
    source = OrgNumberField(label=_("Organization to split (number)"))
    rule = forms.ChoiceField(label=_("Those not listed"), choices=SplitRule.choices, initial=SplitRule.LIST)
    parent = OrgNumberField(label=_("New organizations stand under number"), required=False,
                            help_text=_("Leave empty: under the parent of the organization split."))
    field_order = ["source", "rule", "parent"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.part_rows = self._rows(data)

    @staticmethod
    def _rows(data) -> list[dict]:
        keys = ("part_target", "part_code", "part_name", "part_type", "part_children", "part_members")
        if data is None or not hasattr(data, "getlist"):
            return [dict.fromkeys(keys, "") for _ in range(MAX_PARTS)]
        columns = {k: data.getlist(k) for k in keys}
        n = max([len(v) for v in columns.values()] + [0])
        rows = [{k: (columns[k][i] if i < len(columns[k]) else "") for k in keys} for i in range(min(n, 50))]
        return rows + [dict.fromkeys(keys, "") for _ in range(max(0, MAX_PARTS - len(rows)))]

    def clean(self):
        data = super().clean()
        parts = []
        for row in self.part_rows:
            if not any((row["part_target"], row["part_code"], row["part_name"], row["part_children"],
                        row["part_members"])):
                continue
            try:
                part: dict = {"children": parse_ids(row["part_children"]), "members": parse_ids(row["part_members"])}
                target = parse_ids(row["part_target"])
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.messages)
            if target:
                part["target"] = target[0]
            else:
                part["new"] = {"code": row["part_code"].strip()[:32], "name": row["part_name"].strip()[:255],
                               "org_type": row["part_type"]}
            parts.append(part)
        if len(parts) < 2:
            raise forms.ValidationError(_("A split needs at least two successor organizations."))
        data["parts"] = parts
        return data

    def to_plan(self) -> dict:
        d = self.cleaned_data
        plan = {"source": d["source"], "rule": d["rule"], "parts": d["parts"]}
        if d.get("parent"):
            plan["parent"] = d["parent"]
        return plan


class TransferForm(DecisionForm):
    kind = ReorgKind.TRANSFER
    organizations = IdListField(label=_("Organizations to transfer (numbers)"), max_length=2000)
    to = OrgNumberField(label=_("New parent organization (number)"))
    field_order = ["organizations", "to"]

    def to_plan(self) -> dict:
        return {"organizations": self.cleaned_data["organizations"], "to": self.cleaned_data["to"]}


class DissolveForm(DecisionForm):
    kind = ReorgKind.DISSOLVE
    organization = OrgNumberField(label=_("Organization to dissolve (number)"))
    move_to = OrgNumberField(label=_("Move its contents to number"), required=False,
                             help_text=_("Leave empty only if nothing is left in it."))
    field_order = ["organization", "move_to"]

    def to_plan(self) -> dict:
        plan = {"organization": self.cleaned_data["organization"]}
        if self.cleaned_data.get("move_to"):
            plan["move_to"] = self.cleaned_data["move_to"]
        return plan


class ChangeForm(DecisionForm):
    kind = ReorgKind.CHANGE
    organization = OrgNumberField(label=_("Organization (number)"))
    name = forms.CharField(label=_("New name"), max_length=255, required=False)
    code = forms.CharField(label=_("New code"), max_length=32, required=False)
    org_type = forms.ChoiceField(label=_("New type"), choices=[("", "—"), *TYPE_CHOICES], required=False)
    field_order = ["organization", "name", "code", "org_type"]

    def to_plan(self) -> dict:
        d = self.cleaned_data
        plan = {"organization": d["organization"]}
        plan.update({k: d[k] for k in ("name", "code", "org_type") if d.get(k)})
        return plan


FORMS: dict[str, type[DecisionForm]] = {
    ReorgKind.ESTABLISH: EstablishForm, ReorgKind.MERGE: MergeForm, ReorgKind.SPLIT: SplitForm,
    ReorgKind.TRANSFER: TransferForm, ReorgKind.DISSOLVE: DissolveForm, ReorgKind.CHANGE: ChangeForm,
}

# Which field a link from an organization page pre-fills (``?organization=<pk>``).
PREFILL = {ReorgKind.ESTABLISH: "parent", ReorgKind.MERGE: "sources", ReorgKind.SPLIT: "source",
           ReorgKind.TRANSFER: "organizations", ReorgKind.DISSOLVE: "organization", ReorgKind.CHANGE: "organization"}


class AsOfForm(forms.Form):
    organization = OrgNumberField(label=_("Organization (number)"))
    on = FormDateField(label=_("As of date"), widget=DateInput)
