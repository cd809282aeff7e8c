"""Container healthchecks: `python -m training_monitor.probe web|beat`; exit 0 when healthy.

Kept free of Django so that a check costs milliseconds, not a settings import.

- web: GET /health/live on the port gunicorn binds (WEB_BIND), with a Host header that
  ALLOWED_HOSTS accepts (its first entry): Django answers any other Host with 400.
- beat: the heartbeat file (BEAT_HEARTBEAT_FILE) was touched within
  BEAT_HEARTBEAT_MAX_AGE seconds; beat touches it at least once a minute.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.request

DEFAULT_HEARTBEAT_FILE = "/tmp/celerybeat-heartbeat"  # noqa: S108 - the container's own /tmp


def allowed_host() -> str:
    first = os.environ.get("ALLOWED_HOSTS", "").split(",")[0].strip()
    if not first or first == "*":
        return "localhost"
    # ".example.org" allows the domain and its subdomains; the bare domain is one of them.
    return first.lstrip(".")


def check_web() -> str:
    port = os.environ.get("WEB_BIND", "0.0.0.0:8000").rpartition(":")[2]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/health/live", headers={"Host": allowed_host()}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - fixed http URL
        return f"web answered {response.status}"


def check_beat() -> str:
    path = os.environ.get("BEAT_HEARTBEAT_FILE", DEFAULT_HEARTBEAT_FILE)
    max_age = float(os.environ.get("BEAT_HEARTBEAT_MAX_AGE", "180"))
    try:
        age = time.time() - os.path.getmtime(path)
    except OSError:
        raise RuntimeError(f"beat has not ticked yet: no {path}") from None
    if age > max_age:
        raise RuntimeError(f"beat last ticked {age:.0f} s ago (allowed: {max_age:.0f} s)")
    return f"beat ticked {age:.0f} s ago"


CHECKS = {"web": check_web, "beat": check_beat}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in CHECKS:
        print("usage: python -m training_monitor.probe web|beat", file=sys.stderr)  # noqa: T201
        return 2
    try:
        print(CHECKS[argv[0]]())  # noqa: T201
    except Exception as error:  # Any failure is an unhealthy container, with its reason.
        print(f"unhealthy: {error}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
