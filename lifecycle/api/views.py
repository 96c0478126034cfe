"""The member lifecycle over the API: every workflow step is a POST on its object; lists are keyset-paginated."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roots import scope_root
from core.api_views import FormatSuffixMixin, ScopedActionViewSet, ScopedGenericViewSet, validated_query
from core.scope import can
from core.tree import prefix_q
from lifecycle import badges, services
from lifecycle.api import serializers as s
from lifecycle.models import AdmissionCase, Exemption, TransferLetter
from members.models import Member
from orgs.models import Organization

NO_ORG = _("There is no organization with this number among those you work on.")
NO_MEMBER = _("There is no member with this number among those you work on.")


def _org_in_scope(user, pk):
    if not pk:
        return None
    from rest_framework.exceptions import ValidationError

    org = Organization.objects.restrict(user, "view").filter(pk=pk).first()
    if org is None:
        raise ValidationError({"organization": [str(NO_ORG)]})
    return org


class AdmissionCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedActionViewSet):
    """Admission cases in the caller's subtree; each step of the admission is a POST on the case."""

    queryset = AdmissionCase.objects.all()
    serializer_class = s.AdmissionCaseSerializer
    select_related = ("cell",)
    filterset_fields = ["state"]

    def get_serializer_class(self):
        return {"cell_resolution": s.StepSerializer, "committee_decision": s.StepSerializer,
                "ceremony": s.CeremonySerializer, "withdraw": s.WithdrawSerializer}.get(
            self.action, s.AdmissionCaseSerializer)

    def _out(self, case, code=status.HTTP_200_OK):
        case = AdmissionCase.objects.select_related("cell").get(pk=case.pk)
        return Response(s.AdmissionCaseSerializer(case, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Receive an application (``former_member`` for a re-admission)."""
        self.require("add")
        serializer = s.AdmissionCaseSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        former = None
        if data.get("former_member"):
            former = Member.objects.restrict(request.user, "view").filter(pk=data["former_member"]).first()
            if former is None:
                from rest_framework.exceptions import ValidationError

                raise ValidationError({"former_member": [str(NO_MEMBER)]})
        personal = {k: v for k, v in data.items() if k in services.APPLICANT_FIELDS and v not in (None, "")}
        case = services.submit_application(request.user, cell=data["cell"], applied_on=data["applied_on"],
                                           former_member=former, **personal)
        return self._out(case, status.HTTP_201_CREATED)

    def _step(self, request, func, **extra):
        return self.run_action(request, func, respond=self._out, **extra)

    @extend_schema(request=s.StepSerializer, responses=s.AdmissionCaseSerializer)
    @action(detail=True, methods=["post"], url_path="cell-resolution")
    def cell_resolution(self, request, pk=None):
        return self._step(request, services.record_cell_resolution)

    @extend_schema(request=s.StepSerializer, responses=s.AdmissionCaseSerializer)
    @action(detail=True, methods=["post"], url_path="committee-decision")
    def committee_decision(self, request, pk=None):
        return self._step(request, services.record_committee_decision)

    @extend_schema(request=s.CeremonySerializer, responses=s.AdmissionCaseSerializer)
    @action(detail=True, methods=["post"])
    def ceremony(self, request, pk=None):
        return self._step(request, services.hold_ceremony)

    @extend_schema(request=s.WithdrawSerializer, responses=s.AdmissionCaseSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(request, services.withdraw_case)


class WorklistViewSet(mixins.ListModelMixin, ScopedGenericViewSet):
    """Probationary members in scope due or overdue for recognition (oldest admission first)."""

    queryset = Member.objects.all()
    serializer_class = s.WorklistSerializer
    keyset_order = ["admission_date", "id"]
    filter_backends: list = []

    def get_queryset(self):
        qs = services.recognition_worklist(self.request.user).select_related("organization")
        raw = self.request.query_params.get("organization")
        if raw:
            query = validated_query(s.TargetQuerySerializer, self.request)
            org = _org_in_scope(self.request.user, query.validated_data.get("organization"))
            qs = qs.filter(prefix_q("organization__path", org.path))
        return qs


class LifecycleMemberViewSet(ScopedActionViewSet):
    """Lifecycle actions on one member: recognition, striking off, leaving, exemptions, transfer letter."""

    queryset = Member.objects.all()
    serializer_class = s.WorklistSerializer
    filter_backends: list = []
    pagination_class = None

    def get_serializer_class(self):
        return {"recognize": s.RecognitionSerializer, "strike_off": s.StrikeOffSerializer,
                "leave": s.LeavingSerializer, "exemptions": s.ExemptionSerializer}.get(
            self.action, s.WorklistSerializer)

    def _member_out(self, member):
        member = Member.objects.select_related("organization").get(pk=member.pk)
        return Response(s.WorklistSerializer(member).data)

    def _run(self, request, func):
        return self.run_action(request, func, respond=self._member_out)

    @extend_schema(request=s.RecognitionSerializer, responses=s.WorklistSerializer)
    @action(detail=True, methods=["post"])
    def recognize(self, request, pk=None):
        """The cell's vote and the committee's decision: the member becomes official."""
        return self._run(request, services.recognize_official)

    @extend_schema(request=s.StrikeOffSerializer, responses=s.WorklistSerializer)
    @action(detail=True, methods=["post"], url_path="strike-off")
    def strike_off(self, request, pk=None):
        return self._run(request, services.strike_off)

    @extend_schema(request=s.LeavingSerializer, responses=s.WorklistSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        """Voluntary leave, removal, expulsion or death."""
        return self._run(request, services.record_leaving)

    @extend_schema(request=s.ExemptionSerializer, responses=s.ExemptionSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def exemptions(self, request, pk=None):
        member = self.get_object()
        if request.method == "POST":
            serializer = s.ExemptionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            exemption = services.grant_exemption(request.user, member, valid_from=data["valid_from"],
                                                 valid_to=data.get("valid_to"), reason=data["reason"],
                                                 decision=data.get("decision", ""))
            return Response(s.ExemptionSerializer(exemption).data, status=status.HTTP_201_CREATED)
        rows = Exemption.objects.filter(member=member).order_by("-valid_from", "-id")[:100]
        return Response(s.ExemptionSerializer(rows, many=True).data)


class TransferLetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedActionViewSet):
    """Transfer letters seen from both sides: ``?side=out`` (sent by the caller's subtree), ``in``, ``all``."""

    queryset = TransferLetter.objects.all()
    serializer_class = s.LetterSerializer
    select_related = ("member", "from_org", "to_org")
    keyset_order = ["-issued_on", "-id"]
    filter_backends: list = []

    def get_serializer_class(self):
        return {"create": s.IssueLetterSerializer, "bulk": s.BulkLetterSerializer, "confirm": s.ReceiptSerializer,
                "return_letter": s.CloseLetterSerializer, "cancel": s.CloseLetterSerializer,
                "end": s.EndTemporarySerializer}.get(self.action, s.LetterSerializer)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action != "list":
            return qs
        query = validated_query(s.LetterQuerySerializer, self.request).validated_data
        user = self.request.user
        if query["side"] == "out":
            qs = qs.outgoing(user)
        elif query["side"] == "in":
            qs = qs.incoming(user)
        if query.get("state"):
            qs = qs.filter(state=query["state"])
        if query.get("overdue"):
            qs = qs.overdue(timezone.localdate())
        return qs

    def _out(self, letter, code=status.HTTP_200_OK):
        letter = TransferLetter.objects.select_related(*self.select_related).get(pk=letter.pk)
        return Response(s.LetterSerializer(letter).data, status=code)

    @extend_schema(request=s.IssueLetterSerializer, responses={201: s.LetterSerializer})
    def create(self, request, *args, **kwargs):
        """The sending side issues a letter; the member is in transit until the receiver confirms."""
        self.require("change")
        serializer = s.IssueLetterSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = Member.objects.restrict(request.user, "change").filter(pk=data["member"]).first()
        if member is None:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"member": [str(NO_MEMBER)]})
        letter = services.issue_transfer_letter(request.user, member, to_org=data["to_org"], number=data["number"],
                                                issued_on=data["issued_on"], kind=data["kind"],
                                                expected_version=data.get("lock_version"))
        return self._out(letter, status.HTTP_201_CREATED)

    @extend_schema(request=s.BulkLetterSerializer, responses={201: s.LetterSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Letters for many members at once: all issued, or none (400 lists each member's problem)."""
        self.require("change")
        serializer = s.BulkLetterSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        letters = services.bulk_issue_transfer_letters(request.user, data["members"], to_org=data["to_org"],
                                                       number=data["number"], issued_on=data["issued_on"],
                                                       kind=data["kind"])
        rows = TransferLetter.objects.filter(pk__in=[x.pk for x in letters]).select_related(*self.select_related)
        return Response(s.LetterSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.CommitteeSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def committees(self, request):
        """The committees a letter may be addressed to outside your scope (public: ids, codes, names)."""
        rows = services.receiving_committees().values("id", "code", "name")
        return Response(s.CommitteeSerializer(rows, many=True).data)

    def _op(self, request, func):
        return self.run_action(request, func, respond=self._out)

    @extend_schema(request=s.ReceiptSerializer, responses=s.LetterSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The receiving side confirms receipt; an official transfer moves the member on that date."""
        return self._op(request, services.confirm_receipt)

    @extend_schema(request=s.CloseLetterSerializer, responses=s.LetterSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_letter(self, request, pk=None):
        return self._op(request, services.return_letter)

    @extend_schema(request=s.CloseLetterSerializer, responses=s.LetterSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._op(request, services.cancel_letter)

    @extend_schema(request=s.EndTemporarySerializer, responses=s.LetterSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._op(request, services.end_temporary_activity)


class BadgeViewSet(FormatSuffixMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Official members reaching a party badge in ``start``..``end`` (default: this year), in scope."""

    serializer_class = s.BadgeMemberSerializer
    keyset_order = ["admission_date", "id"]
    filter_backends: list = []

    def _period(self):
        query = validated_query(s.BadgeQuerySerializer, self.request).validated_data
        today = timezone.localdate()
        start = query.get("start") or dt.date(today.year, 1, 1)
        end = query.get("end") or dt.date(start.year, 12, 31)
        return query, start, end

    def get_queryset(self):
        query, start, end = self._period()
        org = _org_in_scope(self.request.user, query.get("organization"))
        only = [query["badge"]] if query.get("badge") else None
        return badges.badge_queryset(self.request.user, start, end, organization=org, only=only,
                                     early=query.get("early", False)).select_related("organization")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        query, start, end = self._period()
        if query.get("early"):
            from core.dates import add_days, add_months

            start, end = add_days(end, 1), add_months(end, badges.early_months(end))
        context["period"] = (start, end)
        return context

    @extend_schema(parameters=[s.BadgeQuerySerializer])
    def list(self, request, *args, **kwargs):
        if not can(request.user, Member, "view"):
            return Response(status=status.HTTP_403_FORBIDDEN)
        return super().list(request, *args, **kwargs)


def _target_row(row: dict) -> dict:
    org = row["organization"]
    return {"organization": org.pk, "organization_name": org.name, "year": row["year"], "target": row["target"],
            "target_percent": str(row["target_percent"]) if row["target_percent"] is not None else None,
            "is_default": row["is_default"], "actual": row["actual"], "young": row["young"],
            "students": row["students"], "members_at_start": row["base"], "progress_percent": row["progress"]}


class TargetViewSet(FormatSuffixMixin, viewsets.ViewSet):
    """Development targets vs. actual admissions, rolled up the tree (``?organization=&year=``); POST sets one."""

    @extend_schema(parameters=[s.TargetQuerySerializer], responses={200: dict})
    def list(self, request):
        if not can(request.user, Member, "view"):
            return Response(status=status.HTTP_403_FORBIDDEN)
        query = validated_query(s.TargetQuerySerializer, request).validated_data
        org = _org_in_scope(request.user, query.get("organization")) or scope_root(request.user)
        year = query.get("year") or timezone.localdate().year
        if org is None or not Organization.objects.restrict(request.user, "view").filter(pk=org.pk).exists():
            return Response({"summary": None, "children": []})
        report = services.target_report(org, year)
        return Response({"summary": _target_row(report["summary"]),
                         "children": [_target_row(r) for r in report["children"]]})

    @extend_schema(request=s.TargetSerializer, responses={201: s.TargetSerializer})
    def create(self, request):
        if not can(request.user, Member, "change"):
            return Response(status=status.HTTP_403_FORBIDDEN)
        serializer = s.TargetSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = services.set_target(request.user, data["organization"], year=data["year"],
                                     target_count=data.get("target_count"), target_percent=data.get("target_percent"),
                                     decision=data.get("decision", ""))
        return Response(s.TargetSerializer(target, context={"request": request}).data, status=status.HTTP_201_CREATED)
