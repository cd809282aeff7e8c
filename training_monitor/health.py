"""/health/: is the database, the broker and a Celery worker reachable? For monitoring.

Protected by HEALTH_CHECK_TOKEN: the answer tells an outsider which services run, so
without the right token (or with none configured) the page does not exist (404).
"""

from __future__ import annotations

import secrets

import redis
from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from training_monitor.celery import app as celery_app

REDIS_SCHEMES = ("redis://", "rediss://")


def _token_ok(request: HttpRequest) -> bool:
    expected = settings.HEALTH_CHECK_TOKEN
    header = request.headers.get("Authorization", "")
    given = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
    given = given or request.GET.get("token", "")
    return bool(expected) and secrets.compare_digest(given.encode(), expected.encode())


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_redis() -> str:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(REDIS_SCHEMES):
        return "not configured"
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    client.ping()
    return "ok"


def check_workers() -> str:
    # Without a broker, tasks run in the web process (the demo): no worker is needed.
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not needed: tasks run in-process"
    replies = celery_app.control.ping(timeout=1)
    if not replies:
        raise RuntimeError("no workers")
    return f"ok: {len(replies)} worker(s)"


CHECKS = {"database": check_database, "redis": check_redis, "workers": check_workers}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    if not _token_ok(request):
        raise Http404
    checks: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "workers" and checks["redis"].startswith("failed"):
            # Asking workers through an unreachable broker only waits for its timeouts.
            checks[name] = "failed: broker unreachable"
            continue
        try:
            checks[name] = check()
        except Exception as error:  # Any failure makes the answer unhealthy.
            checks[name] = f"failed: {type(error).__name__}"
    healthy = not any(result.startswith("failed") for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
    )
