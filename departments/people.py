"""People without duplicates: likely matches, uniqueness within scope, and changes.

Used by the committee pages ("add a new person"), the people pages and any later path
that creates or changes a person, so each asks the same questions the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.access import sees_all_departments
from departments.models import Department, Person, normalise_email, normalise_employee_number
from departments.names import clean_name, name_key, word_pattern
from departments.touched import data_versions_bump

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Said when the email address or employee number belongs to someone the user may not
# see. It must not tell which of the two clashed, nor that the person exists at all.
UNAVAILABLE_MESSAGE = gettext_lazy(
    "This email address or employee number cannot be used. Please contact the administrator."
)
MATCH_LIMIT = 10


class DuplicatePersonError(ValidationError):
    """The email address or employee number is already someone's, and the user may see them.

    `existing` holds those people, so the page can link to them.
    """

    def __init__(self, errors: dict[str, Any], *, existing: list[Person]) -> None:
        super().__init__(errors)
        self.existing = existing


def person_likely_matches(
    *,
    user: User | AnonymousUser,
    first_name: str,
    last_name: str,
    particle: str = "",
    email: str | None = None,
    employee_number: str | None = None,
    department: Department | None = None,
) -> list[Person]:
    """People the user may see who are probably the one being entered.

    Same normalised name (departments.names), email address or employee number. Each
    match carries `match_reasons`: "name", "email" and/or "employee_number". Users who
    see every department are asked about `department` only, not the whole government.
    """
    scope = Person.objects.visible_to(user)
    if department is not None and sees_all_departments(user):
        scope = scope.filter(department=department)
    key = name_key(first_name, particle, last_name)
    by_name: set[int] = set()
    if key:
        # The key folds accents and particles, which no portable index can do: the
        # database narrows to names holding the longest word (accents allowed), and
        # Python compares the keys exactly.
        pattern = word_pattern(max(key.split(), key=len))
        candidates = scope.filter(Q(first_name__iregex=pattern) | Q(last_name__iregex=pattern))
        names = candidates.values_list("pk", "first_name", "particle", "last_name")
        by_name = {pk for pk, *parts in names if name_key(*parts) == key}
    email, number = normalise_email(email), normalise_employee_number(employee_number)
    contact = Q(pk__in=by_name)
    if email:
        contact |= Q(email=email)
    if number:
        contact |= Q(employee_number=number)
    matches = list(scope.filter(contact).select_related("department")[:MATCH_LIMIT])
    for person in matches:
        person.match_reasons = [
            reason
            for reason, hit in (
                ("name", person.pk in by_name),
                ("email", bool(email) and person.email == email),
                ("employee_number", bool(number) and person.employee_number == number),
            )
            if hit
        ]
    return matches


def person_check_unique(*, person: Person, user: User | AnonymousUser | None) -> None:
    """Refuse an email address or employee number that is already someone else's.

    Within the user's scope the error names the field and the person (DuplicatePersonError);
    outside it, one neutral message that confirms nothing.
    """
    clash = Q(pk__in=[])
    if person.email:
        clash |= Q(email=person.email)
    if person.employee_number:
        clash |= Q(employee_number=person.employee_number)
    others = list(Person.objects.filter(clash).exclude(pk=person.pk or 0))
    if not others:
        return
    visible = Person.objects.none() if user is None else Person.objects.visible_to(user)
    seen = set(visible.filter(pk__in=[o.pk for o in others]).values_list("pk", flat=True))
    if any(other.pk not in seen for other in others):
        raise ValidationError(UNAVAILABLE_MESSAGE, code="unavailable")
    errors: dict[str, list[ValidationError]] = {}
    for other in others:
        if person.email and other.email == person.email:
            errors.setdefault("email", []).append(
                ValidationError(
                    _("%(name)s already has this email address.") % {"name": other.full_name},
                    code="duplicate",
                )
            )
        if person.employee_number and other.employee_number == person.employee_number:
            errors.setdefault("employee_number", []).append(
                ValidationError(
                    _("%(name)s already has this employee number.") % {"name": other.full_name},
                    code="duplicate",
                )
            )
    raise DuplicatePersonError(errors, existing=others)


def person_save(*, person: Person, user: User | AnonymousUser | None) -> Person:
    """Validate and store a new or changed person (normalised, unique within scope)."""
    person.first_name = clean_name(person.first_name)
    person.particle = clean_name(person.particle)
    person.last_name = clean_name(person.last_name)
    person.email = normalise_email(person.email)
    person.employee_number = normalise_employee_number(person.employee_number)
    person_check_unique(person=person, user=user)
    # Uniqueness was just checked, in words fit for this user; the model's own check
    # would name the other person's department by confirming they exist.
    person.full_clean(validate_unique=False)
    if user is not None and user.is_authenticated:
        person._history_user = user  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as error:  # the same address stored at the same moment
        raise ValidationError(UNAVAILABLE_MESSAGE, code="unavailable") from error
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    user: User | AnonymousUser,
    first_name: str,
    last_name: str,
    particle: str = "",
    email: str | None = None,
    employee_number: str | None = None,
) -> Person:
    """Change a person's name, email address and employee number.

    Only in the user's own departments (administrators: all); moving a person to another
    department stays an administrator's task in the admin.
    """
    if not Person.objects.editable_by(user).filter(pk=person.pk).exists():
        raise PermissionDenied
    person.first_name = first_name
    person.particle = particle
    person.last_name = last_name
    person.email = email
    person.employee_number = employee_number
    saved = person_save(person=person, user=user)
    # The name shows on the dashboards of every ministry whose committees the person
    # sits on; this layer cannot ask which, and a change of name is rare: all of them.
    data_versions_bump(departments=None)
    return saved
