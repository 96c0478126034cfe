"""Pages of committees: an organization's committee (composition by body, seats and vacancies, the term, as of any
date, the history of its terms), the forms that change it, and the worklist of vacancies and terms ending.

Thin, like every page: the organization is found in the user's scope (404 outside), the right is checked on it
(``cadres.change_postholding`` on its subtree; appointing is a decision of the committee above,
``core.scope.may_decide_over``), writes go through ``cadres.services`` and their refusals land on the form.
Every read is a fixed number of queries whatever the size of the committee or of the subtree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cadres import forms as cadre_forms
from cadres.choices import BODY_POSTS, HEAD_POSTS, BodyKind
from cadres.models import Body, PostHolding, Term
from core.dates import add_months, parse_date
from core.object_views import ObjectActionView, ObjectDetailView, run_service
from core.pagination import BadCursor, keyset_page
from core.scope import can, get_scoped_or_404, may, may_decide_over
from members.models import Member
from orgs.models import Organization

TERM_HISTORY_LIMIT = 30
WORKLIST_PAGE = 50
POST_ORDER = {post: i for posts in BODY_POSTS.values() for i, post in enumerate(posts)}
BODY_ORDER = {kind: i for i, kind in enumerate(BodyKind.values)}


# --- rights ------------------------------------------------------------------------------------------------------
def may_view(user: Any, org: Organization) -> bool:
    return may(user, PostHolding, "view", org.path)


def may_record(user: Any, org: Organization) -> bool:
    """Record holders, open a term by congress, end holdings, close a term: the right on the organization."""
    return may(user, PostHolding, "change", org.path)


def may_appoint(user: Any, org: Organization) -> bool:
    """Appoint a committee or a holder: a decision of the committee above the organization."""
    return may_decide_over(user, PostHolding, "appoint", org.path)


# --- reads -------------------------------------------------------------------------------------------------------
def term_on(org: Organization, on: dt.date | None) -> Term | None:
    """The organization's term in force on ``on`` (the open one when ``on`` is None); one query."""
    terms = Term.objects.filter(organization=org)
    terms = terms.as_of(on) if on is not None else terms.current()
    return terms.order_by("-valid_from", "-id").first()


def grouped(bodies: list[Body], holdings: list[PostHolding]) -> list[dict[str, Any]]:
    """The bodies with their holders in post order, counted from the holders (right for any date), and what is
    missing: open seats and a head post nobody holds."""
    by_body: dict[int, list[PostHolding]] = {}
    for holding in holdings:
        by_body.setdefault(holding.body_id, []).append(holding)
    result = []
    for body in sorted(bodies, key=lambda b: BODY_ORDER.get(b.kind, 99)):
        rows = sorted(by_body.get(body.pk, []),
                      key=lambda h: (POST_ORDER.get(h.post, 99), h.valid_from, h.member.full_name, h.pk))
        head = HEAD_POSTS.get(body.kind)
        head_missing = head is not None and not any(h.post == head for h in rows)
        open_seats = max(body.seats - len(rows), 0)
        result.append({"body": body, "holdings": rows, "filled": len(rows), "open_seats": open_seats,
                       "head": head, "head_label": head.label if head else "", "head_missing": head_missing,
                       "vacant": open_seats > 0 or head_missing})
    return result


def committee_summary(org: Organization, on: dt.date | None = None) -> dict[str, Any]:
    """The term in force and its bodies with their holders: three queries."""
    from cadres.services import composition

    term = term_on(org, on)
    if term is None:
        return {"term": None, "bodies": [], "vacancies": []}
    bodies = list(term.bodies.all())
    holdings = [h for h in composition(org, on) if h.body_id in {b.pk for b in bodies}]
    groups = grouped(bodies, holdings)
    return {"term": term, "bodies": groups, "vacancies": [g for g in groups if g["vacant"]]}


