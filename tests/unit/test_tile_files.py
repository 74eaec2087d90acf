"""A tile writer killed between writing and renaming leaves nothing in the tile tree."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from services.mapproxy.tilefiles import TileWriter, install, staging_dir

# A writer that stops for good after writing its temporary file (where a SIGKILL may land).
STUCK_WRITER = """
import os, sys, time
from pathlib import Path
from services.mapproxy.tilefiles import TileWriter
os.replace = lambda *args: time.sleep(3600)
TileWriter(Path(sys.argv[1]))(sys.argv[2], b"x" * 5000)
"""


def _tile_tree(cache: Path) -> list[str]:
    return sorted(str(p.relative_to(cache)) for p in cache.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def _restored_writer(monkeypatch):
    """install() sets MapProxy's writer for the process: put the original back after."""
    import mapproxy.cache.file as file_cache

    monkeypatch.setattr(file_cache, "write_atomic", file_cache.write_atomic)


def test_a_killed_writer_leaves_no_file_in_the_cache_and_its_leftover_goes(tmp_path):
    cache = tmp_path / "cache"
    staging = staging_dir(cache)
    tile = cache / "dzialki_cache_EPSG2180" / "11" / "000" / "001" / "010" / "000.png"
    tile.parent.mkdir(parents=True)
    writer = subprocess.Popen([sys.executable, "-c", STUCK_WRITER, str(staging), str(tile)])
    deadline = time.monotonic() + 30
    while not list(staging.glob("*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.02)
    leftovers = list(staging.glob("*.tmp"))
    assert [path.stat().st_size for path in leftovers] == [5000]
    assert leftovers[0].name.startswith(f"{writer.pid}-")
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()

    assert _tile_tree(cache) == []  # no partial tile, no temporary file beside it
    assert install(cache) == staging  # the next process to start clears what the dead left
    assert list(staging.iterdir()) == []


def test_a_live_writer_s_file_is_kept_and_a_tile_is_replaced_whole(tmp_path):
    cache = tmp_path / "cache"
    staging = staging_dir(cache)
    mine = staging / f"{os.getpid()}-inprogress.tmp"
    mine.write_bytes(b"half")
    install(cache)
    assert mine.exists()  # this process is alive: its file may be being written
    tile = cache / "t.png"
    TileWriter(staging)(str(tile), b"old")
    TileWriter(staging)(str(tile), b"new tile")
    assert tile.read_bytes() == b"new tile" and _tile_tree(cache) == ["t.png"]


def test_staging_goes_inside_the_cache_when_it_cannot_be_made_beside_it(tmp_path):
    cache = tmp_path / "tiles"
    cache.mkdir()
    (tmp_path / "tiles.staging").write_text("a file where the folder would go")
    staging = staging_dir(cache)
    assert staging == cache / ".staging" and staging.is_dir()
    tile = cache / "00" / "t.png"
    tile.parent.mkdir()
    TileWriter(staging)(str(tile), b"tile")
    assert _tile_tree(cache) == ["00/t.png"]
