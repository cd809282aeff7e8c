"""Log formats: every log (Django, Celery worker and beat, gunicorn) in one time zone.

Times are UTC with the offset written out, to the millisecond: 2026-12-02T17:55:01.123+00:00.
Django sets the process's time zone to TIME_ZONE (Europe/Amsterdam) and logging's default
`asctime` uses it without an offset, while gunicorn wrote UTC with one: lines from web and
a worker could not be put in order. The app itself keeps TIME_ZONE; only logs are UTC.

LOG_FORMAT=plain: "<time> <LEVEL> <logger> <message>", the further lines of a message (a
traceback) indented, so that every line either starts with a time or continues the record
above it. LOG_FORMAT=json: one JSON object a line, which log collectors read without
parsing rules. `formatter()` gives the one that LOG_FORMAT names, for the processes that
configure logging without Django (gunicorn).
"""

from __future__ import annotations

import datetime
import json
import logging
import logging.config
import os
from typing import Any

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# Starts the further lines of a plain record.
CONTINUATION = "    "


def configure(config: dict[str, Any]) -> None:
    """settings.LOGGING_CONFIG: Django's dictConfig, plus Python's warnings as log records.

    A warning (Celery's, a library's deprecation) would otherwise go to stderr as bare
    lines without a time.
    """
    logging.config.dictConfig(config)
    logging.captureWarnings(True)


def utc_timestamp(created: float) -> str:
    """A record's time (seconds since the epoch) as ISO 8601 in UTC with its offset."""
    moment = datetime.datetime.fromtimestamp(created, tz=datetime.UTC)
    return moment.isoformat(timespec="milliseconds")


class UtcFormatter(logging.Formatter):
    """logging.Formatter with `asctime` in UTC with an offset, whatever the process's TZ."""

    def __init__(self, fmt: str = PLAIN_FORMAT, **kwargs: Any) -> None:
        super().__init__(fmt, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_timestamp(record.created)

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).rstrip().replace("\n", "\n" + CONTINUATION)


class JsonFormatter(logging.Formatter):
    """timestamp, level, logger, message, and the request id when there is one.

    The request id is taken from `extra={"request_id": ...}`, or else from the
    X-Request-ID header (set by the proxy) of the request Django attaches to its own
    request log records.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": utc_timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _request_id(record)
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter(log_format: str | None = None) -> logging.Formatter:
    """The formatter LOG_FORMAT names (plain unless it says json)."""
    chosen = log_format if log_format is not None else os.environ.get("LOG_FORMAT", "plain")
    return JsonFormatter() if chosen == "json" else UtcFormatter()


def _request_id(record: logging.LogRecord) -> str | None:
    explicit = getattr(record, "request_id", None)
    if explicit:
        return str(explicit)
    request = getattr(record, "request", None)
    headers = getattr(request, "headers", None)
    if headers is None:
        return None
    value = headers.get("X-Request-ID")
    return str(value) if value else None
