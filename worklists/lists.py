"""The two work lists that can be downloaded: which rows (the pages' own selectors) and
which columns."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.selectors import action_list, committee_list_filter
from departments.models import Department, Person
from worklists.files import Column
from worklists.models import ListKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@dataclass(frozen=True)
class WorkList:
    kind: str
    rows: QuerySet[Any]
    columns: list[Column]
    name: str  # the start of the file name, e.g. "actielijst"


def _yes_no(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


def _everyone_trained(committee: Any) -> str:  # annotated by with_compliance()
    # A committee with nobody who must be trained is incomplete, not compliant.
    if not committee.required_count:
        return gettext("Incomplete")
    return _yes_no(committee.is_compliant)


def _training(membership: Any) -> str:  # annotated by with_training_status()
    return (
        gettext("Registered for a session") if membership.is_registered else gettext("Not trained")
    )


def _person_detail(field: str) -> Any:
    # A member from a ministry the reader may not see is named (the committee page names
    # them too), but their e-mail address and employee number stay out of the file.
    def value(membership: Any) -> str | None:
        if not membership.person_visible:
            return None
        return getattr(membership.person, field)

    return value


ACTION_COLUMNS = [
    Column(_("Department"), lambda m: m.committee.department.code, 12),
    Column(_("Interview date"), lambda m: m.committee.interview_date, 14),
    Column(_("Vacancy reference"), lambda m: m.committee.vacancy_reference, 18),
    Column(_("Vacancy title"), lambda m: m.committee.vacancy_title, 36),
    Column(_("Committee status"), lambda m: m.committee.get_status_display(), 14),
    Column(_("Name"), lambda m: m.person.full_name, 28),
    Column(_("Employee number"), _person_detail("employee_number"), 16),
    Column(_("E-mail address"), _person_detail("email"), 32),
    Column(_("Role"), lambda m: m.get_role_display(), 16),
    Column(_("Training"), _training, 24),
]

COMMITTEE_COLUMNS = [
    Column(_("Vacancy reference"), lambda c: c.vacancy_reference, 18),
    Column(_("Vacancy title"), lambda c: c.vacancy_title, 36),
    Column(_("Department"), lambda c: c.department.code, 12),
    Column(_("Interview date"), lambda c: c.interview_date, 14),
    Column(_("Status"), lambda c: c.get_status_display(), 14),
    Column(_("Members who must be trained"), lambda c: c.required_count, 14),
    Column(_("Trained"), lambda c: c.trained_count, 10),
    Column(_("Everyone trained"), _everyone_trained, 14),
]


def action_departments(user: User | AnonymousUser, code: str) -> QuerySet[Department]:
    """The departments whose action list `user` downloads: one (by code) or all visible.

    Raises Department.DoesNotExist for a department the user may not see.
    """
    visible = Department.objects.visible_to(user)
    if not code:
        return visible
    if len(code) > 10 or not code.isprintable():
        # Not a department code at all (a NUL byte would even upset the database).
        raise Department.DoesNotExist
    department = visible.get(code=code)
    return Department.objects.filter(pk=department.pk)


def work_list(
    *, kind: str, user: User | AnonymousUser, params: QueryDict, today: datetime.date
) -> WorkList:
    """The rows and columns of one list as `user` sees it on the page, with `params` as
    the page's filters. Raises ValidationError for filters the page would refuse."""
    if kind == ListKind.ACTIONS:
        departments = action_departments(user, params.get("department", ""))
        rows = action_list(departments, today).annotate(
            person_visible=Exists(Person.objects.visible_to(user).filter(pk=OuterRef("person")))
        )
        return WorkList(kind, rows, ACTION_COLUMNS, gettext("action-list"))
    if kind == ListKind.COMMITTEES:
        committee_filter = committee_list_filter(user, params)
        if committee_filter.is_bound and not committee_filter.form.is_valid():
            raise ValidationError(
                gettext("The filters are not valid. Correct them and download again.")
            )
        return WorkList(kind, committee_filter.qs, COMMITTEE_COLUMNS, gettext("committees"))
    raise ValueError(kind)
