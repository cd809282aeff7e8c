"""The shape check of POST /api/v1/attendance's records, fast enough for 5,000.

DRF's nested serializer (AttendanceBatchInSerializer, which describes the request in the
schema) takes about as long per record as the import itself; this loop checks the same
shape with DRF's own messages. What the values mean is the import's to check.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from api.serializers.suppliers import SCALES, STATUSES
from imports.reading.records import RECORD_FIELDS

FIELDS = frozenset((*RECORD_FIELDS, "scale"))
TEXT_FIELDS = frozenset(RECORD_FIELDS) - {"status", "score"}
MAX_TEXT = 255
# The import's reader knows these words for the statuses (imports.reading.values).
STATUS_WORDS = {"attended": "attended", "no_show": "no-show", "cancelled": "cancelled",
                "registered": "registered"}  # fmt: skip
_MESSAGES = {
    "required": serializers.Field.default_error_messages["required"],
    "string": serializers.CharField.default_error_messages["invalid"],
    "max_length": serializers.CharField.default_error_messages["max_length"],
    "choice": serializers.ChoiceField.default_error_messages["invalid_choice"],
    "number": serializers.DecimalField.default_error_messages["invalid"],
    "object": serializers.Serializer.default_error_messages["invalid"],
}


def _message(kind: str, **params: object) -> str:
    return str(_(str(_MESSAGES[kind]))).format(**params)


def _field_problem(name: str, value: object) -> str | None:
    if name == "status":
        return None if value in STATUSES else _message("choice", input=value)
    if value is None:
        return None
    if name == "scale":
        return None if value in SCALES else _message("choice", input=value)
    if name == "score":
        ok = isinstance(value, int | float | str) and not isinstance(value, bool)
        return None if ok else _message("number")
    if not isinstance(value, str):
        return _message("string")
    return _message("max_length", max_length=MAX_TEXT) if len(value) > MAX_TEXT else None


def _record_problems(record: object) -> dict[str, list[str]]:
    if not isinstance(record, dict):
        return {"non_field_errors": [_message("object", datatype=type(record).__name__)]}
    problems = {
        name: [problem]
        for name, value in record.items()
        if (problem := _field_problem(name, value) if name in FIELDS else _("Unknown field."))
    }
    if "status" not in record:
        problems["status"] = [_message("required")]
    return problems


def records_from(data: Any) -> tuple[list[dict[str, Any]], int | None]:
    """The records to import (statuses in the reader's words) and their score scale;
    ValidationError (400, invalid-params) for a request of the wrong shape."""
    records = data.get("records") if isinstance(data, dict) else None
    if not isinstance(records, list) or not records:
        raise ValidationError({"records": [_("Send a list of 1 or more records.")]})
    limit = int(settings.API_ATTENDANCE_MAX_RECORDS)
    if len(records) > limit:
        raise ValidationError(
            {"records": [_("Send at most %(limit)d records at a time.") % {"limit": limit}]}
        )
    errors = {
        str(i): found for i, record in enumerate(records) if (found := _record_problems(record))
    }
    if errors:
        raise ValidationError({"records": errors})
    scales = {record.get("scale") for record in records} - {None}
    if len(scales) > 1:
        raise ValidationError({"records": [_("All records of one request use one scale.")]})
    cleaned = [
        {
            name: _cleaned(name, value)
            for name, value in record.items()
            if name != "scale" and value is not None and value != ""
        }
        for record in records
    ]
    return cleaned, scales.pop() if scales else None


def _cleaned(name: str, value: Any) -> Any:
    if name == "status":
        return STATUS_WORDS[value]
    if name == "score" and isinstance(value, float):
        return str(Decimal(repr(value)))
    return value
