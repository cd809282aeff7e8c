"""The crontab admin (django-celery-beat) answers a refused value with its form, not a
500: the schedule in words is not read from values the form refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("minute", ["-1", "-" + "9" * 25, "*/-1", "-5"])
def test_a_negative_minute_is_a_form_error(client, admin_user_, minute: str) -> None:
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:django_celery_beat_crontabschedule_add"),
        {
            "minute": minute,
            "hour": "*",
            "day_of_month": "*",
            "month_of_year": "*",
            "day_of_week": "*",
            "timezone": "UTC",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


def test_a_valid_schedule_is_shown_in_words(client, admin_user_) -> None:
    client.force_login(admin_user_)
    response = client.get(reverse("admin:django_celery_beat_crontabschedule_changelist"))
    assert response.status_code == 200
    assert "Tijdschema in woorden" in response.content.decode()
