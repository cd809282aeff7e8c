"""Checks that run before a byte of an uploaded spreadsheet is interpreted.

Everything here raises FileRejected, which the parser turns into a file-level problem.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeElementTree
from django.utils.translation import gettext_lazy as _

from imports.reading.messages import lazy_format

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# An attendance workbook has a dozen parts; thousands of entries only serve to make
# the checks and the reader slow.
MAX_ZIP_ENTRIES = 1000
# A 500,000-row sheet written with inline strings unpacks to about 260 MB; the reader
# streams it, so this bounds parsing time rather than memory.
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
# Spreadsheet XML compresses 10-20 times; deflate bombs reach about 1,000 times.
MAX_COMPRESSION_RATIO = 100
# Small parts are exempt from the ratio rule: a 1 KB part of 10 bytes is harmless.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# A DOCTYPE can only appear in the XML prolog, before the root element. The prolog of a
# real spreadsheet part is an XML declaration of some 60 bytes, so a part whose prolog
# does not end within this window is refused rather than read further.
XML_PROLOG_WINDOW = 64 * 1024

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_COPY_CHUNK = 1024 * 1024
_PROLOG_ITEM = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)


class FileRejected(Exception):
    """The whole file is refused; `message` is translated lazily."""

    def __init__(self, code: str, message: StrOrPromise) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def open_upload(source: BinaryIO | Path, max_bytes: int) -> tuple[IO[bytes], bool]:
    """Return a seekable binary stream of the upload and whether the caller must close it.

    The size is checked before anything is parsed. A stream that cannot seek is copied
    to a temporary file first, never further than max_bytes + 1 bytes.
    """
    if isinstance(source, Path):
        if source.stat().st_size > max_bytes:
            raise _too_large(max_bytes)
        return source.open("rb"), True
    stream: IO[bytes] = source
    owned = False
    if not source.seekable():
        stream = tempfile.SpooledTemporaryFile(max_size=_COPY_CHUNK)  # noqa: SIM115 - returned
        owned = True
        shutil.copyfileobj(_LimitedReader(source, max_bytes + 1), stream)
    size = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    if size > max_bytes:
        if owned:
            stream.close()
        raise _too_large(max_bytes)
    return stream, owned


class _LimitedReader:
    """A read-only view of at most `limit` bytes of a stream."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self._stream = stream
        self._left = limit

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self._left:
            size = self._left
        data = self._stream.read(size) if size else b""
        self._left -= len(data)
        return data


def _too_large(max_bytes: int) -> FileRejected:
    return FileRejected(
        "file_too_large",
        lazy_format(
            _("The file is larger than %(limit)s MB. Split the list into smaller files."),
            limit=round(max_bytes / (1024 * 1024), 1),
        ),
    )


def content_mismatch(extension: str) -> FileRejected:
    return FileRejected(
        "content_mismatch",
        lazy_format(
            _(
                "The file name ends in %(extension)s, but the file is not a %(extension)s "
                "file. Open it in your spreadsheet program and save it again as "
                "%(extension)s."
            ),
            extension=extension,
        ),
    )


def check_signature(head: bytes, extension: str) -> None:
    """Refuse a file whose first bytes do not fit its extension."""
    is_zip = head.startswith(ZIP_SIGNATURES)
    is_ole2 = head.startswith(OLE2_SIGNATURE)
    if extension == ".xlsx" and is_ole2:
        # Excel stores a password-protected .xlsx in an OLE2 container.
        raise FileRejected(
            "encrypted_or_legacy",
            _(
                "The file cannot be read: it is protected with a password, or it is an "
                "old .xls file with a new name. Remove the password or save it as .xlsx."
            ),
        )
    text = not is_zip and not is_ole2
    fits = {".csv": text, ".tsv": text, ".txt": text, ".xls": is_ole2}.get(extension, is_zip)
    if not fits:
        raise content_mismatch(extension)


def check_archive(archive: zipfile.ZipFile, extension: str) -> None:
    """Refuse zip bombs and XML with a DTD before any part is unpacked for reading."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise FileRejected(
            "zip_too_many_entries",
            _("The file contains too many parts to be a normal spreadsheet."),
        )
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise FileRejected(
            "zip_too_large",
            _("The file unpacks to too much data to be a normal spreadsheet."),
        )
    for entry in entries:
        if (
            entry.file_size >= RATIO_CHECKED_FROM_BYTES
            and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        ):
            raise FileRejected(
                "zip_compression_ratio",
                _("The file is compressed suspiciously strongly and is refused as unsafe."),
            )
    if extension == ".ods" and _read_head(archive, "mimetype", len(ODS_MIMETYPE) + 1) != (
        ODS_MIMETYPE
    ):
        raise content_mismatch(extension)
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")) and not _prolog_is_safe(
            _read_head(archive, entry.filename, XML_PROLOG_WINDOW)
        ):
            raise FileRejected(
                "xml_doctype",
                _("The file contains a document type declaration and is refused as unsafe."),
            )


def _read_head(archive: zipfile.ZipFile, name: str, size: int) -> bytes | None:
    """Unpack at most `size` bytes of a part; None when the part does not exist."""
    try:
        with archive.open(name) as part:
            return part.read(size)
    except KeyError:
        return None


def _prolog_is_safe(head: bytes | None) -> bool:
    """Whether the XML prolog in `head` ends within it and holds no <!DOCTYPE>.

    Entities can only be declared inside a DOCTYPE, so this also rules out entity
    expansion ("billion laughs") and external entities for the whole part.
    """
    if not head:
        return True
    encoding = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    position = 0
    while match := _PROLOG_ITEM.match(text, position):
        position = match.end()
    rest = text[position:].lstrip()
    if rest.startswith("<!"):
        return False
    # Not XML at all is for the XML parser to reject; a prolog that runs to the end of
    # the window might still hide a DOCTYPE further on.
    return bool(rest) or len(head) < XML_PROLOG_WINDOW


def parse_small_xml(archive: zipfile.ZipFile, name: str) -> Element | None:
    """Parse a small part (content types, relationships, workbook, styles); None if absent."""
    try:
        data = archive.read(name)
    except KeyError:
        return None
    root: Element = SafeElementTree.fromstring(data, forbid_dtd=True)
    return root
