"""The member registry: filtered keyset list, member page with history and audit, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.object_views import ObjectDetailView, ObjectListView, run_service
from core.registry import object_states
from core.scope import OutOfScope, can, get_scoped_or_404, may
from core.services import EditConflict
from core.views import apply_service_errors
from members import services
from members.choices import ACTIVE_STATUSES, MemberStatus
from members.filtersets import MemberFilterSet, Standing
from members.forms import MemberCreateForm, MemberEditForm
from members.models import Member, MemberHistory
from orgs.models import Organization

# Whitelisted sorts: each is an index-backed keyset order ending in the id.
MEMBER_SORTS = {
    "name": ["name_key", "id"],
    "-name": ["-name_key", "-id"],
    "birth": ["birth_date", "id"],
    "-birth": ["-birth_date", "-id"],
    "admission": ["admission_date", "id"],
    "-admission": ["-admission_date", "-id"],
}
MEMBER_COLUMNS = [("name", gettext_lazy("Full name")), ("birth", gettext_lazy("Date of birth")),
                  ("admission", gettext_lazy("Admission date"))]


class MemberListView(ObjectListView):
    """The member registry: filters, keyset pages, sort columns; also the member table of an organization's page."""

    model = Member
    select_related = ("organization",)
    template_name = "members/list.html"
    partial_template_name = "members/_table.html"
    context_object_name = "members"
    filterset_class = MemberFilterSet
    sorts = MEMBER_SORTS
    default_sort = "name"
    sort_columns = MEMBER_COLUMNS
    fixed_organization = None

    def count_from_counters(self, listing) -> int | None:
        """Members of one organization's subtree in active statuses, and nothing else filtered: its counters."""
        filterset = listing.filterset
        if filterset is None:
            return None
        data = filterset.form.cleaned_data
        org = self.fixed_organization or filterset.selected_organization
        if org is None or any(v for k, v in data.items() if k not in ("organization", "status", "standing")):
            return None
        statuses = set(data.get("status") or ())
        if not statuses and filterset.standing_applied() == Standing.ACTIVE:
            statuses = set(ACTIVE_STATUSES)
        if not statuses or not statuses <= set(ACTIVE_STATUSES):
            return None
        counters = Organization.objects.filter(pk=org.pk).values("subtree_official", "subtree_probationary").first()
        if counters is None:
            return None
        return ((counters["subtree_official"] if MemberStatus.OFFICIAL in statuses else 0)
                + (counters["subtree_probationary"] if MemberStatus.PROBATIONARY in statuses else 0))

    def get_filter_data(self):
        data = self.request.GET
        if self.fixed_organization is not None and "organization" in data:
            data = data.copy()
            data.pop("organization")
        return data

    def get_extra_context(self, listing) -> dict:
        request, fixed_organization = self.request, self.fixed_organization
        # What other apps know of the page's members (an open transfer letter: in transit), one query per loader.
        states = object_states(Member._meta.label, request.user, listing.items)
        for member in listing.items:
            member.states = states[member.pk]
        data = self.get_filter_data()
        filterset = listing.filterset
        filtered = any(v for k, v in data.items() if k not in ("cursor", "sort", "partial"))
        export_query = data.copy()
        for key in list(export_query.keys()):
            if not any(export_query.getlist(key)):
                del export_query[key]
        for key in ("cursor", "sort", "partial"):
            export_query.pop(key, None)
        selected = fixed_organization or (filterset.selected_organization if filterset else None)
        if selected is not None:  # named by its code, also when an old bookmark gave its id
            export_query["organization"] = selected.code
        return {
            "filtered": filtered,
            "fixed_organization": fixed_organization,
            "selected_organization": fixed_organization or (filterset.selected_organization if filterset else None),
            "can_export": can(request.user, Member, "export"),
            "export_query": export_query.urlencode(),
            "can_add_member": can(request.user, Member, "add"),
            "search_fuzzy": bool(filterset and filterset.search_fuzzy),
            "former_matches": bool(filterset and filterset.former_matches()),
            "former_query": self._former_query(data),
        }

    @staticmethod
    def _former_query(data) -> str:
        """The same search among the former members (the link under a search that showed the active ones)."""
        query = data.copy()
        for key in ("cursor", "partial", "standing"):
            query.pop(key, None)
        query["standing"] = Standing.FORMER
        return query.urlencode()


def member_list_context(request, queryset, *, fixed_organization=None) -> dict:
    """Context of the member table partial; ``queryset`` is already restricted to the user's scope."""
    view = MemberListView(fixed_organization=fixed_organization)
    view.setup(request)
    return view.get_context_data(queryset.select_related("organization"))


