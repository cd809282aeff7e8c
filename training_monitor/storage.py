"""Where uploaded files live (settings.STORAGES["default"]), chosen by MEDIA_STORAGE.

- filesystem: under MEDIA_ROOT, one machine's disk (compose: the `media` volume). Every
  process that reads uploads (web, the imports worker, retention) must see the same
  directory, so more than one machine needs a shared filesystem.
- s3: a bucket of S3-compatible object storage (django-storages), which processes on any
  machine reach.

Uploads are attendance lists: names and e-mail addresses. Objects are therefore private
(no ACL is sent, so the bucket's own, private, applies), links to them are only ever
signed and short-lived, and an upload never replaces another upload's object. Code reads
uploads through the storage (`batch.file.open()`), never by a local path.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

# A signed link (the admin shows one for an import's file) works this many seconds.
SIGNED_URL_SECONDS = 300


def media_storage(
    *,
    kind: str,
    bucket: str = "",
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    prefix: str = "",
) -> dict[str, Any]:
    """The STORAGES entry for MEDIA_STORAGE=`kind` and the S3_* settings."""
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {kind!r}")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Unset: AWS itself. Keys unset: boto3's own chain (an instance role).
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": prefix.strip("/"),
            # Other S3-compatible servers (MinIO, Ceph) are addressed by path:
            # http://host/bucket/name, not http://bucket.host/name.
            "addressing_style": "path" if endpoint_url else None,
            # Signature version 4: what AWS and other S3-compatible servers accept today.
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": SIGNED_URL_SECONDS,
            "file_overwrite": False,
        },
    }
