"""The production access log (gunicorn) keeps no query strings: searches name people."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from gunicorn.config import Config

from training_monitor.access_log import QuerylessAccessLogger, without_query

SEARCHES = [
    "/people/?q=Jansen",
    "/committees/?q=jan.jansen%40example.nl&status=open",
    "/committees/12/people-search/?q=778899",
    "/imports/review/?q=Jan+Jansen",
]


def _access_line(tmp_path: Path, raw_uri: str, referer: str = "-") -> str:
    log_file = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log_file))
    # The default format plus the atoms that carry a query string on their own.
    config.set("access_log_format", config.access_log_format + ' "%(q)s" "%(U)s"')
    logger = QuerylessAccessLogger(config)
    path, _, query = raw_uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "test",
    }
    response = SimpleNamespace(status="200 OK", sent=123, headers=[])
    request = SimpleNamespace(headers=[("REFERER", referer), ("USER-AGENT", "test")])
    logger.access(response, request, environ, datetime.timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log_file.read_text()


@pytest.mark.parametrize("uri", SEARCHES)
def test_searches_leave_no_search_terms_in_the_access_log(tmp_path, uri) -> None:
    referer = f"https://tm.example.nl{uri}"
    line = _access_line(tmp_path, uri, referer=referer)
    path = uri.partition("?")[0]
    assert f'"GET {path}?[removed] HTTP/1.1" 200' in line
    assert f'"https://tm.example.nl{path}?[removed]"' in line
    for secret in ("Jansen", "jan.jansen", "778899", "status=open"):
        assert secret not in line
    assert re.search(r"10\.0\.0\.1 .* 123 ", line)  # the rest of the line is as before


def test_a_path_without_a_query_is_logged_as_it_is(tmp_path) -> None:
    line = _access_line(tmp_path, "/committees/12/")
    assert '"GET /committees/12/ HTTP/1.1" 200' in line
    assert "[removed]" not in line


def test_a_registration_links_token_is_not_logged(tmp_path) -> None:
    token = "42:1vXyZa:Zm9vYmFyYmF6"
    uri = f"/aanmelden/{token}/"
    line = _access_line(tmp_path, uri, referer=f"https://tm.example.nl{uri}?x=1")
    assert '"GET /aanmelden/[removed]/ HTTP/1.1" 200' in line
    assert '"https://tm.example.nl/aanmelden/[removed]/?[removed]"' in line
    assert token not in line
    assert "Zm9vYmFy" not in line


def test_without_query_also_drops_a_fragment() -> None:
    assert without_query("/people/?q=Jan#top") == "/people/?[removed]"
    assert without_query("/people/#top") == "/people/"


def test_the_production_image_uses_this_logger() -> None:
    # The image's CMD runs scripts/run.sh web, which starts gunicorn with this logger
    # (tests/production/test_smoke.py reads the log of that gunicorn too).
    dockerfile = (Path(settings.BASE_DIR) / "Dockerfile").read_text()
    assert 'CMD ["scripts/run.sh", "web"]' in dockerfile
    run = (Path(settings.BASE_DIR) / "scripts" / "run.sh").read_text()
    assert "--logger-class training_monitor.access_log.QuerylessAccessLogger" in run
