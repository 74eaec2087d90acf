"""Vector tiles kept in a web process's memory, served only while the data are unchanged.

A web map asks for the same tiles over and over (every visitor's first view, every pan
back); building one is an ``ST_AsMVT`` over hundreds of parcels, 2–12 ms of a database
core. A tile is kept here with the data generation it was built under
(``publish.data_generation``, a counter every change to a data table moves in its own
transaction) and served again only while the current generation is the same: one
one-row query instead of the tile statement, and never a tile from before a publish.

The generation is read *before* the tile is built. If a publish commits in between, the
tile may hold the new data but is stored under the old number and is simply built again
next time; a tile from the old data is never stored under the new number.

Memory is bounded by bytes (the least recently used tiles go first); each web process
has its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

GENERATION = b"SELECT n FROM publish.data_generation"
DEFAULT_BUDGET = 64 * 1024 * 1024  # bytes per process: ~2,000 parcel tiles of z14-16


class TileMemory:
    """A byte-bounded LRU of tiles, each valid for one data generation."""

    def __init__(self, budget: int = DEFAULT_BUDGET):
        self.budget = budget
        self.size = 0
        self._tiles: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, generation: int) -> bytes | None:
        """The tile under ``key`` if it was built under ``generation``, else ``None``."""
        with self._lock:
            entry = self._tiles.get(key)
            if entry is None:
                return None
            if entry[0] != generation:  # built from data that have changed since
                self._drop(key)
                return None
            self._tiles.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, generation: int, tile: bytes) -> None:
        """Keep ``tile``, built under ``generation``; a tile larger than the budget is not kept."""
        if len(tile) > self.budget:
            return
        with self._lock:
            if key in self._tiles:
                self._drop(key)
            self._tiles[key] = (generation, tile)
            self.size += len(tile)
            while self.size > self.budget:
                self._drop(next(iter(self._tiles)))

    def __len__(self) -> int:
        return len(self._tiles)

    def _drop(self, key: Hashable) -> None:
        self.size -= len(self._tiles.pop(key)[1])
