"""System checks of core."""

from __future__ import annotations

import os
from typing import Any

from django.core.checks import Warning, register


@register()
def rule_environment_variables(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """``PARTYWORK_RULE_<NAME>`` no longer changes a rule: say so, instead of letting an old override be ignored."""
    names = sorted(name for name in os.environ if name.startswith("PARTYWORK_RULE_"))
    if not names:
        return []
    return [Warning(
        f"{', '.join(names)} no longer change(s) the party's rules: rules are dated data now.",
        hint="Add a version from a date on the rules page (/rules/) or with POST /api/rules/{code}/versions/, "
             "then remove the variable.",
        id="core.W001",
    )]
