"""Reminders to untrained committee members, and escalations to O&P directors.

Both are decisions of the daily run (worklists/reminders.py): each returns the messages it
wants sent as drafts keyed per recipient, stage and committee, which the run writes to the
outbox in one transaction. A draft whose key is there already is not written again, so
running the day twice sends nothing new. The reads are a fixed number of queries, whatever
the number of members.

- A member of a committee that is not cancelled, whose role requires training and who is
  not trained, is reminded at each of the department's reminder days before the interview
  (REMINDER_DAYS, default 21, 7 and 2). A day the run missed is caught up: 10 days before
  the interview, the 21-day reminder is due if it was not sent. A member registered for a
  session before the interview gets a short reminder of that session instead. Moving the
  interview date starts the days again (the date is part of the key).
- A committee at most ESCALATION_DAYS before its interview that does not comply is reported
  to its ministry's O&P director (Department.op_director_email), once per interview date.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from committees.models import CommitteeMembership, SelectionCommittee
from committees.registration_links import member_registration_url
from committees.selectors import required_memberships
from departments.models import Department, EnforcementMode
from notifications.models import NotificationKind
from notifications.rendering import message_render, site_url
from notifications.services import Draft
from trainings.models import CompletionStatus, TrainingCompletion, TrainingSession

# At most this many sessions are offered in one reminder (the soonest).
SESSIONS_OFFERED = 5


def reminder_stage(days_left: int, days: list[int]) -> int | None:
    """The reminder due `days_left` days before the interview: the smallest reminder day
    not before today (so a missed day is caught up), or None."""
    due = [day for day in days if day >= days_left]
    return min(due) if due and days_left >= 1 else None


@dataclass(frozen=True)
class SessionOffer:
    session: TrainingSession
    places_left: int | None


def upcoming_sessions(
    today: datetime.date, until: datetime.date, department_ids: set[int]
) -> list[SessionOffer]:
    """Sessions after today up to `until` that are not cancelled and have a place left,
    soonest first: the Rijk-wide offer and the own sessions of these departments (one
    query). `offers_for` picks a committee's share."""
    sessions = (
        TrainingSession.objects.upcoming(today + datetime.timedelta(days=1))
        .open_to(*sorted(department_ids))
        .filter(date__lte=until)
        .with_places_left()
        .select_related("programme", "supplier")
        .soonest_first()
    )
    offers = []
    for session in sessions:
        left: int | None = getattr(session, "places_left", None)  # with_places_left()
        if left is None or left > 0:
            offers.append(SessionOffer(session=session, places_left=left))
    return offers


def offers_for(offers: list[SessionOffer], committee: SelectionCommittee) -> list[SessionOffer]:
    """The offers a member of `committee` may choose: the Rijk-wide sessions and the
    committee ministry's own (as on the registration page), on or before the interview date
    (the rule of `compliance.registered_before`)."""
    return [
        offer
        for offer in offers
        if offer.session.department_id in (None, committee.department_id)
        and offer.session.date <= committee.interview_date
    ][:SESSIONS_OFFERED]


def department_contacts(department_ids: set[int]) -> dict[int, str]:
    """Per department, the e-mail address of one of its O&P staff (whom a member can ask)."""
    rows = (
        get_user_model()
        .objects.filter(is_active=True, staff_departments__in=department_ids)
        .exclude(email="")
        .order_by("pk")
        .values_list("staff_departments", "email")
    )
    contacts: dict[int, str] = {}
    for department_id, email in rows:
        contacts.setdefault(department_id, email)
    return contacts


def _reminder_horizon(today: datetime.date) -> tuple[dict[int, list[int]], datetime.date]:
    """The reminder days of each department that sends reminders, and the last interview
    date any of them reminds for."""
    days = {
        department.pk: department.reminder_day_list()
        for department in Department.objects.filter(reminders_enabled=True).only(
            "pk", "reminder_days"
        )
    }
    longest = max((max(d) for d in days.values() if d), default=0)
    return days, today + datetime.timedelta(days=longest)


def reminder_candidates(
    today: datetime.date, until: datetime.date, department_ids: list[int]
) -> list[CommitteeMembership]:
    """Untrained required members with an e-mail address of committees interviewing after
    today up to `until`, in departments that send reminders (one query)."""
    return list(
        required_memberships()
        .filter(
            committee__interview_date__gt=today,
            committee__interview_date__lte=until,
            committee__department__in=department_ids,
            person__email__isnull=False,
        )
        .with_training_status()
        .filter(is_trained=False)
        .select_related("person", "committee__department")
        .order_by("committee__interview_date", "pk")
    )


