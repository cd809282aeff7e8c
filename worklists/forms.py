from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.models import MembershipRole, SelectionCommittee
from worklists.members import PASTE_MAX_ENTRIES, validate_paste

JUSTIFICATION_HELP = _(
    "Some of these people are not trained yet and this committee is already confirmed. "
    "Explain why they join anyway. Do not write names: the untrained members are "
    "recorded with your text."
)


class PasteForm(forms.Form):
    entries = forms.CharField(
        label=_("Employee numbers or e-mail addresses"),
        # Generous for 500 e-mail addresses; anything longer is not a list of people.
        max_length=PASTE_MAX_ENTRIES * 100,
        validators=[validate_paste],
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )
    justification = forms.CharField(
        label=_("Justification for the untrained people"),
        required=False,
        max_length=2000,
        help_text=JUSTIFICATION_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filled in here, in the reader's language (a lazy text cannot take the number).
        self.fields["entries"].help_text = gettext(
            "One per line, or separated by commas, semicolons or spaces. At most %(limit)d."
        ) % {"limit": PASTE_MAX_ENTRIES}


class CommitteeChoiceField(forms.ModelChoiceField[SelectionCommittee]):
    def label_from_instance(self, obj: SelectionCommittee) -> str:
        return f"{obj.vacancy_reference} – {obj.vacancy_title} ({date_format(obj.interview_date)})"


class CopyForm(forms.Form):
    source = CommitteeChoiceField(
        label=_("Copy the members of"),
        queryset=SelectionCommittee.objects.none(),
        help_text=_("Committees of the same department, newest interview date first."),
        error_messages={"required": _("Choose the committee to copy from.")},
    )
    justification = forms.CharField(
        label=_("Justification for the untrained people"),
        required=False,
        max_length=2000,
        help_text=JUSTIFICATION_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, source_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(CommitteeChoiceField, self.fields["source"])
        field.queryset = SelectionCommittee.objects.filter(pk__in=source_ids).order_by(
            "-interview_date", "-pk"
        )
