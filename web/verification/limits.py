"""A token bucket per client address for the verification page (guessing codes)."""

from __future__ import annotations

import threading
import time

MAX_CLIENTS = 10_000


class ClientBuckets:
    """``rate`` checks per second sustained, ``burst`` at once, per client address."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 if the client may go on, else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return (1 - tokens) / self.rate
            self._buckets[client] = (tokens - 1, now)
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
        return 0.0
