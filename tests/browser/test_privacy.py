"""The privacy note and the subject-access link, in the browser, with an axe scan."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from departments.access import Role
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_privacy_note_is_reachable_from_the_footer_without_logging_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Privacy")
    expect(page.locator("main")).to_contain_text("7 jaar")
    assert_accessible(page, "privacy")


def test_the_bureau_downloads_a_persons_data_from_the_person_page(page: Page) -> None:
    person = MembershipFactory(person__last_name="Inzagevrager").person
    UserFactory(username="bureau.test", role=Role.PROGRAMME_BUREAU)
    log_in(page, "bureau.test")
    page.goto(f"/people/{person.pk}/")
    assert_accessible(page, "person-subject-access")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="inzageverzoek").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"inzageverzoek-persoon-{person.pk}-")
    with open(download.path(), encoding="utf-8") as handle:
        assert json.load(handle)["person"]["last_name"] == "Inzagevrager"
