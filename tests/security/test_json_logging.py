"""LOG_FORMAT=json writes one JSON object a line."""

from __future__ import annotations

import json
import logging
import sys

from django.test import RequestFactory

from tests.security.helpers import run_python
from training_monitor.logging import JsonFormatter


def record(message: str = "Import %s done", *args: object, **extra: object) -> logging.LogRecord:
    entry = logging.LogRecord("imports.reading", logging.INFO, __file__, 1, message, args, None)
    entry.__dict__.update(extra)
    return entry


def test_a_record_becomes_timestamp_level_logger_and_message() -> None:
    line = JsonFormatter().format(record("Import %s done", 12))
    entry = json.loads(line)
    assert entry.keys() == {"timestamp", "level", "logger", "message"}
    assert entry["level"] == "INFO"
    assert entry["logger"] == "imports.reading"
    assert entry["message"] == "Import 12 done"
    assert entry["timestamp"].endswith("+00:00")
    assert "\n" not in line


def test_the_request_id_comes_from_extra_or_the_requests_header() -> None:
    explicit = json.loads(JsonFormatter().format(record(request_id="abc-123")))
    assert explicit["request_id"] == "abc-123"
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="proxy-42")
    from_header = json.loads(JsonFormatter().format(record(request=request)))
    assert from_header["request_id"] == "proxy-42"


def test_an_exception_is_kept_in_one_line() -> None:
    try:
        raise ValueError("bad row")
    except ValueError:
        entry = record()
        entry.exc_info = sys.exc_info()
    line = JsonFormatter().format(entry)
    assert "\n" not in line
    assert "ValueError: bad row" in json.loads(line)["exception"]


def test_the_setting_switches_the_console_to_json() -> None:
    code = (
        "from django.conf import settings\n"
        "print(settings.LOGGING['handlers']['console']['formatter'])"
    )
    assert run_python(code, DEBUG="true", LOG_FORMAT="json").stdout.strip() == "json"
    assert run_python(code, DEBUG="true").stdout.strip() == "plain"
    emitted = run_python(
        "import logging\nlogging.getLogger('x').warning('hello')", DEBUG="true", LOG_FORMAT="json"
    )
    assert json.loads(emitted.stderr.strip().splitlines()[-1])["message"] == "hello"
