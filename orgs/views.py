"""The organization tree (lazy, dated), the organization page, and its edit / establish forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from audit.models import AuditRecord
from core.object_views import ObjectDetailView
from core.scope import OutOfScope, can, get_scoped_or_404, granted_paths, path_in_scope, permission_label
from core.services import EditConflict
from core.views import apply_service_errors
from orgs import services
from orgs.choices import ALLOWED_CHILDREN
from orgs.filtersets import OrganizationFilterSet
from orgs.forms import AsOfForm, OrganizationCreateForm, OrganizationEditForm, OrgSearchForm
from orgs.models import Organization, OrganizationVersion

TREE_CHILDREN_LIMIT = 200
SEARCH_LIMIT = 50
SUBORG_LIMIT = 100


def _row(obj, *, version=False) -> dict:
    """One row of the tree, from an Organization or (for a past date) an OrganizationVersion."""
    if version:
        return {"pk": obj.organization_id, "name": obj.name, "code": obj.code, "type": obj.get_org_type_display(),
                "members": None, "expandable": bool(ALLOWED_CHILDREN.get(obj.org_type)), "dissolved": False,
                "valid_from": obj.valid_from}
    return {"pk": obj.pk, "name": obj.name, "code": obj.code, "type": obj.get_org_type_display(),
            "members": obj.subtree_members, "expandable": bool(ALLOWED_CHILDREN.get(obj.org_type)),
            "dissolved": not obj.is_active, "valid_from": None}


def scope_roots(user):
    """The top organizations the user sees: the Centre for a national administrator, else each granted root."""
    qs = Organization.objects.restrict(user, "view")
    if user.is_superuser:
        return qs.filter(parent__isnull=True).order_by("name_key", "id")
    paths = granted_paths(user, permission_label(Organization, "view"))
    return qs.filter(path__in=paths).order_by("name_key", "id")


class OrganizationTreeView(LoginRequiredMixin, View):
    template_name = "orgs/tree.html"

    def get(self, request):
        user = request.user
        as_of = AsOfForm(request.GET or None)
        on = as_of.cleaned_data.get("on") if as_of.is_valid() else None
        search = OrgSearchForm(request.GET or None)
        query = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
        results = None
        if query:
            filterset = OrganizationFilterSet({"q": query}, queryset=Organization.objects.restrict(user, "view"),
                                              request=request)
            results = [_row(o) for o in filterset.qs.order_by("name_key", "id")[:SEARCH_LIMIT]]
        roots = list(scope_roots(user))
        if on:
            versions = (OrganizationVersion.objects.restrict(user, "view").as_of(on)
                        .filter(organization__in=[r.pk for r in roots]).order_by("name", "id"))
            rows = [_row(v, version=True) for v in versions]
        else:
            rows = [_row(o) for o in roots]
        context = {"rows": rows, "on": on, "as_of_form": as_of, "search_form": search, "query": query,
                   "results": results, "search_limit": SEARCH_LIMIT}
        return render(request, self.template_name, context)


class OrganizationChildrenView(LoginRequiredMixin, View):
    """htmx partial: the child rows of one node (at a past date when ``on`` is given)."""

    model = Organization
    template_name = "orgs/_tree_rows.html"

    def get(self, request, pk):
        node = get_scoped_or_404(Organization.objects, request.user, "view", pk=pk)
        as_of = AsOfForm(request.GET or None)
        on = as_of.cleaned_data.get("on") if as_of.is_valid() else None
        if on:
            qs = (OrganizationVersion.objects.restrict(request.user, "view").as_of(on).filter(parent=node)
                  .order_by("name", "id"))
            items = list(qs[: TREE_CHILDREN_LIMIT + 1])
            rows = [_row(v, version=True) for v in items[:TREE_CHILDREN_LIMIT]]
        else:
            qs = node.children.restrict(request.user, "view").order_by("name_key", "id")
            items = list(qs[: TREE_CHILDREN_LIMIT + 1])
            rows = [_row(o) for o in items[:TREE_CHILDREN_LIMIT]]
        context = {"rows": rows, "on": on, "node": node, "more": len(items) > TREE_CHILDREN_LIMIT,
                   "limit": TREE_CHILDREN_LIMIT}
        return render(request, self.template_name, context)


class OrganizationDetailView(ObjectDetailView):
    model = Organization
    template_name = "orgs/detail.html"
    context_object_name = "org"

    def get_extra_context(self, org) -> dict:
        user = self.request.user
        ancestors = list(org.ancestors().restrict(user, "view"))
        children = list(org.children.restrict(user, "view").order_by("name_key", "id")[: SUBORG_LIMIT + 1])
        history = list(org.versions.select_related("parent").order_by("-valid_from", "-id")[:100])
        context = {
            "ancestors": ancestors,
            "children": children[:SUBORG_LIMIT],
            "more_children": len(children) > SUBORG_LIMIT,
            "suborg_limit": SUBORG_LIMIT,
            "history": history,
            "can_change": path_in_scope(user, Organization, "change", org.path) and can(user, Organization, "change"),
            "can_add": path_in_scope(user, Organization, "add", org.path) and can(user, Organization, "add")
                       and bool(ALLOWED_CHILDREN.get(org.org_type)),
            "holds_members": org.org_type in {"cell", "grassroots_cell"},
            "show_audit": can(user, AuditRecord, "view"),  # the trail of the organization and what is under it
        }
        # The members table and the predecessors/successors are panels the members and reorg apps register.
        return context


def _require(user, action: str, org: Organization) -> None:
    if not (can(user, Organization, action) and path_in_scope(user, Organization, action, org.path)):
        raise PermissionDenied(_("You may see this organization but not change it."))


class OrganizationEditView(LoginRequiredMixin, View):
    model = Organization
    template_name = "orgs/form.html"

    def _initial(self, org):
        return {f: getattr(org, f) for f in OrganizationEditForm.change_fields} | {"lock_version": org.lock_version}

    def get(self, request, pk):
        org = get_scoped_or_404(Organization.objects, request.user, "view", pk=pk)
        _require(request.user, "change", org)
        form = OrganizationEditForm(initial=self._initial(org), can_rename=services.may_rename(request.user, org))
        return render(request, self.template_name, {"org": org, "form": form, "mode": "edit"})

    def post(self, request, pk):
        org = get_scoped_or_404(Organization.objects, request.user, "view", pk=pk)
        _require(request.user, "change", org)
        form = OrganizationEditForm(request.POST, initial=self._initial(org),
                                    can_rename=services.may_rename(request.user, org))
        conflict = None
        if form.is_valid():
            data = form.cleaned_data
            changes = {f: data[f] if data[f] is not None else ("" if f != "establishing_decision_date" else None)
                       for f in OrganizationEditForm.change_fields}
            changes = {f: v for f, v in changes.items() if v != getattr(org, f)}
            try:
                services.update_organization(
                    request.user, org, expected_version=data["lock_version"], effective_on=data["effective_on"],
                    decision=data["decision"], decision_date=data["decision_date"], **changes)
            except EditConflict as exc:
                org.refresh_from_db()
                conflict = org
                form.add_error(None, str(exc))
            except OutOfScope as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The organization has been saved."))
                return redirect("orgs:detail", pk=org.pk)
        return render(request, self.template_name, {"org": org, "form": form, "mode": "edit", "conflict": conflict},
                      status=409 if conflict else 200)


class OrganizationCreateChildView(LoginRequiredMixin, View):
    model = Organization
    template_name = "orgs/form.html"

    def get(self, request, pk):
        parent = get_scoped_or_404(Organization.objects, request.user, "view", pk=pk)
        _require(request.user, "add", parent)
        form = OrganizationCreateForm(parent=parent)
        return render(request, self.template_name, {"org": parent, "form": form, "mode": "create"})

    def post(self, request, pk):
        parent = get_scoped_or_404(Organization.objects, request.user, "view", pk=pk)
        _require(request.user, "add", parent)
        form = OrganizationCreateForm(request.POST, parent=parent)
        if form.is_valid():
            data = form.cleaned_data
            try:
                child = services.establish_organization(
                    request.user, parent=parent, code=data["code"].strip(), name=data["name"],
                    org_type=data["org_type"], effective_on=data["effective_on"], decision=data["decision"],
                    decision_date=data["decision_date"], term=data["term"])
            except OutOfScope as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The organization has been established."))
                return redirect("orgs:detail", pk=child.pk)
        return render(request, self.template_name, {"org": parent, "form": form, "mode": "create"})
