"""A few reusable database connections per role, per process.

pygeoapi builds a new provider object for every request, and opening a connection costs
more than the query it serves, so connections live here instead. Deliberately small (no
background threads): a connection is checked out for one query, returned if healthy, and
the stack forgets everything inherited across ``fork`` (gunicorn workers must not share
sockets).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import pq

MAX_IDLE = 8  # per role and process: gunicorn runs a few threads per worker


NEVER = 2**31 - 1  # executions before psycopg prepares a query by itself


class ConnectionPool:
    """Idle autocommit connections to one libpq connection string."""

    def __init__(self, conninfo: str, max_idle: int = MAX_IDLE):
        self.conninfo = conninfo
        self.max_idle = max_idle
        self._idle: list[psycopg.Connection] = []
        self._busy: set[psycopg.Connection] = set()
        self._lock = threading.Lock()
        self._pid = os.getpid()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """Check out a connection; it goes back only if it is healthy and idle."""
        conn = self._take() or self._open()
        with self._lock:
            self._busy.add(conn)
        try:
            yield conn
        finally:
            with self._lock:
                self._busy.discard(conn)
            self._give_back(conn)

    def _open(self) -> psycopg.Connection:
        # Custom plans: a generic plan cannot pick the wrong index for a selective bbox, so
        # no query is prepared on its own (a threshold never reached; None would also
        # refuse the explicit ``prepare=True`` of a query whose planning costs more than
        # its run, like a vector tile's). JIT off: PostGIS functions have high cost
        # estimates, and compiling took 15 ms for a query that runs in 2 ms.
        conn = psycopg.connect(self.conninfo, autocommit=True, prepare_threshold=NEVER)
        conn.execute("SET jit = off")
        return conn

    def _take(self) -> psycopg.Connection | None:
        with self._lock:
            if self._pid != os.getpid():  # forked: those sockets belong to the parent
                self._idle, self._pid = [], os.getpid()
            return self._idle.pop() if self._idle else None

    def _give_back(self, conn: psycopg.Connection) -> None:
        healthy = not conn.closed and conn.info.transaction_status == pq.TransactionStatus.IDLE
        with self._lock:
            if healthy and len(self._idle) < self.max_idle and self._pid == os.getpid():
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close the idle connections (tests, shutdown)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def interrupt(self) -> None:
        """Break the connections in use and drop the idle ones (the database hangs)."""
        with self._lock:
            busy = list(self._busy)
        for conn in busy:
            interrupt(conn)
        self.close()


def interrupt(conn: psycopg.Connection) -> None:
    """Make a query blocked on a silent server fail now, from any thread.

    Over a Unix socket there is no TCP keepalive or user timeout, and a cancel request
    goes to the same silent server; shutting the socket down wakes the blocked read, and
    psycopg reports the connection as lost.
    """
    try:
        fd = conn.pgconn.socket
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except (OSError, psycopg.Error):
        pass  # already closed
