"""System check: the audit trail keeps two sides per record, so no model may declare more."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks

MAX_SIDES = 2


@checks.register()
def check_scope_sides(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from core.models import AuditedModel

    errors = []
    for model in apps.get_models():
        sides = getattr(model, "scope_sides", ()) or ()
        if issubclass(model, AuditedModel) and len(sides) > MAX_SIDES:
            errors.append(checks.Error(
                f"{model._meta.label} declares {len(sides)} scope sides; audit records keep at most {MAX_SIDES}.",
                obj=model, id="audit.E001"))
    return errors