# --- the committee page ------------------------------------------------------------------------------------------
class CommitteeView(ObjectDetailView):
    """An organization's committee: composition by body as of a date (today by default), seats and vacancies, the
    term, the history of terms, and the actions the user may take."""

    model = Organization
    template_name = "cadres/committee.html"
    context_object_name = "org"

    def get_object(self) -> Organization:
        org = super().get_object()
        if not may_view(self.request.user, org):
            raise PermissionDenied(_("You do not have the right to see committees here."))
        return org

    def get_context_data(self, obj: Organization) -> dict[str, Any]:
        # Only the committee itself: the organization page's panels and actions belong to the organization page.
        return {self.context_object_name: obj, "object_states": {}, "object_actions": []}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        org = self.get_object()
        context = self.get_context_data(org)
        context.update(self.committee_context(org))
        return render(request, self.template_name, context, status=context.pop("status", 200))

    def committee_context(self, org: Organization) -> dict[str, Any]:
        user = self.request.user
        as_of = cadre_forms.AsOfForm(self.request.GET or None)
        valid = as_of.is_valid() if as_of.is_bound else True
        on = as_of.cleaned_data.get("on") if valid and as_of.is_bound else None
        summary = committee_summary(org, on)
        terms = list(Term.objects.restrict(user, "view").filter(organization=org)
                     .order_by("-valid_from", "-id")[:TERM_HISTORY_LIMIT])
        term = summary["term"]
        current = term is not None and term.is_open and on is None
        recordable = org.is_active and may_record(user, org)
        appointable = org.is_active and may_appoint(user, org)
        return {
            **summary, "on": on, "as_of_form": as_of, "terms": terms, "term_limit": TERM_HISTORY_LIMIT,
            "current": current, "today": timezone.localdate(),
            "can_record": recordable and current, "can_open": recordable or appointable,
            "can_appoint": appointable, "can_close": recordable and current,
            "can_end": recordable and current, "can_export": may(user, Member, "export", org.path),
            "status": 200 if valid else 400,
        }


# --- the forms ---------------------------------------------------------------------------------------------------
class _CommitteeFormView(ObjectActionView):
    """A form on an organization's committee: 404 outside the scope, 403 without the right the form needs."""

    model = Organization
    template_name = "cadres/form.html"
    context_object_name = "org"
    title: Any = ""
    intro: Any = ""
    permission_denied_message = gettext_lazy("You may see this committee but not change it.")

    def allowed(self, user: Any, org: Organization) -> bool:
        return may_record(user, org)

    def get_object(self) -> Organization:
        org = get_scoped_or_404(self.get_queryset(), self.request.user, "view", pk=self.kwargs["pk"])
        if not (org.is_active and self.allowed(self.request.user, org)):
            raise PermissionDenied(self.permission_denied_message)
        return org

    def form_kwargs(self, org: Organization) -> dict[str, Any]:
        return {}

    def get_form(self, org: Organization, data: Any = None) -> Any:
        kwargs = self.form_kwargs(org)
        if getattr(self.form_class, "takes_user", False):
            kwargs["user"] = self.request.user
        self._form = self.form_class(data, **kwargs) if data is not None else self.form_class(**kwargs)
        return self._form

    def get_extra_context(self, org: Organization) -> dict[str, Any]:
        return {"title": self.title, "intro": self.intro, "back": reverse("cadres:committee", args=[org.pk]),
                "open_term": term_on(org, None)}

    def get_success_url(self, org: Organization, result: Any) -> str:
        return reverse("cadres:committee", args=[org.pk])


class OpenTermView(_CommitteeFormView):
    form_class = cadre_forms.OpenTermForm
    title = gettext_lazy("Open a term")
    intro = gettext_lazy("The congress elects the committee for a term; opening it closes the term in force on "
                         "that date, with its bodies and holders.")
    success_message = gettext_lazy("The term has been opened.")

    def allowed(self, user: Any, org: Organization) -> bool:
        return may_record(user, org) or may_appoint(user, org)

    def form_kwargs(self, org: Organization) -> dict[str, Any]:
        return {"may_appoint": may_appoint(self.request.user, org)}

    def perform(self, user: Any, org: Organization, data: dict[str, Any]) -> Any:
        from cadres.services import open_term

        form = self._form
        return open_term(user, organization=org, label=data["label"], valid_from=data["valid_from"],
                         opened_by=data["opened_by"], seats=form.seats(), decision=data["decision"],
                         decision_date=data["decision_date"], reference_date=data["reference_date"])


