"""When both reports of an ended quarter are compiled, the programme bureau and each O&P
director get a message once: the bureau every ministry and the report links, a director
only their own ministry."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from notifications.models import Notification
from notifications.rendering import TEXT_SEPARATOR, message_render
from reports.models import ReportJob
from reports.quarters import Quarter
from reports.tasks import compile_ended_quarter
from tests.factories import DepartmentFactory, UserFactory, bureau_user, op_staff

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


def test_the_message_rounds_a_share_as_the_reports_do_in_each_language(db: None) -> None:
    """Two of three is 66,7% in the Dutch part and 66.7% in the English one, as on the
    pages and in the exports; 62.5% is 62,5%, not the 62% of a whole-percent half-even."""
    department = DepartmentFactory(code="AAA")
    rendered = message_render(
        template="reports/email/quarterly_director",
        context={
            "quarter": QUARTER,
            "memberships": Decimal(2) / Decimal(3),
            "committees": Decimal(5) / Decimal(8),
            "department": department,
            "dashboard_url": "https://tm.example/departments/AAA/",
        },
    )
    dutch, english = rendered.text.split(TEXT_SEPARATOR)
    assert "66,7%" in dutch
    assert "62,5%" in dutch
    assert "66.7%" in english
    assert "62.5%" in english
    assert "66,7%" in rendered.html
