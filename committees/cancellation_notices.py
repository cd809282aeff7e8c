"""O&P staff hear at once of a cancelled registration that a confirmed committee relied on.

A committee in strict or justify mode may be confirmed because a member is registered for
a session before the interview (`committees_relying_on`). When that registration is
cancelled, the committee no longer complies: each O&P user of the committee's ministry
with an e-mail address gets a message, in the transaction of the cancellation. The key
holds the committee, the registration, the calendar SEQUENCE of the cancellation and the
user (`relied-cancellation:<committee>:<completion>:<sequence>:<user>`): a retried
request sends nothing new, a later cancellation of the same place (after registering
again) does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.urls import reverse

from committees.models import SelectionCommittee
from committees.reminders import ENFORCEMENT_MODE_NAMES
from notifications.models import NotificationKind
from notifications.rendering import message_render, site_url
from notifications.services import Draft, notifications_queue_many
from trainings.calendar import registration_sequence
from trainings.models import TrainingCompletion


def op_staff_addresses(department_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    """Per department, its active O&P users with an address: (user id, e-mail) (one query)."""
    rows = (
        get_user_model()
        .objects.filter(is_active=True, staff_departments__in=department_ids)
        .exclude(email="")
        .order_by("pk")
        .values_list("staff_departments", "pk", "email")
    )
    staff: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for department_id, user_id, email in rows:
        staff[department_id].append((user_id, email))
    return staff


def relied_cancellation_drafts(
    *, completion: TrainingCompletion, committees: Sequence[SelectionCommittee]
) -> list[Draft]:
    """The messages to O&P staff about `completion`'s cancellation, one per committee
    that relied on it and O&P user of its ministry (a fixed number of queries)."""
    if not committees:
        return []
    staff = op_staff_addresses({committee.department_id for committee in committees})
    sequence = registration_sequence(completion)
    drafts: list[Draft] = []
    for committee in committees:
        department = committee.department
        message = message_render(
            template="committees/email/relied_cancellation",
            context={
                "committee": committee,
                "department": department,
                "member": completion.person,
                "session": completion.session,
                "mode": ENFORCEMENT_MODE_NAMES.get(department.enforcement_mode, "advisory"),
                "url": site_url(reverse("committees:detail", args=[committee.pk])),
            },
        )
        drafts.extend(
            Draft(
                key=(f"relied-cancellation:{committee.pk}:{completion.pk}:{sequence}:{user_id}"),
                to=email,
                message=message,
                kind=NotificationKind.RELIED_CANCELLATION,
                user_id=user_id,
                department_id=department.pk,
            )
            for user_id, email in staff.get(department.pk, [])
        )
    return drafts


def relied_cancellation_notices_queue(
    *, completion: TrainingCompletion, committees: Sequence[SelectionCommittee]
) -> list[str]:
    """Queue the messages in the caller's transaction; the keys written."""
    return notifications_queue_many(
        drafts=relied_cancellation_drafts(completion=completion, committees=committees)
    )
