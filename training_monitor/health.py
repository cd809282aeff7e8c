"""Health endpoints, each answering one question.

- /health/live: does the process answer? Nothing else is asked, so a slow database or a
  dead worker never gets web restarted. The web container's healthcheck uses it.
- /health/ready: can this process serve pages? The database answers and the login page
  and the error page render (a missing static manifest fails every page, not the probe).
- /health/: the full picture per component (database, pages, Redis, a Celery worker on
  each queue), with a reason a person can act on. It tells an outsider which services run,
  so it answers only with HEALTH_CHECK_TOKEN in the `Authorization: Bearer` header; a
  token in the URL would land in access logs and browser history. Without the right token
  (or with none configured) the page does not exist (404).

live and ready do not depend on Redis or the workers: web serves pages without them.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

import redis
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from training_monitor.celery import app as celery_app

logger = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis://", "rediss://")
WORKER_TIMEOUT_SECONDS = 1


class Unhealthy(Exception):
    """A component is not healthy; the message says why, for a person."""


def _token_ok(request: HttpRequest) -> bool:
    expected = settings.HEALTH_CHECK_TOKEN
    header = request.headers.get("Authorization", "")
    given = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
    return bool(expected) and secrets.compare_digest(given.encode(), expected.encode())


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        # The message may hold the host or user name; the class is enough to start from.
        raise Unhealthy(f"the database did not answer ({type(error).__name__})") from error
    return "ok"


def check_pages() -> str:
    """Render the login page and the error page as a visitor gets them."""
    for template, context in (
        ("registration/login.html", {"form": AuthenticationForm()}),
        ("500.html", {}),
    ):
        try:
            render_to_string(template, context)
        except Exception as error:
            raise Unhealthy(
                f"the page {template} does not render ({type(error).__name__}); "
                "were the static files collected with the storage the app uses?"
            ) from error
    return "ok"


def check_redis() -> str:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(REDIS_SCHEMES):
        return "not configured"
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except Exception as error:
        raise Unhealthy(f"Redis did not answer within 2 s ({type(error).__name__})") from error
    return "ok"


def check_workers() -> str:
    # Without a broker, tasks run in the web process (the demo): no worker is needed.
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not needed: tasks run in-process"
    replies = celery_app.control.inspect(timeout=WORKER_TIMEOUT_SECONDS).active_queues() or {}
    workers_per_queue = dict.fromkeys(settings.HEALTH_CHECK_QUEUES, 0)
    for queues in replies.values():
        for queue in queues or []:
            if queue.get("name") in workers_per_queue:
                workers_per_queue[queue["name"]] += 1
    missing = [queue for queue, count in workers_per_queue.items() if not count]
    if missing:
        raise Unhealthy(
            f"no Celery worker answered within {WORKER_TIMEOUT_SECONDS} s "
            f"on queue {', '.join(missing)}"
        )
    return "ok: " + ", ".join(
        f"{count} worker(s) on queue {queue}" for queue, count in workers_per_queue.items()
    )


def _run(checks: dict[str, Callable[[], str]]) -> tuple[bool, dict[str, str]]:
    results: dict[str, str] = {}
    for name, check in checks.items():
        if name == "workers" and results.get("redis", "").startswith("failed"):
            # Asking workers through an unreachable broker only waits for its timeouts.
            results[name] = "failed: not asked, Redis (the broker) is unreachable"
            continue
        try:
            results[name] = check()
        except Unhealthy as error:
            logger.warning("health check %s failed: %s", name, error, exc_info=error.__cause__)
            results[name] = f"failed: {error}"
        except Exception as error:  # A check that broke is a failure too, never a 500.
            logger.exception("health check %s broke", name)
            results[name] = f"failed: the check itself broke ({type(error).__name__})"
    healthy = not any(result.startswith("failed") for result in results.values())
    return healthy, results


@never_cache
@require_safe
def live(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    healthy, results = _run({"database": check_database, "pages": check_pages})
    # Reasons stay in the log: this answer needs no token.
    summary = {name: result.partition(":")[0] for name, result in results.items()}
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": summary},
        status=200 if healthy else 503,
    )


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    if not _token_ok(request):
        raise Http404
    healthy, results = _run(
        {
            "database": check_database,
            "pages": check_pages,
            "redis": check_redis,
            "workers": check_workers,
        }
    )
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": results},
        status=200 if healthy else 503,
    )
