"""Requests the portal makes to itself: MapProxy (and its seeder) asking ``/ows`` for tiles.

They come from 127.0.0.1 like a local client would, so they carry a secret header that
the rate limiter recognises; the secret is created once per instance (``var/run``,
readable only by the portal) and shared by its worker processes.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

HEADER = "X-Geoportal-Internal"
ENVIRON_KEY = "HTTP_X_GEOPORTAL_INTERNAL"


def internal_token(runtime_dir: Path) -> str:
    """The instance's secret; created on first use, the same for every worker."""
    path = runtime_dir / "internal.token"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    token = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token)
    return token


def is_internal(environ: dict[str, object], token: str) -> bool:
    """Whether a request carries the instance's secret (compared in constant time)."""
    presented = environ.get(ENVIRON_KEY)
    return isinstance(presented, str) and hmac.compare_digest(presented, token)
