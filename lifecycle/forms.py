"""Small forms, one per workflow step: a date, the deciding document, sometimes a reason."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import FormDateField
from core.forms import AllErrorsForm
from core.pickers import OrganizationChoiceField, PickerFormMixin
from core.tree import province_path
from lifecycle.choices import LeavingKind, TransferKind
from lifecycle.services import check_applicant, may_send_out_of_province
from members.choices import Gender
from orgs.choices import MEMBER_HOLDING_TYPES
from orgs.forms import DateInput

CELL_TYPES = tuple(sorted(MEMBER_HOLDING_TYPES))


def _today():
    return timezone.localdate()


def cell_field(action: str, **kwargs) -> OrganizationChoiceField:
    """An active party cell where the user may do ``action`` on members, by its code or name."""
    kwargs.setdefault("label", _("Party cell"))
    kwargs.setdefault("help_text", _("Type part of its name or its code, or browse your organizations."))
    return OrganizationChoiceField(scope_model="members.Member", action=action, types=CELL_TYPES, **kwargs)


class ApplicationForm(PickerFormMixin, AllErrorsForm):
    cell = cell_field("add")
    applied_on = FormDateField(label=_("Application date"), widget=DateInput, initial=_today)
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    birth_date = FormDateField(label=_("Date of birth"), widget=DateInput)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=40, required=False)
    religion = forms.CharField(label=_("Religion"), max_length=40, required=False)
    home_town = forms.CharField(label=_("Home town"), max_length=120, required=False)
    education = forms.CharField(label=_("Education"), max_length=80, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=120, required=False)
    citizen_id = forms.CharField(label=_("Citizen ID"), max_length=12, required=False, help_text=_("12 digits."),
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    personal_fields = ("full_name", "gender", "birth_date", "ethnicity", "religion", "home_town", "education",
                       "occupation", "citizen_id")

    def domain_checks(self, data: dict) -> None:
        """The applicant's checks on what cleaned, also when the cell did not (all errors in one round)."""
        check_applicant({f: data.get(f) for f in self.personal_fields}, applied_on=data.get("applied_on"))


class ReadmissionForm(PickerFormMixin, forms.Form):
    cell = cell_field("add")
    applied_on = FormDateField(label=_("Application date"), widget=DateInput, initial=_today)


class StepForm(forms.Form):
    number = forms.CharField(label=_("Document number"), max_length=64)
    on = FormDateField(label=_("Date"), widget=DateInput, initial=_today)


class CeremonyForm(forms.Form):
    on = FormDateField(label=_("Ceremony date"), widget=DateInput, initial=_today)


class WithdrawForm(forms.Form):
    on = FormDateField(label=_("Date"), widget=DateInput, initial=_today)
    reason = forms.CharField(label=_("Reason"), max_length=255)
    number = forms.CharField(label=_("Document number"), max_length=64, required=False)


class RecognitionForm(forms.Form):
    OUTCOMES = [("recognize", _("Recognize as official member")), ("strike_off", _("Strike from the list"))]
    outcome = forms.ChoiceField(label=_("Decision"), choices=OUTCOMES, widget=forms.RadioSelect, initial="recognize")
    vote_no = forms.CharField(label=_("Cell vote resolution number"), max_length=64)
    vote_date = FormDateField(label=_("Cell vote date"), widget=DateInput)
    decision_no = forms.CharField(label=_("Committee decision number"), max_length=64)
    on = FormDateField(label=_("Committee decision date"), widget=DateInput, initial=_today)
    reason = forms.CharField(label=_("Reason (when striking off)"), max_length=255, required=False)


def committee_choices(only_path: str | None = None) -> list[tuple[str, str]]:
    """The receiving committees (provinces, central blocs): public names and codes; with ``only_path``, just the
    committee at that path (a sender who may not write to another province is not offered the others)."""
    from lifecycle.services import receiving_committees

    committees = receiving_committees()
    if only_path is not None:
        committees = committees.filter(path=only_path)
    return [("", "---------")] + [(str(pk), f"{code} · {name}")
                                  for pk, code, name in committees.values_list("id", "code", "name")]