class MemberDetailView(ObjectDetailView):
    model = Member
    select_related = ("organization",)
    template_name = "members/detail.html"
    context_object_name = "member"

    def get_extra_context(self, member) -> dict:
        from audit.models import AuditRecord

        user = self.request.user
        history = list(MemberHistory.objects.filter(member=member).select_related("organization")
                       .order_by("-valid_from", "-id"))
        audit = []
        show_audit = can(user, AuditRecord, "view")
        if show_audit:
            audit = list(AuditRecord.objects.restrict(user, "view")
                         .filter(content_type=ContentType.objects.get_for_model(Member), object_id=str(member.pk))
                         .order_by("-at", "-id")[:50])
        return {
            "history": history,
            "audit": audit,
            "show_audit": show_audit,
        }


def _require_change(user, member) -> None:
    """The edit page corrects personal data: its own right, apart from recording status changes."""
    if not may(user, Member, "correct", member.organization.path):
        raise PermissionDenied(_("You may see this member's record but not change it."))


class MemberEditView(LoginRequiredMixin, View):
    model = Member
    template_name = "members/form.html"

    @staticmethod
    def _initial(member) -> dict:
        initial = {f: getattr(member, f) for f in MemberEditForm.personal_fields}
        initial["lock_version"] = member.lock_version
        return {k: ("" if v is None else v) for k, v in initial.items()}

    def get(self, request, pk):
        member = get_scoped_or_404(Member.objects.select_related("organization"), request.user, "view", pk=pk)
        _require_change(request.user, member)
        form = MemberEditForm(initial=self._initial(member))
        return render(request, self.template_name, {"member": member, "form": form, "mode": "edit"})

    def post(self, request, pk):
        member = get_scoped_or_404(Member.objects.select_related("organization"), request.user, "view", pk=pk)
        _require_change(request.user, member)
        form = MemberEditForm(request.POST)
        conflict = None
        if form.is_valid():
            data = form.personal_data()
            changes = {
                f: v for f, v in data.items()
                if v != getattr(member, f) and not (v in ("", None) and getattr(member, f) in ("", None))
            }
            try:
                services.update_member(request.user, member, expected_version=form.cleaned_data["lock_version"],
                                       **changes)
            except EditConflict as exc:
                member.refresh_from_db()
                conflict = []
                for f in MemberEditForm.personal_fields:
                    current, yours = getattr(member, f), form.cleaned_data.get(f)
                    differs = (current or None) != (yours or None)  # "" and None both mean "not recorded"
                    conflict.append({"label": form.fields[f].label, "current": current, "yours": yours,
                                     "differs": differs})
                form.add_error(None, str(exc))
                # The user has now seen the current record: a second submission is a deliberate overwrite.
                form.data = form.data.copy()
                form.data["lock_version"] = str(member.lock_version)
            except OutOfScope as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The member's record has been saved."))
                return redirect("members:detail", pk=member.pk)
        return render(request, self.template_name,
                      {"member": member, "form": form, "mode": "edit", "conflict": conflict},
                      status=409 if conflict else 200)


class MemberCreateView(LoginRequiredMixin, View):
    template_name = "members/form.html"

    def _check(self, request):
        if not can(request.user, Member, "add"):
            raise PermissionDenied(_("Your roles do not allow registering members."))

    def get(self, request):
        self._check(request)
        raw = request.GET.get("organization", "").strip()[:32]  # a link from a cell's page: its code
        org = Organization.objects.restrict(request.user, "view").filter(code=raw).first() if raw else None
        form = MemberCreateForm(initial={"organization": org.code} if org else {}, user=request.user)
        return render(request, self.template_name, {"form": form, "mode": "create", "org": org})

    def post(self, request):
        self._check(request)
        form = MemberCreateForm(request.POST, user=request.user)
        valid = form.is_valid()
        org = form.cleaned_data.get("organization")
        if org is not None and not valid:  # the cell's own checks join the other errors: one round
            run_service(form, services.check_holding_org, request.user, org)
        elif valid:
            data = {k: v for k, v in form.personal_data().items() if v not in ("", None)}
            try:
                member = services.register_member(request.user, organization=org,
                                                  status=form.cleaned_data["status"],
                                                  decision=form.cleaned_data["decision"], **data)
            except OutOfScope as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The member has been registered."))
                return redirect("members:detail", pk=member.pk)
        return render(request, self.template_name, {"form": form, "mode": "create", "org": org})
