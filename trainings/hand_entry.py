"""Completions entered by hand, and the second person who confirms them.

O&P staff sometimes hold proof of a training that no supplier file will bring in (a
certificate, a session of another supplier). They enter it by hand for a person of
their own department, with a note on the evidence; it counts (compliance, dashboard,
reports) only once a second person has confirmed it: another O&P member of that
department, the programme bureau or an administrator, never the person who entered it.

Every path (the pages, a future API or command) calls these services:

    completion = completion_enter_by_hand(person=..., session=..., evidence_note=..., user=...)
    completion_confirm(completion=completion, user=other_user)
    completion_reject(completion=completion, user=other_user, reason="...")
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Person
from departments.touched import figures_touched
from trainings.models import (
    CompletionSource,
    CompletionStatus,
    Supplier,
    TrainingCompletion,
    TrainingProgramme,
    TrainingSession,
)
from trainings.touched import sessions_touched

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise

# How far back a session may be chosen when no validity period limits it.
DEFAULT_LOOKBACK = datetime.timedelta(days=3 * 365)
# The hand-entry form offers the sessions of this many days either side of a date.
SESSION_WINDOW = datetime.timedelta(days=14)
# simple-history keeps the reason in a column of this length.
REASON_MAX_LENGTH = 100


class HandEntryRefused(Exception):
    """The entry, confirmation or rejection is not allowed; `message` says why."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = message


def _signed_in(user: User | AnonymousUser) -> User:
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise HandEntryRefused(_("Log in first."))
    return user


def _history_user(completion: TrainingCompletion, user: User) -> None:
    # The request middleware sets this for pages; commands and tasks have no request.
    completion._history_user = user  # type: ignore[attr-defined]


def _touched(completion: TrainingCompletion) -> None:
    """The person's figures from the session on changed (their own department's people
    trained, and every committee they sit on after it), and the session's supplier
    figures (places filled): refresh them in this transaction."""
    figures_touched(since=completion.session.date, people=[completion.person_id])
    sessions_touched(sessions=[completion.session])


def earliest_session_date(today: datetime.date) -> datetime.date:
    """The oldest session date still worth entering: older ones no longer count."""
    days = settings.TRAINING_VALIDITY_DAYS
    return today - (datetime.timedelta(days=days) if days else DEFAULT_LOOKBACK)


