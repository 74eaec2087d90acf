"""The instance's own secret key, shared by every process of one instance.

The web workers sign sessions with it; the attachment store derives the names of stored
files from it (:mod:`geoportal.cases.attachments`), whether the file came through a web
form or the e-delivery inbox, so both channels name one file alike.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

SESSION_KEY_FILE = "session.key"


def session_key(runtime_dir: Path) -> bytes:
    """The instance's key: made once, atomically, so every worker reads the same."""
    path = runtime_dir / SESSION_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".session-key-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        try:
            os.link(temporary, path)  # fails if another worker was first: theirs is kept
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_bytes()
