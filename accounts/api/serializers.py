"""Users, roles, grants and tokens: shapes and validation; writes go through accounts.services."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Role, RoleGrant, User
from core.api import OptionalEmailField
from core.api_views import BoundedPrimaryKeyRelatedField, ScopedOrganizationField

LANGUAGE_CHOICES = [("", "-")] + [(code, str(name)) for code, name in settings.LANGUAGES]


class UserSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, default=None,
                                              allow_null=True)
    email = OptionalEmailField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "organization", "organization_name",
                  "language", "is_active", "is_superuser", "member", "date_joined", "last_login"]
        read_only_fields = fields


class UserCreateSerializer(serializers.Serializer):
    """A new account for an organization's office inside the caller's scope."""

    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    password = serializers.CharField(write_only=True, required=False, allow_blank=True, default="",
                                     style={"input_type": "password"},
                                     help_text=_("Leave empty for an account that cannot log in yet."))
    organization = ScopedOrganizationField(scope_model="accounts.User", scope_action="add")
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = OptionalEmailField(required=False, default="")
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False, default="")

    def validate(self, attrs: dict) -> dict:
        if attrs.get("password"):
            candidate = User(username=attrs["username"], first_name=attrs.get("first_name", ""),
                             last_name=attrs.get("last_name", ""), email=attrs.get("email", ""))
            try:
                validate_password(attrs["password"], candidate)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"password": exc.messages}) from exc
        return attrs


class RoleSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="__str__", read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = Role
        fields = ["id", "code", "name", "label", "permissions"]
        read_only_fields = fields

    def get_permissions(self, role: Role) -> list[str]:
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all())


class RoleGrantSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    role_code = serializers.CharField(source="role.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "user", "username", "role", "role_code", "organization", "organization_name", "valid_from",
                  "valid_to", "decision"]
        read_only_fields = fields


class RoleGrantCreateSerializer(serializers.Serializer):
    user = BoundedPrimaryKeyRelatedField(queryset=User.objects.none())
    role = BoundedPrimaryKeyRelatedField(queryset=Role.objects.all())
    organization = ScopedOrganizationField(scope_model="accounts.RoleGrant", scope_action="add",
                                           help_text=_("The role covers this organization and everything under it."))
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    decision = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        # Only accounts the caller can see may receive a role from them.
        user = getattr(request, "user", None)
        self.fields["user"].queryset = User.objects.restrict(user, "view") if user is not None else User.objects.none()


class GrantBriefSerializer(serializers.ModelSerializer):
    role_code = serializers.CharField(source="role.code", read_only=True)
    role_label = serializers.CharField(source="role.__str__", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "role", "role_code", "role_label", "organization", "organization_name", "valid_from",
                  "valid_to"]
        read_only_fields = fields


class LanguageSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    user = UserSerializer()
    grants = GrantBriefSerializer(many=True)
    languages = LanguageSerializer(many=True)
    language = serializers.CharField(help_text=_("The language of this response."))


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
