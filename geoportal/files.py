"""Writing files that other processes read while we write them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str, mode: int | None = None) -> Path:
    """Replace ``path`` with ``text`` in one step; a reader sees the old or the new file.

    gunicorn workers start at the same moment and prepare the same run-time files, and a
    seeder may read a configuration while it is rewritten: a half-written file must never
    be visible. The temporary file lives in the same folder, so ``os.replace`` is atomic.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as tmp:
        tmp.write(text)
    if mode is not None:
        os.chmod(tmp.name, mode)
    os.replace(tmp.name, path)
    return path


def write_if_changed(path: Path, text: str, mode: int | None = None) -> bool:
    """Write atomically unless the file already holds ``text``; True if it was written."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    write_atomic(path, text, mode)
    return True
