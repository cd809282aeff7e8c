"""The subject-access export (AVG article 15): the service and its download."""

from __future__ import annotations

import json

import pytest

from committees.models import CommitteeJustification, CommitteeStatus
from departments.models import Person
from imports.models import ImportBatch, ImportRow, RowOutcome
from notifications.models import NotificationKind
from notifications.rendering import Rendered
from notifications.services import notification_queue
from privacy.subject_access import OTHER_PERSON, person_subject_access_export
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    EvaluationFactory,
    MembershipFactory,
    PersonFactory,
    SupplierFactory,
    bureau_user,
    op_staff,
)
from trainings.models import TrainingCompletion

pytestmark = pytest.mark.django_db


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
    with django_assert_max_num_queries(13):  # 12, and 1 for the messages
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


# --- only the subject's own data ------------------------------------------------------


@pytest.fixture
def crowded(subject, department):
    """Ineke's committee with two named colleagues, a justification naming all three, a hand
    entry entered and confirmed by named O&P users, and an import row that shares Ineke's
    e-mail but carries a colleague's name."""
    committee = subject.memberships.get().committee
    for first, last in (("Karel", "Collega"), ("Wilma", "Weetal")):
        MembershipFactory(
            committee=committee,
            person__first_name=first,
            person__last_name=last,
            person__email=f"{first.lower()}@example.nl",
        )
    entered_by = op_staff(department, username="op.invoer")
    entered_by.first_name, entered_by.last_name = "Ingrid", "Invoerder"
    entered_by.email = "ingrid.invoerder@example.nl"
    entered_by.save()
    confirmer = bureau_user()
    confirmer.first_name, confirmer.last_name = "Bert", "Bevestiger"
    confirmer.save()
    completion = TrainingCompletion.objects.get(person=subject)
    completion.entered_by = entered_by
    completion.confirmed_by = confirmer
    completion.evidence_note = "Certificaat van Ineke Inzage, gecontroleerd door Bert Bevestiger"
    completion._history_user = entered_by
    completion.save()
    CommitteeJustification.objects.create(
        committee=committee,
        status=CommitteeStatus.CONFIRMED,
        text="Ineke Inzage en Karel Collega volgen de training in juni (vraag Wilma Weetal).",
        untrained_members="Ineke Inzage\nKarel Collega",
        created_by=entered_by,
    )
    CommitteeJustification.objects.create(
        committee=CommitteeFactory(department=department),
        status=CommitteeStatus.CONFIRMED,
        text="Over iemand anders: Karel Collega",
        untrained_members="Karel Collega",
    )
    batch = ImportBatch.objects.create(
        supplier=SupplierFactory(), file_name="juni.csv", sha256="2" * 64
    )
    ImportRow.objects.create(
        batch=batch,
        row_number=7,
        outcome=RowOutcome.REVIEW,
        raw={"Naam": "Truus Typfout", "E-mail": subject.email, "Datum": "03-06-2025"},
        data={"email": subject.email, "full_name": "Truus Typfout"},
        problems=[{"code": "name_mismatch", "column": "Naam", "message": "Niet “Truus Typfout”"}],
    )
    return subject


def test_the_export_names_no_one_but_the_subject(crowded) -> None:
    dump = json.dumps(person_subject_access_export(person=crowded), ensure_ascii=False)
    for other in (
        "Karel",
        "Collega",
        "karel@example.nl",
        "Wilma",
        "Weetal",
        "Ingrid",
        "Invoerder",
        "ingrid.invoerder@example.nl",
        "op.invoer",
        "Bert",
        "Bevestiger",
        "Truus",
        "Typfout",
    ):
        assert other not in dump, other
    assert "Ineke Inzage" in dump


def test_the_export_holds_the_justification_texts_that_name_the_subject(crowded) -> None:
    export = person_subject_access_export(person=crowded)
    (justification,) = export["justifications_naming_them"]
    assert justification["text"] == (
        f"Ineke Inzage en {OTHER_PERSON} volgen de training in juni (vraag {OTHER_PERSON})."
    )
    assert justification["listed_as_untrained"] is True
    assert export["training_completions"][0]["evidence_note"] == (
        f"Certificaat van Ineke Inzage, gecontroleerd door {OTHER_PERSON}"
    )
    history = export["history"]["training_completions"]
    assert history
    assert not any("history_user_id" in row or "entered_by_id" in row for row in history)


