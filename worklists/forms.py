from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.models import MembershipRole, SelectionCommittee
from worklists.members import PASTE_MAX_ENTRIES, CopySource, validate_paste

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


class QuickSelect(forms.Select):
    """A select of many options (the 200 committees to copy from) rendered in one loop:
    Django's Select builds a dictionary and renders a template for each option, which cost
    more than the rest of the page (issue 15). Options without groups or attributes."""

    template_name = "worklists/widgets/quick_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Widget's context (name, value, attrs), not ChoiceWidget's per-option one.
        context = forms.Widget.get_context(self, name, value, attrs)
        selected = set(context["widget"]["value"])
        context["widget"]["options"] = [
            (str(key), label, str(key) in selected) for key, label in self.choices
        ]
        return context


class CopyForm(forms.Form):
    source = forms.TypedChoiceField(
        label=_("Copy the members of"),
        coerce=int,
        widget=QuickSelect,
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

    def __init__(self, *args: Any, sources: list[CopySource], **kwargs: Any) -> None:
        """`sources`: the committees that may be chosen, in their order."""
        super().__init__(*args, **kwargs)
        # Many committees share an interview date: each date is formatted once.
        dates = {when: date_format(when) for _pk, _ref, _title, when in sources}
        field = cast(forms.TypedChoiceField, self.fields["source"])
        field.choices = [
            ("", "---------"),
            *((pk, f"{ref} – {title} ({dates[when]})") for pk, ref, title, when in sources),
        ]

    def clean_source(self) -> SelectionCommittee:
        # Only the offered ids pass the field, so this is a committee the user may copy.
        return SelectionCommittee.objects.get(pk=self.cleaned_data["source"])
