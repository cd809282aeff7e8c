"""Places in upcoming sessions: registering, cancelling and the waiting list.

Every path (the committee page, a member's own link, the admin, later the API) calls
these services, so capacity and the waiting list hold the same way everywhere:

    place = registration_create(person=..., session=..., user=...)  # or SessionFull
    place = waitlist_join(person=..., session=..., user=...)  # a place, or the list
    cancellation = registration_cancel(completion=..., user=...)  # the first waiting moves up

Each one locks the session's row (`select_for_update`) for its transaction: two people
taking the last place at the same moment are served one after the other, so one gets the
place and the other the waiting list. A cancellation and the move up of the first person
waiting happen in the same transaction, and so do the e-mails they queue
(trainings.registration_mail: the invitation, or its cancellation, with the ICS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Person
from departments.touched import figures_touched
from trainings.models import (
    CompletionSource,
    CompletionStatus,
    TrainingCompletion,
    TrainingSession,
    WaitlistEntry,
)
from trainings.registration_mail import cancellation_mail_queue, registration_mail_queue
from trainings.touched import sessions_touched

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django_stubs_ext import StrOrPromise


class RegistrationRefused(Exception):
    """The registration, cancellation or waiting-list change is not allowed."""

    code = "refused"

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = message


class SessionFull(RegistrationRefused):
    """No place is left: offer the waiting list."""

    code = "full"


@dataclass(frozen=True)
class Place:
    """What a registration request got: a place, or a spot on the waiting list."""

    completion: TrainingCompletion | None = None
    waitlist_entry: WaitlistEntry | None = None

    @property
    def registered(self) -> bool:
        return self.completion is not None


@dataclass(frozen=True)
class Cancellation:
    """A cancelled place, and the registration of whoever moved up into it."""

    completion: TrainingCompletion
    promoted: TrainingCompletion | None = None


def _acting(user: User | AnonymousUser | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _locked_session(session: TrainingSession) -> TrainingSession:
    """The session's row, locked until the end of the transaction: the one place where
    registrations for this session queue up."""
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


def _places_left(session: TrainingSession) -> int | None:
    if session.capacity is None:
        return None
    return session.capacity - session.taken_count()


def _check_open(session: TrainingSession) -> None:
    if session.cancelled:
        raise RegistrationRefused(_("This session has been cancelled."))
    if session.entered_by_hand:
        raise RegistrationRefused(
            _("This training was entered by hand: it takes no registrations.")
        )
    if session.date < timezone.localdate():
        raise RegistrationRefused(_("This session has already taken place."))


def _history_user(completion: TrainingCompletion, user: User | None) -> None:
    if user is not None:
        completion._history_user = user  # type: ignore[attr-defined]


def _register(
    session: TrainingSession, person: Person, user: User | None, *, promoted: bool = False
) -> TrainingCompletion:
    """Give `person` a place (the session is locked and has one). A cancelled place of
    earlier is taken up again: a person has one row per session. The invitation is
    queued in the same transaction (`promoted`: the place came from the waiting list)."""
    now = timezone.now()
    completion = TrainingCompletion.objects.filter(session=session, person=person).first()
    if completion is None:
        completion = TrainingCompletion(session=session, person=person, source=CompletionSource.APP)
    completion.status = CompletionStatus.REGISTERED
    completion.status_changed_at = now
    completion.status_changed_by = user
    _history_user(completion, user)
    completion.save()
    WaitlistEntry.objects.filter(session=session, person=person).delete()
    figures_touched(since=session.date, people=[person.pk])
    sessions_touched(sessions=[session])
    registration_mail_queue(completion=completion, promoted=promoted)
    return completion


def _check_person(session: TrainingSession, person: Person) -> None:
    existing = TrainingCompletion.objects.filter(session=session, person=person).first()
    if existing is None or existing.status == CompletionStatus.CANCELLED:
        return
    if existing.status == CompletionStatus.REGISTERED:
        raise RegistrationRefused(
            _("%(name)s is already registered for this session.") % {"name": person.full_name}
        )
    raise RegistrationRefused(
        _("This session is already recorded for %(name)s (%(status)s).")
        % {"name": person.full_name, "status": existing.get_status_display()}
    )


def _replace_later_registrations(
    person: Person, kept: TrainingCompletion, user: User | None
) -> None:
    """Cancel `person`'s other upcoming registrations on or after the new session's date.

    The new session comes no later than those, so every committee a cancelled one
    covered is covered by the new one. Earlier registrations are kept.
    """
    later = (
        TrainingCompletion.objects.filter(
            person=person,
            status=CompletionStatus.REGISTERED,
            session__date__gte=kept.session.date,
        )
        .exclude(pk=kept.pk)
        .select_related("session")
    )
    for completion in later:
        registration_cancel(completion=completion, user=user)


@transaction.atomic
def registration_create(
    *,
    person: Person,
    session: TrainingSession,
    user: User | AnonymousUser | None,
    replace_later: bool = False,
) -> Place:
    """Register `person` for `session`; raises `SessionFull` when no place is left.

    With `replace_later`, the person's other registrations on or after this session's
    date are cancelled (choosing another, earlier session).
    """
    acting = _acting(user)
    locked = _locked_session(session)
    _check_open(locked)
    _check_person(locked, person)
    left = _places_left(locked)
    if left is not None and left <= 0:
        raise SessionFull(_("This session is full. You can join the waiting list."))
    completion = _register(locked, person, acting)
    if replace_later:
        _replace_later_registrations(person, completion, acting)
    return Place(completion=completion)


@transaction.atomic
def waitlist_join(
    *,
    person: Person,
    session: TrainingSession,
    user: User | AnonymousUser | None,
    replace_later: bool = False,
) -> Place:
    """Put `person` on the session's waiting list, or give them the place that has come
    free meanwhile. Joining twice keeps the first spot."""
    acting = _acting(user)
    locked = _locked_session(session)
    _check_open(locked)
    _check_person(locked, person)
    left = _places_left(locked)
    if left is None or left > 0:
        completion = _register(locked, person, acting)
        if replace_later:
            _replace_later_registrations(person, completion, acting)
        return Place(completion=completion)
    entry, _created = WaitlistEntry.objects.get_or_create(
        session=locked, person=person, defaults={"created_by": acting}
    )
    return Place(waitlist_entry=entry)


@transaction.atomic
def waitlist_leave(*, entry: WaitlistEntry, user: User | AnonymousUser | None) -> None:
    """Take a person off a waiting list (their turn would never come, or they gave up)."""
    _locked_session(entry.session)
    WaitlistEntry.objects.filter(pk=entry.pk).delete()


def _registered_by(person: Person, session: TrainingSession) -> bool:
    """`person` holds a place in another session on or before this one's date."""
    return (
        TrainingCompletion.objects.filter(
            person=person,
            status=CompletionStatus.REGISTERED,
            session__cancelled=False,
            session__date__lte=session.date,
        )
        .exclude(session=session)
        .exists()
    )


