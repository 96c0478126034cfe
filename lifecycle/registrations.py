"""What lifecycle contributes: its menu entry, the dashboard's admissions and probation cards, the handlers
that carry open letters, admission cases and targets through a reorganization (``lifecycle.handover``), a member's
open transfer letter (the member in transit) and the actions offered on the member's page."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.charts import recent, scope_key
from core.dates import add_months
from core.registry import (
    DashboardCard,
    DetailPanel,
    MenuEntry,
    ObjectAction,
    ObjectState,
    ReorgHandler,
    register_card,
    register_menu,
    register_object_action,
    register_object_state,
    register_panel,
    register_reorg_handler,
)
from core.rules import rule
from core.scope import may_decide_over
from lifecycle.choices import READMITTABLE_STATUSES, LetterState
from lifecycle.handover import (
    move_cases,
    move_letters,
    move_targets,
    preview_cases,
    preview_letters,
    preview_targets,
)
from lifecycle.models import AdmissionCase, TransferLetter, open_letter_q
from lifecycle.services import recognition_worklist, target_summary
from members.choices import MemberStatus
from members.models import Member


def admissions(request: Any, root: Any) -> dict:
    """This year's admissions against the target of the user's root (one definition of "the target")."""
    year = timezone.localdate().year
    return {"target_summary": target_summary(root, year), "year": year}


def lifecycle_charts(request: Any, org: Any) -> dict:
    """Admissions against the target and transfers in and out over the years, for the organization's subtree."""
    from lifecycle.statistics import lifecycle_charts as charts

    return {"charts": charts(org), "charts_id": "lifecycle-charts", "charts_heading": _("Admissions and transfers")}


def probation_due(request: Any, root: Any) -> dict:
    """Probationary members whose probation has run its length (``recognition_worklist``, counted from the
    ceremony like the recognition itself): the first ten and how many."""
    today = timezone.localdate()
    months = rule("PROBATION_MONTHS", today)

    def due() -> tuple[list, int]:
        found = recognition_worklist(request.user, today).within_path(root.path)
        first = list(found.select_related("organization").order_by("admission_date", "id")[:10])
        return first, len(first) if len(first) < 10 else found.count()

    # Read in the reader's scope, kept a few minutes for a large subtree (core.charts.recent).
    due_first, due_count = recent(f"probation-due:{today.isoformat()}", root, due,
                                  per=scope_key(request.user, Member, root))
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


# --- The member's open letter and the actions on the member's page --------------------------------------------


def open_letters(user: Any, member_ids: list[int]) -> dict[int, TransferLetter]:
    """Each member's open transfer letter (issued: in transit; received temporary: active elsewhere), in one query
    for a whole page, read from ``letter_member_state_idx``; only letters the user may see."""
    letters = (TransferLetter.objects.restrict(user, "view").filter(open_letter_q(), member_id__in=member_ids)
               .select_related("to_org").only("member_id", "to_org", "number", "issued_on", "received_on", "state",
                                              "kind", "to_org__name", "to_org__path")
               .order_by("member_id", "-issued_on", "-id"))
    result: dict[int, TransferLetter] = {}
    for letter in letters:
        result.setdefault(letter.member_id, letter)
    return result


def _in_transit(state: dict) -> bool:
    letter = state.get("open_letter")
    return letter is not None and letter.state == LetterState.ISSUED


def _may_transfer(member: Any, user: Any, state: dict) -> bool:
    return member.is_active and "open_letter" not in state


def _may_end_probation(member: Any, user: Any, state: dict) -> bool:
    return (member.status == MemberStatus.PROBATIONARY and not _in_transit(state)
            and may_decide_over(user, AdmissionCase, "decide", member.organization.path))


def _active(member: Any, user: Any, state: dict) -> bool:
    return member.is_active


def _readmittable(member: Any, user: Any, state: dict) -> bool:
    return member.status in READMITTABLE_STATUSES


MEMBER = "members.Member"
register_object_state(ObjectState(MEMBER, "open_letter", open_letters))
register_object_action(ObjectAction(MEMBER, "transfer", gettext_lazy("Issue a transfer letter"), "lifecycle:transfer",
                                    "change", _may_transfer, order=10))
register_object_action(ObjectAction(MEMBER, "recognition", gettext_lazy("End of probation"), "lifecycle:recognition",
                                    "change", _may_end_probation, order=20))
register_object_action(ObjectAction(MEMBER, "exemption", gettext_lazy("Exemption from activities"),
                                    "lifecycle:exemption", "change", _active, order=30))
# While in transit only a death can be recorded (lifecycle.services.record_leaving); the form offers the kinds.
register_object_action(ObjectAction(MEMBER, "leave", gettext_lazy("Leaving the party"), "lifecycle:leave", "change",
                                    _active, order=40))
register_object_action(ObjectAction(MEMBER, "readmission", gettext_lazy("Re-admission"), "lifecycle:admission_create",
                                    "add", _readmittable, order=50, query_param="member"))
register_card(DashboardCard("lifecycle.charts", "includes/charts_panel.html", lifecycle_charts,
                            "members.Member", "view", order=50, area="panels"))
register_panel(DetailPanel("lifecycle.charts", "orgs.Organization", "includes/charts_panel.html", lifecycle_charts,
                           order=50))
