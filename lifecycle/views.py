"""Pages of the member lifecycle. Thin: find the object in the user's scope (404 outside), run the action,
show the result or the form with its errors."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.roots import scope_root
from core.filtersets import code_named_url, organization_by_reference
from core.object_views import ObjectActionView, ObjectListView, run_service
from core.registry import object_actions, object_states
from core.scope import can, get_scoped_or_404, may, may_decide_over
from core.views import keyset_list
from lifecycle import badges, services
from lifecycle.badges import badge_period
from lifecycle.choices import CaseState, LetterState, TransferKind
from lifecycle.forms import (
    ApplicationForm,
    BadgeFilterForm,
    BulkLetterForm,
    CeremonyForm,
    CloseLetterForm,
    EndTemporaryForm,
    ExemptionForm,
    LeavingForm,
    LetterForm,
    ReadmissionForm,
    ReceiptForm,
    RecognitionForm,
    SendingCellForm,
    StepForm,
    TargetFilterForm,
    TargetForm,
    WithdrawForm,
)
from lifecycle.models import AdmissionCase, Exemption, TransferLetter
from members.choices import MemberStatus
from members.models import Member
from orgs.models import Organization

BADGE_PAGE_ROWS = 200


_run = run_service  # a service's refusals become form errors (core.object_views)


def _require(user, action: str) -> None:
    if not can(user, Member, action):
        raise PermissionDenied(_("You do not have the right to do this."))


def letter_addressee(user, data: dict) -> Organization:
    """The organization a letter form addresses: the cell chosen in scope (the form resolved it), or the chosen
    receiving committee."""
    if data.get("to_province"):
        committee = services.receiving_committees().filter(pk=data["to_province"]).first()
        if committee is None:
            raise ValidationError({"to_province": _("Choose a receiving province from the list.")})
        return committee
    return data["to_org"]


class LifecycleHomeView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        _require(user, "view")
        today = timezone.localdate()
        letters = TransferLetter.objects.restrict(user, "view")
        context = {
            "open_cases": AdmissionCase.objects.restrict(user, "view").filter(
                state__in=[CaseState.APPLIED, CaseState.CELL_RESOLVED, CaseState.COMMITTEE_DECIDED]).count(),
            "due_count": services.recognition_worklist(user).count(),
            "out_transit": letters.outgoing(user).filter(state=LetterState.ISSUED).count(),
            "in_transit": letters.incoming(user).filter(state=LetterState.ISSUED).count(),
            "overdue": letters.overdue(today).count(),
            "summary": services.target_summary(user, today.year),
            "tab": "home",
        }
        return render(request, "lifecycle/home.html", context)


# --- Admission ------------------------------------------------------------------------------------------

class AdmissionListView(ObjectListView):
    model = AdmissionCase
    select_related = ("cell",)
    permission_model = Member
    required_action = "view"
    template_name = "lifecycle/admission_list.html"
    context_object_name = "cases"

    def filter_queryset(self, queryset):
        self.state = self.request.GET.get("state", "")
        return queryset.filter(state=self.state) if self.state in CaseState.values else queryset

    def get_extra_context(self, listing) -> dict:
        return {"states": CaseState.choices, "state": self.state, "can_add": can(self.request.user, Member, "add"),
                "tab": "admissions"}


class AdmissionCreateView(LoginRequiredMixin, View):
    """A new application; with ``?member=<pk>`` the re-admission of a former member."""

    def _former(self, request):
        raw = request.GET.get("member") or request.POST.get("member") or ""
        if not raw.isdigit() or int(raw) >= 2**53:
            return None
        return Member.objects.restrict(request.user, "view").filter(pk=int(raw)).first()

    def _render(self, request, form, former, status=200):
        return render(request, "lifecycle/admission_form.html",
                      {"form": form, "former": former, "tab": "admissions"}, status=status)

    def get(self, request):
        _require(request.user, "add")
        former = self._former(request)
        form = (ReadmissionForm if former else ApplicationForm)(user=request.user)
        return self._render(request, form, former)

    def post(self, request):
        _require(request.user, "add")
        former = self._former(request)
        form = (ReadmissionForm if former else ApplicationForm)(request.POST, user=request.user)
        valid = form.is_valid()
        cell = form.cleaned_data.get("cell")
        if cell is not None and not valid:  # the cell's own checks join the other errors: one round
            _run(form, services.check_cell, request.user, cell)
        elif valid:
            personal = {} if former else {f: form.cleaned_data.get(f) for f in ApplicationForm.personal_fields}
            case = _run(form, services.submit_application, request.user, cell=cell,
                        applied_on=form.cleaned_data["applied_on"], former_member=former, **personal)
            if case is not None:
                messages.success(request, _("The application has been recorded."))
                return redirect("lifecycle:admission", pk=case.pk)
        return self._render(request, form, former)


STEP_FORMS = {"cell_resolution": StepForm, "committee_decision": StepForm, "ceremony": CeremonyForm,
              "withdraw": WithdrawForm}


class AdmissionDetailView(LoginRequiredMixin, View):
    model = AdmissionCase

    def _context(self, request, case, forms=None):
        can_change = may(request.user, Member, "change", case.cell.path)
        # The committee's decisions are shown only to those who may record them (the committee above the cell).
        can_decide = may_decide_over(request.user, AdmissionCase, "decide", case.cell.path)
        forms = forms or {}
        step = case.next_step
        if step == "committee_decision" and not can_decide and step not in forms:
            step = None  # (a refused attempt keeps its form, with the refusal on it)
        if step in STEP_FORMS and step not in forms:
            forms[step] = STEP_FORMS[step](prefix=step)
        if case.state in (CaseState.APPLIED, CaseState.CELL_RESOLVED, CaseState.COMMITTEE_DECIDED) \
                and "withdraw" not in forms:
            forms["withdraw"] = WithdrawForm(prefix="withdraw")
        return {"case": case, "can_change": can_change, "can_decide": can_decide, "step": step,
                "step_form": forms.get(step),
                "withdraw_form": forms.get("withdraw"), "tab": "admissions",
                "probation_end": services.probation_end(case.member) if case.member_id and
                case.state == CaseState.PROBATION else None}

    def get(self, request, pk):
        case = get_scoped_or_404(AdmissionCase.objects.select_related("cell", "member"), request.user, "view", pk=pk)
        return render(request, "lifecycle/admission_detail.html", self._context(request, case))

    def post(self, request, pk):
        case = get_scoped_or_404(AdmissionCase.objects.select_related("cell", "member"), request.user, "view", pk=pk)
        _require(request.user, "change")
        step = request.POST.get("step", "")
        if step not in STEP_FORMS:
            messages.error(request, _("Choose a step."))
            return redirect("lifecycle:admission", pk=case.pk)
        form = STEP_FORMS[step](request.POST, prefix=step)
        result = None
        if form.is_valid():
            data = form.cleaned_data
            if step == "cell_resolution":
                result = _run(form, services.record_cell_resolution, request.user, case, number=data["number"],
                              on=data["on"])
            elif step == "committee_decision":
                result = _run(form, services.record_committee_decision, request.user, case, number=data["number"],
                              on=data["on"])
            elif step == "ceremony":
                result = _run(form, services.hold_ceremony, request.user, case, on=data["on"])
            else:
                result = _run(form, services.withdraw_case, request.user, case, on=data["on"],
                              reason=data["reason"], number=data["number"])
        if result is not None:
            messages.success(request, _("The step has been recorded."))
            return redirect("lifecycle:admission", pk=case.pk)
        case.refresh_from_db()
        return render(request, "lifecycle/admission_detail.html", self._context(request, case, {step: form}),
                      status=400)


class WorklistView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request.user, "view")
        renamed = code_named_url(request)  # an old bookmark with the organization's id
        if renamed is not None:
            return redirect(renamed)
        qs = services.recognition_worklist(request.user).select_related("organization")
        org = organization_by_reference(request.user, request.GET.get("organization"))  # a code (old links: an id)
        if org is not None:
            from core.tree import prefix_q
            qs = qs.filter(prefix_q("organization__path", org.path))
        listing = keyset_list(request, services.with_probation_start(qs), sorts={"": ["admission_date", "id"]})
        today = timezone.localdate()
        from core.dates import add_months
        from core.rules import rule

        months = rule("PROBATION_MONTHS", today)
        overdue_before = add_months(today, -months - 1)
        return render(request, "lifecycle/worklist.html", {
            "listing": listing, "page": listing.page, "members": listing.items, "overdue_before": overdue_before,
            "probation_months": months, "organization": org, "tab": "worklist"})


class MemberLifecycleView(LoginRequiredMixin, View):
    """A member's lifecycle page: status, open letter, exemptions and the forms that change them."""

    model = Member

    def get(self, request, pk):
        member = get_scoped_or_404(Member.objects.select_related("organization"), request.user, "view", pk=pk)
        return render(request, "lifecycle/member.html", self._context(request, member))

    def _context(self, request, member):
        user = request.user
        states = object_states(Member._meta.label, user, [member])[member.pk]
        return {
            "member": member,
            "object_states": states,
            "object_actions": object_actions(Member._meta.label, member, user, states),
            "letters": list(TransferLetter.objects.filter(member=member).restrict(user, "view")
                            .select_related("from_org", "to_org").order_by("-issued_on", "-id")[:20]),
            "exemptions": list(Exemption.objects.filter(member=member).order_by("-valid_from")[:20]),
            "cases": list(AdmissionCase.objects.filter(member=member).restrict(user, "view").order_by("-id")[:10]),
            "tab": "worklist",
        }


