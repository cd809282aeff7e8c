"""What a page says after a submit (training_monitor/page_errors.py and base.html).

A failed submit: the error summary first in main with the focus, linking to the fields;
each error and help text has the id the field's aria-describedby names; the title starts
with "Fout:". A successful one: the message, with the focus, at the top of the page.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory

from committees.models import CommitteeMembership, MembershipRole
from departments.models import SEARCH_MAX_WORDS
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory
from trainings.filters import SessionFilter
from trainings.models import TrainingSession

pytestmark = pytest.mark.django_db

# One field sent empty: a form posted with no data at all stays unbound in these views.
EMPTY = {"vacancy_reference": ""}


def title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found is not None
    return " ".join(found.group(1).split())


def main_opening(page: str) -> str:
    """The first element inside <main>, its start tag."""
    found = re.search(r"<main[^>]*>\s*(?:<!--.*?-->\s*)*(<[^>]+>)", page, re.S)
    assert found is not None
    return found.group(1)


def tag_with_id(page: str, element_id: str) -> str:
    found = re.search(rf'<[^>]*\bid="{re.escape(element_id)}"[^>]*>', page)
    assert found is not None, element_id
    return found.group(0)


def test_a_failed_submit_opens_with_the_summary_focused_and_linked_to_the_fields(
    client, op_user
) -> None:
    client.force_login(op_user)
    response = client.post("/committees/new/", EMPTY)
    page = response.content.decode()
    opening = main_opening(page)
    assert 'id="error-summary"' in opening
    assert "autofocus" in opening
    assert 'tabindex="-1"' in opening
    assert page.count("autofocus") == 1
    assert "Er is een probleem" in page
    field = response.context["form"]["vacancy_reference"]
    link = f'<a href="#id_vacancy_reference">{field.label}: {field.errors[0]}</a>'
    assert link in page


def test_the_title_of_a_failed_submit_starts_with_fout(client, op_user) -> None:
    client.force_login(op_user)
    assert title(client.get("/committees/new/").content.decode()).startswith("Nieuwe commissie")
    page = client.post("/committees/new/", EMPTY).content.decode()
    assert title(page) == "Fout: Nieuwe commissie – Training Monitor"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post("/committees/new/", EMPTY).content.decode()
    assert title(page) == "Error: New committee – Training Monitor"


def test_each_error_and_help_text_has_the_id_its_field_names(client, op_user) -> None:
    client.force_login(op_user)
    page = client.post("/committees/new/", {"interview_date": "31-02-2025"}).content.decode()
    control = tag_with_id(page, "id_interview_date")
    assert 'aria-invalid="true"' in control
    named = re.search(r'aria-describedby="([^"]*)"', control)
    assert named is not None
    assert "id_interview_date_error" in named.group(1).split()
    for element_id in named.group(1).split():
        assert f'id="{element_id}"' in page
    assert '<p class="field-error" id="id_interview_date_error">' in page
    assert not re.search(r'id="[^"]*-(error|help)"', page)


class TwoErrors(forms.Form):
    name = forms.CharField(label="Naam", help_text="Zoals in het paspoort.")
    kind = forms.ChoiceField(
        label="Soort", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )


def test_several_errors_on_one_field_share_the_one_id_django_names() -> None:
    form = TwoErrors(data={"name": "x"})
    form.add_error("name", "Te kort.")
    form.add_error("name", "Geen cijfers.")
    html = render_to_string("includes/field.html", {"field": form["name"]})
    assert html.count('id="id_name_error"') == 1
    assert "Te kort." in html
    assert "Geen cijfers." in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'id="id_name_helptext"' in html
    assert 'aria-invalid="true"' in html


def test_a_radio_group_is_a_fieldset_described_by_its_error_and_linked_at_its_first_choice(
    rf: RequestFactory,
) -> None:
    form = TwoErrors(data={"name": "Jan"})
    html = render_to_string("includes/field.html", {"field": form["kind"]})
    assert '<fieldset aria-describedby="id_kind_error">' in html
    assert "<legend>Soort" in html
    assert 'id="id_kind_error"' in html
    page = render_to_string("base.html", {"form": form}, request=rf.get("/"))
    assert f'<a href="#id_kind_0">Soort: {form.errors["kind"][0]}</a>' in page


def test_a_filter_that_cannot_filter_is_a_failed_submit(client, op_user) -> None:
    client.force_login(op_user)
    response = client.get("/sessions/", {"date_from": "2027-01-10", "date_to": "2026-12-20"})
    page = response.content.decode()
    assert isinstance(response.context["filter"], SessionFilter)
    assert title(page).startswith("Fout: ")
    assert 'id="error-summary"' in main_opening(page)
    assert 'href="#id_date_to"' in page


def test_a_refusal_that_belongs_to_no_field_is_summarised_too(client, op_user, department) -> None:
    membership = MembershipFactory(
        committee__department=department,
        committee__interview_date=datetime.date(2031, 6, 16),
        person__department=department,
    )
    committee = membership.committee
    client.force_login(op_user)
    assert not TrainingSession.objects.filter(pk=999_999).exists()
    response = client.post(
        f"/committees/{committee.pk}/members/{membership.pk}/register/", {"session": 999_999}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert title(page).startswith("Fout: ")
    assert 'id="error-summary"' in main_opening(page)
    assert f"<li>{response.context['page_error']}</li>" in page


def test_a_failed_login_is_summarised_and_the_summary_takes_the_focus_from_the_name(
    client, op_user
) -> None:
    page = client.post(
        "/accounts/login/", {"username": op_user.username, "password": "fout"}
    ).content.decode()
    assert title(page).startswith("Fout: Inloggen")
    assert 'id="error-summary"' in main_opening(page)
    # Django's login form puts autofocus on the user name; the summary comes first.
    assert page.index('id="error-summary"') < page.index('id="id_username"')
    assert 'aria-invalid="true"' not in page  # the error is the form's, not a field's


def test_a_page_without_errors_has_no_summary_and_its_own_title(client, op_user) -> None:
    client.force_login(op_user)
    page = client.get("/committees/new/").content.decode()
    assert "error-summary" not in page
    assert not title(page).startswith("Fout")
    assert 'aria-invalid="true"' not in page


def test_after_adding_a_member_the_page_opens_on_the_message_with_the_focus(
    client, op_user, department
) -> None:
    committee = CommitteeFactory(department=department)
    person = PersonFactory(department=department, first_name="Nieuw", last_name="Lid")
    client.force_login(op_user)
    response = client.post(
        f"/committees/{committee.pk}/members/add/",
        {"person": person.pk, "role": MembershipRole.MEMBER},
    )
    assert CommitteeMembership.objects.filter(person=person).exists()
    # No #members: a browser skips autofocus when the address points into the page.
    assert response.url == f"/committees/{committee.pk}/"
    page = client.get(response.url).content.decode()
    opening = main_opening(page)
    assert 'id="messages"' in opening
    assert "autofocus" in opening
    assert 'tabindex="-1"' in opening
    messages = re.search(r'<div class="messages".*?</div>', page, re.S)
    assert messages is not None
    assert "Nieuw Lid" in messages.group(0)
    assert not title(page).startswith("Fout")


def test_an_error_message_after_a_redirect_makes_the_title_say_fout(
    client, op_user, department
) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(op_user)
    response = client.post(f"/committees/{committee.pk}/members/add/", {}, follow=True)
    page = response.content.decode()
    assert title(page).startswith("Fout: ")
    assert "autofocus" in tag_with_id(page, "messages")
    assert {m.level_tag for m in response.context["messages"]} == {"error"}


def test_the_member_search_field_names_its_help_and_error_by_djangos_ids(
    client, op_user, department
) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(op_user)
    page = client.get(f"/committees/{committee.pk}/").content.decode()
    assert 'aria-describedby="id_q_helptext"' in tag_with_id(page, "id_q")
    assert 'id="id_q_helptext"' in page
    too_many = " ".join(["woord"] * (SEARCH_MAX_WORDS + 1))
    page = client.get(f"/committees/{committee.pk}/", {"q": too_many}).content.decode()
    control = tag_with_id(page, "id_q")
    assert 'aria-describedby="id_q_helptext id_q_error"' in control
    assert 'aria-invalid="true"' in control
    assert 'id="id_q_error"' in page
    assert title(page).startswith("Fout: ")


def test_the_departments_of_an_intervention_are_a_group_described_by_its_help(
    client, bureau
) -> None:
    client.force_login(bureau)
    page = client.get("/reports/interventions/").content.decode()
    group = re.search(r"<fieldset[^>]*aria-describedby=\"([^\"]*)\"", page)
    assert group is not None
    assert group.group(1) == "id_departments_helptext"
    assert 'id="id_departments_helptext"' in page


def test_the_results_count_has_a_live_region_of_its_own_on_the_committee_page(
    client, op_user, department
) -> None:
    committee = CommitteeFactory(department=department)
    PersonFactory(department=department, last_name="Eenling")
    client.force_login(op_user)
    page = client.get(f"/committees/{committee.pk}/", {"q": "eenling"}).content.decode()
    assert '<p id="people-count" class="visually-hidden" aria-live="polite">1 resultaat' in page
    # The list itself is no live region: it would be read out again on every keystroke.
    assert page.count("aria-live") == 1


@pytest.mark.django_db
def test_a_help_text_that_is_a_list_stays_inside_the_fields_description(client, op_user) -> None:
    """Django's password rules are a <ul>: inside a <p> the browser would end the paragraph
    before the list, leaving the description the field names empty."""
    client.force_login(op_user)
    html = client.get("/accounts/password/").content.decode()
    described = re.search(
        r'<div class="help" id="id_new_password1_helptext">(.*?)</div>', html, flags=re.S
    )
    assert described is not None
    assert "<li>" in described.group(1)
