"""The registry's low-level steps: a member's dated history rows and the counters that follow them.

Why a module of its own: these steps carry none of the party's rules (probation, deciding documents, letters,
dates not in the future). They are the mechanics under the lifecycle actions in ``lifecycle.services``
(recognition, striking off, leaving, death, transfer letter, re-admission), which check the rules, the scope and
the version first. Nothing else may call them: a view or the API changes a member's status or organization only
through a lifecycle action (``tests/test_one_write_path.py`` checks who imports this module).
Every step must run inside an action (the audited writes refuse otherwise), on a member row locked with
``lock_member`` whose version the caller has checked and bumped (``core.services.check_version``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.l10n import day
from core.phrases import stored_text
from members import counters
from members.choices import HistoryEvent, MemberStatus
from members.models import Member, MemberHistory
from orgs.models import Organization

# The modules allowed to import this one (checked by a test).
CALLERS = ("members.services", "lifecycle.services")


def lock_member(actor: Any, pk: int, action: str = "change") -> Member | None:
    """The member row locked for the rest of the transaction, re-read in the actor's scope; None if not in scope.

    Why two statements: on PostgreSQL ``SELECT ... FOR UPDATE`` over the scope's join re-checks a row changed by a
    concurrent transaction against the *old* organization row and drops it, so a member moved meanwhile looked
    missing (a 500). The lock takes the row alone; the scoped read after it sees the committed state.
    """
    if not list(Member.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True)):
        return None
    return Member.objects.restrict(actor, action).filter(pk=pk).select_related("organization").first()


def open_history(member: Member, on: dt.date, event: str, decision: str = "", note: str = "") -> MemberHistory:
    """A new current history row: where the member is and in which status, from ``on``."""
    return MemberHistory.objects.create(member=member, organization_id=member.organization_id, status=member.status,
                                        event=event, decision=decision[:64], note=note[:255], valid_from=on,
                                        note_text=stored_text(note))


def close_history(member: Member, on: dt.date) -> None:
    """Close the current history row on ``on``; a date before the last recorded change is refused."""
    current = MemberHistory.objects.filter(member=member, valid_to__isnull=True).order_by("-valid_from").first()
    if current is None:
        return
    if on < current.valid_from:
        raise ValidationError({"effective_on": _("The date is before the member's last recorded change (%(date)s).")
                               % {"date": day(current.valid_from)}})
    current.valid_to = on
    current.save()


def move(member: Member, to: Organization, on: dt.date, *, event: str = HistoryEvent.TRANSFERRED,
         decision: str = "", note: str = "") -> Member:
    """The member belongs to ``to`` from ``on``: history closed and opened, counters shifted."""
    close_history(member, on)
    counters.adjust(Organization.objects.only("path").get(pk=member.organization_id).path, member.status, -1)
    member.organization = to
    member.save()
    open_history(member, on, event, decision, note)
    counters.adjust(to.path, member.status, +1)
    return member


def set_status(member: Member, status: str, on: dt.date, *, decision: str = "", note: str = "",
               official_date: dt.date | None = None) -> Member:
    """The member's status is ``status`` from ``on`` (recognized, left, struck off, expelled, deceased).

    A recognition may name the ``official_date`` membership counts from (the end of probation), which can be
    earlier than the decision recorded on ``on``.
    """
    close_history(member, on)
    path = Organization.objects.only("path").get(pk=member.organization_id).path
    counters.adjust(path, member.status, -1)
    member.status, member.status_since = status, on
    if status == MemberStatus.OFFICIAL:
        member.official_date = official_date or on
    member.save()
    event = HistoryEvent.RECOGNIZED if status == MemberStatus.OFFICIAL else HistoryEvent.STATUS_CHANGED
    open_history(member, on, event, decision, note)
    counters.adjust(path, member.status, +1)
    return member


def return_to_register(member: Member, cell: Organization, on: dt.date, *, decision: str = "",
                       note: str = "") -> Member:
    """A former member's own record comes back as probationary in ``cell`` (re-admission)."""
    close_history(member, on)
    member.organization = cell
    member.status, member.status_since = MemberStatus.PROBATIONARY, on
    member.admission_date, member.official_date = on, None
    member.save()
    open_history(member, on, HistoryEvent.ADMITTED, decision, note)
    counters.adjust(cell.path, member.status, +1)
    return member
