"""Values kept in a web process's memory, each valid only for one data generation.

``publish.data_generation`` is a counter every change to a data table moves in its own
transaction. A value computed from the data (a vector tile, the number of features a
query matches) is kept with the generation read in the same statement, from the same
snapshot, and given out again only while the current generation is the same: never a
value from before a publish. Memory is bounded by the values' weights (bytes of a tile,
one for a number); the least recently used go first. Each web process has its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class GenerationMemory(Generic[V]):
    """A weight-bounded LRU of values, each valid for one data generation."""

    def __init__(self, budget: int, weight: Callable[[V], int]):
        self.budget = budget
        self.size = 0
        self._weight = weight
        self._values: OrderedDict[Hashable, tuple[int, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, generation: int) -> V | None:
        """The value under ``key`` if it was computed under ``generation``, else ``None``."""
        with self._lock:
            entry = self._values.get(key)
            if entry is None:
                return None
            if entry[0] != generation:  # computed from data that have changed since
                self._drop(key)
                return None
            self._values.move_to_end(key)
            return entry[1]

    def generation_of(self, key: Hashable) -> int | None:
        """The generation the value under ``key`` was computed under (``None``: none kept)."""
        entry = self._values.get(key)
        return None if entry is None else entry[0]

    def put(self, key: Hashable, generation: int, value: V) -> None:
        """Keep ``value``, computed under ``generation``; one heavier than the budget is not."""
        weight = self._weight(value)
        if weight > self.budget:
            return
        with self._lock:
            if key in self._values:
                self._drop(key)
            self._values[key] = (generation, value)
            self.size += weight
            while self.size > self.budget:
                self._drop(next(iter(self._values)))

    def __len__(self) -> int:
        return len(self._values)

    def _drop(self, key: Hashable) -> None:
        self.size -= self._weight(self._values.pop(key)[1])
