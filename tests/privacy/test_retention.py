"""AVG: the retention period and the subject-access export."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from committees.models import CommitteeJustification, CommitteeMembership, CommitteeStatus
from departments.models import Person
from imports.models import ImportBatch, ImportRow, RowOutcome
from privacy.retention import (
    ANONYMOUS_NAME,
    people_apply_retention,
    retention_cutoff,
)
from privacy.tasks import apply_retention
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    EvaluationFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
    SupplierFactory,
)
from trainings.models import Evaluation, TrainingCompletion

pytestmark = pytest.mark.django_db

D = datetime.date
# Everybody in these tests was created "now"; retention counts from a day far enough
# ahead that their creation is older than the period too.
FUTURE = timezone.localdate() + datetime.timedelta(days=9 * 366)
YEARS = 7
CUTOFF = retention_cutoff(years=YEARS, today=FUTURE)


def _import_row(person: Person, supplier, number: int = 1) -> ImportRow:
    batch = ImportBatch.objects.create(
        supplier=supplier, file_name="lijst.csv", sha256=f"{number:064d}"
    )
    return ImportRow.objects.create(
        batch=batch,
        row_number=number,
        outcome=RowOutcome.NEW,
        raw={"Naam": person.full_name, "E-mail": person.email},
        data={"email": person.email, "employee_number": person.employee_number},
        person=person,
    )


def test_the_cutoff_is_the_same_day_years_ago_and_copes_with_leap_days() -> None:
    assert retention_cutoff(years=7, today=D(2030, 5, 17)) == D(2023, 5, 17)
    assert retention_cutoff(years=1, today=D(2028, 2, 29)) == D(2027, 2, 28)


def test_a_person_without_any_activity_or_reference_is_deleted_with_their_history() -> None:
    person = PersonFactory(first_name="Oud", last_name="Verleden")
    person.email = "veranderd@example.nl"
    person.save()
    supplier = SupplierFactory()
    row = _import_row(person, supplier)
    assert Person.history.filter(id=person.pk).count() == 2

    result = people_apply_retention(years=YEARS, today=FUTURE)

    assert result.deleted == 1
    assert result.anonymised == 0
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Person.history.filter(id=person.pk).exists()
    row.refresh_from_db()
    assert row.person is None
    assert row.raw == {}
    assert row.data == {}
    assert "Verleden" not in json.dumps(list(ImportRow.objects.values()), default=str)


def test_a_person_that_committees_and_trainings_refer_to_is_anonymised() -> None:
    membership = MembershipFactory(
        person__first_name="Jan", person__last_name="Jansen", committee__status="confirmed"
    )
    person = membership.person
    completion = CompletionFactory(person=person, session=SessionFactory(date=D(2024, 3, 1)))
    evaluation = EvaluationFactory(session=completion.session, person=person)
    justification = CommitteeJustification.objects.create(
        committee=membership.committee,
        status=CommitteeStatus.CONFIRMED,
        text="Geen tijd",
        untrained_members="Jan Jansen\nPiet Pieters",
    )

    result = people_apply_retention(years=YEARS, today=FUTURE)

    person.refresh_from_db()
    assert (person.first_name, person.last_name) == (ANONYMOUS_NAME, "")
    assert person.email is None
    assert person.employee_number is None
    assert result.anonymised == 1
    assert result.deleted == 0
    # The records behind the figures stay, pointing at the anonymised person.
    assert CommitteeMembership.objects.filter(pk=membership.pk, person=person).exists()
    assert TrainingCompletion.objects.filter(pk=completion.pk, person=person).exists()
    assert Evaluation.objects.filter(pk=evaluation.pk, person=person).exists()
    # No historical record of the person keeps the old name.
    assert not Person.history.filter(id=person.pk, last_name="Jansen").exists()
    justification.refresh_from_db()
    assert justification.untrained_members == f"{ANONYMOUS_NAME}\nPiet Pieters"


def test_recent_committee_or_training_activity_keeps_a_person() -> None:
    on_committee = MembershipFactory(committee=CommitteeFactory(interview_date=CUTOFF)).person
    trained = CompletionFactory(session=SessionFactory(date=CUTOFF)).person
    brand_new = PersonFactory()

    result = people_apply_retention(years=YEARS, today=timezone.localdate())

    assert (result.anonymised, result.deleted) == (0, 0)
    later = people_apply_retention(years=YEARS, today=FUTURE)
    assert later.anonymised == 0  # the committee and session are exactly at the cutoff
    for person in (on_committee, trained):
        person.refresh_from_db()
        assert person.first_name != ANONYMOUS_NAME
    assert not Person.objects.filter(pk=brand_new.pk).exists()


def test_retention_twice_changes_nothing_the_second_time() -> None:
    MembershipFactory()
    PersonFactory()
    first = people_apply_retention(years=YEARS, today=FUTURE)
    second = people_apply_retention(years=YEARS, today=FUTURE)
    assert (first.anonymised, first.deleted) == (1, 1)
    assert (second.anonymised, second.deleted, second.history_rows_removed) == (0, 0, 0)


def test_a_dry_run_counts_but_changes_nothing(capsys) -> None:
    person = PersonFactory(last_name="Blijft")
    result = people_apply_retention(years=YEARS, today=FUTURE, dry_run=True)
    assert result.deleted == 1
    assert result.dry_run
    assert Person.objects.filter(pk=person.pk, last_name="Blijft").exists()


def test_the_command_applies_retention_with_a_dry_run_option(capsys) -> None:
    person = PersonFactory()
    call_command("apply_retention", "--dry-run")
    output = json.loads(capsys.readouterr().out)
    assert output["dry_run"] is True
    assert Person.objects.filter(pk=person.pk).exists()


def test_the_task_takes_no_arguments_and_uses_the_setting(settings) -> None:
    PersonFactory()
    settings.RETENTION_YEARS = 7
    assert apply_retention() == {
        "cutoff": retention_cutoff(years=7, today=timezone.localdate()).isoformat(),
        "anonymised": 0,
        "deleted": 0,
        "history_rows_removed": 0,
        "import_rows_scrubbed": 0,
        "texts_scrubbed": {},
        "import_files_deleted": 0,
        "notifications_scrubbed": 0,
        "dry_run": False,
    }


def test_the_retention_job_is_scheduled_monthly() -> None:
    # Beat's schedule is in the database (training_monitor/schedule.py).
    entry = PeriodicTask.objects.select_related("crontab").get(name="apply-retention")
    assert entry.task == "privacy.tasks.apply_retention"
    assert entry.enabled
    assert entry.crontab is not None
    assert entry.crontab.schedule.day_of_month == {1}
