"""A Celery worker whose long jobs pause at every step, so a test can catch them midway.

Started by the worker tests as a subprocess (tests/workers.py start_worker with
module="tests.slow_worker"); arguments after the module name go to `celery worker`.
An attendance import pauses SLOW_CHUNK_SECONDS after each chunk it commits; a report
compile pauses as long before each report, and appends the kind of each report it
compiled to the file STEP_LOG, so a test can tell which steps were done, and how often.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_monitor.settings_test")
django.setup()

from imports import services  # noqa: E402
from reports import services as report_services  # noqa: E402
from training_monitor.celery import app  # noqa: E402

PAUSE = float(os.environ.get("SLOW_CHUNK_SECONDS", "2"))
_original_chunk = services._Importer._chunk
_original_compile = report_services.report_compile


def _slow_chunk(self: Any, chunk: Any) -> bool:
    went_on = _original_chunk(self, chunk)
    if went_on and self.write:  # the dry run that may come first is not slowed down
        time.sleep(PAUSE)
    return went_on


def _slow_compile(**kwargs: Any) -> Any:
    time.sleep(PAUSE)
    result = _original_compile(**kwargs)
    with open(os.environ["STEP_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{kwargs['kind']}\n")
    return result


if __name__ == "__main__":
    services._Importer._chunk = _slow_chunk  # type: ignore[method-assign]
    report_services.report_compile = _slow_compile
    app.worker_main(["worker", *sys.argv[1:]])
