"""Test settings: the real settings with only slow or outward-facing parts swapped."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from .settings import *  # noqa: F403
from .settings import STORAGES as _PRODUCTION_STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In memory, unless a test's worker process is pointed at the test's SMTP server
# (tests/smtp.py) with EMAIL_URL.
if "EMAIL_URL" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test client and live server speak plain HTTP; production redirects to HTTPS.
SECURE_SSL_REDIRECT = False
# Uploads stay in memory, except for tests whose worker process must read them too: those
# give it MEDIA_STORAGE (the settings' own storage, e.g. S3) or TEST_FILE_STORAGE=filesystem.
if "MEDIA_STORAGE" in os.environ:
    _MEDIA = _PRODUCTION_STORAGES["default"]
elif os.environ.get("TEST_FILE_STORAGE") == "filesystem":
    _MEDIA = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    _MEDIA = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
STORAGES = {
    "default": _MEDIA,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The API's rate limit counts in Redis, as in production, when the tests have one.
if os.environ.get("TEST_REDIS_URL"):
    CACHES = {
        **CACHES,  # noqa: F405
        "api": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["TEST_REDIS_URL"],
            "KEY_PREFIX": "tm-test-api",
        },
    }
