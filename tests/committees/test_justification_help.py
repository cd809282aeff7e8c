"""The justification field asks not to write names, in Dutch, linked with aria-describedby.

The untrained members are stored with each justification; names typed into the text
itself end up wherever the text is shown (reports, the admin, exports).
"""

from __future__ import annotations

import re

import pytest

from tests.factories import CommitteeFactory

pytestmark = pytest.mark.django_db

NO_NAMES_NL = "Schrijf hier geen namen."


def _described_help(page: str, name: str) -> str:
    """The text of the element(s) the field `name` points to with aria-describedby."""
    field = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert field is not None, name
    described = re.search(r'aria-describedby="([^"]+)"', field.group(0))
    assert described is not None, field.group(0)
    texts = []
    for element_id in described.group(1).split():
        element = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</', page, re.S)
        assert element is not None, f"aria-describedby points to a missing id {element_id}"
        texts.append(element.group(1))
    return " ".join(texts)


def test_the_committee_edit_page_asks_not_to_write_names(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(op_user)
    page = client.get(f"/committees/{committee.pk}/edit/", HTTP_ACCEPT_LANGUAGE="nl")
    assert NO_NAMES_NL in _described_help(page.content.decode(), "justification")


def test_the_admin_membership_form_asks_not_to_write_names(client, admin_user_) -> None:
    client.force_login(admin_user_)
    page = client.get("/admin/committees/committeemembership/add/", HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    assert NO_NAMES_NL in _described_help(page.content.decode(), "justification")


def test_the_english_text_says_the_same(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(op_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/committees/{committee.pk}/edit/").content.decode()
    assert "Do not write names here" in _described_help(page, "justification")
