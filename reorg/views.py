"""Pages: the list of reorganizations (scheduled ones first), the guided form with preview and confirmation,
one reorganization's page (apply / cancel), and the tree and member count of an organization as of a date.

Views are thin: they read through ``restrict(user, ...)`` and write through ``reorg.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.object_views import ObjectListView
from core.scope import OutOfScope, can, get_scoped_or_404
from core.views import apply_service_errors
from orgs.models import Organization
from reorg import services
from reorg.choices import ReorgKind, ReorgState
from reorg.filtersets import ReorganizationFilterSet
from reorg.forms import FORMS, PREFILL, AsOfForm
from reorg.models import Reorganization


def _require_change(user) -> None:
    if not can(user, Organization, "change"):
        raise PermissionDenied(_("You do not have the right to reorganize organizations."))


class ReorganizationListView(ObjectListView):
    model = Reorganization
    template_name = "reorg/list.html"
    context_object_name = "reorganizations"
    filterset_class = ReorganizationFilterSet
    sorts = {"": ["-effective_on", "-id"]}

    def get_extra_context(self, listing) -> dict:
        qs = self.get_list_queryset()
        return {"pending": list(qs.filter(state=ReorgState.SCHEDULED).order_by("effective_on", "id")[:100]),
                "kinds": ReorgKind.choices, "can_change": can(self.request.user, Organization, "change")}


class ReorganizationCreateView(LoginRequiredMixin, View):
    """GET: the empty form. POST: validate and show the preview. POST with ``confirm``: apply or schedule."""

    template_name = "reorg/form.html"

    def _form_class(self, kind: str):
        form_class = FORMS.get(kind)
        if form_class is None:
            raise Http404
        return form_class

    def get(self, request, kind):
        form_class = self._form_class(kind)
        _require_change(request.user)
        initial = {"effective_on": timezone.localdate()}
        code = request.GET.get("organization", "").strip()[:32]  # a link from an organization's page: its code
        if code:
            org = Organization.objects.restrict(request.user, "view").filter(code=code).first()
            if org is not None:
                initial[PREFILL[kind]] = [org.code] if PREFILL[kind] in ("sources", "organizations") else org.code
        return render(request, self.template_name, {"form": form_class(initial=initial, user=request.user),
                                                    "kind": kind, "kind_label": ReorgKind(kind).label})

    def post(self, request, kind):
        form_class = self._form_class(kind)
        _require_change(request.user)
        form = form_class(request.POST, user=request.user)
        preview = None
        if form.is_valid():
            data = form.cleaned_data
            args = {"effective_on": data["effective_on"], "decision": data["decision"],
                    "decision_date": data.get("decision_date")}
            try:
                if request.POST.get("confirm"):
                    reorg = services.create_reorganization(request.user, kind=kind, plan=form.to_plan(),
                                                           note=data.get("note", ""), **args)
                    if reorg.state == ReorgState.APPLIED:
                        messages.success(request, _("The reorganization has been applied."))
                    else:
                        messages.success(request, _("The reorganization has been scheduled."))
                    return redirect("reorg:detail", pk=reorg.pk)
                preview = services.preview(request.user, kind, form.to_plan(), **args)
            except OutOfScope as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                apply_service_errors(form, exc)
        return render(request, self.template_name, {
            "form": form, "kind": kind, "kind_label": ReorgKind(kind).label, "preview": preview,
            "scheduled": bool(form.is_valid() and form.cleaned_data["effective_on"] > timezone.localdate()),
        })


class ReorganizationDetailView(LoginRequiredMixin, View):
    model = Reorganization
    template_name = "reorg/detail.html"

    def get(self, request, pk):
        reorg = get_scoped_or_404(Reorganization.objects.select_related("created_by", "applied_by"), request.user,
                                  "view", pk=pk)
        links = reorg.links.select_related("predecessor", "successor")
        organizations = reorg.organizations.restrict(request.user, "view").order_by("path")[:200]
        can_change = Reorganization.objects.restrict(request.user, "change").filter(pk=reorg.pk).exists()
        return render(request, self.template_name, {
            "reorg": reorg, "links": links, "organizations": organizations,
            "preview": reorg.summary.get("preview", {}), "applied": reorg.summary.get("applied"),
            "can_change": can_change and reorg.state in (ReorgState.SCHEDULED, ReorgState.FAILED),
            "due": reorg.effective_on <= timezone.localdate(),
        })


class _StateChangeView(LoginRequiredMixin, View):
    model = Reorganization

    def act(self, request, reorg):  # pragma: no cover - subclasses
        raise NotImplementedError

    def post(self, request, pk):
        reorg = get_scoped_or_404(Reorganization.objects, request.user, "change", pk=pk)
        try:
            self.act(request, reorg)
        except (ValidationError, OutOfScope) as exc:
            messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("reorg:detail", pk=reorg.pk)


class ReorganizationApplyView(_StateChangeView):
    def act(self, request, reorg):
        services.apply_reorganization(request.user, reorg)
        messages.success(request, _("The reorganization has been applied."))


class ReorganizationCancelView(_StateChangeView):
    def act(self, request, reorg):
        services.cancel_reorganization(request.user, reorg)
        messages.success(request, _("The scheduled reorganization has been cancelled."))


class AsOfView(LoginRequiredMixin, View):
    """An organization's subtree and member count as they stood on a date (before or after a reorganization)."""

    template_name = "reorg/as_of.html"
    limit = 500

    def get(self, request):
        form = AsOfForm(request.GET or None, user=request.user)
        context: dict = {"form": form}
        if form.is_valid():
            org = form.cleaned_data["organization"]
            if org is not None:
                on = form.cleaned_data["on"]
                rows = list(services.tree_as_of(org, on, max_depth=3, limit=self.limit + 1, user=request.user))
                root_depth = rows[0]["depth"] if rows else 0
                context.update({
                    "org": org, "on": on, "counts": services.member_count_as_of(org, on, user=request.user),
                    "rows": [{"v": v, "indent": v["depth"] - root_depth} for v in rows[: self.limit]],
                    "more": len(rows) > self.limit, "limit": self.limit,
                })
        return render(request, self.template_name, context)
