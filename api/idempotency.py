"""Idempotency-Key: a retried write answers what the first one answered, and does nothing.

The IdempotentRequest row is inserted in the same transaction as the write. Two requests
with the same key race on the unique constraint (client, key): PostgreSQL makes the
second insert wait until the first transaction ends, then refuses it, and the second
request answers the stored response. Should the first fail, its row goes with it and the
retry does the work. Only successful answers are kept: an invalid request is invalid
again when retried, and is checked again.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_client
from api.models import ApiClient, IdempotentRequest
from api.problems import Problem

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def request_hash(request: Request) -> str:
    """The method, path and body (as parsed JSON, keys sorted): a retry sent with other
    whitespace or key order is still the same request."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    text = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(text.encode()).hexdigest()


def _key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Problem(
            status=400,
            slug="invalid-idempotency-key",
            detail=_("The Idempotency-Key must be 1 to 255 printable characters."),
        )
    return key


def _replay(stored: IdempotentRequest) -> Response:
    response = Response(stored.body, status=stored.status)
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _earlier(client: ApiClient, key: str, digest: str) -> Response:
    stored = IdempotentRequest.objects.filter(client=client, key=key).first()
    if stored is None or stored.status is None:
        raise Problem(
            status=409,
            slug="idempotency-key-in-use",
            detail=_("A request with this Idempotency-Key is being handled. Try again."),
        )
    if stored.request_hash != digest:
        raise Problem(
            status=422,
            slug="idempotency-key-reused",
            detail=_("This Idempotency-Key was already used for another request."),
        )
    return _replay(stored)


def idempotent(request: Request, write: Callable[[], Response]) -> Response:
    """Run `write` once per Idempotency-Key (when the request has one)."""
    key = _key(request)
    if key is None:
        return write()
    client = request_client(request)
    digest = request_hash(request)
    expired = timezone.now() - datetime.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    IdempotentRequest.objects.filter(client=client, key=key, created__lt=expired).delete()
    try:
        with transaction.atomic():
            stored = IdempotentRequest.objects.create(client=client, key=key, request_hash=digest)
            response = write()
            stored.status = response.status_code
            # As the client got it (dates as text), to be answered again unchanged.
            stored.body = json.loads(JSONRenderer().render(response.data))
            stored.location = response.headers.get("Location", "")
            stored.save(update_fields=["status", "body", "location"])
    except IntegrityError:
        if not IdempotentRequest.objects.filter(client=client, key=key).exists():
            raise  # the write's own error, not the key's
        return _earlier(client, key, digest)
    return response
