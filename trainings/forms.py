"""Forms of the /imports/ pages and of completions entered by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from departments.models import Department, Person, validate_plausible_date
from training_monitor.form_fields import DateInput
from trainings.hand_entry import REASON_MAX_LENGTH, sessions_to_choose
from trainings.imports.fields import FIELD_LABELS, Field
from trainings.imports.messages import lazy_format
from trainings.models import ImportProfile, Supplier, TrainingProgramme
from trainings.services import max_upload_bytes

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


class _SessionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        where = _("online") if obj.is_online else obj.place
        return f"{obj.date:%d-%m-%Y} – {obj.supplier.name}" + (f" ({where})" if where else "")


class _ProgrammeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.supplier.name}: {obj}" if obj.supplier else str(obj)


class HandEntryForm(forms.Form):
    """A session from the list, or a training the supplier files do not describe."""

    session = _SessionChoiceField(
        sessions_to_choose(),
        label=_("Session"),
        required=False,
        empty_label=_("– Not in the list: describe the training below –"),
        help_text=_("Sessions held by the suppliers, newest first."),
    )
    supplier = forms.ModelChoiceField(Supplier.objects.all(), label=_("Supplier"), required=False)
    programme = _ProgrammeChoiceField(
        TrainingProgramme.objects.select_related("supplier"),
        label=_("Programme"),
        required=False,
    )
    date = forms.DateField(
        label=_("Date of the training"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_date],
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    evidence_note = forms.CharField(
        label=_("Evidence"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What proves the attendance and where it is kept, e.g. 'certificate seen, folder P-12'."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form, so "today" is the day of the request, not of the import.
        self.fields["session"].queryset = sessions_to_choose()  # type: ignore[attr-defined]

    def clean_evidence_note(self) -> str:
        note = " ".join(self.cleaned_data["evidence_note"].split())
        if not note:
            raise forms.ValidationError(_("Say what proves the attendance and where it is kept."))
        return note

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        own = [name for name in ("supplier", "programme", "date", "place") if data.get(name)]
        if data.get("session"):
            if own:
                raise forms.ValidationError(
                    _("Choose a session from the list or describe another training, not both.")
                )
            return data
        if self.errors:
            return data
        for name in ("supplier", "programme", "date"):
            if not data.get(name):
                self.add_error(name, _("Needed when the session is not in the list."))
        supplier, programme = data.get("supplier"), data.get("programme")
        if supplier and programme and programme.supplier_id not in (None, supplier.pk):
            self.add_error("programme", _("This programme belongs to another supplier."))
        when = data.get("date")
        if when and when > timezone.localdate():
            self.add_error("date", _("A training in the future cannot have been attended."))
        return data

    def entry(self) -> dict[str, Any]:
        """The keyword arguments of `completion_enter_by_hand` for the training."""
        names = ("session", "supplier", "programme", "date", "place", "evidence_note")
        return {name: self.cleaned_data[name] for name in names}


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("Why the entry is not right, e.g. 'no certificate in the folder'."),
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Say why the entry is rejected."))
        return reason


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
