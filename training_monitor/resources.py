"""The base every django-import-export resource of the project uses.

Every export (CSV and XLSX, from the admin or a page) goes through `SafeExportMixin`:
text cells that a spreadsheet would run as a formula get a leading apostrophe
(`neutralise_formula`), while numbers, dates and booleans keep their type (XLSX) or
their plain rendering (CSV, where a negative number must stay "-5", not "'-5").
"""

from __future__ import annotations

from typing import Any

from import_export import resources, widgets
from import_export.fields import Field

from training_monitor.spreadsheets import neutralise_formula

# Widgets whose rendered text is a number, date, time or boolean, never user text.
_TYPED_WIDGETS: tuple[type[widgets.Widget], ...] = (
    widgets.NumberWidget,
    widgets.BooleanWidget,
    widgets.DateWidget,
    widgets.DateTimeWidget,
    widgets.TimeWidget,
    widgets.DurationWidget,
)


class SafeExportMixin:
    """Neutralise spreadsheet formulas in every exported text cell."""

    def export_field(self, field: Field, instance: Any, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)  # type: ignore[misc]
        if isinstance(value, str) and not isinstance(field.widget, _TYPED_WIDGETS):
            return neutralise_formula(value)
        return value


class SafeResource(SafeExportMixin, resources.Resource):
    pass


class SafeModelResource(SafeExportMixin, resources.ModelResource):
    pass
