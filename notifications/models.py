"""The outbox: every e-mail the application sends is a row here first.

A decision to send (a reminder, an escalation, a digest) writes its row in the same
transaction as everything else it decides, under a unique key per recipient, stage and
subject ("member-reminder:<membership>:<stage>"), so deciding twice writes one row. A
sender (notifications/services.py) then moves rows from pending to sent, one at a time.
The Message-ID comes from the key: a message sent again after a crash between the SMTP
server's acceptance and the row being marked sent carries the same Message-ID.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Department


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationKind(models.TextChoices):
    MEMBER_REMINDER = "member_reminder", _("Reminder to a committee member")
    ESCALATION = "escalation", _("Escalation to the O&P director")
    WEEKLY_DIGEST = "weekly_digest", _("Weekly overview for O&P staff")
    QUARTERLY = "quarterly", _("Quarterly reports compiled")
    REGISTRATION = "registration", _("Registration for a session (with invitation)")
    REGISTRATION_CANCELLED = "registration_cancel", _("Registration cancelled")
    RELIED_CANCELLATION = "relied_cancellation", _("Cancellation a committee relied on")
    # The row holds no link: the sender makes it (notifications/reset_links.py).
    PASSWORD_RESET = "password_reset", _("Link to choose a new password")
    OTHER = "other", _("Other")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def due(self, now: object = None) -> Self:
        """Rows to send now: waiting, or failed and past their back-off."""
        moment = now or timezone.now()
        return self.filter(
            status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED],
            next_attempt_at__lte=moment,
        )


class Notification(models.Model):
    key = models.CharField(_("key"), max_length=300, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=NotificationKind.choices, default=NotificationKind.OTHER
    )
    recipient_email = models.EmailField(_("recipient"))
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient user"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    # The Content-Language header: the languages of the text, first the main one.
    language = models.CharField(_("language"), max_length=20, default="nl, en")
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # [{"filename": ..., "mimetype": ..., "content_base64": ...}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # None: not tried again by itself (sent, or out of attempts).
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True, default=timezone.now
    )
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notification_due",
                condition=Q(status__in=["pending", "failed"]),
            ),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_email}"


class NotificationPreference(models.Model):
    """What one user wants to receive; a user without a row gets everything."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    weekly_digest = models.BooleanField(
        _("weekly overview"),
        default=True,
        help_text=_("The weekly e-mail with the action list of the user's departments."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
