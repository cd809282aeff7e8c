"""Every log writes its times in UTC with the offset written out, to the millisecond.

The app's own time zone stays Europe/Amsterdam (Django also sets the process's TZ to it,
which logging's default time format used, without an offset). The smoke test
(tests/production/test_smoke.py) checks the logs of the running web, worker and beat.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from gunicorn.config import Config

from training_monitor.access_log import QuerylessAccessLogger
from training_monitor.logging import JsonFormatter, UtcFormatter, formatter

# 2026-12-02 17:55:01.123 UTC: 18:55:01 in Amsterdam.
CREATED = datetime.datetime(2026, 12, 2, 17, 55, 1, 123000, tzinfo=datetime.UTC).timestamp()
UTC_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 ")


def record(message: str = "Import %s done", *args: object) -> logging.LogRecord:
    entry = logging.LogRecord("imports.reading", logging.INFO, __file__, 1, message, args, None)
    entry.created = CREATED
    return entry


def test_the_app_keeps_amsterdam_time_while_the_process_zone_is_not_utc() -> None:
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    assert time.localtime(CREATED).tm_hour == 18  # Django set TZ: logging's default is local


def test_a_plain_line_starts_with_the_utc_time_and_its_offset() -> None:
    line = UtcFormatter().format(record("Import %s done", 12))
    assert line == "2026-12-02T17:55:01.123+00:00 INFO imports.reading Import 12 done"


def test_a_json_line_has_the_same_time() -> None:
    entry = json.loads(JsonFormatter().format(record()))
    assert entry["timestamp"] == "2026-12-02T17:55:01.123+00:00"


def test_further_lines_of_a_plain_record_are_indented_so_a_line_starts_with_a_time_or_a_space() -> (
    None
):
    try:
        raise ValueError("bad row")
    except ValueError:
        entry = record("two\nlines")
        entry.exc_info = sys.exc_info()
    first, *rest = UtcFormatter().format(entry).splitlines()
    assert UTC_WITH_OFFSET.match(first)
    assert rest
    assert all(line.startswith("    ") for line in rest)
    assert rest[-1] == "    ValueError: bad row"


def test_log_format_chooses_the_formatter() -> None:
    assert isinstance(formatter("json"), JsonFormatter)
    assert isinstance(formatter("plain"), UtcFormatter)


def test_the_settings_use_these_formatters_and_capture_warnings() -> None:
    formatters: dict[str, dict[str, str]] = settings.LOGGING["formatters"]  # type: ignore[assignment]
    assert formatters["plain"]["()"] == "training_monitor.logging.UtcFormatter"
    assert formatters["json"]["()"] == "training_monitor.logging.JsonFormatter"
    assert settings.LOGGING_CONFIG == "training_monitor.logging.configure"


def _gunicorn_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_format: str) -> str:
    monkeypatch.setenv("LOG_FORMAT", log_format)
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("errorlog", str(tmp_path / "access.log"))
    logger = QuerylessAccessLogger(config)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/", "SERVER_PROTOCOL": "HTTP/1.1"}
    response = SimpleNamespace(status="200 OK", sent=5, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(0))
    logger.info("Booting worker with pid: %s", 42)
    for log in (logger.access_log, logger.error_log):
        for handler in log.handlers:
            handler.close()
            log.removeHandler(handler)
    return (tmp_path / "access.log").read_text()


def test_gunicorns_access_and_error_lines_start_with_the_utc_time(tmp_path, monkeypatch) -> None:
    access, error = _gunicorn_lines(tmp_path, monkeypatch, "plain").splitlines()
    assert UTC_WITH_OFFSET.match(access)
    assert " gunicorn.access " in access
    # The default access format's %(t)s has the same form (scripts/run.sh leaves it out).
    assert re.search(r"\[\d{4}-\d\d-\d\dT[\d:.]+\+00:00\]", access)
    assert UTC_WITH_OFFSET.match(error)
    assert error.endswith("INFO gunicorn.error Booting worker with pid: 42")


def test_gunicorns_lines_are_json_with_log_format_json(tmp_path, monkeypatch) -> None:
    lines = _gunicorn_lines(tmp_path, monkeypatch, "json").splitlines()
    entries = [json.loads(line) for line in lines]
    assert [entry["logger"] for entry in entries] == ["gunicorn.access", "gunicorn.error"]
    assert all(entry["timestamp"].endswith("+00:00") for entry in entries)
