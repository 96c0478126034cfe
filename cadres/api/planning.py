"""Cadre planning and rotations over the API: read-only, scoped to the caller's subtree (a rotation is seen from
either of its organizations), keyset-paginated. Each planning entry carries its figures at the reference date and
the rules it does not meet, as codes with parameters and as sentences in the caller's language."""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadres import planning
from cadres.choices import PlanningEnd, Post
from cadres.models import PlanningEntry, Rotation
from core.api_views import ScopedReadOnlyViewSet


class PlanningWarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    rule = serializers.CharField()
    message = serializers.CharField()
    regulation = serializers.CharField(source="citation")


class PlanningEntrySerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    post_display = serializers.CharField(source="get_post_display", read_only=True)
    end_reason = serializers.ChoiceField(choices=PlanningEnd.choices, allow_blank=True, read_only=True)
    age = serializers.SerializerMethodField()
    retirement_date = serializers.SerializerMethodField()
    months_left = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = PlanningEntry
        fields = ["id", "organization", "organization_name", "term_label", "reference_date", "member", "member_name",
                  "post", "post_display", "theory_level", "qualification", "decision", "decision_date", "valid_from",
                  "valid_to", "end_reason", "end_decision", "age", "retirement_date", "months_left", "warnings"]
        read_only_fields = fields

    def _row(self, obj: PlanningEntry) -> planning.PlanningRow:
        rows = self.context.setdefault("_planning_rows", {})
        if obj.pk not in rows:
            # One page at a time: the view hands the page's entries over once (two grouped queries per page).
            page = self.context.get("page_entries") or [obj]
            for row in planning.planning_rows(page if obj in page else [obj]):
                rows[row.entry.pk] = row
        return rows[obj.pk]

    def get_age(self, obj: PlanningEntry) -> int:
        return self._row(obj).age

    @extend_schema_field(serializers.DateField())
    def get_retirement_date(self, obj: PlanningEntry) -> Any:
        return self._row(obj).retire

    def get_months_left(self, obj: PlanningEntry) -> int:
        return self._row(obj).left_months

    @extend_schema_field(PlanningWarningSerializer(many=True))
    def get_warnings(self, obj: PlanningEntry) -> list[dict]:
        return PlanningWarningSerializer(self._row(obj).warnings, many=True).data


class RotationSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    from_org_name = serializers.CharField(source="from_org.name", read_only=True)
    to_org_name = serializers.CharField(source="to_org.name", read_only=True)

    class Meta:
        model = Rotation
        fields = ["id", "member", "member_name", "from_org", "from_org_name", "to_org", "to_org_name", "position",
                  "valid_from", "valid_to", "planned_end", "decision", "decision_date"]
        read_only_fields = fields


class PlanningEntryFilterSet(django_filters.FilterSet):
    """Ids as plain numbers, never looked up: an id outside the scope filters to nothing, like a missing one."""

    organization = django_filters.NumberFilter(field_name="organization_id")
    member = django_filters.NumberFilter(field_name="member_id")
    term_label = django_filters.CharFilter(max_length=9)
    post = django_filters.ChoiceFilter(choices=Post.choices)
    current = django_filters.BooleanFilter(field_name="valid_to", lookup_expr="isnull")

    class Meta:
        model = PlanningEntry
        fields = ["organization", "member", "term_label", "post", "current"]


class RotationFilterSet(django_filters.FilterSet):
    member = django_filters.NumberFilter(field_name="member_id")
    from_org = django_filters.NumberFilter(field_name="from_org_id")
    to_org = django_filters.NumberFilter(field_name="to_org_id")
    current = django_filters.BooleanFilter(field_name="valid_to", lookup_expr="isnull")

    class Meta:
        model = Rotation
        fields = ["member", "from_org", "to_org", "current"]


class PlanningEntryViewSet(ScopedReadOnlyViewSet):
    """Planning entries in the caller's subtree; ``organization``, ``term_label``, ``member`` and ``post`` filter."""

    queryset = PlanningEntry.objects.all()
    serializer_class = PlanningEntrySerializer
    select_related = ("member", "organization")
    filterset_class = PlanningEntryFilterSet
    keyset_order = planning.PLANNING_ORDER

    def get_queryset(self) -> Any:
        return planning.with_post_rank(super().get_queryset())

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], list):
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["page_entries"] = args[0]
        return super().get_serializer(*args, **kwargs)


class RotationViewSet(ScopedReadOnlyViewSet):
    """Rotations from or to organizations of the caller's subtree, newest first."""

    queryset = Rotation.objects.all()
    serializer_class = RotationSerializer
    select_related = ("member", "from_org", "to_org")
    filterset_class = RotationFilterSet
    keyset_order = ["-valid_from", "-id"]
