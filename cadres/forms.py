"""The committee forms, one page each: a term opened by a congress, a holder recorded, a holding ended, a committee
appointed in one decision, a term closed; and the filters of the committee page, the worklist and the export.

Members and organizations are chosen with the pickers (``core.pickers``), never by internal id; a body is chosen
among the bodies of the organization's open term only (a forged id of another body is "not one of the choices").
What the services refuse is shown on the form (``core.object_views.run_service``), nothing changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.choices import BODY_POSTS, BodyKind, HoldingEnd, Post, Selection, TermClosing, TermOpening
from core.dates import FormDateField, LocalDateInput
from core.forms import AllErrorsForm
from core.pickers import MemberChoiceField, OrganizationChoiceField, PickerFormMixin

MAX_SEATS = 200
DEFAULT_MONTHS = 6
MAX_MONTHS = 120
APPOINT_ROWS = 15  # holder rows of the appointing form (empty rows are skipped)
# The body each post belongs to (every post is in exactly one body).
POST_BODY = {post: kind for kind, posts in BODY_POSTS.items() for post in posts}
# Reasons a person leaves a post by hand; the end of a term and a reorganization end holdings by themselves.
MANUAL_END_REASONS = [(c, label) for c, label in HoldingEnd.choices
                      if c not in (HoldingEnd.TERM_ENDED, HoldingEnd.REORGANIZED)]


def _today() -> dt.date:
    return timezone.localdate()


# A document's number is written left to right in every language: typed in a right-to-left page it would read
# NQ/ĐH-02 while the clerk types 02-NQ/ĐH.
CODE_INPUT = forms.TextInput(attrs={"dir": "ltr"})


def decision_field(required: bool = False) -> forms.CharField:
    return forms.CharField(label=_("Deciding document"), max_length=64, required=required,
                           help_text=_("For example 15-NQ/ĐH or 120-QĐ/TU."), widget=CODE_INPUT)


def member_field(**kwargs: Any) -> MemberChoiceField:
    """One member, by the picker (name, party card number or citizen ID), in the user's scope."""
    kwargs.setdefault("label", _("Party member"))
    kwargs.setdefault("help_text", _("Type part of the name, the party card number or the citizen ID."))
    return MemberChoiceField(scope_model="members.Member", action="view", multiple=False, **kwargs)


class SeatsMixin(forms.Form):
    """Seats of each body of a new term (0: the term has no such body)."""

    seats_executive_committee = forms.IntegerField(label=_("Seats of the executive committee"), min_value=1,
                                                   max_value=MAX_SEATS)
    seats_standing_committee = forms.IntegerField(label=_("Seats of the standing committee"), min_value=0,
                                                  max_value=MAX_SEATS, required=False, initial=0)
    seats_inspection_commission = forms.IntegerField(label=_("Seats of the inspection commission"), min_value=0,
                                                     max_value=MAX_SEATS, required=False, initial=0)

    def seats(self) -> dict[str, int]:
        data = self.cleaned_data
        return {kind: int(data.get(f"seats_{kind}") or 0) for kind in BodyKind.values}


class TermLabelMixin(forms.Form):
    label = forms.CharField(label=_("Term"), max_length=9, help_text=_("For example 2025-2030."), widget=CODE_INPUT)

    def clean_label(self) -> str:
        value = self.cleaned_data["label"].strip()
        parts = value.split("-")
        if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts) or parts[0] >= parts[1]:
            raise ValidationError(_("Write the term as two years, for example 2025-2030."), code="label")
        return value


