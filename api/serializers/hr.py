"""What the HR systems and the programme bureau send and get (api.views.hr, .reports).

Help texts are the schema's documentation, in English like the rest of it. Request
serializers check the shape (types, dates, choices); the committee's own fields
are then checked by the pages' form (committees.forms.CommitteeForm), so a vacancy
number or interview date is refused with the words the page uses.
"""

from __future__ import annotations

import datetime
from typing import Any

from rest_framework import serializers

from committees.models import CommitteeStatus, MembershipRole
from departments.models import EnforcementMode
from trainings.models import CompletionSource, CompletionStatus

MEMBER_STATES = ["trained", "registered", "untrained", "exempt"]


class MemberInSerializer(serializers.Serializer[Any]):
    employee_number = serializers.CharField(
        max_length=30, help_text=("The member's employee number, in your ministry.")
    )
    role = serializers.ChoiceField(choices=MembershipRole.choices)


class CommitteeInSerializer(serializers.Serializer[Any]):
    vacancy_reference = serializers.CharField()
    vacancy_title = serializers.CharField()
    interview_date = serializers.DateField(help_text=("The first day of the selection interviews."))
    status = serializers.ChoiceField(
        choices=CommitteeStatus.choices,
        default=CommitteeStatus.PLANNED,
        help_text=("Confirmed or held goes through the ministry's rule, as on the committee page."),
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Only needed in departments that ask for a reason when a committee with "
            "untrained members is confirmed."
        ),
    )
    members = serializers.ListField(child=MemberInSerializer(), max_length=50)


class MemberOutSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    employee_number = serializers.CharField(
        allow_null=True, help_text=("Empty for a member lent by another ministry.")
    )
    role = serializers.ChoiceField(choices=MembershipRole.choices)
    requires_training = serializers.BooleanField()
    state = serializers.ChoiceField(choices=MEMBER_STATES)
    trained_on = serializers.DateField(allow_null=True)
    registered_for = serializers.DateField(allow_null=True)
    registered_in_time = serializers.BooleanField()


class ComplianceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    ministry = serializers.CharField()
    vacancy_reference = serializers.CharField()
    vacancy_title = serializers.CharField()
    interview_date = serializers.DateField()
    status = serializers.ChoiceField(choices=CommitteeStatus.choices)
    enforcement_mode = serializers.ChoiceField(choices=EnforcementMode.choices)
    compliant = serializers.BooleanField()
    incomplete = serializers.BooleanField()
    required_members = serializers.IntegerField()
    trained_members = serializers.IntegerField()
    members = MemberOutSerializer(many=True)


class RegisteredSerializer(ComplianceSerializer):
    warnings = serializers.ListField(child=serializers.CharField())


class TrainingSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=CompletionStatus.choices)
    supplier = serializers.CharField()
    programme = serializers.CharField()
    version = serializers.CharField()
    online = serializers.BooleanField()
    place = serializers.CharField()
    session_cancelled = serializers.BooleanField()
    source = serializers.ChoiceField(choices=CompletionSource.choices)
    awaiting_confirmation = serializers.BooleanField()


class PersonTrainingSerializer(serializers.Serializer[Any]):
    employee_number = serializers.CharField()
    name = serializers.CharField()
    ministry = serializers.CharField()
    trained = serializers.BooleanField(help_text=("Trained today, by the compliance rule."))
    awaiting_confirmation = serializers.BooleanField()
    trainings = TrainingSerializer(many=True)


class ReportColumnSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["text", "int", "percent", "decimal", "date"])
    help = serializers.CharField()
    decimals = serializers.IntegerField()


class ReportRowSerializer(serializers.Serializer[Any]):
    cells = serializers.DictField(child=serializers.JSONField(allow_null=True))
    hidden = serializers.ListField(child=serializers.CharField())
    flags = serializers.ListField(child=serializers.CharField())


class ReportTableSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = ReportColumnSerializer(many=True)
    rows = ReportRowSerializer(many=True)
    total = ReportRowSerializer(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())


class ReportSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["regiegroep", "icop"])
    quarter = serializers.CharField()
    version = serializers.IntegerField()
    content_hash = serializers.CharField()
    # In UTC (ADR /core/date-time/timezone).
    compiled_at = serializers.DateTimeField(default_timezone=datetime.UTC)
    title = serializers.CharField()
    generated_at = serializers.DateTimeField(default_timezone=datetime.UTC)
    suppression_threshold = serializers.IntegerField()
    hidden_note = serializers.CharField()
    tables = ReportTableSerializer(many=True)
    explanations = serializers.ListField(child=serializers.DictField())
    interventions = serializers.ListField(child=serializers.DictField())