def session_window(around: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """The dates of the sessions offered: SESSION_WINDOW_DAYS either side of `around`, or
    the last twice that many days; never after today nor before earliest_session_date."""
    today = timezone.localdate()
    if around is None:
        first, last = today - 2 * SESSION_WINDOW, today
    else:
        first, last = around - SESSION_WINDOW, around + SESSION_WINDOW
    return max(first, earliest_session_date(today)), min(last, today)


def sessions_to_choose(
    *, user: User | AnonymousUser, around: datetime.date | None = None
) -> models.QuerySet[TrainingSession]:
    """Sessions a hand entry by `user` may name: held, not cancelled, not themselves hand
    entries, within `session_window(around)`, and only those `user` may see (O&P staff:
    the Rijk-wide offer and their own ministries' own sessions).

    Not every session since the earliest date: across the Rijk that is some 20,000, a list
    nobody can choose from that took seconds to send.
    """
    first, last = session_window(around)
    return (
        TrainingSession.objects.visible_to(user)
        .filter(cancelled=False, entered_by_hand=False, date__range=(first, last))
        .select_related("supplier")
        .order_by("-date", "supplier__name", "pk")
    )


def people_enterable_by(user: User | AnonymousUser) -> models.QuerySet[Person]:
    """People `user` may enter a training for: O&P staff their department's, admins all."""
    return Person.objects.editable_by(user)


def pending_for(user: User | AnonymousUser) -> models.QuerySet[TrainingCompletion]:
    """Hand entries `user` may confirm, oldest first, with what the list shows."""
    return (
        TrainingCompletion.objects.confirmable_by(user)
        .select_related("person__department", "session__supplier", "entered_by")
        .order_by("entered_at", "pk")
    )


def pending_in_department(user: User | AnonymousUser) -> models.Func:
    """For a `Department` annotation: how many of `pending_for(user)` belong to the
    annotated department. The dashboard reads the count with the department itself, one
    round trip fewer on the page viewed most."""
    counts = (
        TrainingCompletion.objects.confirmable_by(user)
        .filter(person__department=models.OuterRef("pk"))
        .order_by()
        .values("person__department")
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    return Coalesce(models.Subquery(counts), 0)


def _check_session(session: TrainingSession, person: Person, user: User) -> None:
    if not TrainingSession.objects.visible_to(user).filter(pk=session.pk).exists():
        # Another ministry's own session: not one to name, nor to learn about.
        raise HandEntryRefused(_("Choose a session from the list."))
    if session.cancelled:
        raise HandEntryRefused(_("This session was cancelled: it trained nobody."))
    if session.entered_by_hand:
        raise HandEntryRefused(_("Choose a session of a supplier, or enter the training."))
    if session.date > timezone.localdate():
        raise HandEntryRefused(_("This session has not been held yet."))
    existing = TrainingCompletion.objects.filter(person=person, session=session).first()
    if existing is not None:
        raise HandEntryRefused(
            _("This session is already recorded for this person (%(status)s).")
            % {"status": existing.get_status_display()}
        )


def _own_session(
    *,
    supplier: Supplier | None,
    programme: TrainingProgramme | None,
    date: datetime.date | None,
    place: str,
) -> TrainingSession:
    """A session for a training no supplier file describes (it belongs to this entry)."""
    if supplier is None or programme is None or date is None:
        raise HandEntryRefused(_("Choose a session, or give the supplier, programme and date."))
    if programme.supplier_id not in (None, supplier.pk):
        raise HandEntryRefused(_("This programme belongs to another supplier."))
    if date > timezone.localdate():
        raise HandEntryRefused(_("A training in the future cannot have been attended."))
    return TrainingSession.objects.create(
        supplier=supplier,
        programme=programme,
        date=date,
        place=place.strip(),
        entered_by_hand=True,
    )


def completion_enter_by_hand(
    *,
    person: Person,
    evidence_note: str,
    user: User | AnonymousUser,
    session: TrainingSession | None = None,
    supplier: Supplier | None = None,
    programme: TrainingProgramme | None = None,
    date: datetime.date | None = None,
    place: str = "",
) -> TrainingCompletion:
    """Record that `person` attended `session` (or a training given by supplier, programme
    and date); it waits for a second person's confirmation before it counts."""
    user = _signed_in(user)
    if not people_enterable_by(user).filter(pk=person.pk).exists():
        raise HandEntryRefused(_("You may not enter trainings for this person."))
    note = evidence_note.strip()
    if not note:
        raise HandEntryRefused(_("Say what proves the attendance and where it is kept."))
    try:
        with transaction.atomic():
            if session is None:
                session = _own_session(
                    supplier=supplier, programme=programme, date=date, place=place
                )
            else:
                _check_session(session, person, user)
            completion = TrainingCompletion(
                person=person,
                session=session,
                status=CompletionStatus.ATTENDED,
                source=CompletionSource.HAND,
                entered_by=user,
                entered_at=timezone.now(),
                status_changed_at=timezone.now(),
                evidence_note=note,
            )
            _history_user(completion, user)
            # Awaiting confirmation it counts nowhere: the stored figures stay as they are.
            completion.save()
    except IntegrityError as clash:
        # Someone recorded the same person and session a moment earlier.
        raise HandEntryRefused(
            _("Someone else has just recorded this session for this person.")
        ) from clash
    return completion


def _locked_pending(completion: TrainingCompletion, user: User) -> TrainingCompletion:
    """The completion, locked, after the checks shared by confirming and rejecting.

    Whoever sees the person's department (its O&P staff, the bureau, administrators)
    is a possible second person.
    """
    locked = (
        TrainingCompletion.objects.select_for_update(of=("self",))
        .filter(pk=completion.pk)
        .visible_to(user)
        .first()
    )
    if locked is None:
        raise HandEntryRefused(_("You may not confirm trainings for this person."))
    if not locked.is_hand_entry:
        raise HandEntryRefused(_("Only trainings entered by hand need a confirmation."))
    return locked


def completion_confirm(
    *, completion: TrainingCompletion, user: User | AnonymousUser
) -> TrainingCompletion:
    """Confirm a hand entry as the second person. Confirming again changes nothing."""
    user = _signed_in(user)
    with transaction.atomic():
        locked = _locked_pending(completion, user)
        if locked.entered_by_id == user.pk:
            raise HandEntryRefused(
                _("You entered this training yourself: another person must confirm it.")
            )
        if locked.confirmed_at is not None:
            return locked
        locked.confirmed_by = user
        locked.confirmed_at = timezone.now()
        _history_user(locked, user)
        locked.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
        _touched(locked)
    return locked


def completion_reject(
    *, completion: TrainingCompletion, user: User | AnonymousUser, reason: str
) -> None:
    """Remove a hand entry that is not confirmed; the history keeps who did it and why.

    Whoever may confirm it may reject it; the person who entered it may withdraw it.
    """
    user = _signed_in(user)
    reason = reason.strip()
    if not reason:
        raise HandEntryRefused(_("Say why the entry is rejected."))
    with transaction.atomic():
        locked = _locked_pending(completion, user)
        if locked.confirmed_at is not None:
            raise HandEntryRefused(_("This training is already confirmed."))
        session = locked.session
        _history_user(locked, user)
        history: Any = locked
        history._change_reason = reason[:REASON_MAX_LENGTH]
        locked.delete()
        # A session entered with this entry belongs to it alone.
        if session.entered_by_hand and not session.completions.exists():
            session.delete()
        # It was never confirmed, so it counted nowhere: the stored figures stay.
