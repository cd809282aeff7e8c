from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from reports.models import Intervention, JobKind, SelfReportedFigures
from reports.quarters import Quarter, quarter_label
from reports.selectors import QuarterNotReportable, first_data_quarter, reportable_quarter
from training_monitor.form_fields import BoundedModelMultipleChoiceField


def quarter_choices(count: int = 12) -> list[tuple[str, str]]:
    latest = Quarter.last_ended(timezone.localdate()).next()
    return [(str(q), q.label()) for q in reversed(latest.last_n(count))]


class QuarterField(forms.CharField):
    # The first quarter with data; a form with two quarters gives both one that remembers.
    first_data: Callable[[], Quarter | None] = staticmethod(first_data_quarter)

    def __init__(self, **kwargs: Any) -> None:
        # Room for the ways people write a quarter ("tweede kwartaal van 2026").
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("For example 2025Q4, Q4 2025 or 4th quarter 2025."))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        # A code (the initial value, a stored row, a shared link's ?first=2025Q4) shows as
        # people read it, "4e kwartaal 2025"; clean() reads that back. Other text stays
        # as typed, so a mistake can be corrected.
        return quarter_label(value) if isinstance(value, str) else value

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        try:
            return str(reportable_quarter(text, first_data=self.first_data))
        except QuarterNotReportable as error:
            raise forms.ValidationError(str(error), code="quarter") from error


class CompileForm(forms.Form):
    quarter = QuarterField(label=_("Quarter"))
    kind = forms.ChoiceField(label=_("Report"), choices=JobKind.choices, initial=JobKind.ALL)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].initial = str(Quarter.last_ended(timezone.localdate()))


class SelfReportedForm(forms.ModelForm[SelfReportedFigures]):
    quarter = QuarterField(label=_("Quarter"))

    class Meta:
        model = SelfReportedFigures
        fields = [
            "department",
            "quarter",
            "committees",
            "compliant_committees",
            "memberships",
            "trained_memberships",
            "people_trained",
        ]

    def __init__(self, *args: Any, departments: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = departments if departments is not None else Department.objects.all()
        self.fields["quarter"].initial = str(Quarter.last_ended(timezone.localdate()))


class SelfReportedKeyForm(forms.Form):
    """Only the department and quarter of a POST: which stored figures it replaces."""

    department = forms.ModelChoiceField(queryset=Department.objects.none())
    quarter = QuarterField()

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = departments


class InterventionForm(forms.ModelForm[Intervention]):
    departments = BoundedModelMultipleChoiceField(
        Department.objects.all(),
        label=_("departments"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked when it concerned every department."),
    )

    class Meta:
        model = Intervention
        fields = ["date", "kind", "departments", "description"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "departments": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "departments": _("Leave all unticked when it concerned every department."),
        }


class SupplierPeriodForm(forms.Form):
    """The period of the supplier comparison: from one ended quarter to another.

    Read from the query string (a GET form works without JavaScript and gives a link
    that can be shared); empty means the last four ended quarters.
    """

    first = QuarterField(label=_("From quarter"))
    last = QuarterField(label=_("To and including quarter"))

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        latest = Quarter.last_ended(timezone.localdate())
        if not data or not (data.get("first") or data.get("last")):
            data = {"first": str(latest.last_n(4)[0]), "last": str(latest)}
        super().__init__(data, **kwargs)
        # Both quarters are checked against the first quarter with data: read it once.
        first_data = functools.cache(first_data_quarter)
        for name in ("first", "last"):
            field = self.fields[name]
            if isinstance(field, QuarterField):
                field.first_data = first_data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and Quarter.parse(first) > Quarter.parse(last):
            raise forms.ValidationError(
                _("The first quarter comes after the last one. Swap them."), code="order"
            )
        return cleaned

    def period(self) -> tuple[Quarter, Quarter]:
        """The chosen quarters; call after is_valid()."""
        return Quarter.parse(self.cleaned_data["first"]), Quarter.parse(self.cleaned_data["last"])
