"""Forms of the /imports/ pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trainings.imports.fields import FIELD_LABELS, Field
from trainings.models import ImportProfile, Supplier
from trainings.services import max_upload_bytes

ACCEPTED = ".csv,.xlsx,.xls,.ods"


class UploadForm(forms.Form):
    supplier = forms.ModelChoiceField(Supplier.objects.all(), label=_("Supplier"))
    profile = forms.ModelChoiceField(
        ImportProfile.objects.select_related("supplier"),
        label=_("Import profile"),
        required=False,
        help_text=_("Only needed when the supplier uses its own column headers."),
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=100,
        help_text=_("Leave empty to read the first sheet with data."),
    )
    file = forms.FileField(
        label=_("Attendance list"),
        help_text=_("CSV, XLSX, XLS or ODS."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."),
                params={"limit": max_upload_bytes() // (1024 * 1024)},
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        profile, supplier = data.get("profile"), data.get("supplier")
        if profile is not None and supplier is not None and profile.supplier_id != supplier.pk:
            self.add_error("profile", _("This profile belongs to another supplier."))
        return data


class ApplyForm(forms.Form):
    hold_invalid = forms.BooleanField(
        label=_("Apply the valid rows and hold the others for review"), required=False
    )


class ProfileForm(forms.Form):
    """One text box per field: the header the supplier uses for it."""

    supplier = forms.ModelChoiceField(Supplier.objects.all(), label=_("Supplier"))
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in Field:
            self.fields[f"header_{field.value}"] = forms.CharField(
                label=FIELD_LABELS[field], required=False, max_length=200
            )

    def header_fields(self) -> list[Any]:
        return [self[f"header_{field.value}"] for field in Field]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        supplier, name = data.get("supplier"), data.get("name")
        if (
            supplier
            and name
            and ImportProfile.objects.filter(supplier=supplier, name=name).exists()
        ):
            self.add_error("name", _("This supplier already has a profile with this name."))
        if not self.mapping():
            raise forms.ValidationError(_("Fill in at least one header."))
        return data

    def mapping(self) -> dict[str, str]:
        return {
            header.strip(): field.value
            for field in Field
            if (header := (self.cleaned_data.get(f"header_{field.value}") or "")).strip()
        }


class CorrectForm(forms.Form):
    employee_number = forms.CharField(label=_("Employee number"), required=False, max_length=30)
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    department = forms.CharField(label=_("Ministry"), required=False, max_length=200)
    session_date = forms.DateField(label=_("Session date"), required=False)
    session_place = forms.CharField(label=_("Location"), required=False, max_length=200)

    def values(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "session_date" in data:
            data["session_date"] = data["session_date"].isoformat()
        return data
