"""The admin's history pages (django-simple-history) as people read them.

The package shows a change as the stored values ("planned → confirmed", "True",
"None"); here a choice reads as its label in the active language ("Gepland →
Bevestigd"), a yes/no as Ja/Nee, a date as a date and an empty value as a dash, the same
as the committee page's own history (committees.views).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "–"


def history_value(field: models.Field[Any, Any] | None, value: Any) -> str:
    """One stored value of `field` as the admin shows it."""
    if value is None or value == "" or value == []:
        return EMPTY
    choices = dict(getattr(field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value)
    if isinstance(value, list):
        return ", ".join(history_value(None, item) for item in value) or EMPTY
    return str(value)


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """simple-history's context for the "Changes" column, with readable values."""

    def stringify_delta_change_values(
        self, change: Any, old: Any, new: Any
    ) -> tuple[SafeString, SafeString]:
        field = self.model._meta.get_field(change.field)
        model_field = field if isinstance(field, models.Field) else None
        old_text, new_text = history_value(model_field, old), history_value(model_field, new)
        old_short, new_short = self.get_obj_diff_display().common_shorten_repr(old_text, new_text)
        return conditional_escape(old_short), conditional_escape(new_short)
