from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_monitor.settings")

application = get_wsgi_application()

# Only the web process runs its queries under the statement timeout (not workers, commands).
from training_monitor.db_timeout import limit_web_connections  # noqa: E402

limit_web_connections()