class LetterForm(PickerFormMixin, forms.Form):
    """A letter goes to a party cell the sender works on, or to the receiving province's committee, which
    assigns the cell on receipt (the sender does not see another province's cells)."""

    to_org = OrganizationChoiceField(label=_("Receiving party cell among those you work on"), types=CELL_TYPES,
                                     required=False)
    to_province = forms.TypedChoiceField(label=_("Or: the receiving province's committee"), coerce=int,
                                         required=False, empty_value=None, choices=[])
    kind = forms.ChoiceField(label=_("Kind"), choices=TransferKind.choices)
    number = forms.CharField(label=_("Letter number"), max_length=64)
    issued_on = FormDateField(label=_("Letter date"), widget=DateInput, initial=_today)

    def __init__(self, *args, sending_path: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        own = None
        if sending_path and self.user is not None and not may_send_out_of_province(self.user, sending_path):
            # Only the province's committee writes to another province: the clerk is offered their own province
            # (which assigns the cell on receipt) rather than a list that would be refused on saving.
            own = province_path(sending_path)
            self.fields["to_province"].help_text = _(
                "A letter to another province is issued by the province's committee.")
        self.fields["to_province"].choices = committee_choices(own)

    def clean(self):
        data = super().clean()
        if "to_org" not in self.errors and bool(data.get("to_org")) == bool(data.get("to_province")):
            self.add_error("to_org", _("Give either a party cell or a receiving province."))
        return data


class SendingCellForm(PickerFormMixin, forms.Form):
    """The bulk transfer's first step: the party cell whose members leave (the right to change its members)."""

    organization = cell_field("change", label=_("Sending party cell"))


class BulkLetterForm(LetterForm):
    members = forms.TypedMultipleChoiceField(label=_("Members"), coerce=int, choices=[],
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, member_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = list(member_choices)


class ReceiptForm(PickerFormMixin, forms.Form):
    received_on = FormDateField(label=_("Received on"), widget=DateInput, initial=_today)
    cell = cell_field("change", label=_("Receiving party cell, for a letter addressed to the committee"),
                      required=False)

    def __init__(self, *args, within=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].set_within(within)  # the receiving side: cells under the letter's addressee
    decision = forms.CharField(label=_("Receiving decision"), max_length=64, required=False)


class CloseLetterForm(forms.Form):
    on = FormDateField(label=_("Date"), widget=DateInput, initial=_today)
    reason = forms.CharField(label=_("Reason"), max_length=255)


class EndTemporaryForm(forms.Form):
    on = FormDateField(label=_("Date"), widget=DateInput, initial=_today)


class LeavingForm(forms.Form):
    kind = forms.ChoiceField(label=_("How the member leaves"), choices=LeavingKind.choices)
    on = FormDateField(label=_("Effective date"), widget=DateInput, initial=_today)
    decision = forms.CharField(label=_("Deciding document"), max_length=64)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class ExemptionForm(forms.Form):
    valid_from = FormDateField(label=_("From"), widget=DateInput, initial=_today)
    valid_to = FormDateField(label=_("Until"), widget=DateInput, required=False,
                               help_text=_("Empty: until further notice."))
    reason = forms.CharField(label=_("Reason"), max_length=255)
    decision = forms.CharField(label=_("Deciding document"), max_length=64, required=False)


class BadgeFilterForm(PickerFormMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Organization"), scope_model="members.Member", required=False,
                                           active_only=False)
    start = FormDateField(label=_("From"), widget=DateInput, required=False)
    end = FormDateField(label=_("Until"), widget=DateInput, required=False)
    badge = forms.TypedChoiceField(label=_("Badge"), coerce=int, required=False, empty_value=None, choices=[])

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["badge"].choices = [("", _("All badges"))] + [
            (y, _("%(years)d years") % {"years": y}) for y in years]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end cannot be before the start."))
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 3660:
            self.add_error("end", _("Choose a period of at most ten years."))
        return data


class TargetFilterForm(PickerFormMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Organization"), scope_model="members.Member", required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1930, max_value=2100, required=False)


class TargetForm(PickerFormMixin, forms.Form):
    organization = OrganizationChoiceField(scope_model="members.Member", action="change", widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("Year"), min_value=1930, max_value=2100)
    target_count = forms.IntegerField(label=_("Target (members)"), min_value=0, max_value=10**7, required=False)
    target_percent = forms.DecimalField(label=_("Target (percent of members)"), min_value=0, max_value=100,
                                        decimal_places=2, max_digits=5, required=False)
    decision = forms.CharField(label=_("Deciding document"), max_length=64, required=False)

    def clean(self):
        data = super().clean()
        if (data.get("target_count") is None) == (data.get("target_percent") is None) and not self.errors:
            raise forms.ValidationError(_("Give either a number of members or a percent, not both."))
        return data