class RecordHoldingView(_CommitteeFormView):
    form_class = cadre_forms.RecordHoldingForm
    title = gettext_lazy("Record a post holder")
    intro = gettext_lazy("A member elected, appointed or designated to a post of a body of the term in force.")
    success_message = gettext_lazy("The post holder has been recorded.")

    def bodies(self, org: Organization) -> list[Body]:
        term = term_on(org, None)
        if term is None:
            return []
        return list(Body.objects.restrict(self.request.user, "change")
                    .filter(term=term, organization=org, ended_on__isnull=True))

    def form_kwargs(self, org: Organization) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"bodies": self.bodies(org), "may_appoint": may_appoint(self.request.user, org),
                                  "organization": org}
        initial = {}
        if self.request.GET.get("post") in dict(cadre_forms.POST_BODY):
            initial["post"] = self.request.GET["post"]
        # "Save and record another" comes back with the date, the document and how chosen of the holder just
        # recorded: a congress result is many holders of one date and one resolution, typed once.
        for name in self.KEPT:
            value: Any = self.request.GET.get(name, "")[:64]
            if name in ("valid_from", "decision_date"):
                value = parse_date(value)
            if value:
                initial[name] = value
        if initial:
            kwargs["initial"] = initial
        return kwargs

    KEPT = ("valid_from", "selection", "decision", "decision_date")

    def get_extra_context(self, org: Organization) -> dict[str, Any]:
        return {**super().get_extra_context(org), "another": _("Save and record another")}

    def get_success_url(self, org: Organization, result: Any) -> str:
        if "another" not in self.request.POST:
            return super().get_success_url(org, result)
        data = self._form.cleaned_data
        kept = {name: data[name].isoformat() if hasattr(data[name], "isoformat") else data[name]
                for name in self.KEPT if data.get(name)}
        return f"{reverse('cadres:record_holding', args=[org.pk])}?{urlencode(kept)}"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        org = self.get_object()
        form = self.get_form(org)
        if not form.bodies:
            messages.warning(request, _("This organization has no open term: open one first."))
            return redirect("cadres:committee", pk=org.pk)
        return self.render_form(org, form)

    def perform(self, user: Any, org: Organization, data: dict[str, Any]) -> Any:
        from cadres.services import record_holding

        return record_holding(user, body=self._form.chosen_body(), member=data["member"], post=data["post"],
                              valid_from=data["valid_from"], selection=data["selection"], decision=data["decision"],
                              decision_date=data["decision_date"])


class CloseTermView(_CommitteeFormView):
    form_class = cadre_forms.CloseTermForm
    title = gettext_lazy("Close the term")
    intro = gettext_lazy("Closing the term ends its bodies and every post still held in them on that date.")
    success_message = gettext_lazy("The term has been closed.")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        org = self.get_object()
        if term_on(org, None) is None:
            messages.warning(request, _("This organization has no open term."))
            return redirect("cadres:committee", pk=org.pk)
        return self.render_form(org, self.get_form(org))

    def perform(self, user: Any, org: Organization, data: dict[str, Any]) -> Any:
        from cadres.services import close_term

        term = Term.objects.restrict(user, "change").filter(organization=org, valid_to__isnull=True).first()
        if term is None:
            from django.core.exceptions import ValidationError

            raise ValidationError(_("This organization has no open term."))
        return close_term(user, term, on=data["on"], closed_by=data["closed_by"], decision=data["decision"])


class AppointCommitteeView(_CommitteeFormView):
    """The committee above appoints the committee of an organization (after a merger): the term and its holders in
    one decision, all or nothing."""

    form_class = cadre_forms.AppointCommitteeForm
    template_name = "cadres/appoint.html"
    title = gettext_lazy("Appoint the committee")
    intro = gettext_lazy("The decision of the committee above: the term, the seats of each body and the holders it "
                         "names, recorded together or not at all.")
    success_message = gettext_lazy("The committee has been appointed.")
    permission_denied_message = gettext_lazy("Only the committee above this organization appoints its committee.")

    def allowed(self, user: Any, org: Organization) -> bool:
        return may_appoint(user, org)

    def rows(self, data: Any = None) -> Any:
        kwargs = {"prefix": "holders", "form_kwargs": {"user": self.request.user}}
        return cadre_forms.HolderRows(data, **kwargs) if data is not None else cadre_forms.HolderRows(**kwargs)

    def render_form(self, org: Organization, form: Any, status: int = 200, rows: Any = None) -> HttpResponse:
        context = {"org": org, "form": form, "rows": rows if rows is not None else self.rows()}
        context.update(self.get_extra_context(org))
        return render(self.request, self.template_name, context, status=status)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from cadres.services import appoint_committee

        org = self.get_object()
        form = self.get_form(org, request.POST)
        rows = self.rows(request.POST)
        form_ok, rows_ok = form.is_valid(), rows.is_valid()  # both validated: every error in one round
        if form_ok and rows_ok:
            data = form.cleaned_data
            result = run_service(form, appoint_committee, request.user, organization=org, label=data["label"],
                                 valid_from=data["valid_from"], decision=data["decision"],
                                 decision_date=data["decision_date"], seats=form.seats(), holdings=rows.holdings())
            if result is not None:
                messages.success(request, str(self.success_message))
                return redirect(self.get_success_url(org, result))
        return self.render_form(org, form, status=self.invalid_status, rows=rows)


