"""Form fields that refuse an id the database cannot even look up.

SQLite raises OverflowError for an integer beyond 64 bits (a posted 25-digit id), which
Django's model choice fields do not catch: that is a 500 instead of "choose a valid
option". These fields check the posted ids first.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection


def usable_pk(field: Any, value: Any) -> bool:
    """Whether `value` can be looked up in model field `field` without the database
    refusing it (wrong type, or an integer outside the column's range)."""
    try:
        prepared = field.get_prep_value(field.to_python(value))
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    if isinstance(prepared, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return (low is None or prepared >= low) and (high is None or prepared <= high)
    return True


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple) and self.queryset is not None:
            model = self.queryset.model
            target = model._meta.get_field(self.to_field_name) if self.to_field_name else None
            for pk in value:
                if not usable_pk(target or model._meta.pk, pk):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super().clean(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class FetchedChoices(forms.models.ModelChoiceIterator):
    """The choices of a model choice field in one plain query.

    Django's iterator reads them with `.iterator()`, which on PostgreSQL opens a server-side
    cursor: DECLARE, FETCH and CLOSE, three round trips, for a list of a few rows.
    """

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class FetchedModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ModelChoiceField whose few choices come in one query (FetchedChoices)."""

    iterator = FetchedChoices
