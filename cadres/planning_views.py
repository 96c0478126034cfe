"""Pages of cadre planning and rotation. Thin: lists read through the scope and are cut in keyset pages; the figures of
a row (age, years left, warnings) are computed for the page's rows only, with two grouped count queries per page;
forms hand their data to the actions of ``cadres.planning``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres import planning
from cadres.models import PlanningEntry, PostHolding, Rotation
from cadres.planning_forms import (
    EndPlanningForm,
    EndRotationForm,
    PlanningFilterForm,
    PlanningForm,
    RotationForm,
)
from core.exports import write_xlsx
from core.object_views import ObjectActionView, ObjectDetailView, ObjectExportView, ObjectListView
from core.scope import can, grants_q, may_on
from members.models import Member


def member_token(request) -> str:
    """``?member=<pk>`` (from the member's page) as the member picker's token, resolved only through the scope."""
    raw = request.GET.get("member", "")
    return f"m{raw}" if raw.isdigit() and len(raw) < 16 else ""


class PlanningListView(ObjectListView):
    """Who is planned for which post of which committee and term, with each row's figures and warnings."""

    model = PlanningEntry
    select_related = ("member", "organization")
    permission_model = PostHolding
    required_action = "view"
    template_name = "cadres/planning_list.html"
    context_object_name = "entries"
    sorts = {"": planning.PLANNING_ORDER}

    def filter_queryset(self, queryset):
        queryset = planning.with_post_rank(queryset)
        self.filter_form = PlanningFilterForm(self.request.GET or None, user=self.request.user)
        self.bad_filter = False
        if self.filter_form.is_bound and not self.filter_form.is_valid():
            self.bad_filter = True
            return queryset.none()
        data = self.filter_form.cleaned_data if self.filter_form.is_bound else {}
        if data.get("organization") is not None:
            queryset = queryset.filter(organization=data["organization"])
        if data.get("term"):
            queryset = queryset.filter(term_label=data["term"])
        if not data.get("ended"):
            queryset = queryset.filter(valid_to__isnull=True)
        return queryset

    def get_filter_data(self):
        data = self.request.GET.copy()
        for key in ("organization", "term", "ended"):  # read by the filter form above, not by a filterset
            data.pop(key, None)
        return data

    def get_extra_context(self, listing) -> dict:
        user = self.request.user
        return {"rows": planning.planning_rows(listing.items), "filter_form": self.filter_form,
                "bad_filter": self.bad_filter, "can_plan": can(user, PostHolding, "change"),
                "export_query": self.request.GET.urlencode()}


class PlanningDetailView(ObjectDetailView):
    model = PlanningEntry
    select_related = ("member", "organization")
    permission_model = PostHolding
    template_name = "cadres/planning_detail.html"
    context_object_name = "entry"

    def get_extra_context(self, entry) -> dict:
        row = planning.planning_rows([entry])[0]
        return {"row": row, "can_end": entry.valid_to is None and may_on(self.request.user, entry, "change")}


class PlanMemberView(ObjectActionView):
    """Plan a member for a post; a rule not met is a warning shown after saving, not a refusal."""

    model = PlanningEntry
    permission_model = PostHolding
    form_class = PlanningForm
    template_name = "cadres/planning_form.html"
    permission_denied_message = gettext_lazy("Your roles do not allow recording cadre planning.")

    def get_form(self, obj, data=None):
        if data is not None:
            return self.form_class(data, user=self.request.user)
        # Opened from a planning list: its organization and term are the likely ones.
        initial = {"organization": self.request.GET.get("organization", "")[:64],
                   "term_label": self.request.GET.get("term", "")[:9], "member": member_token(self.request)}
        return self.form_class(initial={k: v for k, v in initial.items() if v}, user=self.request.user)

    def get_extra_context(self, obj) -> dict:
        return {"title": _("Plan a member for a post"), "back": reverse("cadres:planning"), "warns_only": True}

    def perform(self, user, obj, data):
        return planning.plan_member(user, **data)

    def get_success_message(self, obj, result) -> str:
        warnings = planning.planning_warnings(result)
        if warnings:
            return _("The planning has been recorded, with warnings: %(warnings)s") % {
                "warnings": " ".join(w.message for w in warnings)}
        return _("The planning has been recorded.")

    def get_success_url(self, obj, result) -> str:
        return reverse("cadres:planning_entry", kwargs={"pk": result.pk})


class EndPlanningView(ObjectActionView):
    model = PlanningEntry
    select_related = ("member", "organization")
    permission_model = PostHolding
    form_class = EndPlanningForm
    template_name = "cadres/planning_form.html"
    success_message = gettext_lazy("The planning entry has been ended.")

    def get_extra_context(self, entry) -> dict:
        return {"title": _("End a planning entry"), "entry": entry,
                "back": reverse("cadres:planning_entry", kwargs={"pk": entry.pk})}

    def perform(self, user, entry, data):
        return planning.end_planning(user, entry, on=data["on"], reason=data["reason"], decision=data["decision"])

    def get_success_url(self, entry, result) -> str:
        return reverse("cadres:planning_entry", kwargs={"pk": entry.pk})


class RotationListView(ObjectListView):
    """Rotations from or to the organizations of the user's subtree, newest first."""

    model = Rotation
    select_related = ("member", "from_org", "to_org")
    permission_model = PostHolding
    required_action = "view"
    template_name = "cadres/rotation_list.html"
    context_object_name = "rotations"
    sorts = {"": ["-valid_from", "-id"]}

    def filter_queryset(self, queryset):
        self.current = self.request.GET.get("current", "") == "1"
        return queryset.filter(valid_to__isnull=True) if self.current else queryset

    def get_filter_data(self):
        data = self.request.GET.copy()
        data.pop("current", None)
        return data

    def get_extra_context(self, listing) -> dict:
        user = self.request.user
        return {"current": self.current, "can_record": can(user, PostHolding, "change"),
                "endable": {r.pk for r in listing.items if r.valid_to is None and may_on(user, r, "change")}}


class RecordRotationView(ObjectActionView):
    model = Rotation
    permission_model = PostHolding
    form_class = RotationForm
    template_name = "cadres/rotation_form.html"
    success_message = gettext_lazy("The rotation has been recorded.")
    permission_denied_message = gettext_lazy("Your roles do not allow recording rotations.")

    def get_form(self, obj, data=None):
        if data is not None:
            return self.form_class(data, user=self.request.user)
        token = member_token(self.request)
        return self.form_class(initial={"member": token} if token else {}, user=self.request.user)

    def get_extra_context(self, obj) -> dict:
        return {"title": _("Record a rotation"), "back": reverse("cadres:rotations")}

    def perform(self, user, obj, data):
        return planning.record_rotation(user, **data)

    def get_success_url(self, obj, result) -> str:
        return reverse("cadres:rotations")


class EndRotationView(ObjectActionView):
    model = Rotation
    select_related = ("member", "from_org", "to_org")
    permission_model = PostHolding
    form_class = EndRotationForm
    template_name = "cadres/rotation_form.html"
    success_message = gettext_lazy("The rotation has been ended.")

    def get_extra_context(self, rotation) -> dict:
        return {"title": _("End a rotation"), "rotation": rotation, "back": reverse("cadres:rotations")}

    def perform(self, user, rotation, data):
        return planning.end_rotation(user, rotation, on=data["on"])

    def get_success_url(self, rotation, result) -> str:
        return reverse("cadres:rotations")


class PlanningExportView(ObjectExportView):
    """The planning list as XLSX (or CSV), with each row's figures and warnings; audited like every export."""

    model = PlanningEntry
    select_related = ("member", "organization")
    permission_model = PostHolding
    # cadres has no export right of its own: the rows name people, so the right to export members is needed too
    # (``members.export_member``), and only the entries of members the user may export are written.
    export_action = "view"
    ordering = planning.PLANNING_ORDER
    description = gettext_lazy("Cadre planning (%(format)s)")
    filename_prefix = "planning"
    sheet_title = gettext_lazy("Cadre planning")
    back_url_name = "cadres:planning"
    filter_params = ("organization", "term", "ended")

    def get_export_queryset(self):
        from core.object_views import ExportRefused

        form = PlanningFilterForm(self.request.GET or None, user=self.request.user)
        qs = self.restricted(self.export_action)
        if form.is_bound and not form.is_valid():
            raise ExportRefused(_("Some filter values are not valid. Correct them and export again."))
        if not can(self.request.user, Member, "export"):
            raise PermissionDenied(_("Your roles do not allow exporting members' data."))
        members_q = grants_q(self.request.user, Member, "export", ["member__organization__path"])
        if members_q is not None:
            qs = qs.filter(members_q)
        data = form.cleaned_data if form.is_bound else {}
        if data.get("organization") is not None:
            qs = qs.filter(organization=data["organization"])
        if data.get("term"):
            qs = qs.filter(term_label=data["term"])
        if not data.get("ended"):
            qs = qs.filter(valid_to__isnull=True)
        return planning.with_post_rank(qs).order_by(*self.ordering)

    def columns(self) -> list[Any]:
        return [_("Organization code"), _("Party organization"), _("Term"), _("Post"), _("Full name"),
                _("Date of birth"), _("Reference date"), _("Age at the reference date"), _("Retirement date"),
                _("Years of service left"), _("Political theory"), _("Professional qualification"),
                _("Deciding document"), _("Planned from"), _("Ended on"), _("Warnings")]

    def rows(self, queryset):
        batch: list[PlanningEntry] = []
        for entry in queryset.iterator(chunk_size=self.chunk_size):
            batch.append(entry)
            if len(batch) >= self.chunk_size:
                yield from self._rows(batch)
                batch = []
        yield from self._rows(batch)

    def _rows(self, batch):
        for row in planning.planning_rows(batch):
            e = row.entry
            yield [e.organization.code, e.organization.name, e.term_label, e.get_post_display(), e.member.full_name,
                   e.member.birth_date, e.reference_date, row.age, row.retire, row.left_text,
                   e.get_theory_level_display(), e.qualification, e.decision, e.valid_from, e.valid_to,
                   " ".join(w.message for w in row.warnings)]

    def write_xlsx(self, queryset, target, *, progress=None) -> int:
        return write_xlsx(target, self.sheet_title, self.columns(), self.rows(queryset), progress=progress,
                          every=self.chunk_size)
