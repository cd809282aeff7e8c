from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from departments.access import Role, user_roles


def access(request: HttpRequest) -> dict[str, object]:
    """The user's roles, for menus; the views enforce access themselves."""
    # Error pages can render before the authentication middleware ran (a bad Host
    # header is refused first), so the request may have no user yet.
    roles = user_roles(getattr(request, "user", AnonymousUser()))
    return {
        "is_op_staff": Role.OP_STAFF in roles,
        "is_programme_bureau": Role.PROGRAMME_BUREAU in roles,
        "is_administrator": Role.ADMINISTRATOR in roles,
    }
