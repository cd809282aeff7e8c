"""The e-mails of a registration: the invitation when a person gets a place, the
cancellation when it is cancelled.

`trainings.services` calls these in the transaction that registers or cancels, so the
message is written to the outbox (notifications) with the decision, or not at all. Each
key holds the registration and the calendar SEQUENCE of that change
(`registration:<completion>:<sequence>`, `registration-cancelled:<completion>:<sequence>`):
registering again after a cancellation is a new change and sends again; a request that is
retried changes nothing and sends nothing. A person without an e-mail address gets none.
The message names only the person's first name and the session.
"""

from __future__ import annotations

from notifications.models import NotificationKind
from notifications.rendering import message_render
from notifications.services import attachment, notification_queue
from trainings.calendar import (
    registration_cancellation,
    registration_invite,
    registration_sequence,
)
from trainings.models import TrainingCompletion

INVITE_MIMETYPE = "text/calendar; method=REQUEST"
CANCEL_MIMETYPE = "text/calendar; method=CANCEL"


def _context(completion: TrainingCompletion, *, promoted: bool = False) -> dict[str, object]:
    return {"person": completion.person, "session": completion.session, "promoted": promoted}


def registration_mail_queue(*, completion: TrainingCompletion, promoted: bool = False) -> bool:
    """Queue the invitation for `completion`'s new place (`promoted`: it came from the
    waiting list). True when a message was written."""
    email = completion.person.email
    if not email:
        return False
    sequence = registration_sequence(completion)
    return notification_queue(
        key=f"registration:{completion.pk}:{sequence}",
        to=email,
        message=message_render(
            template="trainings/email/registration",
            context=_context(completion, promoted=promoted),
        ),
        kind=NotificationKind.REGISTRATION,
        department_id=completion.person.department_id,
        attachments=[
            attachment(
                filename="workshop.ics",
                mimetype=INVITE_MIMETYPE,
                content=registration_invite(completion, sequence=sequence),
            )
        ],
    )


def cancellation_mail_queue(*, completion: TrainingCompletion) -> bool:
    """Queue the cancellation of `completion`'s invitation. True when one was written."""
    email = completion.person.email
    if not email:
        return False
    sequence = registration_sequence(completion)
    return notification_queue(
        key=f"registration-cancelled:{completion.pk}:{sequence}",
        to=email,
        message=message_render(
            template="trainings/email/registration_cancelled", context=_context(completion)
        ),
        kind=NotificationKind.REGISTRATION_CANCELLED,
        department_id=completion.person.department_id,
        attachments=[
            attachment(
                filename="workshop-geannuleerd.ics",
                mimetype=CANCEL_MIMETYPE,
                content=registration_cancellation(completion, sequence=sequence),
            )
        ],
    )