class _MemberFormView(ObjectActionView):
    """A lifecycle form on one member: 404 outside scope, 403 without the right to change the member."""

    model = Member
    select_related = ("organization",)
    template_name = "lifecycle/member_form.html"
    context_object_name = "member"
    title = ""
    permission_denied_message = gettext_lazy("You may see this member's record but not change it.")

    def get_extra_context(self, member) -> dict:
        return {"title": self.get_title(member), "tab": "worklist", "extra": self.extra(member)}

    def get_title(self, member):
        return self.title

    def extra(self, member):
        return {}

    def get_success_message(self, member, result) -> str:
        return self.success_message()

    def get_success_url(self, member, result):
        return self.success_redirect(member, result).url

    def success_redirect(self, member, result):
        return redirect("lifecycle:member", pk=member.pk)


class RecognitionView(_MemberFormView):
    form_class = RecognitionForm

    def get_title(self, member):
        return _("End of probation")

    def extra(self, member):
        return {"probation_end": services.probation_end(member) if member.status == MemberStatus.PROBATIONARY
                else None}

    def perform(self, user, member, data):
        if data["outcome"] == "recognize":
            return services.recognize_official(user, member, vote_no=data["vote_no"], vote_date=data["vote_date"],
                                               decision_no=data["decision_no"], on=data["on"])
        return services.strike_off(user, member, vote_no=data["vote_no"], vote_date=data["vote_date"],
                                   decision_no=data["decision_no"], on=data["on"], reason=data["reason"])

    def success_message(self):
        return _("The decision has been recorded.")


