"""Beat's schedule in the admin ("Periodieke taken"): for administrators only, in Dutch."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db
BEAT_MODELS = ["periodictask", "crontabschedule", "intervalschedule", "clockedschedule"]


@pytest.mark.parametrize("model", BEAT_MODELS)
def test_an_administrator_opens_the_schedule_pages(
    client: Any, admin_user_: Any, model: str, django_assert_max_num_queries: Any
) -> None:
    client.force_login(admin_user_)
    with django_assert_max_num_queries(20):
        response = client.get(reverse(f"admin:django_celery_beat_{model}_changelist"))
    assert response.status_code == 200
    assert client.get(reverse(f"admin:django_celery_beat_{model}_add")).status_code == 200


def test_the_schedule_lists_the_three_jobs_in_dutch(client: Any, admin_user_: Any) -> None:
    client.force_login(admin_user_)
    page = client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content
    text = page.decode()
    for name in ("compile-ended-quarter-reports", "forget-old-list-downloads", "apply-retention"):
        assert name in text
    assert "Periodieke taken" in text
    assert "Ingeschakeld" in text
    # The admin warns when beat does not read the schedule from the database.
    assert "CELERY_BEAT_SCHEDULER" not in text


def test_an_administrator_moves_the_compile_to_another_day(client: Any, admin_user_: Any) -> None:
    compile_task = PeriodicTask.objects.select_related("crontab").get(
        name="compile-ended-quarter-reports"
    )
    client.force_login(admin_user_)
    url = reverse("admin:django_celery_beat_crontabschedule_change", args=[compile_task.crontab_id])
    page = client.get(url).content.decode()
    assert "Dag(en) van de maand" in page
    response = client.post(
        url,
        {
            "minute": "0",
            "hour": "6",
            "day_of_week": "*",
            "day_of_month": "8",
            "month_of_year": "1,4,7,10",
            "timezone": "Europe/Amsterdam",
            # The inline of the jobs on this schedule (read only): left as it is.
            "periodictask_set-TOTAL_FORMS": "0",
            "periodictask_set-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    compile_task.refresh_from_db()
    assert compile_task.crontab is not None
    assert compile_task.crontab.day_of_month == "8"


@pytest.mark.parametrize("user", ["op_user", "bureau"])
def test_op_staff_and_the_bureau_get_no_schedule_page(
    client: Any, request: pytest.FixtureRequest, user: str
) -> None:
    client.force_login(request.getfixturevalue(user))
    response = client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("hour", ["-1", "", "-" + "9" * 25])
def test_a_crontab_hour_celery_cannot_read_is_a_form_error_not_a_server_error(
    client: Any, admin_user_: Any, hour: str
) -> None:
    """django-celery-beat's own check lets "-1" through; Celery's parser then fails."""
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:django_celery_beat_crontabschedule_add"),
        {
            "minute": "0",
            "hour": hour,
            "day_of_month": "*",
            "month_of_year": "*",
            "day_of_week": "*",
            "timezone": "Europe/Amsterdam",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["hour"]
