"""Is the database answering? Asked every second by a thread of its own.

A database stopped cleanly refuses connections at once, but one whose processes are
frozen (a stalled disk, a network partition, SIGSTOP) accepts a connection and then says
nothing: the server-side statement timeout cannot fire, and every request that asks it
would wait forever. The watch notices within ``interval + timeout`` seconds: requests
that need the database then fail at once (503), the ones waiting on it are interrupted,
and as soon as it answers again everything works without a restart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg

from geoportal.pool import interrupt

LOGGER = logging.getLogger(__name__)


class DatabaseWatch:
    """Pings one role's connection; calls the listeners when the database stops answering."""

    def __init__(self, conninfo: str, interval_s: float = 1.0, timeout_s: float = 2.0):
        self.conninfo, self.interval_s, self.timeout_s = conninfo, interval_s, timeout_s
        self.available = True
        self._listeners: list[Callable[[], None]] = []
        self._conn: psycopg.Connection | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="database-watch", daemon=True)

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` whenever the database goes from answering to not answering."""
        self._listeners.append(listener)

    def start(self) -> DatabaseWatch:
        """Start watching (the first answer is awaited, so the state is known at once)."""
        self.available = self.ping()
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching (tests, shutdown)."""
        self._stop.set()
        self._thread.join(timeout=self.interval_s + self.timeout_s + 1)

    def ping(self) -> bool:
        """One question to the database, answered within ``timeout_s`` or counted as no."""
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=2)
            timer = threading.Timer(self.timeout_s, interrupt, (self._conn,))
            timer.start()
            try:
                self._conn.execute("SELECT 1")
            finally:
                timer.cancel()
            return True
        except psycopg.Error:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            return False

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            answered = self.ping()
            if self.available and not answered:
                LOGGER.error("the database stopped answering")
                self.available = False
                for listener in self._listeners:
                    listener()
            elif answered and not self.available:
                LOGGER.warning("the database answers again")
                self.available = True
