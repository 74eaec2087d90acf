"""Attachments of a request: checked by their content, limited in size, kept out of the web root.

Decisions
    * The type is what the first bytes say (PDF ``%PDF-``, JPEG ``FF D8 FF``, PNG's
      signature), never the file name or the browser's Content-Type: an HTML page named
      ``.pdf`` is refused.
    * A file is stored under ``var/attachments`` by a name derived from its content with
      the instance's secret (HMAC-SHA-256): nothing the applicant typed reaches a path, the
      name cannot be guessed without the file and the secret, and a retried submission of
      the same file makes the same reference — so the idempotent retry is the same request.
    * Images lose their metadata (EXIF with the camera's position, XMP, comments) before
      anything is stored (:mod:`web.eservices.photos`); a damaged one is refused.
    * Writes go to a temporary file first and are renamed into place (atomic).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from werkzeug.datastructures import FileStorage

from geoportal.cases.submission import AttachmentRef
from web.eservices.photos import DamagedImage, without_metadata

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 3
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
IMAGES = frozenset({"image/jpeg", "image/png"})


class UploadRefused(ValueError):
    """A file that is not accepted; ``too_large`` tells 413 from 400."""

    def __init__(self, message: str, too_large: bool = False):
        super().__init__(message)
        self.too_large = too_large


@dataclass(frozen=True)
class Upload:
    """One received file, read into memory (at most :data:`MAX_BYTES`)."""

    name: str
    content: bytes
    media_type: str


def media_type_of(content: bytes) -> str | None:
    """The media type the content's first bytes show, or None."""
    return next((kind for magic, kind in SIGNATURES if content.startswith(magic)), None)


def read_uploads(files: list[FileStorage], allowed: frozenset[str] | None = None) -> list[Upload]:
    """The non-empty files of a form field, each checked; :class:`UploadRefused` if not."""
    chosen = [f for f in files if f and f.filename]
    if len(chosen) > MAX_FILES:
        raise UploadRefused(f"at most {MAX_FILES} files")
    return [_read(file, allowed) for file in chosen]


def _read(file: FileStorage, allowed: frozenset[str] | None) -> Upload:
    content = file.stream.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise UploadRefused("file too large", too_large=True)
    kind = media_type_of(content)
    if kind is None or (allowed is not None and kind not in allowed):
        raise UploadRefused("file type not accepted")
    if kind in IMAGES:
        try:
            content = without_metadata(content, kind)
        except DamagedImage as exc:
            raise UploadRefused(f"damaged image: {exc}") from None
    name = Path(file.filename or "plik").name[-255:] or "plik"
    return Upload(name, content, kind)


def store_upload(upload: Upload, directory: Path, secret: bytes) -> AttachmentRef:
    """Keep the file under ``directory``; the reference the submission records.

    ``secret`` is the instance's session key; the naming key is derived from it for this
    one purpose, so a file name says nothing about the key that signs sessions.
    """
    naming_key = hmac.new(secret, b"geoportal attachment names v1", hashlib.sha256).digest()
    file_id = hmac.new(naming_key, upload.content, hashlib.sha256).hexdigest()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = directory / file_id
    if not target.exists():
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".incoming-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(upload.content)
        os.replace(temporary, target)
    return AttachmentRef(
        id=file_id,
        name=upload.name,
        media_type=upload.media_type,
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
    )
