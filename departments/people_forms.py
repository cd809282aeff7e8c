"""Forms of the people pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import SEARCH_MAX_LENGTH, validate_search_text
from departments.names import normalise_particle


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search people"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_search_text],
        help_text=_("Name, employee number or email."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class PersonNameForm(forms.Form):
    """A person's name in its three parts, as every form that creates or edits one asks it."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    particle = forms.CharField(
        label=_("Name particle"),
        max_length=30,
        required=False,
        help_text=_("Such as 'de' or 'van der'. Leave empty if there is none."),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        help_text=_("Without the name particle: for Anna de Vries, fill in 'Vries'."),
    )

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_particle(self) -> str:
        return normalise_particle(self.cleaned_data["particle"])

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].split())


class PersonForm(PersonNameForm):
    """A person's own details; the department stays as it is."""

    email = forms.EmailField(label=_("Email"), required=False)
    employee_number = forms.CharField(label=_("Employee number"), max_length=30, required=False)