def registered_sessions(people: set[int], today: datetime.date) -> dict[int, list[TrainingSession]]:
    """Per person, the sessions after today they are registered for (one query)."""
    rows = (
        TrainingCompletion.objects.filter(
            person__in=people,
            status=CompletionStatus.REGISTERED,
            session__cancelled=False,
            session__date__gt=today,
        )
        .select_related("session__supplier", "session__programme")
        .order_by("session__date")
    )
    sessions: dict[int, list[TrainingSession]] = defaultdict(list)
    for row in rows:
        sessions[row.person_id].append(row.session)
    return sessions


def member_reminder_drafts(*, today: datetime.date) -> list[Draft]:
    """The member reminders due today (a fixed number of queries)."""
    days, until = _reminder_horizon(today)
    members = reminder_candidates(today, until, list(days))
    due: list[tuple[CommitteeMembership, int]] = []
    for membership in members:
        days_left = (membership.committee.interview_date - today).days
        stage = reminder_stage(days_left, days[membership.committee.department_id])
        if stage is not None:
            due.append((membership, stage))
    if not due:
        return []
    offers = upcoming_sessions(today, until, {m.committee.department_id for m, _s in due})
    registered = registered_sessions({m.person_id for m, _stage in due}, today)
    contacts = department_contacts({m.committee.department_id for m, _stage in due})
    return [
        _member_draft(
            membership,
            stage,
            today=today,
            offers=offers,
            registered=registered.get(membership.person_id, []),
            contact=contacts.get(membership.committee.department_id, ""),
        )
        for membership, stage in due
    ]


def _member_draft(
    membership: CommitteeMembership,
    stage: int,
    *,
    today: datetime.date,
    offers: list[SessionOffer],
    registered: list[TrainingSession],
    contact: str,
) -> Draft:
    committee = membership.committee
    interview = committee.interview_date
    own = next((s for s in registered if s.date <= interview), None)
    context: dict[str, Any] = {
        "membership": membership,
        "person": membership.person,
        "committee": committee,
        "department": committee.department,
        "days_left": (interview - today).days,
        "registered_session": own,
        "offers": [] if own else offers_for(offers, committee),
        "contact": contact,
        # The member's own signed link (no login): choose a session for this committee.
        "registration_url": "" if own else site_url(member_registration_url(membership)),
    }
    template = "member_registered_reminder" if own else "member_reminder"
    return Draft(
        key=f"member-reminder:{membership.pk}:{interview.isoformat()}:{stage}",
        to=membership.person.email or "",
        message=message_render(template=f"committees/email/{template}", context=context),
        kind=NotificationKind.MEMBER_REMINDER,
        department_id=committee.department_id,
    )


def escalation_candidates(today: datetime.date) -> list[SelectionCommittee]:
    """Committees interviewing within ESCALATION_DAYS that do not comply, of ministries
    with an O&P director's address (one query)."""
    until = today + datetime.timedelta(days=settings.ESCALATION_DAYS)
    return list(
        SelectionCommittee.objects.active()
        .interviewing_between(today, until)
        .exclude(department__op_director_email="")
        .not_compliant()
        .select_related("department")
        .order_by("interview_date", "pk")
    )


# What the escalation says the ministry's mode will do (committees/email/_enforcement.txt).
ENFORCEMENT_MODE_NAMES: dict[str, str] = {
    EnforcementMode.ADVISORY.value: "advisory",
    EnforcementMode.JUSTIFY.value: "justify",
    EnforcementMode.STRICT.value: "strict",
}


def escalation_drafts(*, today: datetime.date) -> list[Draft]:
    """One message to the O&P director per committee that is close to its interview and
    not compliant (one query)."""
    drafts = []
    for committee in escalation_candidates(today):
        department = committee.department
        context = {
            "committee": committee,
            "department": department,
            "days_left": (committee.interview_date - today).days,
            # Annotated by not_compliant() (compliance.annotate_committees).
            "untrained": getattr(committee, "required_count", 0)
            - getattr(committee, "trained_count", 0),
            "mode": ENFORCEMENT_MODE_NAMES.get(department.enforcement_mode, "advisory"),
            "url": site_url(reverse("committees:detail", args=[committee.pk])),
        }
        drafts.append(
            Draft(
                key=(
                    f"escalation:{committee.pk}:{committee.interview_date.isoformat()}:"
                    f"{department.op_director_email.lower()}"
                ),
                to=department.op_director_email,
                message=message_render(template="committees/email/escalation", context=context),
                kind=NotificationKind.ESCALATION,
                department_id=department.pk,
            )
        )
    return drafts
