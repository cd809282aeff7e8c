"""Retention leaves a person's name in no text: justifications, notes, imports, admin log.

Each test puts the name where a real workflow would, runs retention, and looks for the
name, the e-mail address and the employee number anywhere in that table.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.utils import timezone

from committees.models import CommitteeJustification, CommitteeStatus, SelectionCommittee
from departments.models import Person
from imports.models import ImportBatch
from imports.services import import_batch_create
from privacy.retention import ANONYMOUS_NAME, people_apply_retention
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    SupplierFactory,
)
from trainings.models import TrainingCompletion

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + datetime.timedelta(days=9 * 366)
YEARS = 7


def _dump(model: type) -> str:
    return json.dumps(list(model._default_manager.values()), default=str)


@pytest.fixture
def jan(department) -> Person:
    """Jan Jansen sits on a committee (so he is anonymised, not deleted)."""
    membership = MembershipFactory(
        committee__department=department,
        committee__status=CommitteeStatus.CONFIRMED,
        person__department=department,
        person__first_name="Jan",
        person__last_name="Jansen",
        person__email="jan.jansen@example.nl",
        person__employee_number="778899",
    )
    return membership.person


@pytest.fixture
def piet(department) -> Person:
    """A colleague whose activity is recent: retention must leave his name alone."""
    committee = CommitteeFactory(department=department, interview_date=FUTURE)
    return MembershipFactory(
        committee=committee, person__first_name="Piet", person__last_name="Pieters"
    ).person


def test_justification_texts_and_untrained_lists_lose_the_name_but_keep_the_rest(jan, piet) -> None:
    committee = jan.memberships.get().committee
    justification = CommitteeJustification.objects.create(
        committee=committee,
        status=CommitteeStatus.CONFIRMED,
        text="Jan Jansen (jan.jansen@example.nl) volgt de training in mei; Piet Pieters ook.",
        untrained_members="Jan Jansen\nPiet Pieters",
    )

    result = people_apply_retention(years=YEARS, today=FUTURE)

    justification.refresh_from_db()
    assert justification.text == (
        f"{ANONYMOUS_NAME} ({ANONYMOUS_NAME}) volgt de training in mei; Piet Pieters ook."
    )
    assert justification.untrained_members == f"{ANONYMOUS_NAME}\nPiet Pieters"
    assert result.texts_scrubbed["committeejustification.text"] == 1


def test_a_deleted_person_who_left_the_committee_is_scrubbed_from_its_justification(
    department, piet
) -> None:
    """Nothing refers to Karin any more (she was taken off), but the text still names her."""
    karin = PersonFactory(department=department, first_name="Karin", last_name="de Vries")
    committee = CommitteeFactory(department=department)
    CommitteeJustification.objects.create(
        committee=committee,
        status=CommitteeStatus.CONFIRMED,
        text="karin de vries was ziek",
        untrained_members="Karin de Vries",
    )

    result = people_apply_retention(years=YEARS, today=FUTURE)

    assert result.deleted >= 1
    assert not Person.objects.filter(pk=karin.pk).exists()
    assert "vries" not in _dump(CommitteeJustification).lower()


def test_an_earlier_name_in_the_history_is_scrubbed_too(jan) -> None:
    committee = jan.memberships.get().committee
    jan.last_name = "Jansen-Bakker"
    jan.save()
    CommitteeJustification.objects.create(
        committee=committee, status=CommitteeStatus.CONFIRMED, text="Jan Jansen kon niet"
    )
    people_apply_retention(years=YEARS, today=FUTURE)
    assert "Jansen" not in _dump(CommitteeJustification)


def test_committee_notes_evidence_notes_and_their_history_are_scrubbed(jan) -> None:
    committee = jan.memberships.get().committee
    committee.notes = "Voorzitter Jan Jansen, personeelsnummer 778899"
    committee.save()
    completion = CompletionFactory(person=jan)
    completion.evidence_note = "Certificaat van Jan Jansen gezien"
    completion.save()

    people_apply_retention(years=YEARS, today=FUTURE)

    for model in (
        SelectionCommittee,
        SelectionCommittee.history.model,
        TrainingCompletion,
        TrainingCompletion.history.model,
    ):
        dump = _dump(model)
        assert "Jansen" not in dump
        assert "778899" not in dump
    committee.refresh_from_db()
    assert committee.notes == f"Voorzitter {ANONYMOUS_NAME}, personeelsnummer {ANONYMOUS_NAME}"


def test_the_admin_log_loses_the_name_of_the_persons_objects(jan, piet, admin_user_) -> None:
    person_type = ContentType.objects.get_for_model(Person)
    membership = jan.memberships.get()

    def log(content_type, object_id, name, flag, message="[]") -> LogEntry:
        return LogEntry.objects.create(
            user=admin_user_,
            content_type=content_type,
            object_id=str(object_id),
            object_repr=name,
            action_flag=flag,
            change_message=message,
        )

    own = log(person_type, jan.pk, "Jan Jansen", CHANGE)
    other = log(
        ContentType.objects.get_for_model(SelectionCommittee),
        membership.committee_id,
        str(membership.committee),
        CHANGE,
        json.dumps([{"added": {"name": "lid", "object": "Jan Jansen"}}]),
    )
    colleague = log(person_type, piet.pk, "Piet Pieters", ADDITION)

    people_apply_retention(years=YEARS, today=FUTURE)

    for entry in (own, other, colleague):
        entry.refresh_from_db()
    assert own.object_repr == ANONYMOUS_NAME
    assert "Jansen" not in other.change_message
    assert ANONYMOUS_NAME in other.change_message
    assert colleague.object_repr == "Piet Pieters"
    assert "Jansen" not in _dump(LogEntry)


def test_the_problems_of_an_import_no_longer_quote_the_name(jan) -> None:
    batch = ImportBatch.objects.create(
        supplier=SupplierFactory(),
        file_name="lijst.csv",
        sha256="1" * 64,
        problems=[{"row": 2, "message": "Lijkt op “Jan Jansen”, maar de e-mail verschilt."}],
        error="Rij 2: jan.jansen@example.nl",
    )
    people_apply_retention(years=YEARS, today=FUTURE)
    batch.refresh_from_db()
    assert batch.problems == [
        {"row": 2, "message": f"Lijkt op “{ANONYMOUS_NAME}”, maar de e-mail verschilt."}
    ]
    assert batch.error == f"Rij 2: {ANONYMOUS_NAME}"


def test_retention_deletes_old_import_files_and_keeps_the_batch(
    supplier_with_file, django_capture_on_commit_callbacks, settings
) -> None:
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    batch, name = supplier_with_file
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = people_apply_retention(years=YEARS, today=timezone.localdate())
    assert result.import_files_deleted == 1
    assert not default_storage.exists(name)
    assert ImportBatch.objects.filter(pk=batch.pk, file="").exists()


def test_a_dry_run_keeps_the_files_and_the_texts(
    jan, supplier_with_file, django_capture_on_commit_callbacks
) -> None:
    batch, name = supplier_with_file
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=91)
    )
    committee = jan.memberships.get().committee
    committee.notes = "Jan Jansen"
    committee.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = people_apply_retention(years=YEARS, today=FUTURE, dry_run=True)
    assert result.import_files_deleted == 1
    assert result.texts_scrubbed["selectioncommittee.notes"] == 1
    assert default_storage.exists(name)
    committee.refresh_from_db()
    assert committee.notes == "Jan Jansen"


@pytest.fixture
def supplier_with_file(db) -> tuple[ImportBatch, str]:
    batch = import_batch_create(
        file=io.BytesIO(b"Naam;E-mail\nJan Jansen;jan@example.nl\n"),
        file_name="lijst.csv",
        supplier=SupplierFactory(),
    )
    assert default_storage.exists(batch.file.name)
    return batch, batch.file.name
