"""Which kind of client may call an endpoint; the scoping within a kind is the views'."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from api.models import ClientKind


class _KindPermission(BasePermission):
    kind: str = ""

    def has_permission(self, request: Request, view: Any) -> bool:
        client = getattr(request, "api_client", None)
        return client is not None and client.kind == self.kind


class IsSupplierClient(_KindPermission):
    kind = ClientKind.SUPPLIER


class IsDepartmentClient(_KindPermission):
    kind = ClientKind.DEPARTMENT


class IsBureauClient(_KindPermission):
    kind = ClientKind.BUREAU
