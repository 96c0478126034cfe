"""Pages shared by every app: the dashboard and the generic keyset list helper.

Views are thin: they read through ``restrict(user, "view")``, write through ``services.py``
actions and render templates. Lists never count or offset the registry; they page by keyset.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.dates import add_months
from core.pagination import BadCursor, Page, keyset_page


@dataclass
class KeysetList:
    """What a list template needs: the page, the filter form and the sort columns."""

    page: Page
    filterset: Any = None
    sort: str = ""
    columns: list[dict] = field(default_factory=list)
    error: str = ""

    @property
    def items(self) -> list[Any]:
        return self.page.items


def keyset_list(request, queryset, *, filterset_class=None, sorts: dict[str, list[str]] | None = None,
                default_sort: str = "", size: int | None = None, filterset_kwargs: dict | None = None,
                data=None) -> KeysetList:
    """Filter ``queryset`` (already restricted) with ``filterset_class`` and cut one keyset page.

    ``sorts`` maps a whitelisted ``sort`` parameter to a keyset order ending in a unique column; a
    bad filter value shows the form's errors and an empty page, a bad cursor falls back to page one.
    """
    data = request.GET if data is None else data
    if any(v == "" for values in data.lists() for v in values[1]):
        # An empty field of the GET form (or of htmx's serialization) means "no filter", not a bad value.
        data = data.copy()
        for key in list(data.keys()):
            kept = [v for v in data.getlist(key) if v != ""]
            if kept:
                data.setlist(key, kept)
            else:
                del data[key]
    size = size or getattr(settings, "LIST_PAGE_SIZE", 50)
    sorts = sorts or {"": ["-id"]}
    sort = data.get("sort", default_sort)
    if sort not in sorts:
        sort = default_sort
    order = sorts[sort]
    filterset = None
    error = ""
    if filterset_class is not None:
        filterset = filterset_class(data, queryset=queryset, request=request, **(filterset_kwargs or {}))
        if filterset.is_valid():
            queryset = filterset.qs
        else:
            queryset = queryset.none()
            error = _("Some filter values are not valid. Correct them and search again.")
    try:
        page = keyset_page(queryset, order, data.get("cursor") or None, size)
    except BadCursor as exc:
        messages.warning(request, exc.messages[0])
        page = keyset_page(queryset, order, None, size)
    return KeysetList(page=page, filterset=filterset, sort=sort, error=error)


def sort_columns(current: str, columns: list[tuple[str, Any]]) -> list[dict]:
    """Header cells of a sortable table: each click toggles ascending/descending on that column."""
    result = []
    for key, label in columns:
        if current == key:
            state, next_sort = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, next_sort = "descending", key
        else:
            state, next_sort = "none", key
        result.append({"key": key, "label": label, "aria_sort": state, "next": next_sort})
    return result


def scope_root(user):
    """The organization at the root of the user's scope: the Centre for a national administrator,
    otherwise the organization of the user's first active grant (or the user's own office)."""
    from accounts.models import RoleGrant
    from orgs.models import Organization

    if user.is_superuser:
        return Organization.objects.filter(parent__isnull=True).order_by("id").first()
    grant = (RoleGrant.objects.active().filter(user=user, organization__dissolved_on__isnull=True)
             .select_related("organization").order_by("valid_from", "id").first())
    if grant is not None:
        return grant.organization
    return None


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "core/dashboard.html"

    def get_context_data(self, **kwargs):
        from members.choices import MemberStatus
        from members.models import Member
        from orgs.choices import OrgType
        from orgs.models import Organization

        context = super().get_context_data(**kwargs)
        user = self.request.user
        root = scope_root(user)
        context["root"] = root
        if root is None:
            return context
        from core.rules import rule

        today = timezone.localdate()
        probation_months = rule("PROBATION_MONTHS", today)
        from lifecycle.services import target_summary

        members = Member.objects.restrict(user, "view").within_path(root.path)
        total = root.subtree_official + root.subtree_probationary
        # Targets and actual admissions come from the lifecycle app: one definition of "the target".
        summary = target_summary(root, today.year)
        due_date = add_months(today, -probation_months)
        due = members.filter(status=MemberStatus.PROBATIONARY, admission_date__lte=due_date)
        due_first = list(due.select_related("organization").order_by("admission_date", "id")[:10])
        due_count = len(due_first) if len(due_first) < 10 else due.count()
        type_labels = dict(OrgType.choices)
        by_type_rows = (Organization.objects.restrict(user, "view").within(root).filter(dissolved_on__isnull=True)
                        .values("org_type").annotate(n=Count("id")).order_by())
        counts = {row["org_type"]: row["n"] for row in by_type_rows}
        by_type = [{"type": key, "label": str(type_labels[key]), "count": counts[key]}
                   for key, _label in OrgType.choices if key in counts]
        context.update({
            "total": total,
            "official": root.subtree_official,
            "probationary": root.subtree_probationary,
            "target_summary": summary,
            "year": today.year,
            "probation_months": probation_months,
            "due_first": due_first,
            "due_count": due_count,
            "due_date": due_date,
            "by_type": by_type,
            "chart_data": {
                "status": {"labels": [str(MemberStatus.OFFICIAL.label), str(MemberStatus.PROBATIONARY.label)],
                           "values": [root.subtree_official, root.subtree_probationary],
                           "title": _("Members by status")},
                "types": {"labels": [row["label"] for row in by_type], "values": [row["count"] for row in by_type],
                          "title": _("Organizations by type")},
            },
        })
        return context


def apply_service_errors(form, exc) -> None:
    """Attach a service's ValidationError to the form: field errors to their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def parse_date(value: str | None) -> dt.date | None:
    """An ISO date from a query string, or None when it is missing or not a date (never a 500)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
