"""Member resources: validation and shape only; every write goes through members.services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ChoiceDisplayField
from core.api_views import MAX_ID, ScopedOrganizationField
from members.choices import Gender, HistoryEvent, MemberStatus
from members.models import Member, MemberHistory
from members.services import PERSONAL_FIELDS


class MemberSerializer(serializers.ModelSerializer):
    """The member record as read, and as entered when registering a member."""

    organization = ScopedOrganizationField(scope_model="members.Member", scope_action="add",
                                           help_text=_("The party cell the member belongs to."))
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    gender_display = ChoiceDisplayField(source="gender", choices=Gender.choices)
    status = serializers.ChoiceField(choices=MemberStatus.choices, default=MemberStatus.OFFICIAL)
    status_display = ChoiceDisplayField(source="status", choices=MemberStatus.choices)
    decision = serializers.CharField(max_length=64, required=False, allow_blank=True, default="", write_only=True,
                                     help_text=_("Deciding document of the registration."))

    class Meta:
        model = Member
        fields = ["id", *PERSONAL_FIELDS, "gender_display", "organization", "organization_name", "status",
                  "status_display", "status_since", "lock_version", "decision"]
        read_only_fields = ["id", "status_since", "lock_version"]
        extra_kwargs = {
            # Uniqueness is checked by the service, with the registry's own messages.
            "citizen_id": {"validators": []},
            "party_card_no": {"validators": []},
        }


class MemberUpdateSerializer(serializers.ModelSerializer):
    """A correction of the personal record; organization and status change only through their actions."""

    lock_version = serializers.IntegerField(min_value=0, max_value=MAX_ID)

    class Meta:
        model = Member
        fields = [*PERSONAL_FIELDS, "lock_version"]
        extra_kwargs = {
            "citizen_id": {"validators": []},
            "party_card_no": {"validators": []},
        }

    def validate(self, attrs: dict) -> dict:
        if "lock_version" not in attrs:
            raise serializers.ValidationError({"lock_version": [_("This field is required.")]})
        return attrs


def event_field() -> serializers.CharField:
    """A plain string: an enum named ``event`` would collide with the audit trail's in the schema."""
    return serializers.CharField(read_only=True, help_text="One of: " + ", ".join(HistoryEvent.values))


class MemberHistorySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_display = ChoiceDisplayField(source="status", choices=MemberStatus.choices)
    event = event_field()
    event_display = ChoiceDisplayField(source="event", choices=HistoryEvent.choices)

    class Meta:
        model = MemberHistory
        fields = ["id", "member", "organization", "organization_name", "status", "status_display", "event",
                  "event_display", "decision", "note", "valid_from", "valid_to"]
        read_only_fields = fields


class MemberAsOfSerializer(serializers.ModelSerializer):
    """A member as they stood on a date: the history row's organization and status, with the person's name."""

    member = serializers.IntegerField(source="member_id", read_only=True)
    full_name = serializers.CharField(source="member.full_name", read_only=True)
    gender = serializers.CharField(source="member.gender", read_only=True)
    birth_date = serializers.DateField(source="member.birth_date", read_only=True)
    status_display = ChoiceDisplayField(source="status", choices=MemberStatus.choices)
    event = event_field()

    class Meta:
        model = MemberHistory
        fields = ["member", "full_name", "gender", "birth_date", "organization", "status", "status_display",
                  "event", "valid_from", "valid_to"]
        read_only_fields = fields
