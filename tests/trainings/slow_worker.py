"""A Celery worker whose attendance imports pause after every chunk of rows.

Started by test_worker_killed.py as a subprocess, so the test can kill it while a file is
half applied. Arguments after the module name go to `celery worker`.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_monitor.settings_test")
django.setup()

from training_monitor.celery import app  # noqa: E402
from trainings import services  # noqa: E402

_original_chunk = services._Importer._chunk
PAUSE = float(os.environ.get("SLOW_CHUNK_SECONDS", "2"))


def _slow_chunk(self: Any, chunk: Any) -> None:
    _original_chunk(self, chunk)
    time.sleep(PAUSE)


if __name__ == "__main__":
    services._Importer._chunk = _slow_chunk  # type: ignore[method-assign]
    app.worker_main(["worker", *sys.argv[1:]])
