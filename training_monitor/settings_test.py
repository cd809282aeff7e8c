"""Test settings: the real settings with only slow or outward-facing parts swapped."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test client and live server speak plain HTTP; production redirects to HTTPS.
SECURE_SSL_REDIRECT = False
# Uploads stay in memory, except for tests whose worker process must read them too.
_FILE_STORAGE = (
    "django.core.files.storage.FileSystemStorage"
    if os.environ.get("TEST_FILE_STORAGE") == "filesystem"
    else "django.core.files.storage.InMemoryStorage"
)
STORAGES = {
    "default": {"BACKEND": _FILE_STORAGE},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
