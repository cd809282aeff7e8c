"""AVG: the retention period and the subject-access export."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from committees.models import CommitteeJustification, CommitteeMembership, CommitteeStatus
from departments.models import Person
from departments.privacy import (
    ANONYMOUS_NAME,
    people_apply_retention,
    person_subject_access_export,
    retention_cutoff,
)
from departments.tasks import apply_retention
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    EvaluationFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
    SupplierFactory,
)
from trainings.models import (
    Evaluation,
    ImportBatch,
    ImportRow,
    RowOutcome,
    TrainingCompletion,
)

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
        "justifications_scrubbed": 0,
        "dry_run": False,
    }


def test_the_retention_job_is_scheduled_monthly(settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "departments.tasks.apply_retention"
    assert entry["schedule"].day_of_month == {1}


# --- subject access ---------------------------------------------------------------------


@pytest.fixture
def subject(department):
    membership = MembershipFactory(
        committee=CommitteeFactory(department=department, vacancy_reference="VAC-INZAGE"),
        person__department=department,
        person__first_name="Ineke",
        person__last_name="Inzage",
        person__email="ineke@example.nl",
    )
    person = membership.person
    completion = CompletionFactory(person=person)
    EvaluationFactory(session=completion.session, person=person, score=9)
    person.email = "ineke.inzage@example.nl"
    person.save()
    _import_row(person, SupplierFactory(name="Trainers BV"))
    return person


def test_the_export_holds_records_history_and_import_rows(subject) -> None:
    export = person_subject_access_export(person=subject)
    json.dumps(export)  # JSON-safe as it is
    assert export["person"]["email"] == "ineke.inzage@example.nl"
    assert export["committee_memberships"][0]["committee"]["vacancy_reference"] == "VAC-INZAGE"
    assert len(export["training_completions"]) == 1
    assert export["evaluations"][0]["score"] == "9.00"
    assert export["import_rows"][0]["supplier"] == "Trainers BV"
    assert export["import_rows"][0]["cells"]["Naam"] == "Ineke Inzage"
    emails = [h["email"] for h in export["history"]["person"]]
    assert emails == ["ineke@example.nl", "ineke.inzage@example.nl"]
    assert len(export["history"]["committee_memberships"]) == 1


def test_the_export_needs_the_same_queries_whatever_the_number_of_records(
    department, django_assert_max_num_queries
) -> None:
    person = PersonFactory(department=department)
    for _ in range(5):
        MembershipFactory(person=person, committee__department=department)
        CompletionFactory(person=person)
    with django_assert_max_num_queries(12):
        person_subject_access_export(person=person)


def test_the_bureau_downloads_the_export_as_a_json_file(client, bureau, subject) -> None:
    client.force_login(bureau)
    response = client.get(f"/people/{subject.pk}/subject-access/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["person"]["last_name"] == "Inzage"
    page = client.get(f"/people/{subject.pk}/").content.decode()
    assert f"/people/{subject.pk}/subject-access/" in page


def test_administrators_download_it_too(client, admin_user_, subject) -> None:
    client.force_login(admin_user_)
    assert client.get(f"/people/{subject.pk}/subject-access/").status_code == 200


def test_op_staff_of_the_persons_own_department_are_refused(client, op_user, subject) -> None:
    client.force_login(op_user)
    assert client.get(f"/people/{subject.pk}/subject-access/").status_code == 403
    page = client.get(f"/people/{subject.pk}/").content.decode()
    assert "subject-access" not in page


def test_an_outsider_gets_nothing(client, outsider, subject) -> None:
    client.force_login(outsider)
    response = client.get(f"/people/{subject.pk}/subject-access/")
    assert response.status_code == 403
    assert b"Inzage" not in response.content


def test_anonymous_users_are_sent_to_log_in(client, subject) -> None:
    response = client.get(f"/people/{subject.pk}/subject-access/")
    assert response.status_code == 302


# --- the privacy note ---------------------------------------------------------------------


def test_the_privacy_note_is_public_and_states_the_retention_period(client, settings) -> None:
    settings.RETENTION_YEARS = 6
    response = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="nl")
    body = response.content.decode()
    assert response.status_code == 200
    assert "6 jaar" in body
    assert "SPB" in body


def test_the_footer_links_to_the_privacy_note(client, bureau) -> None:
    client.force_login(bureau)
    assert 'href="/privacy/"' in client.get("/").content.decode()
