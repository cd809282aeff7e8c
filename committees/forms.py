from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from committees.enforcement import EnforcementCheck, EnforcementError, committee_enforce
from committees.models import MembershipRole, SelectionCommittee
from departments.models import Department, Person, validate_plausible_date
from departments.people_forms import PeopleSearchForm, PersonNameForm
from training_monitor.form_fields import DateInput

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


# Names in free text outlive the retention period's reach and end up in reports; the
# untrained members are stored with each justification anyway (privacy/scrub.py).
JUSTIFICATION_NO_NAMES = _(
    "Do not write names here: the untrained members are already recorded with the reason."
)


class CommitteeEnforcementForm(forms.ModelForm[SelectionCommittee]):
    """The committee fields plus the department's enforcement rule (committees.enforcement).

    Shared by the pages and the admin, so both ask for the same justification and refuse
    the same status changes.
    """

    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(
            "{} {}",
            _(
                "Only needed in departments that ask for a reason when a committee with "
                "untrained members is confirmed."
            ),
            JUSTIFICATION_NO_NAMES,
        ),
    )

    class Meta:
        model = SelectionCommittee
        fields = [
            "department",
            "vacancy_reference",
            "vacancy_title",
            "interview_date",
            "status",
            "notes",
        ]

    # The members a strict refusal names, as (membership id, name), for the page to link.
    blocking: tuple[tuple[int, str], ...] = ()

    def clean_interview_date(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["interview_date"]
        validate_plausible_date(value)
        return value

    def clean_vacancy_reference(self) -> str:
        return " ".join(self.cleaned_data["vacancy_reference"].split()).upper()

    def clean_vacancy_title(self) -> str:
        return " ".join(self.cleaned_data["vacancy_title"].split())

    def run_enforcement(self, data: dict[str, Any]) -> EnforcementCheck | None:
        """Check an existing committee whose status or interview date changes.

        A refusal becomes a form error (on the justification when only a reason is
        missing); an allowed change returns the check for the caller to record.
        """
        status, interview_date = data.get("status"), data.get("interview_date")
        if not (self.instance.pk and status and interview_date):
            return None
        if not {"status", "interview_date"} & set(self.changed_data):
            return None
        try:
            return committee_enforce(
                committee=self.instance,
                status=status,
                justification=data.get("justification", ""),
                interview_date=interview_date,
            )
        except EnforcementError as error:
            field = "justification" if error.code == "justification_required" else "status"
            if error.check is not None and error.code == "strict":
                self.blocking = error.check.blocking
            self.add_error(field, error)
            return None


class CommitteeForm(CommitteeEnforcementForm):
    """Create or edit a committee on the pages."""

    class Meta(CommitteeEnforcementForm.Meta):
        widgets = {
            "interview_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        department_field = cast(forms.ModelChoiceField[Department], self.fields["department"])
        department_field.queryset = Department.objects.editable_by(user)
        department_field.empty_label = None
        if self.instance.pk:
            # Moving a committee to another department is an administrator's job.
            del self.fields["department"]
        else:
            # A new committee has no members, so it can only be planned: confirming it
            # would be refused (committees.services.committee_create).
            del self.fields["status"]
        self.enforcement_warning = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check = self.run_enforcement(data)
        if check is not None and check.confirming and check.warns:
            self.enforcement_warning = check.warning_message()
        return data


# The member search asks what the people page asks: one form for both.
PersonSearchForm = PeopleSearchForm


def member_justification_field() -> forms.CharField:
    return forms.CharField(
        label=_("Justification"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why does this member join although not trained? Do not write names: the "
            "untrained members are already recorded."
        ),
    )


class AddMemberForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the person to add.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)
    # Asked only when the department's rule wants a reason (committees.enforcement):
    # the page shows it on a step of its own, keeping the person and role chosen.
    justification = member_justification_field()

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_field = cast(forms.ModelChoiceField[Person], self.fields["person"])
        person_field.queryset = Person.objects.visible_to(user)


class NewPersonForm(PersonNameForm):
    email = forms.EmailField(label=_("Email"), required=False)
    employee_number = forms.CharField(label=_("Employee number"), max_length=30, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)
    # Kept only when the committee is confirmed in a department that asks a reason.
    justification = member_justification_field()
