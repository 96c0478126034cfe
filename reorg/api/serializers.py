from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.dates import ApiDateField
from reorg.choices import ReorgKind
from reorg.models import OrganizationLink, Reorganization


class ReorganizationSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    applied_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    organizations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Reorganization
        fields = ["id", "kind", "state", "decision", "decision_date", "effective_on", "note", "plan", "summary",
                  "error", "organizations", "created_at", "created_by", "applied_at", "applied_by", "cancelled_at"]
        read_only_fields = fields


class ReorganizationRequestSerializer(serializers.Serializer):
    """An operation: ``kind`` and its ``plan`` (see reorg.services.resolve for each kind's plan)."""

    kind = serializers.ChoiceField(choices=ReorgKind.choices)
    plan = serializers.JSONField(help_text=_(
        "establish: {parent, code, name, org_type}; merge: {sources: [ids], target: id | new: {parent, code, name, "
        "org_type}}; split: {source, rule, parts: [{target | new, children: [ids], members: [ids]}]}; "
        "transfer: {organizations: [ids], to}; dissolve: {organization, move_to?}; "
        "change: {organization, name?, code?, org_type?}"))
    decision = serializers.CharField(max_length=64)
    decision_date = ApiDateField(required=False, allow_null=True)
    effective_on = ApiDateField()
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)

    def validate_plan(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("The plan is an object."))
        return value


class AsOfQuerySerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1, max_value=2**53)
    on = ApiDateField()
    depth = serializers.IntegerField(min_value=0, max_value=6, required=False, default=2)


class LinkSerializer(serializers.ModelSerializer):
    decision = serializers.CharField(source="reorganization.decision", read_only=True)
    decision_date = serializers.DateField(source="reorganization.decision_date", read_only=True, allow_null=True)

    class Meta:
        model = OrganizationLink
        fields = ["id", "predecessor", "successor", "kind", "effective_on", "reorganization", "decision",
                  "decision_date"]
        read_only_fields = fields
