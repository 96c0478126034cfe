"""The rules over the API: ``GET /api/rules/``, ``GET /api/rules/{code}/``, ``POST /api/rules/{code}/versions/``.

Every signed-in caller reads the rules; adding a version or a correction is for national administrators (403 for
anyone else), through the same actions as the page (``core.services``), so it is checked and audited the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from core import rules, services
from core.api_views import MAX_ID
from core.models import RuleVersion
from core.rules import RegulationKind, RuleKind


class RuleVersionSerializer(serializers.ModelSerializer):
    """A stored row of a rule's history; ``in_force`` is false for a corrected row and for a withdrawal."""

    value = serializers.JSONField(read_only=True, help_text=_("Typed as the rule's kind (decimals as text)."))
    citation = serializers.SerializerMethodField()
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = RuleVersion
        fields = ["id", "code", "kind", "value", "valid_from", "regulation_kind", "regulation", "regulation_date",
                  "provision", "note", "source", "corrects", "withdrawn", "reason", "recorded_at", "recorded_by",
                  "citation", "in_force"]
        read_only_fields = fields

    def get_citation(self, obj: RuleVersion) -> str:
        return rules.cite(obj)

    def get_in_force(self, obj: RuleVersion) -> bool:
        return obj.pk in self.context.get("in_force", set())


class RuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    label = serializers.CharField()
    help_text = serializers.CharField()
    app = serializers.CharField()
    value = serializers.JSONField(help_text=_("The value in force today."))
    valid_from = serializers.DateField(help_text=_("Since when the value today holds."))
    citation = serializers.CharField(help_text=_("The text that set it, in the caller's language."))
    version = serializers.IntegerField(allow_null=True, help_text=_("The stored version in force today (null "
                                                                    "until migrate has written the shipped ones)."))


class RuleDetailSerializer(RuleSerializer):
    versions = RuleVersionSerializer(many=True, help_text=_("Every stored row, oldest first, corrections included."))


class RuleVersionCreateSerializer(serializers.Serializer):
    """A new version from a date; with ``corrects`` a recorded correction of a version (fields left out keep the
    corrected version's values; ``withdraw`` removes it)."""

    value = serializers.JSONField(required=False, help_text=_("A number, a list, true/false, as the rule's kind."))
    valid_from = serializers.DateField(required=False)
    regulation_kind = serializers.ChoiceField(choices=RegulationKind.choices, required=False,
                                              allow_blank=True)
    regulation = serializers.CharField(max_length=64, required=False, allow_blank=True)
    regulation_date = serializers.DateField(required=False, allow_null=True)
    provision = serializers.CharField(max_length=64, required=False, allow_blank=True)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)
    corrects = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID,
                                        help_text=_("The id of the version this row corrects."))
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True)
    withdraw = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict) -> dict:
        if attrs.get("corrects") is None:
            missing = {name: [_("This field is required.")] for name in ("value", "valid_from") if name not in attrs}
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


def _definition(code: str) -> rules.RuleDefinition:
    try:
        return rules.definition(code)
    except rules.UnknownRule:
        raise NotFound() from None


def _summary(definition: rules.RuleDefinition, today: dt.date) -> dict[str, Any]:
    current = rules.rule_version(definition.code, today)
    return {"code": definition.code, "kind": definition.kind, "label": str(definition.label),
            "help_text": str(definition.help_text), "app": definition.app_label,
            "value": rules.to_stored(definition.kind, current.value), "valid_from": current.valid_from,
            "citation": rules.cite(current), "version": current.pk}


class RuleViewSet(viewsets.ViewSet):
    """The party's rule numbers with their dated versions and the regulations that set them."""

    lookup_field = "code"
    lookup_value_converter = "rulecode"
    pagination_class = None

    @extend_schema(responses=RuleSerializer(many=True))
    def list(self, request: Request, **kwargs: Any) -> Response:
        today = timezone.localdate()
        return Response(RuleSerializer([_summary(d, today) for d in rules.definitions()], many=True).data)

    @extend_schema(responses={200: RuleDetailSerializer, 404: OpenApiResponse(description="No such rule.")})
    def retrieve(self, request: Request, code: str | None = None, **kwargs: Any) -> Response:
        definition = _definition(code or "")
        rows = list(RuleVersion.objects.restrict(request.user, "view").filter(code=definition.code)
                    .order_by("valid_from", "id"))
        in_force = {row.pk for row in rules.effective_rows(rows)}
        data = {**_summary(definition, timezone.localdate()), "versions": rows}
        return Response(RuleDetailSerializer(data, context={"in_force": in_force, "request": request}).data)

    @extend_schema(request=RuleVersionCreateSerializer, responses={
        201: RuleVersionSerializer, 400: OpenApiResponse(description="Not a valid value or date; nothing changed."),
        403: OpenApiResponse(description="Only national administrators change rules."),
        404: OpenApiResponse(description="No such rule.")})
    @action(detail=True, methods=["post"], url_path="versions")
    def versions(self, request: Request, code: str | None = None, **kwargs: Any) -> Response:
        """Add a version from a date (or, with ``corrects``, a recorded correction); audited."""
        definition = _definition(code or "")
        if not rules.may_change_rules(request.user):
            raise PermissionDenied(_("Only a national administrator may change the party's rules."))
        serializer = RuleVersionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            if data.get("corrects") is not None:
                target = RuleVersion.objects.filter(pk=data["corrects"], code=definition.code).first()
                if target is None:
                    raise serializers.ValidationError({"corrects": [_("Choose a version of this rule.")]})
                version = services.correct_rule_version(
                    request.user, target, reason=data.get("reason", ""), withdraw=data.get("withdraw", False),
                    **{k: data[k] for k in ("value", "valid_from", "regulation_kind", "regulation", "regulation_date",
                                            "provision", "note") if k in data})
            else:
                version = services.add_rule_version(
                    request.user, definition.code, value=data["value"], valid_from=data["valid_from"],
                    **{k: data[k] for k in ("regulation_kind", "regulation", "regulation_date", "provision", "note")
                       if k in data and data[k] is not None})
        except DjangoPermissionDenied:
            raise PermissionDenied(_("Only a national administrator may change the party's rules.")) from None
        return Response(RuleVersionSerializer(version, context={"in_force": {version.pk}}).data,
                        status=status.HTTP_201_CREATED)
