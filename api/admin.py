"""Administrators register API clients here, see the credentials once, and revoke them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)
from simple_history.admin import SimpleHistoryAdmin

from api.models import ApiClient, ClientKind
from api.services import api_client_register, api_client_revoke, api_tokens_revoke
from departments.admin_scoping import ScopedFieldsMixin, ScopedModelForm

# django-oauth-toolkit's own pages (applications, tokens, grants) stay out of the admin:
# a client is registered and revoked here, with its service user, in one step.
for _model in (
    get_application_model(),
    get_access_token_model(),
    get_refresh_token_model(),
    get_grant_model(),
    get_id_token_model(),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class ApiClientAddForm(ScopedModelForm):
    class Meta:
        model = ApiClient
        fields = ["name", "kind", "supplier", "department"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, supplier, department = data.get("kind"), data.get("supplier"), data.get("department")
        if kind == ClientKind.SUPPLIER and (supplier is None or department is not None):
            raise ValidationError(_("A supplier's client needs a supplier and no ministry."))
        if kind == ClientKind.DEPARTMENT and (department is None or supplier is not None):
            raise ValidationError(_("A ministry's client needs a ministry and no supplier."))
        if kind == ClientKind.BUREAU and (supplier is not None or department is not None):
            raise ValidationError(_("The programme bureau's client has no supplier or ministry."))
        return data


@admin.register(ApiClient)
class ApiClientAdmin(ScopedFieldsMixin, SimpleHistoryAdmin):
    """Only administrators reach the admin; the scoped fields are the defence in depth
    every admin form has (a ministry or supplier the user may not use is refused)."""

    list_display = ["name", "kind", "supplier", "department", "active", "client_id", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "application__client_id"]
    list_select_related = ["supplier", "department", "application"]
    readonly_fields = [
        "name",
        "kind",
        "supplier",
        "department",
        "user",
        "client_id",
        "active",
        "created_at",
        "live_tokens",
    ]
    actions = ["revoke", "revoke_tokens"]

    def get_form(
        self,
        request: HttpRequest,
        obj: ApiClient | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        if obj is None:
            kwargs["form"] = ApiClientAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiClient | None = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: ApiClient | None = None) -> Any:
        return self.readonly_fields if obj is not None else ApiClientAddForm.Meta.fields

    def has_delete_permission(self, request: HttpRequest, obj: ApiClient | None = None) -> bool:
        # Revoked, not deleted: the history keeps naming the client as the actor.
        return False

    @admin.display(description=_("client id"))
    def client_id(self, obj: ApiClient) -> str:
        return obj.client_id

    @admin.display(description=_("valid access tokens"))
    def live_tokens(self, obj: ApiClient) -> int:
        return int(
            get_access_token_model().objects.filter(application_id=obj.application_id).count()
        )

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            return  # nothing is editable; revoking is an action
        client, secret = api_client_register(
            name=obj.name, kind=obj.kind, supplier=obj.supplier, department=obj.department
        )
        obj.pk, obj.user, obj.application = client.pk, client.user, client.application
        obj.created_at = client.created_at
        request._api_client_secret = secret  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApiClient, post_url_continue: str | None = None
    ) -> HttpResponse:
        """The credentials, once: the secret is stored hashed and cannot be shown again."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "client": obj,
            "client_id": obj.client_id,
            "client_secret": getattr(request, "_api_client_secret", ""),
            "title": _("Credentials of %(name)s") % {"name": obj.name},
        }
        response = TemplateResponse(request, "admin/api/apiclient/credentials.html", context)
        response.headers["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected clients (no new tokens, tokens deleted)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        clients = list(queryset.select_related("user"))
        for client in clients:
            api_client_revoke(client=client)
        self.message_user(
            request,
            ngettext("%(count)d client revoked.", "%(count)d clients revoked.", len(clients))
            % {"count": len(clients)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Delete the access tokens of the selected clients"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        deleted = sum(api_tokens_revoke(client=client) for client in queryset)
        self.message_user(
            request,
            ngettext("%(count)d token deleted.", "%(count)d tokens deleted.", deleted)
            % {"count": deleted},
            messages.SUCCESS,
        )
