"""What lifecycle contributes: its menu entry, the dashboard's admissions and probation cards, and the handlers
that carry open letters, admission cases and targets through a reorganization (``lifecycle.handover``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.dates import add_months
from core.registry import (
    DashboardCard,
    MenuEntry,
    ReorgHandler,
    register_card,
    register_menu,
    register_reorg_handler,
)
from core.rules import rule
from lifecycle.handover import (
    move_cases,
    move_letters,
    move_targets,
    preview_cases,
    preview_letters,
    preview_targets,
)
from lifecycle.services import recognition_worklist, target_summary


def admissions(request: Any, root: Any) -> dict:
    """This year's admissions against the target of the user's root (one definition of "the target")."""
    year = timezone.localdate().year
    return {"target_summary": target_summary(root, year), "year": year}


def probation_due(request: Any, root: Any) -> dict:
    """Probationary members whose probation has run its length (``recognition_worklist``, counted from the
    ceremony like the recognition itself): the first ten and how many."""
    today = timezone.localdate()
    months = rule("PROBATION_MONTHS", today)
    due = recognition_worklist(request.user, today).within_path(root.path)
    due_first = list(due.select_related("organization").order_by("admission_date", "id")[:10])
    due_count = len(due_first) if len(due_first) < 10 else due.count()
    return {"due_first": due_first, "due_count": due_count, "due_date": add_months(today, -months),
            "probation_months": months}


register_menu(MenuEntry("lifecycle:home", gettext_lazy("Member lifecycle"), "members.Member", "view", order=30))
register_card(DashboardCard("lifecycle.admissions", "lifecycle/dashboard/_admissions.html", admissions,
                            "members.Member", "view", order=20))
register_card(DashboardCard("lifecycle.due", "lifecycle/dashboard/_due.html", probation_due,
                            "members.Member", "view", order=30))
register_card(DashboardCard("lifecycle.due_list", "lifecycle/dashboard/_due_list.html", probation_due,
                            "members.Member", "view", order=10, area="panels"))
register_reorg_handler(ReorgHandler("lifecycle.cases", preview=preview_cases, apply=move_cases))
register_reorg_handler(ReorgHandler("lifecycle.letters", preview=preview_letters, apply=move_letters))
register_reorg_handler(ReorgHandler("lifecycle.targets", preview=preview_targets, apply=move_targets))
