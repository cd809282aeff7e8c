"""factory_boy factories for every model; tests build exactly the rows they need."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User

from committees.models import (
    CommitteeMembership,
    CommitteeStatus,
    MembershipRole,
    SelectionCommittee,
)
from departments.access import GROUP_NAMES, Role, ensure_groups
from departments.models import Department, Person
from trainings.models import (
    CompletionStatus,
    Evaluation,
    Supplier,
    Tender,
    TrainingCompletion,
    TrainingProgramme,
    TrainingSession,
)


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name_nl = factory.LazyAttribute(lambda o: f"Ministerie van Test {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Ministry of Test {o.code}")
    in_tender = True


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    employee_number = factory.Sequence(lambda n: f"{500000 + n}")
    email = factory.Sequence(lambda n: f"persoon{n}@example.nl")
    department = factory.SubFactory(DepartmentFactory)


class CommitteeFactory(factory.django.DjangoModelFactory[SelectionCommittee]):
    class Meta:
        model = SelectionCommittee

    department = factory.SubFactory(DepartmentFactory)
    vacancy_reference = factory.Sequence(lambda n: f"VAC-{n:05d}")
    vacancy_title = "Beleidsmedewerker"
    interview_date = datetime.date(2025, 6, 16)
    status = CommitteeStatus.PLANNED


class MembershipFactory(factory.django.DjangoModelFactory[CommitteeMembership]):
    class Meta:
        model = CommitteeMembership

    committee = factory.SubFactory(CommitteeFactory)
    person = factory.SubFactory(
        PersonFactory, department=factory.SelfAttribute("..committee.department")
    )
    role = MembershipRole.MEMBER


class SupplierFactory(factory.django.DjangoModelFactory[Supplier]):
    class Meta:
        model = Supplier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SUP{n}")
    name = factory.LazyAttribute(lambda o: f"Leverancier {o.code}")


class TenderFactory(factory.django.DjangoModelFactory[Tender]):
    class Meta:
        model = Tender

    name = "Rijksbrede training"
    lot = "Perceel 1"
    starts_on = datetime.date(2021, 1, 1)


class ProgrammeFactory(factory.django.DjangoModelFactory[TrainingProgramme]):
    class Meta:
        model = TrainingProgramme

    supplier = factory.SubFactory(SupplierFactory)
    name = "Objectief selecteren"
    version = factory.Sequence(lambda n: f"1.{n}")


class SessionFactory(factory.django.DjangoModelFactory[TrainingSession]):
    class Meta:
        model = TrainingSession

    supplier = factory.SubFactory(SupplierFactory)
    programme = factory.SubFactory(ProgrammeFactory, supplier=factory.SelfAttribute("..supplier"))
    date = datetime.date(2025, 5, 1)
    place = "Den Haag"
    capacity = 20


class CompletionFactory(factory.django.DjangoModelFactory[TrainingCompletion]):
    class Meta:
        model = TrainingCompletion

    person = factory.SubFactory(PersonFactory)
    session = factory.SubFactory(SessionFactory)
    status = CompletionStatus.ATTENDED


class EvaluationFactory(factory.django.DjangoModelFactory[Evaluation]):
    class Meta:
        model = Evaluation

    session = factory.SubFactory(SessionFactory)
    score = 8
    scale = 10


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("wachtwoord-123")
    # Only administrators use the Django admin.
    is_staff = False

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs: object) -> None:
        if extracted:
            ensure_groups()
            self.groups.add(Group.objects.get(name=GROUP_NAMES[extracted]))

    @factory.post_generation
    def departments(
        self, create: bool, extracted: list[Department] | None, **kwargs: object
    ) -> None:
        for department in extracted or []:
            department.staff.add(self)


def op_staff(*departments: Department, username: str | None = None) -> User:
    extra = {"username": username} if username else {}
    return UserFactory(role=Role.OP_STAFF, departments=list(departments), **extra)


def bureau_user() -> User:
    return UserFactory(role=Role.PROGRAMME_BUREAU)


def administrator() -> User:
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True)