def _promote_waiting(session: TrainingSession, user: User | None) -> TrainingCompletion | None:
    """Give the free place to the first person waiting who can still take it.

    Someone who meanwhile got a place in this session, or in another one on or before
    its date, leaves the list: this place would give them nothing. Whoever moves up
    gives up their registrations for later sessions, the rule of choosing an earlier
    session (`replace_later`): nobody holds two places.
    """
    for entry in session.waitlist.select_related("person").order_by("created_at", "pk"):
        existing = TrainingCompletion.objects.filter(session=session, person=entry.person).first()
        if (
            existing is not None and existing.status != CompletionStatus.CANCELLED
        ) or _registered_by(entry.person, session):
            entry.delete()  # meanwhile registered or recorded otherwise
            continue
        completion = _register(session, entry.person, user, promoted=True)
        _replace_later_registrations(entry.person, completion, user)
        return completion
    return None


@transaction.atomic
def registration_cancel(
    *, completion: TrainingCompletion, user: User | AnonymousUser | None
) -> Cancellation:
    """Cancel a registration, recording who and when, and queue the cancellation of its
    invitation; the first person on the waiting list moves up into the place (and gets
    their invitation), in the same transaction."""
    acting = _acting(user)
    session = _locked_session(completion.session)
    locked = TrainingCompletion.objects.select_for_update().get(pk=completion.pk)
    if locked.status != CompletionStatus.REGISTERED:
        raise RegistrationRefused(_("Only a registration can be cancelled."))
    locked.status = CompletionStatus.CANCELLED
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = acting
    _history_user(locked, acting)
    locked.save(update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"])
    figures_touched(since=session.date, people=[locked.person_id])
    sessions_touched(sessions=[session])
    cancellation_mail_queue(completion=locked)
    promoted = None
    if session.date >= timezone.localdate() and not session.cancelled:
        left = _places_left(session)
        if left is None or left > 0:
            promoted = _promote_waiting(session, acting)
    return Cancellation(completion=locked, promoted=promoted)


@transaction.atomic
def session_mark_cancelled(
    *, session: TrainingSession, user: User | AnonymousUser | None
) -> list[TrainingCompletion]:
    """Mark `session` cancelled and clear its waiting list; returns its registrations,
    which the caller cancels one by one (`registration_cancel`: nobody moves up into
    a cancelled session). `committees.services.session_cancel` is the whole step."""
    locked = _locked_session(session)
    if not locked.cancelled:
        locked.cancelled = True
        acting = _acting(user)
        if acting is not None:
            locked._history_user = acting  # type: ignore[attr-defined]
        locked.save(update_fields=["cancelled"])
        sessions_touched(sessions=[locked])
    session.cancelled = True
    WaitlistEntry.objects.filter(session=locked).delete()
    return list(
        locked.completions.filter(status=CompletionStatus.REGISTERED).select_related(
            "session", "person"
        )
    )
