"""The organization tree over the API: scoped reads, dated history, writes through orgs.services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api_views import ScopedGenericViewSet, validated_query
from core.scope import get_scoped_or_404
from core.tree import prefix_q
from orgs import services
from orgs.api.serializers import (
    TERM_READ_ONLY,
    OrganizationCreateSerializer,
    OrganizationSerializer,
    OrganizationStatsSerializer,
    OrganizationUpdateSerializer,
    OrganizationVersionSerializer,
    TreeQuerySerializer,
)
from orgs.filtersets import OrganizationFilterSet
from orgs.models import Organization, OrganizationVersion


def path_on(org: Organization, on) -> str:
    """Where the organization stood in the tree on a date (its current place if it had no version then)."""
    version = OrganizationVersion.objects.as_of(on).filter(organization=org).only("path").first()
    return version.path if version is not None else org.path


@extend_schema_view(
    create=extend_schema(request=OrganizationCreateSerializer, responses={201: OrganizationSerializer}),
    partial_update=extend_schema(request=OrganizationUpdateSerializer, responses={
        200: OrganizationSerializer, 409: OpenApiResponse(description="Edited by someone else since `lock_version`.")}),
)
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          mixins.UpdateModelMixin, ScopedGenericViewSet):
    """Party organizations in the caller's subtree, ordered as the tree (by path)."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    keyset_order = ["path", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.require("add")
        serializer = OrganizationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        org = services.establish_organization(
            request.user, parent=data["parent"], code=data["code"], name=data["name"], org_type=data["org_type"],
            effective_on=data["established_on"], decision=data["establishing_decision"],
            decision_date=data["establishing_decision_date"], term=data["term"],
        )
        return Response(OrganizationSerializer(org, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        org = self.get_object()
        serializer = OrganizationUpdateSerializer(data=request.data, partial=True,
                                                  context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "term" in data:
            if data.pop("term").strip() != (org.term or ""):
                raise ValidationError({"term": [TERM_READ_ONLY]})
        expected = data.pop("lock_version")
        meta = {k: data.pop(k, None) for k in ("effective_on", "decision", "decision_date")}
        org = services.update_organization(request.user, org, expected_version=expected,
                                           effective_on=meta["effective_on"], decision=meta["decision"] or "",
                                           decision_date=meta["decision_date"], **data)
        return Response(OrganizationSerializer(org, context=self.get_serializer_context()).data)

    def _paginated(self, qs, serializer_class, order: list[str]) -> Response:
        self.keyset_order = order
        page = self.paginate_queryset(qs)
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(responses=OrganizationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def children(self, request: Request, pk: str | None = None) -> Response:
        """The organizations directly under this one (filters apply)."""
        org = self.get_object()
        qs = self.filter_queryset(self.get_queryset().filter(parent=org))
        return self._paginated(qs, OrganizationSerializer, ["path", "id"])

    @extend_schema(responses=OrganizationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def subtree(self, request: Request, pk: str | None = None) -> Response:
        """This organization and everything under it, in tree order (filters apply)."""
        org = self.get_object()
        qs = self.filter_queryset(self.get_queryset().filter(prefix_q("path", org.path)))
        return self._paginated(qs, OrganizationSerializer, ["path", "id"])

    @extend_schema(responses=OrganizationVersionSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """The dated versions of this organization (name, type, place in the tree), oldest first."""
        org = self.get_object()
        qs = OrganizationVersion.objects.filter(organization=org)
        return self._paginated(qs, OrganizationVersionSerializer, ["valid_from", "id"])

    @extend_schema(parameters=[TreeQuerySerializer], responses=OrganizationVersionSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], filter_backends=[])
    def tree(self, request: Request) -> Response:
        """The tree as it stood on ``as_of``: one row per organization that existed then, in tree order."""
        query = validated_query(TreeQuerySerializer, request)
        on = query.as_of_date()
        qs = OrganizationVersion.objects.as_of(on).restrict(request.user, "view")
        root_id = query.validated_data.get("root")
        if root_id is not None:
            root = get_scoped_or_404(Organization.objects.all(), request.user, "view", pk=root_id)
            qs = qs.filter(prefix_q("path", path_on(root, on)))
        return self._paginated(qs, OrganizationVersionSerializer, ["path", "id"])

    @extend_schema(responses=OrganizationStatsSerializer, filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def stats(self, request: Request, pk: str | None = None) -> Response:
        """Member counters of the organization and of its subtree (kept by the member actions)."""
        org = self.get_object()
        return Response(OrganizationStatsSerializer({
            "direct_official": org.direct_official,
            "direct_probationary": org.direct_probationary,
            "direct_total": org.direct_members,
            "subtree_official": org.subtree_official,
            "subtree_probationary": org.subtree_probationary,
            "subtree_total": org.subtree_members,
        }).data)
