"""Lifecycle resources: shape and validation only; every write goes through lifecycle.services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api_views import MAX_ID, ScopedOrganizationField
from core.dates import ApiDateField
from lifecycle.choices import LeavingKind, TransferKind
from lifecycle.models import AdmissionCase, DevelopmentTarget, Exemption, TransferLetter
from members.choices import Gender
from members.models import Member

VERSION = {"min_value": 0, "max_value": MAX_ID, "required": False, "allow_null": True, "default": None}


class AdmissionCaseSerializer(serializers.ModelSerializer):
    cell = ScopedOrganizationField(scope_model="members.Member", scope_action="add",
                                   help_text=_("The party cell that admits the applicant."))
    cell_name = serializers.CharField(source="cell.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    former_member = serializers.IntegerField(write_only=True, required=False, allow_null=True, min_value=1,
                                             max_value=MAX_ID, help_text=_("Re-admission: the former member."))
    full_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    birth_date = ApiDateField(required=False, allow_null=True)

    class Meta:
        model = AdmissionCase
        fields = ["id", "full_name", "gender", "birth_date", "ethnicity", "religion", "home_town", "education",
                  "occupation", "citizen_id", "cell", "cell_name", "state", "state_display", "applied_on",
                  "cell_resolution_no", "cell_resolution_date", "committee_decision_no", "committee_decision_date",
                  "ceremony_date", "vote_no", "vote_date", "final_decision_no", "final_decision_date",
                  "closed_reason", "member", "readmission", "lock_version", "former_member"]
        read_only_fields = ["id", "state", "cell_resolution_no", "cell_resolution_date", "committee_decision_no",
                            "committee_decision_date", "ceremony_date", "vote_no", "vote_date", "final_decision_no",
                            "final_decision_date", "closed_reason", "member", "readmission", "lock_version"]
        extra_kwargs = {"citizen_id": {"validators": []}}


class StepSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64, help_text=_("Number of the deciding document."))
    on = ApiDateField(help_text=_("Date of the document."))
    lock_version = serializers.IntegerField(**VERSION)


class CeremonySerializer(serializers.Serializer):
    on = ApiDateField()
    lock_version = serializers.IntegerField(**VERSION)


class WithdrawSerializer(serializers.Serializer):
    on = ApiDateField()
    reason = serializers.CharField(max_length=255)
    number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    lock_version = serializers.IntegerField(**VERSION)


class WorklistSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Member
        fields = ["id", "full_name", "birth_date", "organization", "organization_name", "status", "admission_date",
                  "official_date", "lock_version"]
        read_only_fields = fields


class RecognitionSerializer(serializers.Serializer):
    vote_no = serializers.CharField(max_length=64)
    vote_date = ApiDateField()
    decision_no = serializers.CharField(max_length=64)
    on = ApiDateField()
    lock_version = serializers.IntegerField(**VERSION)


class StrikeOffSerializer(serializers.Serializer):
    decision_no = serializers.CharField(max_length=64)
    on = ApiDateField()
    vote_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    vote_date = ApiDateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    lock_version = serializers.IntegerField(**VERSION)


class LeavingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LeavingKind.choices)
    on = ApiDateField()
    decision = serializers.CharField(max_length=64)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    lock_version = serializers.IntegerField(**VERSION)


class ExemptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exemption
        fields = ["id", "member", "valid_from", "valid_to", "reason", "decision"]
        read_only_fields = ["id", "member"]


class EndExemptionSerializer(serializers.Serializer):
    on = ApiDateField()


class CommitteeField(serializers.PrimaryKeyRelatedField):
    """A receiving committee directly under the Centre (a province, a central bloc): the public list."""

    def get_queryset(self):
        from lifecycle.services import receiving_committees

        return receiving_committees()

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, int) and not 0 < data <= MAX_ID) or (
                isinstance(data, str) and data.isdigit() and int(data) > MAX_ID):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class AddressMixin(serializers.Serializer):
    """Where a letter goes: a party cell the sender works on (``to_org``), or a receiving committee
    (``to_province``) which assigns the cell on receipt. An id outside the sender's scope gets the same answer
    whether it exists or not."""

    to_org = ScopedOrganizationField(scope_model="members.Member", scope_action="view", required=False,
                                     allow_null=True, default=None,
                                     help_text=_("A party cell among those you work on."))
    to_province = CommitteeField(required=False, allow_null=True, default=None,
                                 help_text=_("Or: the receiving province's committee (see transfers/committees/); "
                                             "it assigns the party cell on receipt."))

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if (attrs.get("to_org") is None) == (attrs.get("to_province") is None):
            raise serializers.ValidationError({"to_org": [_("Give either a party cell or a receiving province.")]})
        attrs["to_org"] = attrs.pop("to_org", None) or attrs.pop("to_province")
        attrs.pop("to_province", None)
        return attrs


class CommitteeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class LetterSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    from_org_name = serializers.CharField(source="from_org.name", read_only=True)
    to_org_name = serializers.CharField(source="to_org.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = TransferLetter
        fields = ["id", "member", "member_name", "from_org", "from_org_name", "to_org", "to_org_name", "kind",
                  "number", "issued_on", "due_on", "state", "state_display", "overdue", "received_on",
                  "receiving_decision", "closed_on", "reason", "lock_version"]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class IssueLetterSerializer(AddressMixin, serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=TransferKind.choices, default=TransferKind.OFFICIAL)
    number = serializers.CharField(max_length=64)
    issued_on = ApiDateField()
    lock_version = serializers.IntegerField(**VERSION)


class BulkLetterSerializer(AddressMixin, serializers.Serializer):
    members = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1,
                                    max_length=1000)
    kind = serializers.ChoiceField(choices=TransferKind.choices, default=TransferKind.OFFICIAL)
    number = serializers.CharField(max_length=64)
    issued_on = ApiDateField()


class ReceiptSerializer(serializers.Serializer):
    received_on = ApiDateField()
    cell = ScopedOrganizationField(scope_model="members.Member", scope_action="change", required=False,
                                   allow_null=True, default=None,
                                   help_text=_("For a letter addressed to a committee: the party cell it assigns."))
    decision = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    lock_version = serializers.IntegerField(**VERSION)


class CloseLetterSerializer(serializers.Serializer):
    on = ApiDateField()
    reason = serializers.CharField(max_length=255)
    lock_version = serializers.IntegerField(**VERSION)


class EndTemporarySerializer(serializers.Serializer):
    on = ApiDateField()
    lock_version = serializers.IntegerField(**VERSION)


class LetterQuerySerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=["out", "in", "all"], default="all")
    state = serializers.ChoiceField(choices=TransferLetter._meta.get_field("state").choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)


class BadgeQuerySerializer(serializers.Serializer):
    start = ApiDateField(required=False)
    end = ApiDateField(required=False)
    badge = serializers.IntegerField(required=False, min_value=1, max_value=200)
    organization = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    early = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end cannot be before the start.")]})
        return attrs


class BadgeMemberSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    badge = serializers.SerializerMethodField()
    reached_on = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = ["id", "full_name", "birth_date", "admission_date", "official_date", "organization",
                  "organization_name", "party_card_no", "badge", "reached_on"]
        read_only_fields = fields

    def _reached(self, obj):
        from lifecycle.badges import badge_reached

        start, end = self.context["period"]
        return badge_reached(obj, start, end)

    def get_badge(self, obj) -> int | None:
        return self._reached(obj)[0]

    def get_reached_on(self, obj) -> str | None:
        day = self._reached(obj)[1]
        return day.isoformat() if day else None


class TargetQuerySerializer(serializers.Serializer):
    organization = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    year = serializers.IntegerField(required=False, min_value=1930, max_value=2100)


class TargetSerializer(serializers.ModelSerializer):
    organization = ScopedOrganizationField(scope_model="members.Member", scope_action="change")

    class Meta:
        model = DevelopmentTarget
        fields = ["id", "organization", "year", "target_count", "target_percent", "decision"]
        read_only_fields = ["id"]
        validators = []
