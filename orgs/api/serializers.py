"""Organization resources: the serializers only validate and shape data; writes go through orgs.services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ChoiceDisplayField
from core.api_views import MAX_ID, AsOfSerializer, ScopedOrganizationField
from orgs.choices import OrgType
from orgs.models import Organization, OrganizationVersion


class OrganizationSerializer(serializers.ModelSerializer):
    org_type_display = ChoiceDisplayField(source="org_type", choices=OrgType.choices)
    direct_members = serializers.IntegerField(read_only=True)
    subtree_members = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id", "code", "name", "org_type", "org_type_display", "parent", "path", "depth", "term",
            "established_on", "establishing_decision", "establishing_decision_date", "dissolved_on",
            "dissolving_decision", "dissolving_decision_date", "direct_official", "direct_probationary",
            "direct_members", "subtree_official", "subtree_probationary", "subtree_members", "lock_version",
        ]
        read_only_fields = fields


# The term of an organization is the label of its committee's current term (cadres.services.open_term keeps it):
# clients that still send it are refused with this message rather than silently ignored.
TERM_READ_ONLY = _("The term is set when a term of the committee is opened (POST /api/cadres/terms/); it cannot "
                   "be written here.")


class OrganizationCreateSerializer(serializers.Serializer):
    """Establishing an organization by decision, under a parent inside the caller's scope."""

    parent = ScopedOrganizationField(scope_model="orgs.Organization", scope_action="add", allow_null=True,
                                     help_text=_("The organization it is established under."))
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=255)
    org_type = serializers.ChoiceField(choices=Organization._meta.get_field("org_type").choices)
    term = serializers.CharField(max_length=9, required=False, allow_blank=True, default="",
                                 help_text=_("Read-only: set when a term of the committee is opened "
                                             "(/api/cadres/terms/). Only an empty value is accepted."))
    established_on = serializers.DateField(required=False, allow_null=True, default=None,
                                           help_text=_("Effective date (default: today)."))
    establishing_decision = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    establishing_decision_date = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_code(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("This field may not be blank."))
        return value

    def validate_term(self, value: str) -> str:
        if value.strip():
            raise serializers.ValidationError(TERM_READ_ONLY)
        return ""


class OrganizationUpdateSerializer(serializers.Serializer):
    """A change of name, code, type or term; ``lock_version`` is the version the caller edited."""

    lock_version = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    code = serializers.CharField(max_length=32, required=False)
    name = serializers.CharField(max_length=255, required=False)
    org_type = serializers.ChoiceField(choices=Organization._meta.get_field("org_type").choices, required=False)
    term = serializers.CharField(max_length=9, required=False, allow_blank=True,
                                 help_text=_("Read-only: set when a term of the committee is opened "
                                             "(/api/cadres/terms/). A value other than the current term is "
                                             "refused."))
    establishing_decision = serializers.CharField(max_length=64, required=False, allow_blank=True)
    establishing_decision_date = serializers.DateField(required=False, allow_null=True)
    effective_on = serializers.DateField(required=False, allow_null=True,
                                         help_text=_("Date from which the change holds (default: today)."))
    decision = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    decision_date = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict) -> dict:
        if "lock_version" not in attrs:
            raise serializers.ValidationError({"lock_version": [_("This field is required.")]})
        return attrs


class OrganizationVersionSerializer(serializers.ModelSerializer):
    org_type_display = ChoiceDisplayField(source="org_type", choices=OrgType.choices)

    class Meta:
        model = OrganizationVersion
        fields = ["id", "organization", "parent", "path", "depth", "code", "name", "org_type", "org_type_display",
                  "decision", "decision_date", "reason", "note", "valid_from", "valid_to"]
        read_only_fields = fields


class OrganizationStatsSerializer(serializers.Serializer):
    direct_official = serializers.IntegerField()
    direct_probationary = serializers.IntegerField()
    direct_total = serializers.IntegerField()
    subtree_official = serializers.IntegerField()
    subtree_probationary = serializers.IntegerField()
    subtree_total = serializers.IntegerField()


class TreeQuerySerializer(AsOfSerializer):
    root = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                    help_text=_("Show only the part of the tree under this organization."))


class OrgMembersQuerySerializer(AsOfSerializer):
    subtree = serializers.BooleanField(required=False, default=False,
                                       help_text=_("Include the members of every organization under it."))
