"""The verdict on a code and an optional file: no HTTP here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from io import BytesIO

import psycopg
from pyhanko.pdf_utils.reader import PdfFileReader

from geoportal.documents import register
from geoportal.documents.kinds import KINDS
from geoportal.documents.pdf import CODE_KEYWORD
from geoportal.documents.signing import SignatureCheck, check_signature


class Verdict(StrEnum):
    AUTHENTIC = "authentic"  # registered, same bytes, signature valid
    ALTERED = "altered"  # registered, but other bytes or a failing signature
    REGISTERED = "registered"  # a code without a file: registered, nothing compared
    UNKNOWN = "unknown"  # no such code


@dataclass(frozen=True)
class Answer:
    """What the page shows."""

    verdict: Verdict
    record: register.VerifiedRecord | None = None
    signature: SignatureCheck | None = None

    @property
    def title(self) -> str | None:
        """The document kind's title, for the page."""
        if self.record is None:
            return None
        kind = KINDS.get(self.record.kind)
        return kind.title if kind else self.record.kind


def code_in(pdf: bytes) -> str | None:
    """The verification code a document carries in its metadata, if it parses."""
    try:
        info = PdfFileReader(BytesIO(pdf), strict=False).trailer_view["/Info"]
        keywords = str(info["/Keywords"])
    except Exception:  # noqa: BLE001 - not a PDF we can read: the typed code must do
        return None
    _, found, code = keywords.partition(CODE_KEYWORD)
    return code.split()[0] if found and code.split() else None


def verify(conn: psycopg.Connection, code: str, upload: bytes | None, roots: list) -> Answer:
    """The verdict on ``code`` and, if given, the uploaded file's bytes."""
    record = register.verify(conn, code)
    if record is None:
        return Answer(Verdict.UNKNOWN)
    if upload is None:
        return Answer(Verdict.REGISTERED, record)
    if hashlib.sha256(upload).hexdigest() != record.sha256:
        return Answer(Verdict.ALTERED, record, check_signature(upload, roots))
    signature = check_signature(upload, roots)
    return Answer(Verdict.AUTHENTIC if signature.valid else Verdict.ALTERED, record, signature)
