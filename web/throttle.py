"""Counting events per key in a sliding window: failed sign-ins, filed requests.

Each web process counts alone (no shared store): with N worker processes a client gets
at most N times the limit per window, which still stops guessing and flooding.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Hashable

from flask import current_app

MAX_KEYS = 10_000  # beyond this many keys, the idle ones are swept out


class Throttle:
    """At most ``max_events`` per key within the last ``window_s`` seconds."""

    def __init__(self, max_events: int, window_s: float):
        self.max_events, self.window_s = max_events, window_s
        self._events: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, key: Hashable) -> bool:
        """Whether ``key`` has used up its events for now."""
        with self._lock:
            return self._count(key) >= self.max_events

    def record(self, key: Hashable) -> None:
        """Count one event of ``key``."""
        with self._lock:
            self._count(key)
            self._events.setdefault(key, deque()).append(time.monotonic())
            if len(self._events) > MAX_KEYS:
                for old in list(self._events):
                    self._count(old)

    def _count(self, key: Hashable) -> int:
        """Events of ``key`` still in the window; a key with none is forgotten."""
        times = self._events.get(key)
        if times is None:
            return 0
        while times and time.monotonic() - times[0] > self.window_s:
            times.popleft()
        if not times:
            del self._events[key]
        return len(times)


def app_throttle(name: str, max_events: int, window_s: float) -> Throttle:
    """The Flask application's throttle called ``name`` (made on first use)."""
    key = f"throttle.{name}"
    found: Throttle = current_app.extensions.setdefault(key, Throttle(max_events, window_s))
    return found
