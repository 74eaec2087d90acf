"""Secrets of a case: the applicant's tracking token and the form's idempotency key.

Decisions
    * A tracking token is 256 random bits from :mod:`secrets`, written as 43 URL-safe
      characters. The database keeps only its SHA-256: a copy of the database opens no
      case, and looking a token up by its hash leaks nothing through timing (an attacker
      cannot choose hashes to probe with).
    * A retried submission must hand back the *same* token (the first answer may have
      been lost on the way), yet the token is not stored. So it is stored *sealed*: XORed
      with HMAC-SHA-256(idempotency key, label), a one-time pad only the holder of the
      idempotency key can rebuild. The key is itself such a secret — made by the server
      when it renders the form, at least 128 bits (:func:`new_idempotency_key`) — and
      the database keeps only its hash too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 32
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
_KEY_RE = re.compile(r"[A-Za-z0-9_-]{22,128}")  # token_urlsafe(16) and longer
_SEAL_LABEL = b"geoportal case tracking token seal v1"


def new_tracking_token() -> str:
    """A fresh tracking token (256 bits, URL-safe text)."""
    return _encode(secrets.token_bytes(TOKEN_BYTES))


def new_idempotency_key() -> str:
    """A fresh idempotency key for one form (128 bits, URL-safe text)."""
    return secrets.token_urlsafe(16)


def is_tracking_token(text: object) -> bool:
    """Whether ``text`` has the shape of a tracking token (no database needed to say no)."""
    return isinstance(text, str) and _TOKEN_RE.fullmatch(text) is not None


def check_idempotency_key(key: object) -> str:
    """``key`` if it is a well-formed idempotency key, else ValueError."""
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        raise ValueError("an idempotency key is 22–128 URL-safe characters (128 bits or more)")
    return key


def digest(secret: str) -> str:
    """The SHA-256 of a token or key, as stored in the database."""
    return hashlib.sha256(secret.encode()).hexdigest()


def seal(token: str, key: str) -> bytes:
    """``token`` sealed with ``key``: only :func:`unseal` with the same key opens it."""
    return bytes(a ^ b for a, b in zip(_decode(token), _pad(key), strict=True))


def unseal(sealed: bytes, key: str) -> str:
    """The token :func:`seal` sealed with ``key``."""
    return _encode(bytes(a ^ b for a, b in zip(sealed, _pad(key), strict=True)))


def _pad(key: str) -> bytes:
    return hmac.new(key.encode(), _SEAL_LABEL, hashlib.sha256).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(token: str) -> bytes:
    if not is_tracking_token(token):
        raise ValueError("not a tracking token")
    return base64.urlsafe_b64decode(token + "=")
