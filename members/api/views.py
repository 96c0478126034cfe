"""The member registry over the API: scoped, keyset-paginated reads; writes through members.services.

A member's status and organization change only through the lifecycle actions (``/api/lifecycle/members/{id}/
recognize|strike-off|leave/`` and transfer letters ``/api/lifecycle/transfers/``), which carry the party's rules:
there is no second door here.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api_views import ScopedActionViewSet, ScopedGenericViewSet, validated_query
from core.tree import prefix_q
from members import services
from members.api.serializers import (
    MemberAsOfSerializer,
    MemberHistorySerializer,
    MemberSerializer,
    MemberUpdateSerializer,
)
from members.choices import ACTIVE_STATUSES
from members.filtersets import MemberFilterSet
from members.models import Member, MemberHistory
from orgs.api.serializers import OrgMembersQuerySerializer
from orgs.api.views import path_on
from orgs.models import Organization, OrganizationVersion

# ?ordering= values and the keyset each one walks (every list ends in the unique id, matching an index).
ORDERINGS: dict[str, list[str]] = {
    "name": ["name_key", "id"],
    "-name": ["-name_key", "-id"],
    "birth_date": ["birth_date", "id"],
    "-birth_date": ["-birth_date", "-id"],
    "admission_date": ["admission_date", "id"],
    "-admission_date": ["-admission_date", "-id"],
    "id": ["id"],
    "-id": ["-id"],
}

ORDERING_PARAMETER = OpenApiParameter(
    "ordering", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=list(ORDERINGS),
    description="Sort order (default: name).",
)
CONFLICT = OpenApiResponse(description="Someone else changed the record since `lock_version`.")


@extend_schema_view(
    list=extend_schema(parameters=[ORDERING_PARAMETER]),
    create=extend_schema(request=MemberSerializer, responses={201: MemberSerializer}),
    partial_update=extend_schema(request=MemberUpdateSerializer, responses={200: MemberSerializer, 409: CONFLICT}),
)
class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, ScopedActionViewSet):
    """Party members in the caller's subtree."""

    queryset = Member.objects.all()
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet
    select_related = ("organization",)
    http_method_names = ["get", "post", "patch", "head", "options"]
    fixed_order: list[str] | None = None

    @property
    def keyset_order(self) -> list[str]:  # type: ignore[override]
        """The keyset follows ``?ordering=``; an unknown value is a 400, not a silent default."""
        if self.fixed_order:
            return self.fixed_order
        value = self.request.query_params.get("ordering") or "name"
        if value not in ORDERINGS:
            raise ValidationError({"ordering": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(ORDERINGS)}]})
        return ORDERINGS[value]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.require("add")
        serializer = MemberSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = services.register_member(
            request.user, organization=data.pop("organization"), status=data.pop("status"),
            decision=data.pop("decision", ""), **{k: v for k, v in data.items() if k in services.PERSONAL_FIELDS},
        )
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        serializer = MemberUpdateSerializer(member, data=request.data, partial=True,
                                            context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("lock_version")
        member = services.update_member(request.user, member, expected_version=expected, **data)
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data)

    @extend_schema(responses=MemberHistorySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Where the member was and in which status, oldest first.

        The member's organization reads the whole record; an organization the member has left reads the rows of
        the member's time in it (up to the day of leaving), though the member is no longer in its registry."""
        try:
            member_id = int(pk or "")
        except ValueError:
            raise Http404 from None
        if not 0 < member_id < 2 ** 63:
            raise Http404
        qs = MemberHistory.objects.restrict(request.user, "view").filter(member_id=member_id) \
            .select_related("organization")
        if not qs.exists():
            raise Http404
        self.fixed_order = ["valid_from", "id"]
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MemberHistorySerializer(page, many=True).data)


class OrganizationMembersViewSet(ScopedGenericViewSet):
    """``/api/organizations/{id}/members/``: lives here because the organization API (orgs) knows nothing of
    members; it is registered under the organizations prefix, so the path is the one clients know."""

    queryset = Organization.objects.all()
    serializer_class = MemberAsOfSerializer
    keyset_order = ["id"]
    http_method_names = ["get", "head", "options"]

    def _paginated(self, qs, serializer_class, order: list[str]) -> Response:
        self.keyset_order = order
        page = self.paginate_queryset(qs)
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(parameters=[OrgMembersQuerySerializer], responses=MemberAsOfSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def members(self, request: Request, pk: str | None = None) -> Response:
        """Members (probationary and official) of this organization, or its subtree, as they stood on a date."""
        org = self.get_object()
        query = validated_query(OrgMembersQuerySerializer, request)
        on = query.as_of_date()
        if query.validated_data.get("subtree"):
            # The organizations of that day in the reader's scope today (the as-of count's rule, so list == count).
            org_ids = OrganizationVersion.objects.as_of(on).filter(
                prefix_q("path", path_on(org, on) or org.path)).restrict(request.user, "view").values(
                "organization_id")
            qs = MemberHistory.objects.as_of(on).filter(organization_id__in=org_ids)
        else:
            qs = MemberHistory.objects.as_of(on).filter(organization=org)
        qs = qs.filter(status__in=ACTIVE_STATUSES).restrict(request.user, "view").select_related("member")
        return self._paginated(qs, MemberAsOfSerializer, ["id"])
