"""django-import-export resources for the training data (admin import and export).

The admin's import of completions is the library's own row-by-row path: fine for a
handful of corrections, slow for a supplier's list. Attendance lists go through
`imports.services` (the /imports/ page and `manage.py import_attendance`), which does
the same job in bulk; `benchmarks/import_attendance.py` compares the two.

Exports only hold what the user may see: the admin passes its scoped queryset, and
`filter_export` narrows it again with `visible_to(user)` when a user is given.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.fields import Field

from departments.models import Department, Person
from departments.touched import figures_touched
from training_monitor.resources import SafeModelResource
from trainings.models import TrainingCompletion, TrainingSession
from trainings.touched import sessions_touched


class _ScopedResource(SafeModelResource):
    """Takes the exporting user (optional) and never exports rows they may not see."""

    select_related: tuple[str, ...] = ()

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        # A file may change any person or completion: recompute every stored figure,
        # in the import's transaction (a dry run is rolled back anyway, so skip it).
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run") and not result.has_errors():
            figures_touched(since=None)
            sessions_touched(everything=True)

    def filter_export(self, queryset: QuerySet[Any], **kwargs: Any) -> QuerySet[Any]:
        queryset = super().filter_export(queryset, **kwargs)
        if self.user is not None:
            queryset = queryset.visible_to(self.user)  # type: ignore[attr-defined]
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset


class PersonResource(_ScopedResource):
    """People, matched on employee number when imported."""

    department = Field(
        attribute="department",
        column_name="department",
        widget=widgets.ForeignKeyWidget(Department, field="code"),
    )
    select_related = ("department",)

    class Meta:
        model = Person
        fields = (
            "id",
            "employee_number",
            "first_name",
            "particle",
            "last_name",
            "email",
            "department",
        )
        export_order = fields
        import_id_fields = ("employee_number",)
        skip_unchanged = True
        report_skipped = True


class TrainingCompletionResource(_ScopedResource):
    """Completions: a person (by employee number) at a session (by id) with a status.

    Import needs the columns `employee_number`, `session` and `status`; the other
    columns are exported for reading and ignored on import.
    """

    person = Field(
        attribute="person",
        column_name="employee_number",
        widget=widgets.ForeignKeyWidget(Person, field="employee_number"),
    )
    session = Field(
        attribute="session",
        column_name="session",
        widget=widgets.ForeignKeyWidget(TrainingSession),
    )
    # The name as shown everywhere ("Anna de Vries"), then its parts for sorting.
    name = Field(attribute="person__full_name", column_name="name", readonly=True)
    first_name = Field(attribute="person__first_name", column_name="first_name", readonly=True)
    particle = Field(attribute="person__particle", column_name="particle", readonly=True)
    last_name = Field(attribute="person__last_name", column_name="last_name", readonly=True)
    email = Field(attribute="person__email", column_name="email", readonly=True)
    department = Field(
        attribute="person__department__code", column_name="department", readonly=True
    )
    session_date = Field(
        attribute="session__date",
        column_name="session_date",
        readonly=True,
        widget=widgets.DateWidget("%Y-%m-%d"),
    )
    supplier = Field(attribute="session__supplier__code", column_name="supplier", readonly=True)
    programme = Field(attribute="session__programme__name", column_name="programme", readonly=True)
    place = Field(attribute="session__place", column_name="place", readonly=True)
    select_related = (
        "person__department",
        "session__supplier",
        "session__programme",
    )

    class Meta:
        model = TrainingCompletion
        fields = (
            "id",
            "person",
            "name",
            "first_name",
            "particle",
            "last_name",
            "email",
            "department",
            "session",
            "session_date",
            "supplier",
            "programme",
            "place",
            "status",
        )
        export_order = fields
        import_id_fields = ("person", "session")
        skip_unchanged = True
        report_skipped = True

    def import_instance(self, instance: TrainingCompletion, row: Any, **kwargs: Any) -> None:
        """Fill the row in; a changed status records when it changed (late cancellations
        are measured from it)."""
        before = instance.status if instance.pk else None
        super().import_instance(instance, row, **kwargs)
        if instance.status != before:
            instance.status_changed_at = timezone.now()

    @classmethod
    def get_display_name(cls) -> str:
        return str(_("Training completions"))
