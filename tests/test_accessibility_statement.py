"""The accessibility statement at /toegankelijkheid/: public, in Dutch and English, with
the organisation, contact, answer time and date from the settings."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings as django_settings

from training_monitor.accessibility import KNOWN_PROBLEMS

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement_settings(settings):
    settings.ACCESSIBILITY_ORGANISATION = "Ministerie van Voorbeeldzaken"
    settings.ACCESSIBILITY_CONTACT_EMAIL = "toegankelijk@voorbeeld.example.nl"
    settings.ACCESSIBILITY_RESPONSE_DAYS = 3
    settings.ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 30)
    settings.SITE_URL = "https://tm.voorbeeld.example.nl"
    return settings


def test_anyone_reads_the_statement_in_dutch_without_logging_in(client, statement_settings) -> None:
    response = client.get("/toegankelijkheid/")
    body = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "nl"
    assert "<h1>Toegankelijkheidsverklaring</h1>" in body
    assert "Ministerie van Voorbeeldzaken wil dat iedereen Training Monitor kan gebruiken" in body
    assert "https://tm.voorbeeld.example.nl" in body
    assert "B – voldoet gedeeltelijk" in body
    assert "<h2>Status: voldoet gedeeltelijk</h2>" in body
    assert "WCAG 2.1 AA" in body
    assert 'href="mailto:toegankelijk@voorbeeld.example.nl"' in body
    assert "binnen 3 werkdagen antwoord" in body
    assert "30 november 2026" in body
    assert "Nationale ombudsman" in body


def test_the_statement_says_how_it_was_tested(client, statement_settings) -> None:
    body = client.get("/toegankelijkheid/").content.decode()
    assert "breedte van 320 en van 1280 pixels" in body
    assert "alleen een toetsenbord" in body
    assert "toetsenbord en een schermlezer" in body


def test_every_known_problem_is_listed_with_its_plan_and_date(client, statement_settings) -> None:
    body = client.get("/toegankelijkheid/").content.decode()
    assert "Bekende problemen" in body
    assert "De beheerpagina&#x27;s (/admin/), die alleen beheerders gebruiken." in body
    assert "PDF-bestanden van de kwartaalrapportages." in body
    assert body.count("Wat we doen") == len(KNOWN_PROBLEMS) >= 2
    for problem in KNOWN_PROBLEMS:
        assert problem.planned_for > django_settings.ACCESSIBILITY_STATEMENT_DATE
    assert "1 april 2027" in body
    assert "1 maart 2027" in body


def test_the_statement_is_in_english_when_english_is_chosen(client, statement_settings) -> None:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/toegankelijkheid/")
    body = response.content.decode()
    assert response.headers["Content-Language"] == "en"
    assert "<h1>Accessibility statement</h1>" in body
    assert "B – complies partly" in body
    assert "You get an answer within 3 working days." in body
    assert "30 November 2026" in body
    assert "The management pages (/admin/), used only by administrators." in body


def test_a_single_working_day_reads_as_one(client, statement_settings) -> None:
    statement_settings.ACCESSIBILITY_RESPONSE_DAYS = 1
    assert "binnen 1 werkdag antwoord" in client.get("/toegankelijkheid/").content.decode()


def test_the_footer_links_to_the_statement_before_and_after_logging_in(client, outsider) -> None:
    link = '<a href="/toegankelijkheid/">Toegankelijkheid</a>'
    assert link in client.get("/accounts/login/").content.decode()
    client.force_login(outsider)
    assert link in client.get("/committees/").content.decode()


def test_the_statement_only_answers_reading_requests(client) -> None:
    assert client.post("/toegankelijkheid/").status_code == 405