class OpenTermForm(TermLabelMixin, SeatsMixin, AllErrorsForm):
    """A term elected by the congress (or appointed, for those who may appoint), with the seats of each body."""

    opened_by = forms.ChoiceField(label=_("Opened by"), choices=TermOpening.choices, initial=TermOpening.CONGRESS)
    valid_from = FormDateField(label=_("Opened on"), widget=LocalDateInput, initial=_today)
    decision = decision_field()
    decision_date = FormDateField(label=_("Date of the deciding document"), widget=LocalDateInput, required=False)
    reference_date = FormDateField(label=_("Reference date"), widget=LocalDateInput, required=False,
                                   help_text=_("The date at which ages are counted for this term; empty: the "
                                               "opening date."))

    field_order = ["label", "opened_by", "valid_from", "seats_executive_committee", "seats_standing_committee",
                   "seats_inspection_commission", "decision", "decision_date", "reference_date"]

    def __init__(self, *args: Any, may_appoint: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_appoint:  # only the committee above appoints: the others are not offered what they may not do
            self.fields["opened_by"].choices = [(TermOpening.CONGRESS.value, TermOpening.CONGRESS.label)]


class RecordHoldingForm(PickerFormMixin, AllErrorsForm):
    """A holder of a post in one of the bodies of the organization's open term.

    The post names its body (``POST_BODY``): the posts are offered grouped under the bodies the term has, and the
    body is found from the post, so a clerk cannot pair a post with the wrong body. A ``body`` sent anyway (an
    older client) must be one of the term's bodies and the post one of its posts."""

    body = forms.TypedChoiceField(label=_("Body"), coerce=int, choices=[], required=False, empty_value=None,
                                  widget=forms.HiddenInput)
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)
    member = member_field()
    selection = forms.ChoiceField(label=_("How chosen"), choices=Selection.choices, initial=Selection.ELECTED)
    valid_from = FormDateField(label=_("From"), widget=LocalDateInput, initial=_today)
    decision = decision_field()
    decision_date = FormDateField(label=_("Date of the deciding document"), widget=LocalDateInput, required=False)

    def __init__(self, *args: Any, bodies: list[Any] = (), may_appoint: bool = False, organization: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        bodies = sorted(bodies, key=lambda b: BodyKind.values.index(b.kind) if b.kind in BodyKind.values else 99)
        self.bodies = {b.pk: b for b in bodies}
        self.fields["body"].choices = [(b.pk, b.get_kind_display()) for b in bodies]
        self.fields["post"].choices = [("", "---------")] + [
            (b.get_kind_display(), [(p.value, p.label) for p in BODY_POSTS.get(b.kind, ())]) for b in bodies]
        if not may_appoint:
            self.fields["selection"].choices = [c for c in Selection.choices if c[0] != Selection.APPOINTED]
        self._body: Any = None

    def domain_checks(self, data: dict[str, Any]) -> None:
        errors: dict[str, Any] = {}
        post = data.get("post")
        body = self.bodies.get(data.get("body"))
        if body is None and post:
            body = next((b for b in self.bodies.values() if b.kind == POST_BODY.get(post)), None)
        self._body = body
        if body is not None and post and post not in BODY_POSTS.get(body.kind, ()):
            errors["post"] = _("%(post)s is not a post of the %(body)s.") % {
                "post": Post(post).label, "body": body.get_kind_display().lower()}
        member, org = data.get("member"), self.organization
        if member is not None and org is not None and not (member.organization.path or "").startswith(org.path):
            errors["member"] = _("%(name)s is not a member of %(org)s or of an organization under it.") % {
                "name": member.full_name, "org": org.name}
        if errors:
            raise ValidationError(errors)

    def chosen_body(self) -> Any:
        return self._body

class EndHoldingForm(AllErrorsForm):
    on = FormDateField(label=_("Ended on"), widget=LocalDateInput, initial=_today)
    reason = forms.ChoiceField(label=_("Reason for ending"), choices=MANUAL_END_REASONS)
    decision = decision_field()


class CloseTermForm(AllErrorsForm):
    on = FormDateField(label=_("Closed on"), widget=LocalDateInput, initial=_today)
    closed_by = forms.ChoiceField(label=_("Closed by"), choices=TermClosing.choices, initial=TermClosing.NEXT_TERM)
    decision = decision_field()


class HolderRowForm(PickerFormMixin, forms.Form):
    """One holder of the appointing decision: a member and a post (the post names its body)."""

    member = member_field(required=False, help_text="")
    post = forms.ChoiceField(label=_("Post"), choices=[("", "---------")] + list(Post.choices), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "member" in self.errors or "post" in self.errors:
            return data
        if data.get("member") and not data.get("post"):
            self.add_error("post", _("Choose the post of this member."))
        elif data.get("post") and not data.get("member"):
            self.add_error("member", _("Choose the member for this post."))
        return data


class BaseHolderRows(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            member, post = form.cleaned_data.get("member"), form.cleaned_data.get("post")
            if member is None or not post:
                continue
            key = (member.pk, POST_BODY[post])
            if key in seen:
                raise ValidationError(_("%(name)s is named twice in the same body.") % {"name": member.full_name})
            seen.add(key)

    def numbered(self) -> list[tuple[Any, int | None]]:
        """The rows with the line number the service's refusals use (the filled rows, counted), ``None`` for an
        empty row of a sent form; an unsent form numbers every row."""
        if not self.is_bound:
            return [(form, i + 1) for i, form in enumerate(self.forms)]
        result, line = [], 0
        for form in self.forms:
            filled = bool(form["member"].value() or form["post"].value())
            line += filled
            result.append((form, line if filled else None))
        return result

    def holdings(self) -> list[tuple[Any, str, str]]:
        """``(member, post, body kind)`` of the filled rows, as ``appoint_committee`` takes them."""
        return [(f.cleaned_data["member"], f.cleaned_data["post"], POST_BODY[f.cleaned_data["post"]])
                for f in self.forms if f.cleaned_data.get("member") and f.cleaned_data.get("post")]


HolderRows = forms.formset_factory(HolderRowForm, formset=BaseHolderRows, extra=APPOINT_ROWS, max_num=APPOINT_ROWS,
                                   absolute_max=APPOINT_ROWS, validate_max=True)


class AppointCommitteeForm(TermLabelMixin, SeatsMixin, AllErrorsForm):
    """The higher committee's appointing decision (after a merger): a term and its holders, in one action."""

    valid_from = FormDateField(label=_("From"), widget=LocalDateInput, initial=_today)
    decision = decision_field(required=True)
    decision_date = FormDateField(label=_("Date of the deciding document"), widget=LocalDateInput, required=False)

    field_order = ["label", "valid_from", "decision", "decision_date", "seats_executive_committee",
                   "seats_standing_committee", "seats_inspection_commission"]


class AsOfForm(forms.Form):
    on = FormDateField(label=_("As of"), widget=LocalDateInput, required=False)


class WorklistFilterForm(PickerFormMixin, forms.Form):
    """Which part of the subtree, which body, how far ahead."""

    organization = OrganizationChoiceField(scope_model="cadres.PostHolding", action="view", required=False,
                                           label=_("Party organization"),
                                           help_text=_("Its subtree; empty: all your organizations."))
    kind = forms.ChoiceField(label=_("Body"), required=False, choices=[("", _("Any"))] + list(BodyKind.choices))
    months = forms.IntegerField(label=_("Terms ending within (months)"), min_value=1, max_value=MAX_MONTHS,
                                required=False, initial=DEFAULT_MONTHS)


class ExportForm(PickerFormMixin, forms.Form):
    """The compositions of an organization's subtree as of a date."""

    organization = OrganizationChoiceField(scope_model="cadres.PostHolding", action="view",
                                           label=_("Party organization"), active_only=False,
                                           help_text=_("Its committee and those of the organizations under it."))
    on = FormDateField(label=_("As of"), widget=LocalDateInput, required=False, help_text=_("Empty: today."))
