"""Shapes of the supplier endpoints. The serializers check the JSON's shape (types,
required fields); what the values mean (a date, a time, a known ministry, a score) is
checked by the import's own readers, with their messages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trainings.models import TrainingCompletion, TrainingSession

STATUSES = ("attended", "no_show", "cancelled", "registered")
SCALES = (5, 10)


@extend_schema_field(OpenApiTypes.DATE)
class DateText(serializers.CharField):
    """A date as YYYY-MM-DD (the import's date reader also takes 1-3-2027 and the like)."""


# A time of day in the Netherlands (ADR /core/date-time: "time-local", no time zone).
TIME_LOCAL = {"type": "string", "format": "time-local", "example": "09:30"}


@extend_schema_field(TIME_LOCAL)
class TimeText(serializers.CharField):
    """A time as HH:MM."""


@extend_schema_field(TIME_LOCAL)
class LocalTimeField(serializers.TimeField):
    """A time of day written as HH:MM."""


class ProgrammeSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    version = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class SessionInSerializer(serializers.Serializer[Any]):
    """PUT /api/v1/sessions/{supplier_ref}: the whole session (absent fields are emptied)."""

    date = DateText()
    start_time = TimeText(required=False, allow_null=True, allow_blank=True)
    end_time = TimeText(required=False, allow_null=True, allow_blank=True)
    place = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=200)
    online_link = serializers.URLField(
        required=False, allow_null=True, allow_blank=True, max_length=500
    )
    programme = ProgrammeSerializer(required=False, allow_null=True)
    capacity = serializers.IntegerField(required=False, allow_null=True)
    ministry = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=_("For a ministry's own session: its code or name. Empty: open to all."),
    )


class SessionOutSerializer(serializers.ModelSerializer[TrainingSession]):
    supplier_ref = serializers.CharField(source="external_id")
    start_time = LocalTimeField(source="starts_at", format="%H:%M", allow_null=True)
    end_time = LocalTimeField(source="ends_at", format="%H:%M", allow_null=True)
    programme = ProgrammeSerializer()
    ministry = serializers.CharField(source="department.code", allow_null=True, default=None)

    class Meta:
        model = TrainingSession
        fields = [
            "supplier_ref",
            "date",
            "start_time",
            "end_time",
            "place",
            "online_link",
            "is_online",
            "programme",
            "capacity",
            "ministry",
            "cancelled",
        ]


def _record_field(name: str) -> serializers.Field:
    if name == "status":
        return serializers.ChoiceField(choices=STATUSES)
    if name == "score":
        return serializers.DecimalField(
            max_digits=6, decimal_places=3, required=False, allow_null=True
        )
    if name == "session_date":
        return DateText(required=False, allow_null=True)
    return serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=255)


class AttendanceRecordSerializer(serializers.Serializer[Any]):
    """One participant: who (employee number and/or e-mail, name, ministry), which
    session (the supplier's ref, or date and place), the status, and a score."""

    employee_number = _record_field("employee_number")
    email = _record_field("email")
    first_name = _record_field("first_name")
    name_prefix = _record_field("name_prefix")
    last_name = _record_field("last_name")
    full_name = _record_field("full_name")
    ministry = _record_field("ministry")
    session = _record_field("session")
    session_date = _record_field("session_date")
    session_place = _record_field("session_place")
    programme = _record_field("programme")
    status = _record_field("status")
    score = _record_field("score")
    scale = serializers.ChoiceField(choices=SCALES, required=False, allow_null=True)


class AttendanceBatchInSerializer(serializers.Serializer[Any]):
    """POST /api/v1/attendance: up to API_ATTENDANCE_MAX_RECORDS records."""

    records = AttendanceRecordSerializer(many=True)


class BatchProblemSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField(
        allow_null=True, help_text=_("The record's place in the request, from 0.")
    )
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class BatchCountsSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    new = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    review = serializers.IntegerField()
    rejected = serializers.IntegerField()


class AttendanceBatchSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["queued", "applying", "applied", "rejected", "failed", "stopped"]
    )
    status_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    applied_at = serializers.DateTimeField(allow_null=True)
    records = serializers.IntegerField(help_text=_("Records applied so far."))
    counts = BatchCountsSerializer(required=False)
    waiting_for_review = serializers.IntegerField()
    problems = BatchProblemSerializer(many=True)


class RegistrationSerializer(serializers.ModelSerializer[TrainingCompletion]):
    """Whom to expect: the name, the e-mail address and the ministry; nothing more."""

    name = serializers.CharField(source="person.full_name")
    email = serializers.EmailField(source="person.email")
    ministry = serializers.CharField(source="person.department.code")
    registered_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = TrainingCompletion
        fields = ["name", "email", "ministry", "registered_at"]


class RegistrationsSerializer(serializers.Serializer[Any]):
    session = serializers.CharField()
    registrations = RegistrationSerializer(many=True)
