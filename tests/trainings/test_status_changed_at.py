"""Every path that changes a completion's status records when (`status_changed_at`): the
import's writing module, hand entry, the admin and the admin's import. Late cancellations
are measured from it."""

from __future__ import annotations

import datetime

import pytest
import tablib
from django.urls import reverse
from django.utils import timezone

from imports.writing import completions_create, completions_update
from tests.factories import CompletionFactory, PersonFactory, SessionFactory, administrator
from trainings.hand_entry import completion_enter_by_hand
from trainings.models import CompletionStatus, TrainingCompletion
from trainings.resources import TrainingCompletionResource

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.datetime(2025, 1, 2, 9, tzinfo=datetime.UTC)


def _registered_long_ago() -> TrainingCompletion:
    completion = CompletionFactory(status=CompletionStatus.REGISTERED, status_changed_at=LONG_AGO)
    TrainingCompletion.objects.filter(pk=completion.pk).update(status_changed_at=LONG_AGO)
    return completion


def test_the_import_records_when_it_changes_a_status() -> None:
    completion = _registered_long_ago()
    before = timezone.now()

    completions_update({completion.pk: CompletionStatus.CANCELLED}, user=None)

    completion.refresh_from_db()
    assert completion.status == CompletionStatus.CANCELLED
    assert completion.status_changed_at >= before
    assert completion.history.latest().status_changed_at == completion.status_changed_at


def test_the_import_keeps_the_moment_when_it_writes_the_same_status_again() -> None:
    completion = _registered_long_ago()

    completions_update({completion.pk: CompletionStatus.REGISTERED}, user=None)

    completion.refresh_from_db()
    assert completion.status_changed_at == LONG_AGO


def test_the_import_gives_new_completions_their_moment_with_their_history() -> None:
    person, session = PersonFactory(), SessionFactory()
    before = timezone.now()

    ids = completions_create({(person.pk, session.pk): CompletionStatus.CANCELLED}, user=None)

    completion = TrainingCompletion.objects.get(pk=ids[(person.pk, session.pk)])
    assert completion.status_changed_at >= before
    assert completion.history.get().status_changed_at == completion.status_changed_at


def test_a_hand_entry_records_its_moment(department) -> None:
    from tests.factories import op_staff

    person = PersonFactory(department=department)
    before = timezone.now()

    completion = completion_enter_by_hand(
        person=person,
        session=SessionFactory(date=timezone.localdate()),
        evidence_note="Certificaat in het dossier",
        user=op_staff(department),
    )

    assert completion.status_changed_at >= before


def test_the_admin_records_a_status_change_and_not_other_edits(client) -> None:
    completion = _registered_long_ago()
    client.force_login(administrator())
    url = reverse("admin:trainings_trainingcompletion_change", args=[completion.pk])
    data = {
        "person": completion.person_id,
        "session": completion.session_id,
        "status": CompletionStatus.REGISTERED,
    }

    client.post(url, data)
    completion.refresh_from_db()
    assert completion.status_changed_at == LONG_AGO

    response = client.post(url, {**data, "status": CompletionStatus.CANCELLED})
    assert response.status_code == 302
    completion.refresh_from_db()
    assert completion.status == CompletionStatus.CANCELLED
    assert completion.status_changed_at > LONG_AGO


def test_the_admin_import_records_a_status_change() -> None:
    completion = _registered_long_ago()
    dataset = tablib.Dataset(
        [completion.person.employee_number, completion.session_id, CompletionStatus.CANCELLED],
        headers=["employee_number", "session", "status"],
    )

    result = TrainingCompletionResource().import_data(dataset, raise_errors=True)

    assert not result.has_errors()
    completion.refresh_from_db()
    assert completion.status == CompletionStatus.CANCELLED
    assert completion.status_changed_at > LONG_AGO


def test_the_data_migration_fills_the_moment_the_current_status_began_from_the_history() -> None:
    import importlib

    from django.db import connection

    migration = importlib.import_module("trainings.migrations.0011_completion_status_changed_at")
    completion = CompletionFactory(status=CompletionStatus.REGISTERED)
    history = completion.history.get()
    day = datetime.timedelta(days=1)
    history.history_date = LONG_AGO
    history.save()
    for offset, status in ((2, CompletionStatus.CANCELLED), (5, CompletionStatus.CANCELLED)):
        history.pk = None
        history.history_date = LONG_AGO + offset * day
        history.status = status
        history.save()
    TrainingCompletion.objects.filter(pk=completion.pk).update(status=CompletionStatus.CANCELLED)
    without_history = CompletionFactory()
    without_history.history.all().delete()

    with connection.cursor() as cursor:
        cursor.execute(migration.FILL_SQL)

    completion.refresh_from_db()
    without_history.refresh_from_db()
    assert completion.status_changed_at == LONG_AGO + 2 * day  # cancelled since then
    assert without_history.status_changed_at == without_history.updated_at
