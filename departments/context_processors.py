from __future__ import annotations

from django.http import HttpRequest

from departments.access import Role, user_roles


def access(request: HttpRequest) -> dict[str, object]:
    """The user's roles, for menus; the views enforce access themselves."""
    roles = user_roles(request.user)
    return {
        "is_op_staff": Role.OP_STAFF in roles,
        "is_programme_bureau": Role.PROGRAMME_BUREAU in roles,
        "is_administrator": Role.ADMINISTRATOR in roles,
    }