class LeavingView(_MemberFormView):
    form_class = LeavingForm

    def get_title(self, member):
        return _("Leaving the party")

    def perform(self, user, member, data):
        return services.record_leaving(user, member, kind=data["kind"], on=data["on"], decision=data["decision"],
                                       note=data["note"])

    def success_message(self):
        return _("The leaving has been recorded.")


class ExemptionView(_MemberFormView):
    form_class = ExemptionForm

    def get_title(self, member):
        return _("Exemption from activities")

    def perform(self, user, member, data):
        return services.grant_exemption(user, member, valid_from=data["valid_from"], valid_to=data["valid_to"],
                                        reason=data["reason"], decision=data["decision"])

    def success_message(self):
        return _("The exemption has been recorded.")


class TransferView(_MemberFormView):
    form_class = LetterForm

    def get_form(self, member, data=None):
        kwargs = {"user": self.request.user, "sending_path": member.organization.path}
        return self.form_class(data, **kwargs) if data is not None else self.form_class(**kwargs)

    def get_title(self, member):
        return _("Issue a transfer letter")

    def perform(self, user, member, data):
        to = letter_addressee(user, data)
        return services.issue_transfer_letter(user, member, to_org=to, number=data["number"],
                                              issued_on=data["issued_on"], kind=data["kind"])

    def success_message(self):
        return _("The transfer letter has been issued; the member is in transit until the receiving side "
                 "confirms.")

    def success_redirect(self, member, result):
        return redirect("lifecycle:letter", pk=result.pk)


# --- Transfers ------------------------------------------------------------------------------------------

class LetterListView(ObjectListView):
    model = TransferLetter
    select_related = ("member", "from_org", "to_org")
    permission_model = Member
    required_action = "view"
    template_name = "lifecycle/letter_list.html"
    context_object_name = "letters"
    sorts = {"": ["-issued_on", "-id"]}

    def filter_queryset(self, queryset):
        user, data = self.request.user, self.request.GET
        self.side = data.get("side", "out") if data.get("side", "out") in ("out", "in") else "out"
        queryset = queryset.outgoing(user) if self.side == "out" else queryset.incoming(user)
        self.state = data.get("state", "")
        if self.state in LetterState.values:
            queryset = queryset.filter(state=self.state)
        self.today = timezone.localdate()
        if data.get("overdue"):
            queryset = queryset.overdue(self.today)
        return queryset

    def get_extra_context(self, listing) -> dict:
        return {"side": self.side, "state": self.state, "states": LetterState.choices,
                "overdue": bool(self.request.GET.get("overdue")), "today": self.today, "tab": "transfers"}


