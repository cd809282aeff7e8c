"""Forms of the /imports/ pages: upload, apply, the column-mapping step and the review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from departments.models import Department, Person
from imports.models import ImportProfile
from imports.reading.fields import FIELD_LABELS, Field
from imports.reading.messages import lazy_format
from imports.services import max_upload_bytes
from trainings.models import Supplier

ACCEPTED = ".csv,.tsv,.txt,.xlsx,.xls,.ods"


class UploadForm(forms.Form):
    supplier = forms.ModelChoiceField(Supplier.objects.all(), label=_("Supplier"))
    profile = forms.ModelChoiceField(
        ImportProfile.objects.select_related("supplier"),
        label=_("Import profile"),
        required=False,
        help_text=_("Only needed when the supplier uses its own column headers."),
    )
    department = forms.ModelChoiceField(
        Department.objects.all(),
        label=_("Ministry for the whole file"),
        required=False,
        help_text=_(
            "Only for a file of one ministry: the rows that name no ministry belong to the "
            "ministry chosen here."
        ),
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=100,
        help_text=_("Leave empty to read the first sheet with data."),
    )
    score_scale = forms.TypedChoiceField(
        label=_("Scale of the scores"),
        choices=[("", _("As the file says")), ("5", _("1 to 5")), ("10", _("1 to 10"))],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Only when the file has scores and does not say their scale, for example "
            "in the header “Score (1-5)”."
        ),
    )
    file = forms.FileField(
        label=_("Attendance list"),
        help_text=_("CSV, tab-separated text (.txt, .tsv), XLSX, XLS or ODS."),
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


class SessionsUploadForm(forms.Form):
    """A supplier's schedule of upcoming sessions (imports.sessions)."""

    supplier = forms.ModelChoiceField(Supplier.objects.all(), label=_("Supplier"))
    profile = forms.ModelChoiceField(
        ImportProfile.objects.select_related("supplier"),
        label=_("Import profile"),
        required=False,
        help_text=_(
            "Only needed when the supplier uses its own column headers (a profile that "
            "names session fields)."
        ),
    )
    file = forms.FileField(
        label=_("Schedule of sessions"),
        help_text=_(
            "CSV, tab-separated text (.txt, .tsv), XLSX, XLS or ODS, with at least a "
            "column with the date."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )
    hold_invalid = forms.BooleanField(
        label=_("Save the good rows even when other rows have a problem"), required=False
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


class MatchForm(forms.Form):
    """The person an administrator matches a held import row to."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        error_messages={
            "required": _("Choose the person to match this row to."),
            "invalid_choice": _("That person cannot be found. Search again and choose a person."),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        if isinstance(field, forms.ModelChoiceField):
            # Only people the user may see: an id from elsewhere reads as "not found".
            field.queryset = Person.objects.visible_to(user)


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


# --- Completions entered by hand (trainings.hand_entry) ---------------------------------


# Required for every file: the session date, the attendance, and one way to know who.
_IDENTITY = (Field.EMPLOYEE_NUMBER, Field.EMAIL, Field.FULL_NAME, Field.LAST_NAME)


class MappingForm(forms.Form):
    """The column-mapping step: for each field, the column of the file that holds it.

    Built from what the preview kept (ImportBatch.column_guesses): one select per field,
    prefilled with the column the headers gave it, else its best guess; a field that two
    columns fit equally well is left for the administrator to choose.
    """

    def __init__(self, *args: Any, guesses: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        headers: list[str] = guesses.get("headers", [])
        samples: list[list[str]] = guesses.get("samples", [])
        # (column, header, sample values) of every column with a header, for the page.
        self.columns = [
            (index, header, samples[index] if index < len(samples) else [])
            for index, header in enumerate(headers)
            if header.strip()
        ]
        choices = [("", _("– not in the file –"))] + [
            (str(index), header) for index, header, _samples in self.columns
        ]
        ties: dict[str, list[int]] = guesses.get("ties", {})
        for field in Field:
            tied = ties.get(field.value, [])
            self.fields[field.value] = forms.ChoiceField(
                label=capfirst(FIELD_LABELS[field]),
                choices=choices,
                required=False,
                initial=self._initial(field, guesses),
                help_text=lazy_format(
                    _("These columns fit equally well: %(columns)s. Choose the right one."),
                    columns=", ".join(f"“{headers[index]}”" for index in tied),
                )
                if tied
                else "",
            )

    @staticmethod
    def _initial(field: Field, guesses: dict[str, Any]) -> str:
        columns: dict[str, int] = guesses.get("columns", {})
        if field.value in columns:
            return str(columns[field.value])
        if field.value in guesses.get("ties", {}):
            return ""
        taken = set(columns.values())
        for guess in guesses.get("guesses", []):  # best score first within a field
            if guess["field"] == field.value and guess["column"] not in taken:
                return str(guess["column"])
        return ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, message in (
            (Field.SESSION_DATE, _("Choose the column with the date of the session.")),
            (Field.ATTENDANCE, _("Choose the column that says who attended.")),
        ):
            if not data.get(field.value):
                self.add_error(field.value, message)
        if not any(data.get(field.value) for field in _IDENTITY):
            self.add_error(
                Field.EMPLOYEE_NUMBER.value,
                _("Choose a column with the employee number, the email address or the name."),
            )
        used: dict[str, Field] = {}
        for field in Field:
            column = data.get(field.value)
            if not column:
                continue
            if column in used:
                self.add_error(
                    field.value,
                    lazy_format(
                        _(
                            "This column is already chosen for “%(other)s”. "
                            "Choose each column once."
                        ),
                        other=FIELD_LABELS[used[column]],
                    ),
                )
            else:
                used[column] = field
        return data

    def chosen(self) -> dict[Field, int | None]:
        return {
            field: int(value) if (value := self.cleaned_data.get(field.value)) else None
            for field in Field
        }

    def selects(self) -> list[Any]:
        """The bound fields, each linked to its help and errors (aria-describedby)."""
        bound = []
        for field in Field:
            boundfield = self[field.value]
            described = []
            if boundfield.help_text:
                described.append(f"{boundfield.auto_id}_helptext")
            if boundfield.errors:
                described.append(f"{boundfield.auto_id}_error")
                self.fields[field.value].widget.attrs["aria-invalid"] = "true"
            if described:
                self.fields[field.value].widget.attrs["aria-describedby"] = " ".join(described)
            bound.append(boundfield)
        return bound
