"""Committees over the API: terms, bodies and post holdings in the caller's subtree, read-only (the writes are
the actions of cadres.services, on the committee pages); filter by organization (id with its subtree, or code),
by a date (``as_of``) or current rows only; keyset-paginated."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cadres import services
from cadres.api.filtersets import BodyFilterSet, PostHoldingFilterSet, TermFilterSet
from cadres.api.serializers import BodySerializer, CompositionQuerySerializer, PostHoldingSerializer, TermSerializer
from cadres.models import Body, PostHolding, Term
from core.api_views import ScopedGenericViewSet, validated_query
from core.scope import get_scoped_or_404, path_in_scope
from orgs.models import Organization


class TermViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Terms of the organizations in the caller's subtree, latest first."""

    queryset = Term.objects.all()
    serializer_class = TermSerializer
    select_related = ("organization",)
    filterset_class = TermFilterSet


class BodyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Bodies of the terms (executive and standing committee, inspection commission) with their open seats."""

    queryset = Body.objects.all()
    serializer_class = BodySerializer
    select_related = ("organization", "term")
    filterset_class = BodyFilterSet


class PostHoldingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Who held which post, from when until when and why it ended."""

    queryset = PostHolding.objects.all()
    serializer_class = PostHoldingSerializer
    select_related = ("organization", "member", "body")
    filterset_class = PostHoldingFilterSet

    @extend_schema(parameters=[CompositionQuerySerializer], responses=PostHoldingSerializer(many=True),
                   filters=False)
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def composition(self, request: Request) -> Response:
        """The composition of one organization's bodies on a date (today by default), in the order of the posts."""
        query = validated_query(CompositionQuerySerializer, request)
        org = get_scoped_or_404(Organization.objects.all(), request.user, "view", pk=query.validated_data[
            "organization"])
        if not path_in_scope(request.user, PostHolding, "view", org.path):
            raise Http404
        rows = services.composition(org, query.as_of_date())
        for row in rows:
            row.organization = org
        return Response(PostHoldingSerializer(rows, many=True, context=self.get_serializer_context()).data)
