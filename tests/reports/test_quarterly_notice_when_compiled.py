"""When both reports of an ended quarter are compiled, the programme bureau and each O&P
director get a message once: the bureau every ministry and the report links, a director
only their own ministry."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from notifications.models import Notification
from reports.models import ReportJob
from reports.quarters import Quarter
from reports.tasks import compile_ended_quarter
from tests.factories import UserFactory, bureau_user, op_staff

QUARTER = Quarter.last_ended(timezone.localdate())
LAST_ENDED = str(QUARTER)
# In words, in both languages of the message: "3e kwartaal 2026" and "Q3 2026".
DUTCH = f"{QUARTER.number}e kwartaal {QUARTER.year}"
ENGLISH = f"Q{QUARTER.number} {QUARTER.year}"


def test_the_bureau_and_the_directors_hear_once_that_the_quarter_is_compiled(world: Any) -> None:
    bureau = bureau_user()
    bureau.email = "bureau@example.nl"
    bureau.save()
    world.aaa.op_director_email = "directeur@aaa.example.nl"
    world.aaa.save()
    staff = op_staff(world.aaa, username="op.aaa")
    staff.email = "op@aaa.example.nl"
    staff.save()
    UserFactory(email="nobody@example.nl")

    compile_ended_quarter.apply()
    job = ReportJob.objects.get()
    rows = {n.recipient_email: n for n in Notification.objects.filter(kind="quarterly")}
    assert set(rows) == {"bureau@example.nl", "directeur@aaa.example.nl"}

    to_bureau = rows["bureau@example.nl"]
    assert to_bureau.key == f"quarterly:{LAST_ENDED}:bureau:{bureau.pk}"
    for snapshot in job.snapshots.all():
        assert f"/reports/{snapshot.pk}/" in to_bureau.body_text
    assert "AAA:" in to_bureau.body_text
    assert "BBB:" in to_bureau.body_text

    to_director = rows["directeur@aaa.example.nl"]
    assert to_director.department == world.aaa
    assert "/departments/AAA/" in to_director.body_text
    assert "BBB" not in to_director.body_text
    assert "/reports/" not in to_director.body_text

    for message in (to_bureau, to_director):
        for text in (message.subject, message.body_text, message.body_html):
            assert DUTCH in text
            assert ENGLISH in text
            assert LAST_ENDED not in text

    # A second compile of the quarter (on the page, or the schedule again) adds nothing.
    job.status = "failed"
    job.save()
    compile_ended_quarter.apply()
    assert Notification.objects.filter(kind="quarterly").count() == 2
