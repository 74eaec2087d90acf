"""Attachments of a web form: the files of a multipart field, each checked by the core
(:mod:`geoportal.cases.attachments`: type by content, size, images without metadata)."""

from __future__ import annotations

from werkzeug.datastructures import FileStorage

from geoportal.cases.attachments import (
    IMAGES,
    MAX_BYTES,
    MAX_FILES,
    Upload,
    UploadRefused,
    checked_upload,
    media_type_of,
    store_upload,
)

__all__ = ["IMAGES", "MAX_FILES", "UploadRefused", "media_type_of", "read_uploads", "store_upload"]


def read_uploads(files: list[FileStorage], allowed: frozenset[str] | None = None) -> list[Upload]:
    """The non-empty files of a form field, each checked; :class:`UploadRefused` if not."""
    chosen = [f for f in files if f and f.filename]
    if len(chosen) > MAX_FILES:
        raise UploadRefused(f"at most {MAX_FILES} files")
    return [checked_upload(f.filename or "", f.stream.read(MAX_BYTES + 1), allowed) for f in chosen]
