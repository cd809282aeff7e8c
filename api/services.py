"""Registering and revoking API clients; the admin and the tests call these."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils.text import slugify
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_application_model

from api.models import ApiClient, ClientKind
from departments.access import GROUP_NAMES, Role, ensure_groups
from departments.models import Department
from trainings.models import Supplier

# The role a client's service user gets, so that `visible_to(user)` scopes it as the pages
# scope a person with that role. A supplier is no role of the pages: its endpoints scope
# by ApiClient.supplier.
KIND_ROLES: dict[str, Role | None] = {
    ClientKind.SUPPLIER: None,
    ClientKind.DEPARTMENT: Role.OP_STAFF,
    ClientKind.BUREAU: Role.PROGRAMME_BUREAU,
}


def _service_user(name: str, kind: str, department: Department | None) -> User:
    user_model = get_user_model()
    user = user_model(username=f"api-{slugify(name)}"[:150], is_active=True)
    user.set_unusable_password()
    user.save()
    role = KIND_ROLES[kind]
    if role is not None:
        ensure_groups()
        user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    if department is not None:
        department.staff.add(user)
    return user


@transaction.atomic
def api_client_register(
    *,
    name: str,
    kind: str,
    supplier: Supplier | None = None,
    department: Department | None = None,
) -> tuple[ApiClient, str]:
    """A new client and its plain client secret, which is shown once and stored hashed."""
    user = _service_user(name, kind, department)
    secret = generate_client_secret()
    application = get_application_model().objects.create(
        name=name,
        user=user,
        client_type=get_application_model().CLIENT_CONFIDENTIAL,
        authorization_grant_type=get_application_model().GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=True,
    )
    client = ApiClient.objects.create(
        name=name,
        kind=kind,
        supplier=supplier,
        department=department,
        user=user,
        application=application,
    )
    return client, secret


@transaction.atomic
def api_client_revoke(*, client: ApiClient) -> ApiClient:
    """The client can no longer get or use a token; its history stays."""
    client.active = False
    client.save(update_fields=["active"])
    user = client.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    api_tokens_revoke(client=client)
    return client


def api_tokens_revoke(*, client: ApiClient) -> int:
    """Delete the client's access tokens: the next request with one answers 401."""
    deleted, _per_model = (
        get_access_token_model().objects.filter(application_id=client.application_id).delete()
    )
    return deleted
