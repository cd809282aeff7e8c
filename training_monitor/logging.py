"""LOG_FORMAT=json: one JSON object a line, which log collectors read without parsing rules."""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any


class JsonFormatter(logging.Formatter):
    """timestamp, level, logger, message, and the request id when there is one.

    The request id is taken from `extra={"request_id": ...}`, or else from the
    X-Request-ID header (set by the proxy) of the request Django attaches to its own
    request log records.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
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
