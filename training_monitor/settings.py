"""Settings for Training Monitor, driven by environment variables.

One module for every environment: production, the demo and CI differ only in what the
environment says (see README, "Configuration").
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import django_stubs_ext
import environ
from django.utils.translation import gettext_lazy as _

from training_monitor.storage import media_storage

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

# Every variable may instead be given as a file: <NAME>_FILE=/run/secrets/<name> is read
# in place of <NAME>. Compose passes the secrets that way (docker-compose.yml `secrets:`).
env = environ.FileAwareEnv()
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    env.read_env(str(_dotenv))


def secret(name: str, default: str | None = None) -> str:
    """A secret from <NAME> or the file <NAME>_FILE names, without the line end a file
    written by `echo` has."""
    value = env.str(name) if default is None else env.str(name, default=default)
    return str(value).strip()


DEBUG: bool = env.bool("DEBUG", default=False)
# No default outside DEBUG: a deployment that forgets SECRET_KEY must not start.
SECRET_KEY: str = (
    secret("SECRET_KEY", default="django-insecure-local-development-only")
    if DEBUG
    else secret("SECRET_KEY")
)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin with a site for administrators only.
    "training_monitor.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Django's widget templates, for FORM_RENDERER below.
    "django.forms",
    "django_filters",
    "django_htmx",
    "import_export",
    "simple_history",
    "axes",
    # Celery beat's schedule, in the database and the admin (training_monitor/beat.py).
    "django_celery_beat",
    # The REST API (api/): DRF, its OpenAPI schema, OAuth 2.0 client credentials.
    "rest_framework",
    "drf_spectacular",
    "oauth2_provider",
    "departments",
    "committees",
    "trainings",
    "imports",
    "reports",
    "privacy",
    "worklists",
    # The outbox: every e-mail the app sends is a row first (notifications/).
    "notifications",
    # `seed_demo` and its data; installed everywhere, so the command is always there.
    "demo",
    # After oauth2_provider, whose admin pages it replaces with its own.
    "api",
]

MIDDLEWARE = [
    # First, so that every answer under /api/ (a 404 of no view included) carries
    # API-Version and is problem+json when it is an error.
    "api.middleware.ApiResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "training_monitor.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the CSRF check reads (and stores) an oversized admin upload.
    "training_monitor.admin_site.AdminUploadLimitMiddleware",
    "training_monitor.security.SessionLifetimeMiddleware",
    "training_monitor.security.AccessDeniedLoggingMiddleware",
    # A query cancelled by the web statement_timeout becomes a 503 page, not a 500.
    "training_monitor.db_timeout.StatementTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "training_monitor.urls"
WSGI_APPLICATION = "training_monitor.wsgi.application"
ASGI_APPLICATION = "training_monitor.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "departments.context_processors.access",
            ],
            # base.html's error summary, "Error:" title and focus (training_monitor/page_errors.py).
            # The options of every select in Python (templates/django/forms/widgets/select.html).
            "libraries": {
                "page_errors": "training_monitor.page_errors",
                "widget_options": "training_monitor.widget_options",
            },
        },
    },
]

# Widgets render through TEMPLATES, so templates/ can override a widget's template (the
# admin's date and time fields get labels: templates/admin/widgets/split_datetime.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# DATABASE_URL unset: the embedded SQLite file, so `make demo` needs no server.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# The password may come on its own (DATABASE_PASSWORD, or DATABASE_PASSWORD_FILE: the
# compose secret the db service reads too), so that DATABASE_URL holds no secret.
_database_password = secret("DATABASE_PASSWORD", default="")
if _database_password:
    DATABASES["default"]["PASSWORD"] = _database_password
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Web requests only (see training_monitor/db_timeout.py): seconds a single query of a page
# may run on PostgreSQL before the database cancels it; 0 turns the limit off. Workers and
# management commands are not limited.
DB_STATEMENT_TIMEOUT: float = env.float("DB_STATEMENT_TIMEOUT", default=15)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # The API's per-client rate limit counts here: Redis in production, so that every web
    # process counts the same requests.
    "api": env.cache("API_CACHE_URL", default="locmemcache://api"),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (attendance imports) on a filesystem path or in S3-compatible object
# storage: training_monitor/storage.py. List downloads and report files are kept in the
# database.
MEDIA_STORAGE: str = env.str("MEDIA_STORAGE", default="filesystem")
STORAGES = {
    "default": media_storage(
        kind=MEDIA_STORAGE,
        bucket=env.str("S3_BUCKET", default=""),
        endpoint_url=env.str("S3_ENDPOINT_URL", default=""),
        region=env.str("S3_REGION", default=""),
        access_key=env.str("S3_ACCESS_KEY_ID", default=""),
        secret_key=secret("S3_SECRET_ACCESS_KEY", default=""),
        prefix=env.str("S3_PREFIX", default=""),
    ),
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Without collectstatic (the demo, tests) WhiteNoise serves straight from the app dirs.
WHITENOISE_USE_FINDERS: bool = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE: bool = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE: bool = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Scripts never read the CSRF cookie: base.html hands htmx the token (hx-headers).
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Production terminates TLS at a proxy that sets X-Forwarded-Proto (above); browsers that
# once saw HTTPS keep using it. One year unless DEBUG, as `check --deploy` expects.
SECURE_HSTS_SECONDS: int = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD: bool = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes inside the container network call /health/, /health/live and /health/ready over
# plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# Joining the browsers' HSTS preload list is the domain owner's decision (it covers the
# whole domain and is hard to undo), so the warning asking for it is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Sessions end after SESSION_IDLE_SECONDS without a request and, whatever the activity,
# SESSION_ABSOLUTE_SECONDS after logging in. The idle clock is renewed at most once per
# SESSION_REFRESH_SECONDS, not on every request, so that a page view writes nothing
# (training_monitor.security.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE: int = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_ABSOLUTE_SECONDS: int = env.int("SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)

# Login lockout (django-axes): per user name and address together, so one attacker cannot
# lock everybody out and one user name cannot be guessed from many addresses unnoticed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT: int = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Sign-in through the organisation's OpenID Connect provider, next to password login.
# Users it creates get no roles: they see nothing until an administrator links them.
OIDC_ENABLED: bool = env.bool("OIDC_ENABLED", default=False)
OIDC_RP_CLIENT_ID: str = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET: str = secret("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO: str = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES: str = env.str("OIDC_RP_SCOPES", default="openid email")
OIDC_OP_AUTHORIZATION_ENDPOINT: str = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT: str = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT: str = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT: str = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("departments.oidc.OIDCBackend")

# Password reset by e-mail (notifications/password_reset.py), only without OIDC (its
# provider resets passwords then). The link is made when the outbox sends the message and
# works once, for an hour: long enough to read the mail, short enough for a forwarded one.
PASSWORD_RESET_TIMEOUT = 60 * 60

# The accessibility statement at /toegankelijkheid/ (training_monitor/accessibility.py,
# README "Accessibility statement"): who publishes it, where people report a barrier, how
# many working days they wait for an answer, and the day it was last reviewed. Review it at
# least once a year and after a large change, then move the date.
ACCESSIBILITY_ORGANISATION: str = env.str(
    "ACCESSIBILITY_ORGANISATION", default="Programmabureau O&P Rijk"
)
ACCESSIBILITY_CONTACT_EMAIL: str = env.str(
    "ACCESSIBILITY_CONTACT_EMAIL", default="toegankelijkheid@training-monitor.localhost"
)
ACCESSIBILITY_RESPONSE_DAYS: int = env.int("ACCESSIBILITY_RESPONSE_DAYS", default=5)
ACCESSIBILITY_STATEMENT_DATE: date = date.fromisoformat(
    env.str("ACCESSIBILITY_STATEMENT_DATE", default="2026-12-06")
)

# List downloads (action list, committee list): longer lists are prepared by a worker,
# with a progress page, instead of in the web request. Prepared files are deleted after
# EXPORT_KEEP_HOURS.
EXPORT_BACKGROUND_ROWS: int = env.int("EXPORT_BACKGROUND_ROWS", default=5000)
EXPORT_KEEP_HOURS: int = env.int("EXPORT_KEEP_HOURS", default=24)

# /health/ answers only with this token (Authorization: Bearer); unset, it answers 404 to
# everybody. /health/live and /health/ready need no token.
HEALTH_CHECK_TOKEN: str = secret("HEALTH_CHECK_TOKEN", default="")
# The queues /health/ expects a worker on (the Celery queues below).
HEALTH_CHECK_QUEUES: list[str] = env.list(
    "HEALTH_CHECK_QUEUES", default=["imports", "reports", "notifications"]
)
# Celery beat touches this file on every tick (training_monitor/beat.py).
BEAT_HEARTBEAT_FILE: str = env.str(
    "BEAT_HEARTBEAT_FILE",
    default="/tmp/celerybeat-heartbeat",  # noqa: S108 - the container's own /tmp
)

# Celery. No broker configured means tasks run in-process (eager), which is what the
# demo on SQLite wants; production sets CELERY_BROKER_URL to Redis.
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
# Job state lives in the database (the job models), never in a result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Three queues, each with its own worker service (docker-compose.yml), so a long import
# never delays a compile or a reminder. Every task is routed here, by module or name.
# Each queue has a hard time limit (seconds) its tasks obey; the soft limit comes
# CELERY_SOFT_TIME_LIMIT_MARGIN earlier, so a task can still record why it stopped.
CELERY_QUEUE_TIME_LIMITS: dict[str, int] = {
    "imports": env.int("CELERY_IMPORTS_TIME_LIMIT", default=600),
    "reports": env.int("CELERY_REPORTS_TIME_LIMIT", default=600),
    "notifications": env.int("CELERY_NOTIFICATIONS_TIME_LIMIT", default=300),
}
CELERY_SOFT_TIME_LIMIT_MARGIN: int = env.int("CELERY_SOFT_TIME_LIMIT_MARGIN", default=30)
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = {
    # Import preview and apply.
    "imports.tasks.*": {"queue": "imports"},
    # Retention rewrites people in bulk, like an import; monthly, at night.
    "privacy.tasks.*": {"queue": "imports"},
    # Compiles, the quarterly compile, and list downloads (a user waits for those too).
    "reports.tasks.*": {"queue": "reports"},
    "worklists.tasks.prepare_list_download": {"queue": "reports"},
    # Small, short housekeeping, the daily reminders and sending the outbox.
    "worklists.tasks.forget_old_list_downloads": {"queue": "notifications"},
    "worklists.tasks.send_daily_reminders": {"queue": "notifications"},
    "notifications.tasks.*": {"queue": "notifications"},
}
CELERY_TASK_DEFAULT_QUEUE = "notifications"
# Anything unrouted gets the longest limit; the routed tasks set their queue's own.
CELERY_TASK_TIME_LIMIT = max(CELERY_QUEUE_TIME_LIMITS.values())
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - CELERY_SOFT_TIME_LIMIT_MARGIN
# A job still "running" this long after it started was stopped (its worker was killed
# or lost): shown as "stopped" with a retry button (reports/, trainings/ imports).
JOB_STOPPED_MARGIN: int = env.int("JOB_STOPPED_MARGIN", default=60)
CELERY_TIMEZONE = TIME_ZONE
# Fail fast when Redis is down: a user waits seconds for an error, not minutes.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
    "max_retries": 1,
    # A message a killed worker took but never acknowledged goes back to the queue after
    # this long (acks_late): just longer than the longest task, or it would run twice at
    # once; not hours, or a killed job waits that long.
    # Empty (compose passes it so) counts as unset.
    "visibility_timeout": int(
        env.str("CELERY_VISIBILITY_TIMEOUT", default="")
        or CELERY_TASK_TIME_LIMIT + JOB_STOPPED_MARGIN
    ),
}
# Beat's schedule is in the database (django-celery-beat), filled on `migrate` with the
# defaults of training_monitor/schedule.py and changed by administrators in the admin.
# Not CELERY_BEAT_SCHEDULE: the library would write that over their changes on every
# start. Beat saves when it last ran a job right after sending it, so a beat killed at
# that moment does not send the job again on start.
CELERY_BEAT_SYNC_EVERY = 1
# The scheduler scripts/run.sh beat runs; the admin warns when this is not a database one.
CELERY_BEAT_SCHEDULER = "training_monitor.beat.HeartbeatDatabaseScheduler"

# Compliance rules (committees/compliance.py).
# Roles whose members must have followed the workshop; externals are exempt by default.
# No committee, training or report before this date: a mistyped year (1900, 0001) is
# refused with a message instead of stretching every report back a century.
DATA_FIRST_DATE: date = date.fromisoformat(env.str("DATA_FIRST_DATE", default="2015-01-01"))
# Interview dates may be planned this many years ahead, no further.
PLANNING_YEARS_AHEAD: int = env.int("PLANNING_YEARS_AHEAD", default=5)
TRAINING_REQUIRED_ROLES: list[str] = env.list(
    "TRAINING_REQUIRED_ROLES", default=["chair", "member", "hr_adviser"]
)
# How long a workshop stays valid, in days; unset means it never expires.
TRAINING_VALIDITY_DAYS: int | None = env.int("TRAINING_VALIDITY_DAYS", default=None)

# Python's warnings become log records too (training_monitor/logging.py).
LOGGING_CONFIG = "training_monitor.logging.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # Both write times in UTC with an offset (training_monitor/logging.py); the Celery
        # worker and beat and gunicorn use the same formatters.
        "plain": {"()": "training_monitor.logging.UtcFormatter"},
        "json": {"()": "training_monitor.logging.JsonFormatter"},
    },
    "handlers": {
        # LOG_FORMAT=json: one JSON object a line, for a log collector.
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="plain"),
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Quarterly reports (reports/). A department below this share of trained memberships is
# flagged in the ICOP summary; figures about fewer people than the threshold are hidden.
REPORT_TARGET_SHARE: float = env.float("REPORT_TARGET_SHARE", default=0.8)
REPORT_SUPPRESSION_THRESHOLD: int = env.int("REPORT_SUPPRESSION_THRESHOLD", default=5)
# An evaluation mean based on fewer responses than this is not shown: a handful of
# answers says little about a supplier and could be traced to the people who gave them.
REPORT_MIN_RESPONSES: int = env.int("REPORT_MIN_RESPONSES", default=5)
# A place cancelled this many days or less before its session is a late cancellation.
LATE_CANCELLATION_DAYS: int = env.int("LATE_CANCELLATION_DAYS", default=3)
# A member's own registration link (committees/registration_links.py) works this long.
REGISTRATION_LINK_DAYS: int = env.int("REGISTRATION_LINK_DAYS", default=30)
# A compile runs on the reports queue, under its limit (CELERY_REPORTS_TIME_LIMIT).
REPORT_TASK_TIME_LIMIT: int = CELERY_QUEUE_TIME_LIMITS["reports"]

# Attendance imports: the largest file an administrator may upload, checked before parsing.
IMPORT_MAX_UPLOAD_BYTES: int = env.int("IMPORT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Uploads above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Form fields other than files; the upload limit above applies to the file itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# WeasyPrint and fontTools log every layout step at INFO; keep the worker log readable.
LOGGING["loggers"] = {
    "weasyprint": {"level": "WARNING"},
    "fontTools": {"level": "WARNING"},
}

# Privacy (AVG): people without committee or training activity for this many years are
# anonymised, or deleted when nothing refers to them (privacy/retention.py). Celery beat
# runs it monthly, by default on the first day at 03:30 (training_monitor/schedule.py).
RETENTION_YEARS: int = env.int("RETENTION_YEARS", default=7)
# Uploaded attendance files (the supplier's list of names) are deleted this many days after
# upload by the same monthly job; the import record and its counts stay. Refused,
# discarded and dry-run files are deleted at once.
IMPORT_FILE_RETENTION_DAYS: int = env.int("IMPORT_FILE_RETENTION_DAYS", default=90)

# E-mail (notifications/): one URL, as django-environ reads it: smtp://user:pw@host:25,
# smtp+tls://...:587 (STARTTLS), smtp+ssl://...:465, consolemail:// (the process's output)
# or filemail:///sent-mail (a file per connection, under the project when the path is
# relative). The demo (DEBUG) writes files to sent-mail/; production sends to an SMTP
# relay, by default one on the machine itself.
# Empty counts as unset.
EMAIL_URL: str = env.str("EMAIL_URL", default="") or (
    "filemail:///sent-mail" if DEBUG else "smtp://localhost:25"
)
_email = env.email_url_config(EMAIL_URL)
EMAIL_BACKEND: str = _email["EMAIL_BACKEND"]
EMAIL_HOST: str = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT: int = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER: str = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD: str = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS: bool = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL: bool = bool(_email.get("EMAIL_USE_SSL", False))
EMAIL_TIMEOUT: int = int(_email.get("OPTIONS", {}).get("TIMEOUT", 30))
EMAIL_FILE_PATH: str = str(BASE_DIR / (_email.get("EMAIL_FILE_PATH") or "sent-mail"))
# The sender of every message; its domain also ends each Message-ID.
DEFAULT_FROM_EMAIL: str = env.str(
    "DEFAULT_FROM_EMAIL", default="Training Monitor <noreply@training-monitor.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the links in messages point: the address users open the app at.
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Reminders (committees/reminders.py): days before the interview on which an untrained
# member is reminded (a department may set its own), and how close to the interview a
# committee that is still not compliant is reported to the ministry's O&P director.
REMINDER_DAYS: list[int] = sorted(
    {int(day) for day in env.list("REMINDER_DAYS", default=["21", "7", "2"])}, reverse=True
)
ESCALATION_DAYS: int = env.int("ESCALATION_DAYS", default=7)
# A failed send is tried again after 1, 2, 4, ... minutes, up to this many attempts in
# all; then it waits for an administrator ("Nu opnieuw proberen" in the admin).
NOTIFICATION_MAX_ATTEMPTS: int = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)

# The REST API (api/, README "API").
# Where clients' developers reach the API's administrators (openapi.json info.contact).
API_CONTACT_EMAIL: str = env.str("API_CONTACT_EMAIL", default="api@training-monitor.localhost")
# The version every answer carries in its API-Version header (semantic versioning; the
# path carries the major version).
API_VERSION = "1.0.0"
# Requests one client may make; DRF's notation ("600/min", "10/s").
API_RATE_LIMIT: str = env.str("API_RATE_LIMIT", default="600/min")
# Records one POST /api/v1/attendance may carry.
API_ATTENDANCE_MAX_RECORDS: int = env.int("API_ATTENDANCE_MAX_RECORDS", default=5000)
# Answers to an Idempotency-Key are kept this many hours; a retry later is a new request.
API_IDEMPOTENCY_HOURS: int = env.int("API_IDEMPOTENCY_HOURS", default=24)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiClientAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    # Behind one proxy (compose's Caddy): the client address is the last X-Forwarded-For.
    "NUM_PROXIES": 1,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Training Monitor API",
    "DESCRIPTION": (
        "Suppliers deliver sessions and attendance; HR systems read compliance; the "
        "programme bureau reads its quarterly figures. Errors are RFC 9457 problem details."
    ),
    "VERSION": API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    # Paths relative to the server's base path, which names the major version (ADR
    # /core/uri-version): /api/v1 + /sessions/{supplier_ref}.
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVERS": [{"url": "/api/v1", "description": "Training Monitor"}],
    # Fields named "status" with different choices: a name of their own each.
    "ENUM_NAME_OVERRIDES": {
        "CommitteeStatusEnum": "committees.models.CommitteeStatus",
        "CompletionStatusEnum": "trainings.models.CompletionStatus",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "CONTACT": {
        "name": "Beheer Training Monitor (Programmabureau O&P Rijk)",
        "email": API_CONTACT_EMAIL,
        "url": SITE_URL,
    },
    "LICENSE": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
}
# OAuth 2.0 client credentials (django-oauth-toolkit). Tokens are kept only as their
# SHA-256 checksum (RFC 9700 storage), expire after API_TOKEN_SECONDS, and die with
# their client (the admin's "revoke").
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("API_TOKEN_SECONDS", default=3600),
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    # Only client credentials are used; the redirect-based flows are closed all the same.
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "OAUTH2_VALIDATOR_CLASS": "api.oauth.ApiClientValidator",
    "SCOPES": {"api": "Training Monitor API"},
    "DEFAULT_SCOPES": ["api"],
    "PKCE_REQUIRED": True,
}
# django-oauth-toolkit's own application model; named so that api.ApiClient's link to it
# is a swappable dependency Django's migrations can resolve.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