def test_an_import_row_that_only_shares_an_identifier_shows_only_the_subjects_cells(
    crowded,
) -> None:
    rows = [
        r
        for r in person_subject_access_export(person=crowded)["import_rows"]
        if r["row_number"] == 7
    ]
    assert rows == [
        {
            **rows[0],
            "linked_to_person": False,
            "cells": {"E-mail": crowded.email},
            "values": {"email": crowded.email},
            "problems": [{"code": "name_mismatch", "column": "Naam"}],
        }
    ]


def test_people_named_who_never_sat_there_and_their_numbers_are_removed(crowded) -> None:
    """Found by an outside tester: only co-members were redacted, numbers never."""
    committee = crowded.memberships.get().committee
    PersonFactory(first_name="Anouk", last_name="Bakker", employee_number="102791")
    CommitteeJustification.objects.create(
        committee=committee,
        status=CommitteeStatus.CONFIRMED,
        text="Ineke Inzage vervangt Anouk Bakker (102791, anouk@elders.nl).",
        untrained_members="Ineke Inzage",
    )
    dump = json.dumps(person_subject_access_export(person=crowded), ensure_ascii=False)
    for other in ("Anouk", "Bakker", "102791", "anouk@elders.nl"):
        assert other not in dump, other
    assert "Ineke Inzage vervangt" in dump


def test_a_namesakes_earlier_justification_is_not_theirs(subject, department) -> None:
    """A list of untrained names written before the subject joined is about someone else."""
    committee = CommitteeFactory(department=department)
    CommitteeJustification.objects.create(
        committee=committee,
        status=CommitteeStatus.CONFIRMED,
        text="Spoedvacature.",
        untrained_members=subject.full_name,
    )
    MembershipFactory(committee=committee, person=subject)
    export = person_subject_access_export(person=subject)
    assert [j["text"] for j in export["justifications_naming_them"]] == []


def test_a_name_with_a_particle_is_exported_whole_and_in_parts(department) -> None:
    person = PersonFactory(
        department=department, first_name="Anna", particle="de", last_name="Vries"
    )
    section = person_subject_access_export(person=person)["person"]
    assert (section["name"], section["first_name"], section["particle"], section["last_name"]) == (
        "Anna de Vries",
        "Anna",
        "de",
        "Vries",
    )


def test_a_colleague_with_a_particle_is_removed_from_the_texts(subject) -> None:
    committee = subject.memberships.get().committee
    MembershipFactory(
        committee=committee,
        person__first_name="Wim",
        person__particle="van der",
        person__last_name="Weetal",
    )
    PersonFactory(first_name="Saskia", particle="ter", last_name="Buiten")
    CommitteeJustification.objects.create(
        committee=committee,
        status=CommitteeStatus.CONFIRMED,
        text="Ineke Inzage volgt de training met Wim van der Weetal; Ter Buiten vervangt.",
        untrained_members="Ineke Inzage",
    )
    dump = json.dumps(person_subject_access_export(person=subject), ensure_ascii=False)
    assert "Weetal" not in dump
    assert "Buiten" not in dump
    assert "Ineke Inzage volgt de training" in dump


def test_the_export_holds_the_messages_sent_to_any_address_the_person_had(subject) -> None:
    for key, address in (
        ("reminder-old", "ineke@example.nl"),
        # An address is one address in any case: a user's e-mail keeps its capitals.
        ("invite-new", "Ineke.Inzage@Example.nl"),
        ("someone-else", "ander@example.nl"),
    ):
        notification_queue(
            key=key,
            to=address,
            kind=NotificationKind.OTHER,
            message=Rendered(subject=f"Onderwerp {key}", text="Beste Ineke,", html=""),
        )

    export = person_subject_access_export(person=subject)

    assert [m["subject"] for m in export["messages"]] == [
        "Onderwerp reminder-old",
        "Onderwerp invite-new",
    ]
    assert export["messages"][0]["text"] == "Beste Ineke,"
