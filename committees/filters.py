from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from committees.models import CommitteeMembership, CommitteeStatus, SelectionCommittee
from departments.access import Role, sees_all_departments, staff_department_ids, user_roles
from departments.models import (
    SEARCH_MAX_LENGTH,
    Department,
    person_contact_matches,
    person_name_matches,
    search_words,
    validate_search_text,
)
from training_monitor.form_fields import DateInput


class CommitteeFilter(django_filters.FilterSet):
    """Filters of the committee list; the queryset must carry `with_compliance()`."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Vacancy reference, title, or a member's name, employee number or email."),
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_search_text],
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=Department.objects.all(),
        empty_label=_("All departments"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CommitteeStatus.choices, empty_label=_("All statuses")
    )
    interview_from = django_filters.DateFilter(
        label=_("Interview from"),
        field_name="interview_date",
        lookup_expr="gte",
        widget=DateInput(),
    )
    interview_to = django_filters.DateFilter(
        label=_("Interview until"),
        field_name="interview_date",
        lookup_expr="lte",
        widget=DateInput(),
    )
    compliance = django_filters.ChoiceFilter(
        label=_("Training"),
        method="filter_compliance",
        choices=[
            ("all", _("All trained")),
            ("not_all", _("Not all trained")),
            # Short, so the select fits a 320 px screen; the list explains the word.
            ("incomplete", _("Incomplete")),
        ],
        empty_label=_("All committees"),
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("interview_date", "interview_date"),
            ("vacancy_reference", "vacancy_reference"),
            ("status", "status"),
            ("trained_count", "trained"),
        ],
        field_labels={
            "interview_date": _("Interview date"),
            "vacancy_reference": _("Vacancy reference"),
            "status": _("Status"),
            "trained_count": _("Number trained"),
        },
        empty_label=_("Interview date, newest first"),
    )

    class Meta:
        model = SelectionCommittee
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The reader: given directly (selectors, downloads) or through the request.
        self.user = user if user is not None else getattr(self.request, "user", None)
        user = self.user
        # Only the programme bureau and administrators see more than their own ministry;
        # for O&P staff the filter would offer departments they cannot open.
        if user is None or not sees_all_departments(user):
            del self.filters["department"]
        else:
            self.filters["department"].queryset = Department.objects.visible_to(user)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # Employee numbers and email addresses are matched only for people the user may
        # see: a member from another ministry is named on the committee page, but their
        # contact details must not be confirmable by searching.
        in_scope = self._people_in_scope()
        for word in search_words(value):
            member = CommitteeMembership.objects.filter(committee=OuterRef("pk")).filter(
                person_name_matches(word, "person__")
                | (person_contact_matches(word, "person__") & in_scope)
            )
            queryset = queryset.filter(
                Q(vacancy_reference__icontains=word)
                | Q(vacancy_title__icontains=word)
                | Exists(member)
            )
        return queryset

    def _people_in_scope(self) -> Q:
        """Memberships whose person the user may see, as Person.visible_to decides.

        Written on the person's department rather than as `person__in=<Person queryset>`:
        the nested subquery made PostgreSQL estimate the search 30 times dearer, enough to
        switch on JIT compilation that cost seconds at --scale 50.
        """
        user = self.user
        if user is not None and sees_all_departments(user):
            return Q()
        if user is None or Role.OP_STAFF not in user_roles(user):
            return Q(pk__in=[])
        return Q(person__department__in=staff_department_ids(user))

    def filter_compliance(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "all":
            return queryset.filter(is_compliant=True)
        if value == "not_all":
            # Incomplete committees are not compliant either, but they have no untrained
            # member to act on: they have their own choice.
            return queryset.filter(is_compliant=False, is_incomplete=False)
        if value == "incomplete":
            return queryset.filter(is_incomplete=True)
        return queryset
