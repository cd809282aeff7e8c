"""`seed_demo`: realistic, deterministic and idempotent."""

from __future__ import annotations

import datetime
import hashlib
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import RequestFactory

from committees.models import CommitteeMembership, SelectionCommittee
from departments.access import Role, user_roles
from departments.models import Department, Person
from trainings.models import Evaluation, Supplier, Tender, TrainingCompletion, TrainingSession

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, today=TODAY, **options)
    return out.getvalue()


def fingerprint() -> str:
    """A digest of the seeded content that ignores primary keys."""
    rows = [
        *Person.objects.order_by("employee_number").values_list(
            "employee_number", "first_name", "particle", "last_name", "email", "department__code"
        ),
        *SelectionCommittee.objects.order_by("vacancy_reference").values_list(
            "vacancy_reference", "vacancy_title", "interview_date", "status"
        ),
        *CommitteeMembership.objects.order_by(
            "committee__vacancy_reference", "person__employee_number"
        ).values_list("committee__vacancy_reference", "person__employee_number", "role"),
        *TrainingCompletion.objects.order_by(
            "person__employee_number", "session__date"
        ).values_list(
            "person__employee_number", "session__date", "session__supplier__code", "status"
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_creates_realistic_demo_data_and_the_logins() -> None:
    output = seed(scale=0.2, password="demo-wachtwoord")

    assert "op.bzk" in output
    assert "demo-wachtwoord" in output
    assert Department.objects.filter(in_tender=True).count() == 9
    assert Supplier.objects.count() == 3
    assert Tender.objects.count() == 2
    assert Person.objects.count() == pytest.approx(1000, rel=0.05)
    # Demo people have their particle apart, as real ones do: "de Vries" sorts under V.
    assert Person.objects.filter(particle="van den", last_name="Berg").exists()
    assert not Person.objects.filter(last_name__regex=r"^(de|van|ter|ten) ").exists()
    assert SelectionCommittee.objects.count() == pytest.approx(400, rel=0.05)
    sizes = CommitteeMembership.objects.values("committee").annotate(n=Count("pk"))
    assert {row["n"] for row in sizes} <= {2, 3, 4}
    assert TrainingSession.objects.filter(date__year=2021).exists()
    assert Evaluation.objects.filter(person__isnull=True).exists()
    assert Evaluation.objects.filter(person__isnull=False).exists()
    for username, role in [("op.bzk", Role.OP_STAFF), ("bureau", Role.PROGRAMME_BUREAU)]:
        user = authenticate(
            RequestFactory().get("/"), username=username, password="demo-wachtwoord"
        )
        assert user is not None
        assert role in user_roles(user)
    assert Department.objects.get(code="BZK").staff.filter(username="op.bzk").exists()


def test_participation_rises_strongly_in_the_last_year() -> None:
    seed(scale=0.3, password="demo")
    memberships = CommitteeMembership.objects.filter(
        committee__department__in_tender=True
    ).with_training_status()

    def share(year: int) -> float:
        counts = memberships.filter(committee__interview_date__year=year).aggregate(
            total=Count("pk", filter=Q(requires_training=True)),
            trained=Count("pk", filter=Q(requires_training=True, is_trained=True)),
        )
        return counts["trained"] / counts["total"]

    assert share(2021) < share(2023) < share(2025)
    assert share(2025) - share(2024) > 0.1


def test_it_is_deterministic_for_the_same_seed() -> None:
    seed(scale=0.1, seed=7, password="demo")
    first = fingerprint()
    for model in (TrainingCompletion, Evaluation, CommitteeMembership, SelectionCommittee):
        model.objects.all().delete()
    TrainingSession.objects.all().delete()
    Person.objects.all().delete()
    Tender.objects.all().delete()
    for model_name in ("trainingprogramme", "supplier"):
        from django.apps import apps

        apps.get_model("trainings", model_name).objects.all().delete()
    seed(scale=0.1, seed=7, password="demo")
    assert fingerprint() == first


def test_running_it_twice_adds_nothing() -> None:
    seed(scale=0.1, password="demo")
    counts = (Person.objects.count(), SelectionCommittee.objects.count())
    output = seed(scale=0.1, password="nieuw-wachtwoord")
    assert "nothing was added" in output
    assert (Person.objects.count(), SelectionCommittee.objects.count()) == counts
    # django-axes watches every login attempt, so it needs the request.
    login = RequestFactory().get("/")
    assert authenticate(login, username="beheer", password="nieuw-wachtwoord") is not None


def test_the_demo_modes_are_in_force_in_past_quarters_too() -> None:
    from departments.models import EnforcementMode
    from reports.meetings import enforcement_modes
    from reports.quarters import Quarter

    seed(scale=0.1, password="demo")
    modes = enforcement_modes(Quarter(2025, 2))
    codes = dict(Department.objects.values_list("code", "pk"))

    assert modes[codes["BZK"]] == EnforcementMode.JUSTIFY
    assert modes[codes["FIN"]] == EnforcementMode.STRICT


def test_the_demo_has_an_upcoming_offer_with_one_session_nearly_full() -> None:
    seed(scale=0.2, password="demo")
    upcoming = TrainingSession.objects.upcoming(TODAY).with_places_left()
    assert upcoming.filter(starts_at__isnull=False).count() == upcoming.count() > 0
    assert upcoming.filter(places_left=1).exists()  # type: ignore[misc]
    assert set(
        upcoming.filter(department__isnull=False).values_list("department__code", flat=True)
    ) == {"BZK", "FIN"}
