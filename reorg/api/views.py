"""Reorganizations over the API: list/read (scoped), preview, create (apply or schedule), apply, cancel,
and the tree and member count of an organization as of a date."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api_views import ScopedGenericViewSet, validated_query
from core.scope import get_scoped_or_404
from orgs.models import Organization
from reorg import services
from reorg.api.serializers import (
    AsOfQuerySerializer,
    LinkSerializer,
    ReorganizationRequestSerializer,
    ReorganizationSerializer,
)
from reorg.filtersets import ReorganizationFilterSet
from reorg.models import OrganizationLink, Reorganization


class ReorganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Reorganizations whose organizations all lie in the caller's subtree, latest effective date first."""

    queryset = Reorganization.objects.all()
    serializer_class = ReorganizationSerializer
    filterset_class = ReorganizationFilterSet
    keyset_order = ["-effective_on", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    def _request_data(self, request: Request) -> dict[str, Any]:
        self.require("change", Organization)
        serializer = ReorganizationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=ReorganizationRequestSerializer, responses={201: ReorganizationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Apply the operation now (effective today or earlier) or schedule it (effective later)."""
        data = self._request_data(request)
        reorg = services.create_reorganization(
            request.user, kind=data["kind"], plan=data["plan"], effective_on=data["effective_on"],
            decision=data["decision"], decision_date=data.get("decision_date"), note=data.get("note", ""))
        return Response(ReorganizationSerializer(reorg).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReorganizationRequestSerializer, responses={200: OpenApiResponse(
        description="What will move: established, moves, member_moves, grants, review, dissolved, links, totals")})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def preview(self, request: Request) -> Response:
        """What the operation would move (counts and lists); nothing is written."""
        data = self._request_data(request)
        return Response(services.preview(request.user, data["kind"], data["plan"], effective_on=data["effective_on"],
                                         decision=data["decision"], decision_date=data.get("decision_date")))

    def write_action(self) -> str:
        return "change"

    @extend_schema(request=None, responses=ReorganizationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def apply(self, request: Request, pk: str | None = None) -> Response:
        """Apply a scheduled reorganization whose date has come."""
        reorg = self.get_object()
        return Response(ReorganizationSerializer(services.apply_reorganization(request.user, reorg)).data)

    @extend_schema(request=None, responses=ReorganizationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel a scheduled reorganization before it takes effect."""
        reorg = self.get_object()
        return Response(ReorganizationSerializer(services.cancel_reorganization(request.user, reorg)).data)

    @extend_schema(parameters=[AsOfQuerySerializer], responses=OpenApiResponse(
        description="{organization, on, members: {official, probationary, total} | null, tree: [...]}"),
        filters=False)
    @action(detail=False, methods=["get"], url_path="as-of", filter_backends=[], pagination_class=None)
    def as_of(self, request: Request) -> Response:
        """An organization's member count and subtree (to ``depth`` levels, at most 1,000 rows) on a date: of the
        organizations in your scope today, as they were then."""
        query = validated_query(AsOfQuerySerializer, request).validated_data
        org = get_scoped_or_404(Organization.objects.all(), request.user, "view", pk=query["organization"])
        on = query["on"]
        tree = [{"organization": v["organization_id"], "parent": v["parent_id"], "name": v["name"], "code": v["code"],
                 "org_type": v["org_type"], "depth": v["depth"], "valid_from": v["valid_from"],
                 "decision": v["decision"]}
                for v in services.tree_as_of(org, on, max_depth=query["depth"], limit=1000, user=request.user)]
        return Response({"organization": org.pk, "on": on,
                         "members": services.member_count_as_of(org, on, user=request.user),
                         "tree": tree})


class OrganizationLinkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Predecessor -> successor links left by merges, splits and dissolutions (filter by ``organization``)."""

    queryset = OrganizationLink.objects.all()
    serializer_class = LinkSerializer
    select_related = ("reorganization",)
    keyset_order = ["-id"]
    filter_backends: list = []

    def get_queryset(self):
        qs = super().get_queryset()
        org = self.request.query_params.get("organization", "")
        if org.isdigit() and len(org) < 16:
            from django.db.models import Q

            qs = qs.filter(Q(predecessor_id=int(org)) | Q(successor_id=int(org)))
        return qs
