"""Small forms, one per workflow step: a date, the deciding document, sometimes a reason."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import FormDateField
from core.forms import AllErrorsForm
from lifecycle.choices import LeavingKind, TransferKind
from lifecycle.services import check_applicant
from members.choices import Gender
from orgs.forms import DateInput


def _today():
    return timezone.localdate()


class ApplicationForm(AllErrorsForm):
    cell = forms.IntegerField(label=_("Party cell (organization number)"), min_value=1, max_value=2**53,
                              help_text=_("The number shown on the party cell's page."))
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


class ReadmissionForm(forms.Form):
    cell = forms.IntegerField(label=_("Party cell (organization number)"), min_value=1, max_value=2**53)
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


def committee_choices() -> list[tuple[str, str]]:
    """The receiving committees (provinces, central blocs): public names and codes."""
    from lifecycle.services import receiving_committees

    return [("", "---------")] + [(str(pk), f"{code} · {name}")
                                  for pk, code, name in receiving_committees().values_list("id", "code", "name")]


class LetterForm(forms.Form):
    """A letter goes to a party cell the sender works on, or to the receiving province's committee, which
    assigns the cell on receipt (the sender does not see another province's cells)."""

    to_org = forms.CharField(label=_("Receiving party cell among those you work on (code)"),
                             max_length=32, required=False)
    to_province = forms.TypedChoiceField(label=_("Or: the receiving province's committee"), coerce=int,
                                         required=False, empty_value=None, choices=[])
    kind = forms.ChoiceField(label=_("Kind"), choices=TransferKind.choices)
    number = forms.CharField(label=_("Letter number"), max_length=64)
    issued_on = FormDateField(label=_("Letter date"), widget=DateInput, initial=_today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_province"].choices = committee_choices()

    def clean(self):
        data = super().clean()
        if bool((data.get("to_org") or "").strip()) == bool(data.get("to_province")):
            self.add_error("to_org", _("Give either a party cell or a receiving province."))
        return data


class BulkLetterForm(LetterForm):
    members = forms.TypedMultipleChoiceField(label=_("Members"), coerce=int, choices=[],
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, member_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = list(member_choices)


class ReceiptForm(forms.Form):
    received_on = FormDateField(label=_("Received on"), widget=DateInput, initial=_today)
    cell = forms.CharField(label=_("Receiving party cell (code), for a letter addressed to the committee"),
                           max_length=32, required=False)
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


class BadgeFilterForm(forms.Form):
    organization = forms.IntegerField(label=_("Organization number"), min_value=1, max_value=2**53, required=False)
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


class TargetFilterForm(forms.Form):
    organization = forms.IntegerField(label=_("Organization number"), min_value=1, max_value=2**53, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1930, max_value=2100, required=False)


class TargetForm(forms.Form):
    organization = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**53)
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