class EndHoldingView(ObjectActionView):
    """A holder leaves the post (moved, dismissed, resigned, retired, deceased), on a date, by a decision."""

    model = PostHolding
    select_related = ("member", "body", "body__term", "organization")
    template_name = "cadres/form.html"
    form_class = cadre_forms.EndHoldingForm
    context_object_name = "holding"
    success_message = gettext_lazy("The holding has been ended.")
    permission_denied_message = gettext_lazy("You may see this committee but not change it.")

    def get_object(self) -> PostHolding:
        holding = get_scoped_or_404(self.get_queryset(), self.request.user, "view", pk=self.kwargs["pk"])
        if not may_record(self.request.user, holding.organization):
            raise PermissionDenied(self.permission_denied_message)
        return holding

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        holding = self.get_object()
        if holding.valid_to is not None:
            messages.warning(request, _("This holding has already ended."))
            return redirect("cadres:committee", pk=holding.organization_id)
        return self.render_form(holding, self.get_form(holding))

    def get_extra_context(self, holding: PostHolding) -> dict[str, Any]:
        return {"org": holding.organization, "title": _("End a holding"),
                "intro": _("%(name)s, %(post)s since %(date)s.") % {
                    "name": holding.member.full_name, "post": holding.get_post_display().lower(),
                    "date": _day(holding.valid_from)},
                "back": reverse("cadres:committee", args=[holding.organization_id])}

    def perform(self, user: Any, holding: PostHolding, data: dict[str, Any]) -> Any:
        from cadres.services import end_holding

        return end_holding(user, holding, on=data["on"], reason=data["reason"], decision=data["decision"])

    def get_success_url(self, holding: PostHolding, result: Any) -> str:
        return reverse("cadres:committee", args=[holding.organization_id])


def _day(value: dt.date) -> str:
    from core import l10n

    return l10n.day(value)


# --- the worklist ------------------------------------------------------------------------------------------------
class WorklistView(LoginRequiredMixin, View):
    """Bodies with open seats or no head, and terms ending within N months, across the user's subtree: keyset pages,
    a fixed number of queries, read from the partial indexes of open bodies and open terms."""

    tabs = ("vacancies", "ending")

    def get(self, request: HttpRequest) -> HttpResponse:
        from cadres.services import VACANCY_ORDER, terms_ending, vacant_bodies

        user = request.user
        if not can(user, PostHolding, "view"):
            raise PermissionDenied(_("You do not have the right to see committees."))
        tab = request.GET.get("list") if request.GET.get("list") in self.tabs else self.tabs[0]
        form = cadre_forms.WorklistFilterForm(request.GET or None, user=user)
        valid = form.is_valid() if form.is_bound else True
        data = form.cleaned_data if valid and form.is_bound else {}
        root = data.get("organization")
        kind = data.get("kind") or ""
        months = data.get("months") or cadre_forms.DEFAULT_MONTHS
        today = timezone.localdate()
        before = add_months(today, months)
        if tab == "vacancies":
            qs = vacant_bodies(user, root)
            if kind:
                qs = qs.filter(kind=kind)
            order = VACANCY_ORDER
        else:
            qs = terms_ending(user, before, root)
            order = ["planned_end", "id"]
        if not valid:
            qs = qs.none()
        try:
            page = keyset_page(qs, order, request.GET.get("cursor") or None, WORKLIST_PAGE)
        except BadCursor as exc:
            messages.warning(request, exc.messages[0])
            page = keyset_page(qs, order, None, WORKLIST_PAGE)
        rows = page.items
        if tab == "vacancies":
            rows = [{"body": b, "open_seats": b.open_seats,
                     "head_missing": b.kind in HEAD_POSTS and not b.head_filled} for b in rows]
        return render(request, "cadres/worklist.html", {
            "tab": tab, "form": form, "page": page, "rows": rows, "months": months, "before": before,
            "today": today, "organization": root, "kind": kind, "can_export": can(user, Member, "export"),
            "export_form": cadre_forms.ExportForm(user=user, auto_id="export_%s",
                                                  initial={"organization": root.code if root else None}),
        }, status=200 if valid else 400)
