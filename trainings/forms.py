"""Forms of completions entered by hand (trainings.hand_entry)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from departments.models import validate_plausible_date
from training_monitor.form_fields import DateInput, FetchedModelChoiceField
from trainings.hand_entry import REASON_MAX_LENGTH, session_window, sessions_to_choose
from trainings.models import Supplier, TrainingProgramme, TrainingSession

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

ACCEPTED = ".csv,.tsv,.txt,.xlsx,.xls,.ods"


def _session_label(date: datetime.date, supplier: str, place: str, is_online: bool) -> str:
    where = _("online") if is_online else place
    return f"{date:%d-%m-%Y} – {supplier}" + (f" ({where})" if where else "")


class _SessionChoices(forms.models.ModelChoiceIterator):
    """The sessions as (pk, label) from four columns, without a model instance each.

    Four weeks of sessions are some 500 at --scale 50: building a session and its supplier
    per option, through a server-side cursor (ModelChoiceIterator's `.iterator()`), cost
    more than the rest of the page. The field still checks a chosen pk with its queryset.
    """

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.values_list("pk", "date", "supplier__name", "place", "is_online")
        for pk, date, supplier, place, is_online in rows:
            yield (pk, _session_label(date, supplier, place, is_online))


class _SessionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    iterator = _SessionChoices


class _ProgrammeChoiceField(FetchedModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.supplier.name}: {obj}" if obj.supplier else str(obj)


class SessionWindowForm(forms.Form):
    """Which sessions the hand-entry form lists: those around a date the user knows."""

    around = forms.DateField(
        label=_("Date of the session"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_date],
        help_text=_("The list shows the sessions of two weeks before and after this date."),
    )

    def date(self) -> datetime.date | None:
        return self.cleaned_data.get("around") if self.is_valid() else None


class HandEntryForm(forms.Form):
    """A session from the list, or a training the supplier files do not describe."""

    session = _SessionChoiceField(
        # Replaced per form by the sessions its user may choose.
        TrainingSession.objects.none(),
        label=_("Session"),
        required=False,
        empty_label=_("– Not in the list: describe the training below –"),
    )
    supplier = FetchedModelChoiceField(Supplier.objects.all(), label=_("Supplier"), required=False)
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

    def __init__(
        self,
        *args: Any,
        user: User | AnonymousUser,
        around: datetime.date | None = None,
        **kwargs: Any,
    ) -> None:
        """`around`: the date of SessionWindowForm. The form posts to its own address, so
        the session chosen is checked against the list it was chosen from."""
        super().__init__(*args, **kwargs)
        # Built per form, so "today" is the day of the request, not of the import.
        field = self.fields["session"]
        field.queryset = sessions_to_choose(user=user, around=around)  # type: ignore[attr-defined]
        first, last = session_window(around)
        field.help_text = _(
            "Sessions held by the suppliers from %(first)s to %(last)s, newest first."
        ) % {"first": date_format(first, "j F Y"), "last": date_format(last, "j F Y")}

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
