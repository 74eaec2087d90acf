"""Attachments of a request, whatever channel brought them: checked by their content,
limited in size, kept out of the web root. The web forms (:mod:`web.eservices.uploads`)
and the e-delivery inbox (:mod:`geoportal.cases.intake`) both go through here.

Decisions
    * The type is what the first bytes say (PDF ``%PDF-``, JPEG ``FF D8 FF``, PNG's
      signature), never the file name or a declared Content-Type: an HTML page named
      ``.pdf`` is refused.
    * A file is stored under ``var/attachments`` by a name derived from its content with
      the instance's secret (HMAC-SHA-256): nothing the applicant typed reaches a path, the
      name cannot be guessed without the file and the secret, and a retried submission of
      the same file makes the same reference — so the idempotent retry is the same request.
    * Images lose their metadata (EXIF with the camera's position, XMP, comments) before
      anything is stored (:mod:`geoportal.cases.photos`); a damaged one is refused.
    * Writes go to a temporary file first and are renamed into place (atomic).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from geoportal.cases.errors import AttachmentMissing
from geoportal.cases.eservices import EService
from geoportal.cases.photos import DamagedImage, without_metadata
from geoportal.cases.submission import AttachmentRef

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
    """One received file, checked, in memory (at most :data:`MAX_BYTES`)."""

    name: str
    content: bytes
    media_type: str


@dataclass(frozen=True)
class AttachmentStore:
    """Where attachments are kept, and the secret their names are derived from."""

    directory: Path
    secret: bytes

    def ref(self, upload: Upload) -> AttachmentRef:
        """The reference ``upload`` will have once kept (nothing is written)."""
        return attachment_ref(upload, self.secret)

    def keep(self, upload: Upload) -> AttachmentRef:
        """Write ``upload`` (once per content) and return its reference."""
        return store_upload(upload, self.directory, self.secret)

    def read(self, ref: AttachmentRef) -> bytes:
        """The stored file of ``ref``, checked against the hash the case recorded.

        :raises AttachmentMissing: the file is gone, or is not the file that was filed.
        """
        try:
            content = (self.directory / ref.id).read_bytes()  # id: [A-Za-z0-9_-], no path
        except FileNotFoundError as exc:
            raise AttachmentMissing(f"attachment {ref.id} is not in the store") from exc
        if hashlib.sha256(content).hexdigest() != ref.sha256:
            raise AttachmentMissing(f"attachment {ref.id} is not the file that was filed")
        return content


def allowed_for(service: EService) -> frozenset[str]:
    """The types of file a request of ``service`` may carry (none: no attachments): a
    report its photos, a request that must justify a legal interest its documents."""
    if "location" in service.needs:
        return IMAGES
    if service.requires_legal_interest:
        return frozenset(kind for _, kind in SIGNATURES)
    return frozenset()


def media_type_of(content: bytes) -> str | None:
    """The media type the content's first bytes show, or None."""
    return next((kind for magic, kind in SIGNATURES if content.startswith(magic)), None)


def checked_upload(name: str, content: bytes, allowed: frozenset[str] | None = None) -> Upload:
    """A received file if accepted (size, type by content, images without metadata);
    :class:`UploadRefused` if not. ``content`` may be read one byte past the limit."""
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
    return Upload(Path(name or "plik").name[-255:] or "plik", content, kind)


def attachment_ref(upload: Upload, secret: bytes) -> AttachmentRef:
    """The reference a submission records for ``upload`` (its stored name included)."""
    naming_key = hmac.new(secret, b"geoportal attachment names v1", hashlib.sha256).digest()
    return AttachmentRef(
        id=hmac.new(naming_key, upload.content, hashlib.sha256).hexdigest(),
        name=upload.name,
        media_type=upload.media_type,
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
    )


def store_upload(upload: Upload, directory: Path, secret: bytes) -> AttachmentRef:
    """Keep the file under ``directory``; the reference the submission records.

    ``secret`` is the instance's session key; the naming key is derived from it for this
    one purpose, so a file name says nothing about the key that signs sessions.
    """
    ref = attachment_ref(upload, secret)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = directory / ref.id
    if not target.exists():
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".incoming-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(upload.content)
        os.replace(temporary, target)
    return ref
