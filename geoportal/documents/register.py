"""The register of issued documents (``documents.issued_document``) and its codes.

A document's verification code is printed on it and in its QR code: 12 characters of
base32 from :mod:`secrets` (60 bits). Guessing one at the verification page's rate limit
is hopeless, and a code alone reveals only the case mark, the kind and the date.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
from dataclasses import dataclass

import psycopg

CODE_LENGTH = 12
_CODE = re.compile(r"[A-Z2-7]{12}")
_COLUMNS = "id, case_id, kind, sha256, code, issued_at, storage_path, size_bytes"
_INSERT = (
    "INSERT INTO documents.issued_document (case_id, kind, sha256, code, issued_at,"
    " storage_path, size_bytes) VALUES (%s, %s, %s, %s, clock_timestamp(), %s, %s)"
    " RETURNING id, case_id, kind, sha256, code, issued_at, storage_path, size_bytes"
)


@dataclass(frozen=True)
class IssuedDocument:
    """One row of the register."""

    id: int
    case_id: int
    kind: str
    sha256: str
    code: str
    issued_at: dt.datetime
    storage_path: str  # relative to ``Settings.issued_dir``
    size_bytes: int


@dataclass(frozen=True)
class VerifiedRecord:
    """What the public may learn from a code (no personal data, no storage path)."""

    case_mark: str
    kind: str
    issued_at: dt.datetime
    sha256: str


def new_code() -> str:
    """A fresh verification code.

    >>> len(new_code()), new_code() != new_code()
    (12, True)
    """
    return base64.b32encode(secrets.token_bytes(8)).decode()[:CODE_LENGTH]


def normalise_code(text: str) -> str | None:
    """A code as typed (any case, spaces or dashes) in its stored form, or None.

    >>> normalise_code(" abcd-efgh-2345 ")
    'ABCDEFGH2345'
    >>> normalise_code("ABCD") is None
    True
    """
    code = re.sub(r"[\s-]", "", text).upper()
    return code if _CODE.fullmatch(code) else None


def find(conn: psycopg.Connection, case_id: int, kind: str) -> IssuedDocument | None:
    """The document of this kind already issued in this case, if any."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM documents.issued_document"  # noqa: S608 - constant columns
        " WHERE case_id = %s AND kind = %s",
        (case_id, kind),
    ).fetchone()
    return IssuedDocument(*row) if row else None


def of_case(conn: psycopg.Connection, case_id: int) -> list[IssuedDocument]:
    """Every document issued in a case, oldest first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM documents.issued_document"  # noqa: S608 - constant columns
        " WHERE case_id = %s ORDER BY id",
        (case_id,),
    ).fetchall()
    return [IssuedDocument(*row) for row in rows]


def insert(
    conn: psycopg.Connection,
    case_id: int,
    kind: str,
    sha256: str,
    code: str,
    storage_path: str,
    size_bytes: int,
) -> IssuedDocument:
    """Add a row (inside the caller's transaction: the case's step to ``document_issued``)."""
    row = conn.execute(
        _INSERT,
        (case_id, kind, sha256, code, storage_path, size_bytes),
    ).fetchone()
    assert row is not None
    return IssuedDocument(*row)


def verify(conn: psycopg.Connection, code: str) -> VerifiedRecord | None:
    """The public record of a code (through ``documents.verify``), or None."""
    normal = normalise_code(code)
    if normal is None:
        return None
    row = conn.execute("SELECT * FROM documents.verify(%s)", (normal,)).fetchone()
    return VerifiedRecord(*row) if row else None
