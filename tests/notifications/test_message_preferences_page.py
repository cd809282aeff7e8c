"""`/accounts/messages/`: a user turns their own weekly overview off (and on again);
nobody else's choice changes, and nobody gets the page without logging in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import NotificationPreference

pytestmark = pytest.mark.django_db
URL = "/accounts/messages/"


def test_the_address_is_the_one_the_weekly_overview_links_to() -> None:
    assert reverse("message_preferences") == URL


def test_a_user_turns_the_weekly_overview_off_and_on(client, op_user, outsider) -> None:
    client.force_login(op_user)
    page = client.get(URL)
    assert page.status_code == 200
    assert 'name="weekly_digest"' in page.content.decode()
    assert "checked" in page.content.decode()  # on until turned off

    response = client.post(URL, {}, follow=True)  # an unticked box is not posted
    assert "Uw keuze is opgeslagen." in response.content.decode()
    assert NotificationPreference.objects.get(user=op_user).weekly_digest is False
    assert not NotificationPreference.objects.filter(user=outsider).exists()

    client.post(URL, {"weekly_digest": "on"})
    assert NotificationPreference.objects.get(user=op_user).weekly_digest is True
    assert NotificationPreference.objects.count() == 1


def test_without_logging_in_there_is_no_page(client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
