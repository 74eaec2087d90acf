"""The HTTP client of the latency benchmarks: one keep-alive connection, little Python.

A latency benchmark times a request from send to last byte, so the client's own work is
in every sample. ``requests`` spends about half a millisecond of Python on each call
(sessions, adapters, cookie jars, header case folding); against a 3 ms vector tile that
is a sixth of what is measured, and it is not the server's. ``http.client`` on one
persistent connection costs a fraction of that. Both sides of a comparison over HTTP use
this client; a floor timed without HTTP (the plain SQL, bare mapscript) has none.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Answer:
    """Status, headers (looked up case-insensitively) and body of one answer."""

    status_code: int
    headers: Message
    content: bytes

    def json(self) -> Any:
        """The body read as JSON."""
        return json.loads(self.content)

    @property
    def text(self) -> str:
        """The body as UTF-8 text."""
        return self.content.decode("utf-8")


class Client:
    """GET requests over one keep-alive connection per server (reopened when closed);
    used like a ``requests.Session`` for GET."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self._connections: dict[tuple[str, int], http.client.HTTPConnection] = {}

    def get(self, url: str, params: dict[str, Any] | None = None, timeout: float = 60) -> Answer:
        """GET ``url`` with ``params`` appended to its query."""
        target = urlsplit(url)
        server = (target.hostname or "127.0.0.1", target.port or 80)
        path = target.path + (f"?{target.query}" if target.query else "")
        if params:
            path += ("&" if target.query else "?") + urlencode(params)
        for attempt in (1, 2):
            connection = self._connection(server, timeout)
            try:
                connection.request("GET", path, headers=self.headers)
                response = connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._close(server)  # the server closed an idle connection: one new one
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self._close(server)
            return Answer(response.status, response.headers, body)
        raise AssertionError("unreachable")

    def _connection(self, server: tuple[str, int], timeout: float) -> http.client.HTTPConnection:
        connection = self._connections.get(server)
        if connection is None:
            connection = http.client.HTTPConnection(*server, timeout=timeout)
            self._connections[server] = connection
        elif connection.sock is not None:
            connection.sock.settimeout(timeout)
        return connection

    def _close(self, server: tuple[str, int]) -> None:
        connection = self._connections.pop(server, None)
        if connection is not None:
            connection.close()
