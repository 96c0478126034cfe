"""The rules page: every rule with its value today, the regulation that set it and its history; national
administrators add a version from a date or record a correction here (through ``core.services``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View

from core import rules, services
from core.models import RuleVersion
from core.rule_forms import RuleCorrectionForm, RuleVersionForm, value_from_form
from core.views import apply_service_errors


def _definition_or_404(code: str) -> rules.RuleDefinition:
    try:
        return rules.definition(code)
    except rules.UnknownRule:
        raise Http404 from None


def rule_summary(definition: rules.RuleDefinition, on: Any = None) -> dict[str, Any]:
    """What the list shows of a rule: its value and version in force on ``on``, and the next version if dated later."""
    today = on or timezone.localdate()
    current = rules.rule_version(definition.code, today)
    upcoming = [v for v in rules.versions(definition.code) if v.valid_from > today]
    return {"definition": definition, "current": current, "value": rules.format_value(definition.kind, current.value),
            "citation": rules.cite(current), "upcoming": upcoming[0] if upcoming else None,
            "upcoming_value": rules.format_value(definition.kind, upcoming[0].value) if upcoming else ""}


def history(definition: rules.RuleDefinition) -> list[Any]:
    """Every stored row of the rule, oldest first, each marked: in force, corrected by a later row, a withdrawal."""
    rows = list(RuleVersion.objects.filter(code=definition.code).order_by("valid_from", "id"))
    effective = {row.pk for row in rules.effective_rows(rows)}
    corrected_by = {row.corrects_id: row for row in rows if row.corrects_id}
    for row in rows:
        row.in_force = row.pk in effective
        row.corrected_by = corrected_by.get(row.pk)
        row.display_value = "—" if row.withdrawn else _display(definition, row.value)
        row.label = _("%(date)s: %(value)s") % {
            "date": formats.date_format(row.valid_from, "SHORT_DATE_FORMAT"), "value": row.display_value}
    return rows


def _display(definition: rules.RuleDefinition, stored: Any) -> str:
    try:
        return rules.format_value(definition.kind, rules.from_stored(definition, stored))
    except ValidationError:
        return str(stored)


class RuleListView(LoginRequiredMixin, View):
    def get(self, request):
        rows = [rule_summary(d) for d in rules.definitions()]
        return render(request, "core/rules.html", {"rows": rows, "can_change": rules.may_change_rules(request.user)})


class RuleDetailView(LoginRequiredMixin, View):
    def _context(self, request, definition, add_form=None, correction_form=None) -> dict[str, Any]:
        rows = history(definition)
        in_force = [row for row in rows if row.in_force]
        can_change = rules.may_change_rules(request.user)
        if can_change:
            add_form = add_form or RuleVersionForm(definition=definition)
            correction_form = correction_form or RuleCorrectionForm(definition=definition, versions=in_force)
        return {**rule_summary(definition), "rows": rows, "today": timezone.localdate(), "can_change": can_change,
                "add_form": add_form,
                "correction_form": correction_form,
                "shipped": [] if rows else [{"version": v, "value": rules.format_value(definition.kind, v.value)}
                                            for v in rules.versions(definition.code)]}

    def get(self, request, code: str):
        definition = _definition_or_404(code)
        return render(request, "core/rule_detail.html", self._context(request, definition))

    def post(self, request, code: str):
        definition = _definition_or_404(code)
        if not rules.may_change_rules(request.user):
            raise PermissionDenied
        if request.POST.get("form") == "correction":
            in_force = [row for row in history(definition) if row.in_force]
            form = RuleCorrectionForm(request.POST, definition=definition, versions=in_force)
            if form.is_valid() and self._correct(request, form):
                messages.success(request, _("The correction has been recorded."))
                return redirect("rules:detail", code=code)
            return render(request, "core/rule_detail.html",
                          self._context(request, definition, correction_form=form), status=400)
        form = RuleVersionForm(request.POST, definition=definition)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_rule_version(
                    request.user, code, value=value_from_form(definition, data["value"]),
                    valid_from=data["valid_from"], regulation_kind=data["regulation_kind"],
                    regulation=data["regulation"], regulation_date=data["regulation_date"],
                    provision=data["provision"], note=data["note"])
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The new version has been recorded."))
                if data["valid_from"] < timezone.localdate():
                    messages.warning(request, _(
                        "The version holds from a past date: what is worked out when it is shown (probation ends, "
                        "badge lists, targets) follows it now; what was stored when an act was recorded (the due "
                        "date of a transfer letter already issued) keeps the earlier value."))
                return redirect("rules:detail", code=code)
        return render(request, "core/rule_detail.html", self._context(request, definition, add_form=form),
                      status=400)

    def _correct(self, request, form: RuleCorrectionForm) -> bool:
        data = form.cleaned_data
        value = value_from_form(form.definition, data.get("value"))
        try:
            services.correct_rule_version(
                request.user, data["corrects"], reason=data["reason"], withdraw=data["withdraw"],
                value=value if value not in ("", None) else None, valid_from=data["valid_from"],
                regulation_kind=data["regulation_kind"] or None, regulation=data["regulation"] or None,
                regulation_date=data["regulation_date"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return False
        return True
