"""Adding members by pasting employee numbers or e-mail addresses: preview, then add."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from committees.models import (
    CommitteeJustification,
    CommitteeMembership,
    CommitteeStatus,
    MembershipRole,
)
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory, PersonFactory
from worklists.members import PASTE_MAX_ENTRIES, LineState

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2030, 1, 15)


@pytest.fixture
def committee(department):
    return CommitteeFactory(department=department, interview_date=INTERVIEW)


def url(committee) -> str:
    return reverse("worklists:bulk_add", args=[committee.pk])


def trained(person):
    CompletionFactory(person=person, session__date=datetime.date(2029, 1, 1))
    return person


def states(response) -> dict[str, LineState]:
    return {line.text: line.state for line in response.context["lines"]}


def test_the_preview_says_what_happens_to_each_line_and_adds_nothing(
    client, op_user, department, other_department, committee
) -> None:
    anna = PersonFactory(department=department, employee_number="100001")
    bram = PersonFactory(department=department, email="bram@example.nl")
    member = MembershipFactory(committee=committee).person
    PersonFactory(department=other_department, employee_number="900009")
    client.force_login(op_user)
    paste = f"100001, BRAM@example.nl;{member.employee_number}\n  999999 900009\n100001"
    response = client.post(url(committee), {"entries": paste, "role": "member", "preview": ""})
    assert response.status_code == 200
    lines = response.context["lines"]
    assert [(line.text, line.state) for line in lines] == [
        ("100001", LineState.ADD),
        ("BRAM@example.nl", LineState.ADD),
        (member.employee_number, LineState.MEMBER),
        ("999999", LineState.NOT_FOUND),
        ("900009", LineState.NOT_FOUND),  # another ministry's person: confirms nothing
        ("100001", LineState.DUPLICATE),
    ]
    assert lines[0].person == anna
    assert lines[1].person == bram
    body = response.content.decode()
    for text in ("Wordt toegevoegd", "Is al lid", "Niet gevonden", "Dubbel in de lijst"):
        assert text in body
    assert "2 mensen toevoegen" in body
    assert CommitteeMembership.objects.filter(committee=committee).count() == 1


def test_adding_puts_the_found_people_on_with_the_role_and_keeps_the_rest_to_correct(
    client, op_user, department, committee
) -> None:
    anna = PersonFactory(department=department, employee_number="100001")
    bram = PersonFactory(department=department, email="bram@example.nl")
    client.force_login(op_user)
    response = client.post(
        url(committee),
        {"entries": "100001\nbram@example.nl\n12345\ntypfout@", "role": "chair", "add": ""},
    )
    assert response.status_code == 200
    roles = dict(
        CommitteeMembership.objects.filter(committee=committee).values_list("person", "role")
    )
    assert roles == {anna.pk: MembershipRole.CHAIR, bram.pk: MembershipRole.CHAIR}
    assert response.context["form"].initial["entries"] == "12345\ntypfout@"
    body = response.content.decode()
    assert "2 leden zijn toegevoegd." in body
    assert "12345\ntypfout@</textarea>" in body


def test_when_everything_is_added_the_user_returns_to_the_committee(
    client, op_user, department, committee
) -> None:
    PersonFactory(department=department, employee_number="100001")
    client.force_login(op_user)
    response = client.post(url(committee), {"entries": "100001", "role": "member", "add": ""})
    assert response.status_code == 302
    assert response.url == reverse("committees:detail", args=[committee.pk])


def test_too_long_a_paste_gets_a_clear_message(client, op_user, committee) -> None:
    client.force_login(op_user)
    paste = "\n".join(str(100000 + n) for n in range(PASTE_MAX_ENTRIES + 1))
    response = client.post(url(committee), {"entries": paste, "role": "member", "preview": ""})
    assert response.status_code == 200
    assert "Plak hoogstens 500 personeelsnummers" in response.content.decode()
    assert "Deze lijst heeft er 501" in response.content.decode()
    assert response.context["lines"] == []


@pytest.mark.parametrize("entries", ["", " ,;\n", "x" * 60_000])
def test_empty_or_absurd_input_is_refused_without_an_error_page(
    client, op_user, committee, entries
) -> None:
    client.force_login(op_user)
    response = client.post(url(committee), {"entries": entries, "role": "nope", "add": ""})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not CommitteeMembership.objects.exists()


def set_confirmed(committee, mode: str) -> None:
    committee.status = CommitteeStatus.CONFIRMED
    committee.save(update_fields=["status"])
    committee.department.enforcement_mode = mode
    committee.department.save(update_fields=["enforcement_mode"])


def test_in_strict_mode_untrained_people_are_refused_line_by_line(
    client, op_user, department, committee
) -> None:
    set_confirmed(committee, "strict")
    ready = trained(PersonFactory(department=department, employee_number="100001"))
    PersonFactory(department=department, employee_number="100002")
    client.force_login(op_user)
    data = {"entries": "100001 100002", "role": "member"}
    preview = client.post(url(committee), data | {"preview": ""})
    assert states(preview) == {"100001": LineState.ADD, "100002": LineState.REFUSED}
    response = client.post(url(committee), data | {"add": ""})
    assert list(CommitteeMembership.objects.values_list("person", flat=True)) == [ready.pk]
    assert states(response)["100002"] == LineState.REFUSED
    assert response.context["form"].initial["entries"] == "100002"
    assert "al bevestigd" in response.content.decode()


def test_in_justify_mode_one_justification_covers_the_untrained_people(
    client, op_user, department, committee
) -> None:
    set_confirmed(committee, "justify")
    trained(PersonFactory(department=department, employee_number="100001"))
    PersonFactory(department=department, employee_number="100002", last_name="Nieuwkomer")
    client.force_login(op_user)
    data = {"entries": "100001 100002", "role": "member"}
    preview = client.post(url(committee), data | {"preview": ""})
    assert preview.context["asks_justification"]
    assert 'name="justification"' in preview.content.decode()
    refused = client.post(url(committee), data | {"add": ""})
    assert "Nieuwkomer" in refused.context["form"].errors["justification"][0]
    assert not CommitteeMembership.objects.exists()
    response = client.post(url(committee), data | {"add": "", "justification": "Spoed"})
    assert response.status_code == 302
    assert CommitteeMembership.objects.count() == 2
    justification = CommitteeJustification.objects.get()
    assert justification.text == "Spoed"
    assert "Nieuwkomer" in justification.untrained_members


def test_an_outsider_gets_404_and_the_bureau_403(client, outsider, bureau, committee) -> None:
    PersonFactory(department=committee.department, employee_number="100001")
    for user, status in ((outsider, 404), (bureau, 403)):
        client.force_login(user)
        assert client.get(url(committee)).status_code == status
        data = {"entries": "100001", "role": "member", "add": ""}
        assert client.post(url(committee), data).status_code == status
    assert not CommitteeMembership.objects.exists()


def test_the_preview_does_not_grow_in_queries_with_the_paste(
    client, op_user, department, committee, django_assert_max_num_queries
) -> None:
    people = [PersonFactory(department=department) for _ in range(40)]
    client.force_login(op_user)
    client.get(url(committee))

    def preview(n: int) -> None:
        paste = "\n".join(p.employee_number for p in people[:n])
        client.post(url(committee), {"entries": paste, "role": "member", "preview": ""})

    with django_assert_max_num_queries(12) as few:
        preview(3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        preview(40)
