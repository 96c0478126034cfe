"""Read-only shapes of terms, bodies and post holdings for the API (codes, ids and dates; no sentences)."""

from __future__ import annotations

from rest_framework import serializers

from cadres.models import Body, PostHolding, Term
from core.api_views import AsOfSerializer


class TermSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True)

    class Meta:
        model = Term
        fields = ["id", "organization", "organization_code", "label", "valid_from", "valid_to", "planned_end",
                  "reference_date", "opened_by", "decision", "decision_date", "closed_by", "closing_decision"]
        read_only_fields = fields


class BodySerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True)
    term_label = serializers.CharField(source="term.label", read_only=True)
    open_seats = serializers.IntegerField(read_only=True)

    class Meta:
        model = Body
        fields = ["id", "term", "term_label", "organization", "organization_code", "kind", "seats", "ended_on",
                  "filled", "head_filled", "vacant", "open_seats"]
        read_only_fields = fields


class PostHoldingSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True)
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    body_kind = serializers.CharField(source="body.kind", read_only=True)

    class Meta:
        model = PostHolding
        fields = ["id", "body", "body_kind", "organization", "organization_code", "member", "member_name", "post",
                  "selection", "valid_from", "valid_to", "decision", "decision_date", "end_reason", "end_decision",
                  "role_grant"]
        read_only_fields = fields


class CompositionQuerySerializer(AsOfSerializer):
    """``?organization=<id>&as_of=YYYY-MM-DD``: the composition of one organization's bodies on a date."""

    organization = serializers.IntegerField(min_value=1, max_value=2**53)
