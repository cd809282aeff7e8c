from __future__ import annotations

import datetime
import re
import unicodedata
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.fields.tuple_lookups import (  # type: ignore[import-untyped]
    Tuple,
    TupleGreaterThan,
    TupleLessThan,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.access import (
    DepartmentScopedQuerySet,
    Role,
    is_administrator,
    sees_all_departments,
    user_roles,
)
from departments.names import display_name, normalise_particle, split_particle

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


# The history of departments starts here: migration 0008 seeded each department's mode
# as in force since this moment, before any data the app holds.
ENFORCEMENT_HISTORY_SINCE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class EnforcementMode(models.TextChoices):
    # How hard the system pushes back when an untrained member sits on a committee.
    ADVISORY = "advisory", _("Advisory: show a warning")
    JUSTIFY = "justify", _("Justify: a written reason is needed to confirm")
    STRICT = "strict", _("Strict: cannot be confirmed until trained")


_ALIAS_NOISE = re.compile(
    r"\b(ministerie|ministry|min|van|voor|of|the|en|and|het|de)\b|[^a-z0-9 ]", re.IGNORECASE
)


def normalise_department_name(text: str) -> str:
    """Fold the ways suppliers write a department to one comparable key.

    "Ministerie van BZK", "min. BZK" and "BZK" all become "bzk"; accents and
    punctuation are dropped so "Financiën" matches "Financien".
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    folded = folded.lower().replace("&", " en ")
    return " ".join(_ALIAS_NOISE.sub(" ", folded).split())


def parse_day_list(value: str) -> list[int]:
    """ "21, 7,2" as [21, 7, 2]: days before an interview, largest first, no repeats."""
    days = {int(part) for part in value.replace(" ", "").split(",") if part}
    return sorted(days, reverse=True)


def validate_day_list(value: str) -> None:
    try:
        days = parse_day_list(value)
    except ValueError:
        days = [-1]
    if any(day < 1 or day > 365 for day in days):
        raise ValidationError(
            _("Enter whole numbers of days from 1 to 365, separated by commas, such as 21,7,2."),
            code="invalid_days",
        )


class DepartmentQuerySet(models.QuerySet["Department"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        if sees_all_departments(user):
            return self
        return self.filter(staff=user.pk) if user.is_authenticated else self.none()

    def editable_by(self, user: User | AnonymousUser) -> Self:
        """Departments `user` may put committees and people in."""
        if is_administrator(user):
            return self
        if Role.OP_STAFF not in user_roles(user):
            return self.none()
        return self.filter(staff=user.pk)

    def in_tender(self) -> Self:
        return self.filter(in_tender=True)

    def with_enforcement_mode_at(self, moment: datetime.datetime) -> Self:
        """Annotate `enforcement_mode_then`: the mode in force at `moment`, from the
        history (one subquery). Without a history row by then (a department created
        later, or written around the history) the current mode stands."""
        then = (
            self.model.history.filter(id=OuterRef("pk"), history_date__lte=moment)
            .order_by("-history_date", "-history_id")
            .values("enforcement_mode")[:1]
        )
        return self.annotate(enforcement_mode_then=Coalesce(Subquery(then), F("enforcement_mode")))


class Department(models.Model):
    """A ministry (departement) of the Rijk."""

    # Django's own unique message reads "Er bestaat al een Ministerie met eenzelfde Code".
    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        error_messages={"unique": _("Another ministry already has this code.")},
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    in_tender = models.BooleanField(
        _("takes part in the central tender"),
        default=False,
        help_text=_("Departments outside the tender organise and report their own training."),
    )
    enforcement_mode = models.CharField(
        _("enforcement mode"),
        max_length=10,
        choices=EnforcementMode.choices,
        default=EnforcementMode.ADVISORY,
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("O&P staff"),
        blank=True,
        related_name="staff_departments",
        help_text=_("Users who may see and change this department's committees."),
    )
    # Reminders and escalation (committees/reminders.py).
    op_director_email = models.EmailField(
        _("O&P director's e-mail address"),
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "The ministry's O&P director (member of the ICOP) gets a message about "
            "committees that are still not fully trained shortly before their interviews, "
            "and the quarterly reports. Empty: no such messages."
        ),
    )
    reminders_enabled = models.BooleanField(
        _("send reminders to committee members"),
        default=True,
        db_default=True,
        help_text=_("Untrained members of upcoming committees get an e-mail before the interview."),
    )
    reminder_days = models.CharField(
        _("reminder days"),
        max_length=50,
        blank=True,
        default="",
        db_default="",
        validators=[validate_day_list],
        help_text=_(
            "Days before the interview on which members are reminded, such as 21,7,2. "
            "Empty: the standard days of the application."
        ),
    )

    # The enforcement mode in force in a past quarter is read from this history
    # (`DepartmentQuerySet.with_enforcement_mode_at`); see reports/figures.py.
    history = HistoricalRecords()
    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    def reminder_day_list(self) -> list[int]:
        """The days before an interview on which its members are reminded."""
        if self.reminder_days.strip():
            return parse_day_list(self.reminder_days)
        return list(settings.REMINDER_DAYS)

    def lookup_keys(self) -> set[str]:
        names = [self.code, self.name_nl, self.name_en, *(a.name for a in self.aliases.all())]
        return {normalise_department_name(n) for n in names} - {""}


def visible_department_ids(user: User | AnonymousUser) -> list[int]:
    """The ids of the departments `user` sees (`Department.objects.visible_to`), cached on
    the user object for the request, as `user_roles` is."""
    cached: list[int] | None = getattr(user, "_tm_department_ids", None)
    if cached is None:
        cached = list(Department.objects.visible_to(user).values_list("pk", flat=True))
        user._tm_department_ids = cached  # type: ignore[union-attr]
    return cached


class DataVersion(models.Model):
    """A number per department that moves whenever the data shown about it changes.

    Pages cache what they compute from a department's data under this number (the
    dashboard: reports.dashboard_views). The services raise it in the transaction that
    changes the data (`departments.touched.data_versions_bump`), so a reader that sees
    the new number also sees the new data: right in every process, whatever the cache
    backend (a per-process cache included), and without a message that can get lost.

    A table of its own, not a field of Department: the admin saves every field of the
    department it loaded, and would put an older number back.
    """

    department = models.OneToOneField(
        Department,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="data_version",
        verbose_name=_("department"),
    )
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.department_id}: {self.version}"


class DepartmentAlias(models.Model):
    """Another name suppliers use for a department ("Binnenlandse Zaken", "BiZa")."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("department")
    )
    name = models.CharField(
        _("alias"),
        max_length=200,
        unique=True,
        error_messages={"unique": _("This name already belongs to a ministry.")},
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department alias")
        verbose_name_plural = _("department aliases")

    def __str__(self) -> str:
        return self.name


# A search is a few words. Each word adds a condition to the query, so an unbounded
# text (hundreds of one-letter words) would tie up a web worker for minutes.
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 8


def validate_plausible_date(value: datetime.date) -> None:
    """No date before the monitor's data starts, nor years into the future (typos)."""
    first = settings.DATA_FIRST_DATE
    # The end of a year, not today's date moved: 29 February has no twin most years.
    last = datetime.date(timezone.localdate().year + settings.PLANNING_YEARS_AHEAD, 12, 31)
    if value < first or value > last:
        raise ValidationError(
            _("Enter a date from %(first)s to %(last)s.")
            % {"first": first.strftime("%d-%m-%Y"), "last": last.strftime("%d-%m-%Y")},
            code="implausible_date",
        )


def validate_search_text(value: str) -> None:
    if len(value.split()) > SEARCH_MAX_WORDS:
        raise ValidationError(
            _("Use at most %(limit)d words in a search."),
            code="too_many_words",
            params={"limit": SEARCH_MAX_WORDS},
        )


def search_words(text: str) -> list[str]:
    """The words of a search for people ("Vries, Anna" is two); at most SEARCH_MAX_WORDS.

    The forms refuse longer searches; the slice keeps the query bounded regardless.
    """
    return text.replace(",", " ").split()[:SEARCH_MAX_WORDS]


# A word shorter than this matches the start of a name, not any part of it: "de" inside
# names matches a third of the Rijk ("Anders", "Hendriks", every "de"), which no index can
# pick out (trigram indexes need three letters), while "de" and "Li" are meant as the
# particle or a short name. Issue 15.
SEARCH_INSIDE_WORDS_FROM = 3


def _text_match(word: str) -> str:
    return "icontains" if len(word) >= SEARCH_INSIDE_WORDS_FROM else "istartswith"


def person_name_matches(word: str, prefix: str = "") -> Q:
    """A person whose first name, particle or last name holds `word` (trigram indexes
    serve it on PostgreSQL), or starts with it when the word is short;
    `prefix` reaches the person through a relation ("person__")."""
    match = _text_match(word)
    return (
        Q(**{f"{prefix}first_name__{match}": word})
        | Q(**{f"{prefix}particle__{match}": word})
        | Q(**{f"{prefix}last_name__{match}": word})
    )


def person_contact_matches(word: str, prefix: str = "") -> Q:
    """A person with `word` as employee number or in the email address (at its start when
    the word is short). Employee numbers are stored normalised (upper case, no spaces): an
    exact match on the normalised word is a case-insensitive one, and the unique index
    serves it."""
    return Q(**{f"{prefix}employee_number": normalise_employee_number(word)}) | Q(
        **{f"{prefix}email__{_text_match(word)}": word}
    )


# The order of the people lists, ending in the primary key so that every person has a
# place of their own: a page starts after the last person of the one before (keyset
# paging, issue 15), which needs no count and no offset. Indexes: Person.Meta.
NAME_ORDER = ("last_name", "first_name", "particle", "pk")


class PersonQuerySet(DepartmentScopedQuerySet):
    # People are visible only in the user's own departments. Sitting on one of their
    # committees is not enough: through a membership anyone could be pulled into scope.

    def search(self, text: str) -> Self:
        """Match by name, employee number or email; every word must match somewhere.

        "Vries", "de Vries", "Anna de Vries" and "Vries, Anna" all find Anna de Vries.
        """
        qs = self
        for word in search_words(text):
            qs = qs.filter(person_name_matches(word) | person_contact_matches(word))
        return qs

    def visible_to_listed(self, user: User | AnonymousUser) -> Self:
        """`visible_to(user)`, with O&P staff's departments also written out as values (one
        small query): PostgreSQL then reads one ministry's people in name order from its
        index and stops after a page, where for the subquery alone it cannot know which
        ministry, nor how many people it holds (issue 15)."""
        people = self.visible_to(user)
        if sees_all_departments(user):
            return people
        return people.filter(department__in=visible_department_ids(user))

    def in_name_order(self, *, backwards: bool = False) -> Self:
        return self.order_by(*(f"-{name}" if backwards else name for name in NAME_ORDER))

    def beyond(self, person: Person, *, backwards: bool = False) -> Self:
        """The people after `person` in name order (before it, `backwards`): one row
        comparison, which the name-order indexes serve as a range."""
        key = Tuple(*(F(name) for name in NAME_ORDER))
        values = tuple(getattr(person, name) for name in NAME_ORDER)
        lookup = TupleLessThan if backwards else TupleGreaterThan
        return self.filter(lookup(key, values)).in_name_order(backwards=backwards)


def normalise_email(value: str | None) -> str | None:
    value = (value or "").strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    return value.lower() or None


def normalise_employee_number(value: str | None) -> str | None:
    return "".join((value or "").split()).upper() or None


class Person(models.Model):
    """A civil servant who sits on committees and/or follows the workshop."""

    # Django's own unique message capitalises the names: "Er bestaat al een Persoon met
    # eenzelfde Personeelsnummer". These say it plainly.
    employee_number = models.CharField(
        _("employee number"),
        max_length=30,
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("Someone else already has this employee number.")},
    )
    first_name = models.CharField(_("first name"), max_length=100)
    # The tussenvoegsel on its own, as the civil registry keeps it: shown in the name
    # ("Anna de Vries"), left out of the sort ("Vries"). See departments.names.
    particle = models.CharField(
        _("name particle"),
        max_length=30,
        blank=True,
        default="",
        db_default="",
        help_text=_("Such as 'de' or 'van der', in small letters."),
    )
    last_name = models.CharField(
        _("last name"), max_length=150, help_text=_("Without the name particle: 'Vries'.")
    )
    email = models.EmailField(
        _("email"),
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("Someone else already has this email address.")},
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("department"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "particle"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            # Matching on email is case-insensitive, so only one spelling may be stored.
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="person_email_lowercase"
            ),
        ]
        indexes = [
            # The people lists in NAME_ORDER, a page at a time from where the last one
            # ended: O&P staff's (one ministry) and the bureau's (everyone, 250,000 people).
            # Trigram indexes for the search: migration 0011.
            models.Index(
                fields=["department", "last_name", "first_name", "particle", "id"],
                name="person_department_name_idx",
            ),
            models.Index(
                fields=["last_name", "first_name", "particle", "id"], name="person_name_key_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """The name as shown everywhere: "Anna de Vries"."""
        return display_name(self.first_name, self.particle, self.last_name)

    def clean(self) -> None:
        self.email = normalise_email(self.email)
        self.employee_number = normalise_employee_number(self.employee_number)
        self.first_name = " ".join(self.first_name.split())
        self.particle = normalise_particle(self.particle)
        self.last_name = " ".join(self.last_name.split())
        if not self.particle:
            # "de Vries" typed as the last name (forms, admin): the particle goes to its
            # own field. A capitalised one ("Van Damme", a Flemish surname) was meant.
            self.particle, self.last_name = split_particle(self.last_name, any_case=False)
        if not self.first_name and not self.last_name:
            raise ValidationError(_("A person needs a name."))

    def validate_unique(self, exclude: Any = None) -> None:
        # Normalise first so "A@X.nl" and "a@x.nl" collide here with a clear message
        # instead of at the database.
        self.email = normalise_email(self.email)
        self.employee_number = normalise_employee_number(self.employee_number)
        super().validate_unique(exclude=exclude)
