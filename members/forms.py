from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AllErrorsForm
from core.pickers import OrganizationChoiceField, PickerFormMixin
from members.choices import Gender, MemberStatus
from members.services import check_new_member
from orgs.choices import MEMBER_HOLDING_TYPES
from orgs.forms import DateInput


class MemberForm(forms.Form):
    """The personal record; the services validate the party's rules and return field errors."""

    full_name = forms.CharField(label=_("Full name"), max_length=120)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=40, required=False)
    religion = forms.CharField(label=_("Religion"), max_length=40, required=False)
    home_town = forms.CharField(label=_("Home town"), max_length=120, required=False)
    education = forms.CharField(label=_("Education"), max_length=80, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=120, required=False)
    citizen_id = forms.CharField(label=_("Citizen ID"), max_length=12, required=False,
                                 help_text=_("12 digits."),
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    party_card_no = forms.CharField(label=_("Party card number"), max_length=12, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    admission_date = forms.DateField(label=_("Admission date"), widget=DateInput)
    official_date = forms.DateField(label=_("Official date"), required=False, widget=DateInput,
                                    help_text=_("Empty for a probationary member."))

    personal_fields = ("full_name", "gender", "birth_date", "ethnicity", "religion", "home_town", "education",
                       "occupation", "citizen_id", "party_card_no", "admission_date", "official_date")

    def personal_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.personal_fields}


class MemberEditForm(MemberForm):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class MemberCreateForm(PickerFormMixin, MemberForm, AllErrorsForm):
    organization = OrganizationChoiceField(
        label=_("Party cell"), scope_model="members.Member", action="add", types=tuple(sorted(MEMBER_HOLDING_TYPES)),
        help_text=_("Type part of its name or its code, or browse your organizations."))
    status = forms.ChoiceField(label=_("Status"), choices=[(MemberStatus.PROBATIONARY, MemberStatus.PROBATIONARY.label),
                                                            (MemberStatus.OFFICIAL, MemberStatus.OFFICIAL.label)])
    decision = forms.CharField(label=_("Deciding document"), max_length=64, required=False)

    field_order = ["organization", "status", "full_name", "gender", "birth_date", "admission_date", "official_date",
                   "decision"]

    def domain_checks(self, data: dict) -> None:
        """The registry's checks on what cleaned, also when the organization did not (all errors in one round)."""
        personal = {f: data[f] for f in self.personal_fields if data.get(f) not in ("", None)}
        check_new_member(personal, status=data.get("status", ""))
