"""How tiles reach the file cache: whole or not at all, and no temporary file left in it.

MapProxy 7 writes a tile to ``<tile>.tmp-<random>`` beside it and renames it over the
tile. A reader sees the old tile or the new one, but a seeder killed between the two
(SIGKILL, the OOM killer, a power cut) leaves that file in the tile tree for good: nothing
of MapProxy's removes it, and a server serving the tree straight from disk would list it.

Here the temporary file is written in a staging folder beside the cache instead (the same
filesystem, so the rename stays atomic), named after the writer's process id; whenever a
web process or a seeder starts, the staging files of writers that are gone are removed.
When the cache folder is a mount of its own (or its parent is not ours to write), the
staging folder is a hidden folder inside it, which no tile path can name.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

STAGING = ".staging"


def staging_dir(cache_dir: Path) -> Path:
    """The staging folder of a cache: beside it on the same filesystem, else inside it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    beside = cache_dir.with_name(cache_dir.name + STAGING)
    with contextlib.suppress(OSError):  # a parent folder we may not write to
        beside.mkdir(exist_ok=True)
        if beside.stat().st_dev == cache_dir.stat().st_dev:
            return beside
    inside = cache_dir / STAGING
    inside.mkdir(exist_ok=True)
    return inside


class TileWriter:
    """MapProxy's ``write_atomic(filename, data)`` with the temporary file in staging."""

    def __init__(self, staging: Path):
        self.staging = staging

    def __call__(self, filename: str, data: bytes) -> None:
        """Write ``data`` to staging, then rename it over ``filename`` in one step."""
        temp = self.staging / f"{os.getpid()}-{uuid.uuid4().hex}.tmp"
        try:
            fd = os.open(temp, os.O_EXCL | os.O_CREAT | os.O_WRONLY, 0o664)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, filename)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def install(cache_dir: Path) -> Path:
    """Make MapProxy's file caches write through ``cache_dir``'s staging folder.

    Called by every process that writes tiles (the web processes, seeding, refresh)
    before MapProxy loads its configuration; seeding workers are forked and inherit it.
    Returns the staging folder.
    """
    import mapproxy.cache.file as file_cache

    staging = staging_dir(cache_dir)
    remove_orphans(staging)
    file_cache.write_atomic = TileWriter(staging)  # the name FileCache._store calls
    return staging


def remove_orphans(staging: Path) -> int:
    """Remove staging files whose writer process is gone; how many were removed."""
    removed = 0
    for path in staging.glob("*.tmp"):
        pid = path.name.split("-", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True