class BulkTransferView(LoginRequiredMixin, View):
    """Choose a party cell, tick its members, issue one letter number for all of them.

    The cell is one where the user may change members (the right the letters need), so an office clerk of the
    cell can use the page as its secretary does."""

    def _setup(self, request, data):
        _require(request.user, "change")
        sender = SendingCellForm(data if data.get("organization") else None, user=request.user)
        org = sender.cleaned_data["organization"] if sender.is_bound and sender.is_valid() else None
        members = []
        if org is not None:
            members = list(Member.objects.restrict(request.user, "change").filter(
                organization=org, status__in=[MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY])
                .order_by("name_key", "id")[:500])
        return sender, org, members

    def _render(self, request, sender, org, members, form, status=200):
        selected = {services.as_int(v) for v in request.POST.getlist("members")}
        return render(request, "lifecycle/bulk_transfer.html", {"sender": sender, "organization": org,
                                                                "members": members, "form": form,
                                                                "selected": selected, "tab": "transfers"},
                      status=status)

    def get(self, request):
        sender, org, members = self._setup(request, request.GET)
        form = BulkLetterForm(member_choices=[(m.pk, m.full_name) for m in members], user=request.user,
                              sending_path=org.path if org is not None else None)
        return self._render(request, sender, org, members, form, status=400 if sender.errors else 200)

    def post(self, request):
        sender, org, members = self._setup(request, request.POST)
        choices = [(m.pk, m.full_name) for m in members]
        form = BulkLetterForm(request.POST, member_choices=choices, user=request.user,
                              sending_path=org.path if org is not None else None)
        if org is None:
            form.add_error(None, _("Choose the sending party cell first."))
        elif form.is_valid():
            data = form.cleaned_data
            to = _run(form, letter_addressee, request.user, data)
            if to is not None:
                letters = _run(form, services.bulk_issue_transfer_letters, request.user, data["members"], to_org=to,
                               number=data["number"], issued_on=data["issued_on"], kind=data["kind"])
                if letters is not None:
                    messages.success(request, _("%(n)d transfer letters have been issued.") % {"n": len(letters)})
                    return redirect("lifecycle:letters")
        return self._render(request, sender, org, members, form, status=400)


LETTER_OPS = {"confirm": ReceiptForm, "return": CloseLetterForm, "cancel": CloseLetterForm,
              "end": EndTemporaryForm}


class LetterDetailView(LoginRequiredMixin, View):
    model = TransferLetter

    def _letter(self, request, pk):
        return get_scoped_or_404(TransferLetter.objects.select_related("member", "from_org", "to_org"),
                                 request.user, "view", pk=pk)

    def _context(self, request, letter, forms=None):
        user = request.user
        forms = forms or {}
        sender = may(user, Member, "change", letter.from_org.path)
        receiver = may(user, Member, "change", letter.to_org.path)
        ops = {}
        if letter.state == LetterState.ISSUED:
            if receiver:
                ops["confirm"] = forms.get("confirm") or ReceiptForm(prefix="confirm", user=user,
                                                                     within=letter.to_org)
                ops["return"] = forms.get("return") or CloseLetterForm(prefix="return")
            if sender:
                ops["cancel"] = forms.get("cancel") or CloseLetterForm(prefix="cancel")
        elif letter.state == LetterState.RECEIVED and letter.kind == TransferKind.TEMPORARY and (sender or receiver):
            ops["end"] = forms.get("end") or EndTemporaryForm(prefix="end")
        show_member = Member.objects.restrict(user, "view").filter(pk=letter.member_id).exists()
        return {"letter": letter, "ops": ops, "is_sender": sender, "is_receiver": receiver,
                "overdue": letter.is_overdue(), "show_member_link": show_member, "tab": "transfers"}

    def get(self, request, pk):
        letter = self._letter(request, pk)
        return render(request, "lifecycle/letter_detail.html", self._context(request, letter))

    def post(self, request, pk):
        letter = self._letter(request, pk)
        _require(request.user, "change")
        op = request.POST.get("op", "")
        if op not in LETTER_OPS:
            messages.error(request, _("Choose what to do with the letter."))
            return redirect("lifecycle:letter", pk=letter.pk)
        extra = {"user": request.user, "within": letter.to_org} if op == "confirm" else {}
        form = LETTER_OPS[op](request.POST, prefix=op, **extra)
        result = None
        if form.is_valid():
            data = form.cleaned_data
            user = request.user
            if op == "confirm":
                result = _run(form, services.confirm_receipt, user, letter, received_on=data["received_on"],
                              decision=data["decision"], cell=data.get("cell"))
            elif op == "return":
                result = _run(form, services.return_letter, user, letter, on=data["on"], reason=data["reason"])
            elif op == "cancel":
                result = _run(form, services.cancel_letter, user, letter, on=data["on"], reason=data["reason"])
            else:
                result = _run(form, services.end_temporary_activity, user, letter, on=data["on"])
        if result is not None:
            messages.success(request, _("The letter has been updated."))
            return redirect("lifecycle:letter", pk=letter.pk)
        letter.refresh_from_db()
        return render(request, "lifecycle/letter_detail.html", self._context(request, letter, {op: form}),
                      status=400)


