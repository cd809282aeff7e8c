"""The public privacy note."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


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
