"""The API's clients and the responses kept for Idempotency-Key retries.

A client is one outside system: a supplier's, a ministry's HR system or the programme
bureau's. It signs in with OAuth 2.0 client credentials (django-oauth-toolkit's
Application) and acts as its own service user, so the history names it for every write
and the department clients see exactly what the pages show that user.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings
from simple_history.models import HistoricalRecords

from departments.models import Department
from trainings.models import Supplier


class ClientKind(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    DEPARTMENT = "department", _("Ministry")
    BUREAU = "bureau", _("Programme bureau")


class ApiClient(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ClientKind.choices)
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        verbose_name=_("supplier"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        verbose_name=_("ministry"),
    )
    # The actor of every write; never signs in (unusable password).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("service user"),
    )
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("OAuth application"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        constraints = [
            # A supplier client belongs to one supplier, a department client to one
            # ministry, the bureau's to neither.
            models.CheckConstraint(
                condition=(
                    Q(kind=ClientKind.SUPPLIER, supplier__isnull=False, department__isnull=True)
                    | Q(
                        kind=ClientKind.DEPARTMENT,
                        department__isnull=False,
                        supplier__isnull=True,
                    )
                    | Q(kind=ClientKind.BUREAU, supplier__isnull=True, department__isnull=True)
                ),
                name="api_client_kind_matches_scope",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def client_id(self) -> str:
        return str(self.application.client_id)


class IdempotentRequest(models.Model):
    """A write sent with an Idempotency-Key, and the answer it got.

    The unique constraint on (client, key) decides between two requests racing with the
    same key: one inserts the row and does the work, the other finds the row.
    """

    client = models.ForeignKey(
        ApiClient,
        on_delete=models.CASCADE,
        related_name="idempotent_requests",
        verbose_name=_("API client"),
    )
    key = models.CharField(_("key"), max_length=255)
    # SHA-256 of method, path and body: the same key with another request is refused.
    request_hash = models.CharField(_("request hash"), max_length=64)
    # Empty while the first request is still being handled.
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    body = models.JSONField(_("body"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=500, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.key}"