# --- Badges ---------------------------------------------------------------------------------------------

class BadgeView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        _require(user, "view")
        form = BadgeFilterForm(request.GET or None, years=badges.badge_years(), user=user)
        valid = form.is_valid() if request.GET else True
        start, end = badge_period(form) if valid else badge_period(BadgeFilterForm({}, user=user))
        data = form.cleaned_data if valid and request.GET else {}
        org = data.get("organization")
        only = [data["badge"]] if data.get("badge") else None
        if request.GET.get("format") == "xlsx" and valid:
            from lifecycle.exports import BadgeExportView

            return BadgeExportView.as_view()(request)
        groups = []
        if valid:
            for group in badges.badge_groups(user, start, end, organization=org, only=only):
                rows = list(group.queryset.select_related("organization")[:BADGE_PAGE_ROWS])
                groups.append({"years": group.years, "rows": rows, "count": group.count})
            early = []
            for group in badges.early_groups(user, end, organization=org, only=only):
                rows = list(group.queryset.select_related("organization")[:BADGE_PAGE_ROWS])
                if rows:
                    early.append({"years": group.years, "rows": rows, "count": group.count})
        else:
            early = []
        query = request.GET.copy()
        query.pop("format", None)
        return render(request, "lifecycle/badges.html", {
            "form": form, "groups": groups, "early": early, "start": start, "end": end, "organization": org,
            "limit": BADGE_PAGE_ROWS, "early_months": badges.early_months(end),
            "export_query": query.urlencode(), "can_export": can(user, Member, "export"), "tab": "badges"},
            status=200 if valid else 400)


# --- Targets --------------------------------------------------------------------------------------------

class TargetView(LoginRequiredMixin, View):
    def _org_year(self, request, data):
        form = TargetFilterForm(data, user=request.user)
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
        org = cleaned.get("organization") or scope_root(request.user)
        if org is not None and not Organization.objects.restrict(request.user, "view").filter(pk=org.pk).exists():
            org = None
        return form, org, cleaned.get("year") or timezone.localdate().year

    def _render(self, request, filter_form, org, year, target_form=None, status=200):
        report = services.target_report(org, year) if org is not None else None
        can_set = org is not None and may(request.user, Member, "change", org.path)
        target_form = target_form or TargetForm(auto_id="target_%s", user=request.user,
                                                initial={"organization": org.code if org else None, "year": year})
        return render(request, "lifecycle/targets.html", {
            "filter_form": filter_form, "organization": org, "year": year, "report": report, "can_set": can_set,
            "target_form": target_form, "tab": "targets"}, status=status)

    def get(self, request):
        _require(request.user, "view")
        form, org, year = self._org_year(request, request.GET)
        return self._render(request, form, org, year)

    def post(self, request):
        _require(request.user, "change")
        target_form = TargetForm(request.POST, auto_id="target_%s", user=request.user)
        filter_form, org, year = self._org_year(request, request.POST)
        if target_form.is_valid():
            data = target_form.cleaned_data
            org = data["organization"]
            result = _run(target_form, services.set_target, request.user, org, year=data["year"],
                          target_count=data["target_count"], target_percent=data["target_percent"],
                          decision=data["decision"])
            if result is not None:
                messages.success(request, _("The target has been saved."))
                return redirect(f"{request.path}?{urlencode({'organization': org.code, 'year': data['year']})}")
        elif target_form.has_error("organization"):
            target_form.add_error(None, target_form.errors["organization"])
        return self._render(request, filter_form, org, year, target_form, status=400)
