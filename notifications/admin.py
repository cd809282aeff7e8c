from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Notification, NotificationPreference
from notifications.services import notifications_retry
from training_monitor.admin_display import rows_table


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    """The outbox, read only: what was sent, what waits and what failed (and why)."""

    list_display = [
        "created_at",
        "kind",
        "recipient_email",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "kind", "department"]
    list_select_related = ["department"]
    search_fields = ["recipient_email", "subject", "key"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    # Shown as a table (attachments_shown), not as its stored JSON.
    exclude = ["attachments"]
    readonly_fields = [
        "key",
        "kind",
        "recipient_email",
        "recipient_user",
        "department",
        "language",
        "subject",
        "body_text",
        "body_html",
        "attachments_shown",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "message_id",
        "created_at",
        "sent_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("attachments"))
    def attachments_shown(self, obj: Notification) -> Any:
        # Name and type of each attachment, not its stored JSON (with the content).
        return rows_table(
            caption=_("attachments"),
            headers=[_("file name"), _("file type")],
            rows=[(item.get("filename"), item.get("mimetype")) for item in obj.attachments],
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Retry the selected failed messages now"), permissions=["view"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notifications_retry(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be sent again.",
                "%(count)d messages will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin[NotificationPreference]):
    list_display = ["user", "weekly_digest"]
    list_filter = ["weekly_digest"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
