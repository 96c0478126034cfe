"""Read-only shapes of terms, bodies and post holdings for the API (codes, ids and dates; no sentences)."""

from __future__ import annotations

from rest_framework import serializers

from cadres.choices import HoldingEnd, Post, Selection, TermClosing, TermOpening
from cadres.models import Body, PostHolding, Term
from core.api_views import AsOfSerializer
from core.dates import ApiDateField


class TermSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True)
    # Blank while the term is open: the schema must say so (a read-only model field loses allow_blank).
    closed_by = serializers.ChoiceField(choices=TermClosing.choices, allow_blank=True, read_only=True)

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
    end_reason = serializers.ChoiceField(choices=HoldingEnd.choices, allow_blank=True, read_only=True)

    class Meta:
        model = PostHolding
        fields = ["id", "body", "body_kind", "organization", "organization_code", "member", "member_name", "post",
                  "selection", "valid_from", "valid_to", "decision", "decision_date", "end_reason", "end_decision",
                  "role_grant"]
        read_only_fields = fields


class CompositionQuerySerializer(AsOfSerializer):
    """``?organization=<id>&as_of=YYYY-MM-DD``: the composition of one organization's bodies on a date."""

    organization = serializers.IntegerField(min_value=1, max_value=2**53)


# --- writes: the fields of the actions (ids are plain numbers: the action answers an id outside the caller's scope
# exactly like one that does not exist) ---
class OpenTermSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1, max_value=2**53)
    label = serializers.CharField(max_length=9)
    valid_from = ApiDateField()
    opened_by = serializers.ChoiceField(choices=TermOpening.choices)
    seats = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=500), allow_empty=False)
    decision = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    decision_date = ApiDateField(required=False, allow_null=True, default=None)
    reference_date = ApiDateField(required=False, allow_null=True, default=None)


class CloseTermSerializer(serializers.Serializer):
    on = ApiDateField()
    closed_by = serializers.ChoiceField(choices=TermClosing.choices)
    decision = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class RecordHoldingSerializer(serializers.Serializer):
    body = serializers.IntegerField(min_value=1, max_value=2**53)
    member = serializers.IntegerField(min_value=1, max_value=2**53)
    post = serializers.ChoiceField(choices=Post.choices)
    valid_from = ApiDateField()
    selection = serializers.ChoiceField(choices=Selection.choices)
    decision = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    decision_date = ApiDateField(required=False, allow_null=True, default=None)


class EndHoldingSerializer(serializers.Serializer):
    on = ApiDateField()
    reason = serializers.ChoiceField(choices=HoldingEnd.choices)
    decision = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
