"""Error pages: Dutch by default, English when chosen, never a stack trace."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]


def test_debug_is_off_in_the_tests() -> None:
    assert settings.DEBUG is False


def test_a_404_shows_the_dutch_page(client: Client) -> None:
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Pagina niet gevonden</h1>" in html
    assert 'lang="nl"' in html


def test_a_404_is_english_when_chosen(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "<h1>Page not found</h1>" in client.get("/does-not-exist/").content.decode()


def test_a_403_and_a_400_have_their_own_pages(client: Client, op_user) -> None:
    client.force_login(op_user)
    forbidden = client.get("/test/forbidden/")
    assert forbidden.status_code == 403
    assert "<h1>Geen toegang</h1>" in forbidden.content.decode()
    bad = client.get("/test/suspicious/")
    assert bad.status_code == 400
    assert "<h1>Ongeldig verzoek</h1>" in bad.content.decode()
    assert "tampered" not in bad.content.decode()


def test_a_500_shows_no_internals() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/test/crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Er is iets misgegaan</h1>" in html
    assert "secret internals" not in html
    assert "Traceback" not in html


def test_the_500_page_needs_neither_the_database_nor_a_user(django_assert_num_queries) -> None:
    with django_assert_num_queries(0), translation.override("en"):
        html = render_to_string("500.html")
    assert "Something went wrong" in html
