"""Forms of the rules page: a new version from a date, or a recorded correction of one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import LocalDateInput
from core.rules import RegulationKind, RuleDefinition, RuleKind

DateInput = LocalDateInput  # dates are typed in the page's language


VALUE_HELP = {
    RuleKind.INT: _("A whole number."),
    RuleKind.DECIMAL: _("A number, e.g. 3.5."),
    RuleKind.INT_LIST: _("Whole numbers separated by commas, e.g. 30, 40, 45."),
    RuleKind.STR_LIST: _("Texts separated by commas."),
}
REGULATION_KINDS = [("", _("none (installation default)")), *RegulationKind.choices]


def _value_field(definition: RuleDefinition, required: bool) -> forms.Field:
    if definition.kind == RuleKind.BOOL:
        choices = [("", "—")] if not required else []
        return forms.TypedChoiceField(label=_("Value"), required=required, coerce=str,
                                      choices=[*choices, ("yes", _("yes")), ("no", _("no"))])
    return forms.CharField(label=_("Value"), required=required, max_length=2000,
                           help_text=VALUE_HELP.get(definition.kind, ""))


class RuleVersionForm(forms.Form):
    """The value is checked by the service against the rule's type (one place for the page and the API)."""

    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput,
                                 help_text=_("Acts dated from this day apply the new value; earlier acts keep theirs."))
    regulation_kind = forms.ChoiceField(label=_("Kind of text"), choices=REGULATION_KINDS, required=False)
    regulation = forms.CharField(label=_("Regulation number"), max_length=64, required=False,
                                 help_text=_("As written, e.g. 294-QĐ/TW."))
    regulation_date = forms.DateField(label=_("Date of the regulation"), widget=DateInput, required=False)
    provision = forms.CharField(label=_("Article or point"), max_length=64, required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    field_order = ["value", "valid_from", "regulation_kind", "regulation", "regulation_date", "provision", "note"]

    def __init__(self, *args: Any, definition: RuleDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.fields["value"] = _value_field(definition, required=True)
        self.order_fields(self.field_order)


class RuleCorrectionForm(forms.Form):
    corrects = forms.TypedChoiceField(label=_("Version to correct"), coerce=int, choices=[])
    reason = forms.CharField(label=_("Reason for the correction"), max_length=255)
    withdraw = forms.BooleanField(label=_("Withdraw the version (it was entered by mistake)"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput, required=False,
                                 help_text=_("Leave a field empty to keep what the version says."))
    regulation_kind = forms.ChoiceField(label=_("Kind of text"), choices=[("", "—"), *RegulationKind.choices],
                                        required=False)
    regulation = forms.CharField(label=_("Regulation number"), max_length=64, required=False)
    regulation_date = forms.DateField(label=_("Date of the regulation"), widget=DateInput, required=False)

    field_order = ["corrects", "reason", "withdraw", "value", "valid_from", "regulation_kind", "regulation",
                   "regulation_date"]

    def __init__(self, *args: Any, definition: RuleDefinition, versions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, prefix="correction", **kwargs)
        self.definition = definition
        self.fields["value"] = _value_field(definition, required=False)
        self.fields["corrects"].choices = [(v.pk, v.label) for v in versions]
        self.order_fields(self.field_order)


def value_from_form(definition: RuleDefinition, raw: Any) -> Any:
    """The form's text as the service expects it (yes/no for a yes-or-no rule)."""
    if definition.kind == RuleKind.BOOL and raw in ("yes", "no"):
        return raw == "yes"
    return raw
