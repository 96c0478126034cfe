"""Accounts over the API: scoped users, roles, grants, the caller's own profile and token login."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    MeSerializer,
    RoleGrantCreateSerializer,
    RoleGrantSerializer,
    RoleSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    UserCreateSerializer,
    UserSerializer,
)
from accounts.models import Role, RoleGrant, User
from audit.models import AuditRecord
from audit.services import record_event
from core.actions import acting
from core.api_views import ScopedGenericViewSet


@extend_schema_view(create=extend_schema(request=UserCreateSerializer, responses={201: UserSerializer}))
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedGenericViewSet):
    """Accounts of the offices in the caller's subtree."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    select_related = ("organization",)
    keyset_order = ["username", "id"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.require("add")
        serializer = UserCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = services.create_user(
            request.user, username=data["username"], password=data["password"] or None,
            organization=data["organization"], first_name=data["first_name"], last_name=data["last_name"],
            email=data["email"], language=data["language"],
        )
        return Response(UserSerializer(user, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class RoleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """The roles and the permissions each carries: configuration shared by the whole party, not scoped."""

    queryset = Role.objects.all()
    serializer_class = RoleSerializer
    keyset_order = ["code", "id"]

    def get_queryset(self):
        return Role.objects.prefetch_related("permissions__content_type")


@extend_schema_view(
    create=extend_schema(request=RoleGrantCreateSerializer, responses={201: RoleGrantSerializer}),
    destroy=extend_schema(description="Revoke the grant: it ends today; the record stays in the history."),
)
class RoleGrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.DestroyModelMixin, ScopedGenericViewSet):
    """Roles granted on organizations of the caller's subtree; revoking ends a grant, it never deletes it."""

    queryset = RoleGrant.objects.all()
    serializer_class = RoleGrantSerializer
    select_related = ("user", "role", "organization")
    keyset_order = ["-id"]

    def write_action(self) -> str:
        return "change"  # revoking closes the grant (an update), see accounts.services.revoke_role

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.require("add")
        serializer = RoleGrantCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        grant = services.grant_role(request.user, user=data["user"], role=data["role"],
                                    organization=data["organization"], valid_from=data["valid_from"],
                                    decision=data["decision"])
        return Response(RoleGrantSerializer(grant, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: RoleGrant) -> None:
        services.revoke_role(self.request.user, instance)


class MeView(APIView):
    """Who am I: the account, its active grants and the languages the interface speaks."""

    permission_classes = [IsAuthenticated]
    serializer_class = MeSerializer

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        grants = RoleGrant.objects.active().filter(user=user).select_related("role", "organization")
        languages = [{"code": code, "name": str(name)} for code, name in settings.LANGUAGES]
        user = User.objects.select_related("organization").get(pk=user.pk)
        return Response(MeSerializer({"user": user, "grants": list(grants), "languages": languages,
                                      "language": translation.get_language()}).data)


class LoginRateThrottle(ScopedRateThrottle):
    """Per-client limit on password attempts; ``DEFAULT_THROTTLE_RATES['login']`` overrides the default."""

    rate = "10/min"
    default_rate = "10/min"

    def get_rate(self) -> str:
        return self.THROTTLE_RATES.get(self.scope) or self.default_rate


class ObtainTokenView(APIView):
    """Exchange a user name and password for the API token (created on first use)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"
    serializer_class = TokenRequestSerializer

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        user = authenticate(request._request, username=username, password=serializer.validated_data["password"])
        if user is None or not user.is_active:
            raise ValidationError({"non_field_errors": [_("Unable to log in with the user name and password given.")]})
        with acting(user, "accounts.obtain_token", check_scope=False):
            token, _created = Token.objects.get_or_create(user=user)
            record_event(user, AuditRecord.Event.LOGIN, label=username,
                         scope_path=user.organization.path if user.organization_id else "")
        return Response(TokenResponseSerializer({"token": token.key}).data)
