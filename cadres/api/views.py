"""Committees over the API: terms, bodies and post holdings in the caller's subtree; filter by organization (id
with its subtree, or code), by a date (``as_of``) or current rows only; keyset-paginated. Writes are the actions of
cadres.services: open a term (``POST terms/``), close it (``POST terms/{id}/close/``), record a holder (``POST
holdings/``), end a holding (``POST holdings/{id}/end/``); their refusals answer 400/403/409 with messages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cadres import services
from cadres.api.filtersets import BodyFilterSet, PostHoldingFilterSet, TermFilterSet
from cadres.api.serializers import (
    BodySerializer,
    CloseTermSerializer,
    CompositionQuerySerializer,
    EndHoldingSerializer,
    OpenTermSerializer,
    PostHoldingSerializer,
    RecordHoldingSerializer,
    TermSerializer,
)
from cadres.models import Body, PostHolding, Term
from core.api_views import ScopedGenericViewSet, validated_query
from core.scope import get_scoped_or_404, path_in_scope
from orgs.models import Organization


def validated_body(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class TermViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Terms of the organizations in the caller's subtree, latest first."""

    queryset = Term.objects.all()
    serializer_class = TermSerializer
    select_related = ("organization",)
    filterset_class = TermFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def _out(self, term: Term, code: int = status.HTTP_200_OK) -> Response:
        term = Term.objects.select_related("organization").get(pk=term.pk)
        return Response(TermSerializer(term, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=OpenTermSerializer, responses={201: TermSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Open a term with its bodies (the open term closes on the new one's first day)."""
        self.require("change")
        data = validated_body(OpenTermSerializer, request)  # an organization outside the scope: as one of nowhere
        return self._out(services.open_term(request.user, **data), status.HTTP_201_CREATED)

    def write_action(self) -> str:
        return "change"

    @extend_schema(request=CloseTermSerializer, responses=TermSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the term without opening the next: its bodies and posts end."""
        term = self.get_object()
        return self._out(services.close_term(request.user, term, **validated_body(CloseTermSerializer, request)))


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
    http_method_names = ["get", "post", "head", "options"]

    def _out(self, holding: PostHolding, code: int = status.HTTP_200_OK) -> Response:
        holding = PostHolding.objects.select_related(*self.select_related).get(pk=holding.pk)
        return Response(PostHoldingSerializer(holding, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=RecordHoldingSerializer, responses={201: PostHoldingSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """A member holds a post of a body from a date (elected, appointed or designated)."""
        self.require("add")
        data = validated_body(RecordHoldingSerializer, request)
        return self._out(services.record_holding(request.user, **data), status.HTTP_201_CREATED)

    def write_action(self) -> str:
        return "change"

    @extend_schema(request=EndHoldingSerializer, responses=PostHoldingSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def end(self, request: Request, pk: str | None = None) -> Response:
        """The holder leaves the post on a date, for a reason; the post's role grant ends the same day."""
        holding = self.get_object()
        return self._out(services.end_holding(request.user, holding, **validated_body(EndHoldingSerializer, request)))

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
