"""Forms of cadre planning and rotation: organizations and members through the scoped pickers, dates in the page's
language; the planning service's refusals reported with the fields' own errors in one round."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres import planning
from cadres.choices import PlanningEnd, Post, TheoryLevel
from cadres.forms import CODE_INPUT
from core.dates import FormDateField, LocalDateInput
from core.forms import AllErrorsForm
from core.pickers import MemberChoiceField, OrganizationChoiceField, PickerFormMixin
from core.scope import OutOfScope

SCOPE = "cadres.PostHolding"


def _today():
    return timezone.localdate()


def organization_field(label: Any, **kwargs: Any) -> OrganizationChoiceField:
    kwargs.setdefault("help_text", _("Type part of its name or its code, or browse your organizations."))
    return OrganizationChoiceField(label=label, scope_model=SCOPE, action="change", **kwargs)


def _checked(check: Any, user: Any, data: dict[str, Any]) -> None:
    """The service's checks on what cleaned; something outside the user's scope reads as not found."""
    try:
        check(user, data)
    except OutOfScope as exc:
        raise ValidationError(str(exc)) from None


class PlanningForm(PickerFormMixin, AllErrorsForm):
    organization = organization_field(_("Committee of the organization"))
    term_label = forms.CharField(label=_("Planned for the term"), max_length=9, help_text=_("For example 2030-2035."),
                                 widget=CODE_INPUT)
    reference_date = FormDateField(label=_("Reference date"), widget=LocalDateInput,
                                   help_text=_("The date at which age and years of service are counted."))
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)
    member = MemberChoiceField(label=_("Party member"), multiple=False,
                               help_text=_("Type part of the name, the party card number or the citizen ID."))
    theory_level = forms.ChoiceField(label=_("Political theory"), choices=TheoryLevel.choices, required=False)
    qualification = forms.CharField(label=_("Professional qualification"), max_length=120, required=False)
    decision = forms.CharField(label=_("Deciding document"), max_length=64, required=False, widget=CODE_INPUT)
    decision_date = FormDateField(label=_("Date of the deciding document"), widget=LocalDateInput, required=False)
    valid_from = FormDateField(label=_("Planned from"), widget=LocalDateInput, initial=_today)

    def domain_checks(self, data: dict[str, Any]) -> None:
        _checked(planning.check_planning, self.user, data)


class EndPlanningForm(forms.Form):
    on = FormDateField(label=_("Ended on"), widget=LocalDateInput, initial=_today)
    reason = forms.ChoiceField(label=_("Reason"), choices=PlanningEnd.choices)
    decision = forms.CharField(label=_("Deciding document"), max_length=64, required=False, widget=CODE_INPUT)


class RotationForm(PickerFormMixin, AllErrorsForm):
    member = MemberChoiceField(label=_("Party member"), multiple=False,
                               help_text=_("Type part of the name, the party card number or the citizen ID."))
    from_org = organization_field(_("From organization"))
    to_org = organization_field(_("To organization"))
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    valid_from = FormDateField(label=_("From"), widget=LocalDateInput, initial=_today)
    planned_end = FormDateField(label=_("Planned end"), widget=LocalDateInput, required=False)
    decision = forms.CharField(label=_("Deciding document"), max_length=64, widget=CODE_INPUT)
    decision_date = FormDateField(label=_("Date of the deciding document"), widget=LocalDateInput, required=False)

    def domain_checks(self, data: dict[str, Any]) -> None:
        _checked(planning.check_rotation, self.user, data)


class EndRotationForm(forms.Form):
    on = FormDateField(label=_("Ended on"), widget=LocalDateInput, initial=_today)


class PlanningFilterForm(PickerFormMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Organization"), scope_model=SCOPE, required=False,
                                           active_only=False)
    term = forms.RegexField(label=_("Term"), regex=planning.TERM_LABEL, max_length=9, required=False,
                            error_messages={"invalid": _("Write the term as its first and last year, for example "
                                                         "2030-2035.")})
    ended = forms.BooleanField(label=_("Show ended entries too"), required=False)
