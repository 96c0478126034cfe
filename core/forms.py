"""Every error of a form in one round.

A form showed its errors in rounds: a wrong organization number was reported first, and only once it was
fixed did the checks of the services (the applicant's age, the citizen ID) run and report theirs. Two pieces
fix that once for every app:

- ``core.services.Refusals`` gathers the ``ValidationError``s of independent checks in a service, which raises
  them together;
- ``AllErrorsForm`` runs the domain's checks in ``clean()`` on the fields that did clean, even when another
  field (an organization number, a picker) failed, and adds their errors to the fields not already in error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def add_errors(form: forms.BaseForm, exc: ValidationError, *, skip_fields_in_error: bool = False) -> None:
    """Attach a ValidationError to a form: field errors to their fields, the rest on top.

    With ``skip_fields_in_error`` a field that already has an error keeps only its own (the domain's "required"
    would repeat the field's).
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, messages in exc.message_dict.items():
        field = name if name in form.fields else None
        if skip_fields_in_error and field is not None and field in form.errors:
            continue
        form.add_error(field, messages)


class AllErrorsForm(forms.Form):
    """A form whose domain checks run even when one of its fields failed, so it reports every error at once."""

    def domain_checks(self, data: dict[str, Any]) -> None:
        """Raise a ValidationError by field for what the domain refuses in ``data`` (the fields that cleaned)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            self.domain_checks(dict(data))
        except ValidationError as exc:
            add_errors(self, exc, skip_fields_in_error=True)
        return data
