"""gunicorn's access log without query strings (production: see the Dockerfile's CMD).

Pages that search people carry what was searched in the query string: a name, an
employee number or an e-mail address (/people/?q=, /committees/?q=, the member search
of a committee, the review queue's person search). gunicorn's default access log writes
the full request line and the Referer, so those would end up in the log collector, kept
longer and seen by more people than the data itself.

The query string is dropped for every path, not only for today's search pages: a deny
list of search pages leaks as soon as someone adds a new one and forgets the list, and
no page needs its query string in the access log to diagnose a problem (Django logs
errors with the path only). A removed query shows as "?[removed]", so the log still
tells that there was one.

A member's own registration link carries its signed token in the path
(`/aanmelden/<token>/`, committees/registration_links.py): whoever holds it may register
that member, so the token is removed too ("/aanmelden/[removed]/").

Both of gunicorn's logs (access and error) use the project's formatter, as Django and
Celery do (training_monitor/logging.py, LOG_FORMAT): each line starts with its time in
UTC with an offset, and LOG_FORMAT=json makes them JSON too.
"""

from __future__ import annotations

import re
import time
from typing import Any

from gunicorn.glogging import Logger

from training_monitor.logging import formatter, utc_timestamp

REMOVED = "?[removed]"
# Atoms (see gunicorn's access_log_format) that may contain a query string.
_URI_ATOMS = ("f", "{referer}i", "{raw_uri}e", "{request_uri}e", "{http_referer}e")
_QUERY_ATOMS = ("q", "{query_string}e")
_PATH_ATOMS = ("U", "{path_info}e")
# Paths that carry a secret of their own: the member's registration link.
_TOKEN_PATH = re.compile(r"(/aanmelden/)[^/?#]+")


def without_query(uri: str) -> str:
    """`uri` (a path, or a full URL as in a Referer) without its query string and fragment."""
    head, question, _query = uri.partition("?")
    return without_token(head.partition("#")[0]) + (REMOVED if question else "")


def without_token(path: str) -> str:
    """`path` without the signed token of a registration link."""
    return _TOKEN_PATH.sub(r"\1[removed]", path)


class QuerylessAccessLogger(Logger):
    """gunicorn's logger, with the query string removed from every access-log atom, and
    the project's log format."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(formatter())

    def now(self) -> str:
        """The %(t)s atom, for an access_log_format that has it: the same time format."""
        return f"[{utc_timestamp(time.time())}]"

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        method = environ.get("REQUEST_METHOD", "-")
        raw_uri = environ.get("RAW_URI") or environ.get("PATH_INFO") or "-"
        protocol = environ.get("SERVER_PROTOCOL", "-")
        atoms["r"] = f"{method} {without_query(raw_uri)} {protocol}"
        for key in _URI_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = without_query(atoms[key])
        for key in _QUERY_ATOMS:
            if atoms.get(key):
                atoms[key] = REMOVED.lstrip("?")
        for key in _PATH_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = without_token(atoms[key])
        return atoms
