from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import LocalDateInput
from orgs.choices import ALLOWED_CHILDREN, OrgType

DateInput = LocalDateInput  # dates are typed in the page's language (core.dates), kept under the old name


class DecisionFields(forms.Form):
    effective_on = forms.DateField(label=_("Effective on"), required=False, widget=DateInput,
                                   help_text=_("Leave empty for today."))
    decision = forms.CharField(label=_("Deciding document"), max_length=64, required=False,
                               help_text=_("For example 242-QD/TW."))
    decision_date = forms.DateField(label=_("Date of the deciding document"), required=False, widget=DateInput)


class OrganizationEditForm(DecisionFields):
    name = forms.CharField(label=_("Name"), max_length=255)
    code = forms.CharField(label=_("Code"), max_length=32)
    org_type = forms.ChoiceField(label=_("Type"), choices=OrgType.choices)
    # The current term's label, kept by the committee's terms (cadres.services.open_term): shown, not edited here.
    term = forms.CharField(label=_("Term"), max_length=9, required=False, disabled=True,
                           help_text=_("Set when a term of the committee is opened (the committee page)."))
    establishing_decision = forms.CharField(label=_("Establishing decision"), max_length=64, required=False)
    establishing_decision_date = forms.DateField(label=_("Date of the establishing decision"), required=False,
                                                 widget=DateInput)
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["name", "code", "org_type", "term", "establishing_decision", "establishing_decision_date",
                   "effective_on", "decision", "decision_date"]
    change_fields = ("name", "code", "org_type", "term", "establishing_decision", "establishing_decision_date")
    decided_fields = ("name", "code", "org_type")

    def __init__(self, *args, can_rename: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_rename:
            # Changed by a decision of the committee above: shown, not editable (the service refuses it anyway).
            for name in self.decided_fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Changed by a decision of the committee above.")


class OrganizationCreateForm(DecisionFields):
    name = forms.CharField(label=_("Name"), max_length=255)
    code = forms.CharField(label=_("Code"), max_length=32)
    org_type = forms.ChoiceField(label=_("Type"), choices=OrgType.choices)
    # A new organization has no term until its committee's first term is opened (cadres): shown empty, not typed.
    term = forms.CharField(label=_("Term"), max_length=9, required=False, disabled=True,
                           help_text=_("Set when a term of the committee is opened (the committee page)."))

    field_order = ["name", "code", "org_type", "term", "effective_on", "decision", "decision_date"]

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent is not None:
            allowed = ALLOWED_CHILDREN.get(parent.org_type, set())
            self.fields["org_type"].choices = [(k, v) for k, v in OrgType.choices if k in allowed]


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("As of date"), required=False, widget=DateInput)


class OrgSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
