"""Route by path prefix to the engines mounted in one WSGI application.

pygeoapi is mounted under ``/ogc`` the usual way (prefix moved to SCRIPT_NAME).
MapProxy routes on its own first path segment, so its paths pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class PrefixDispatcher:
    """Send each request to the app owning its first path segment."""

    def __init__(
        self,
        default: WSGIApp,
        mounted: Mapping[str, WSGIApp],
        passthrough: Mapping[str, WSGIApp],
    ):
        self.default = default
        self.mounted = dict(mounted)  # prefix moved into SCRIPT_NAME
        self.passthrough = dict(passthrough)  # path left as it is

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        segment = "/" + path.lstrip("/").split("/", 1)[0]
        if segment in self.passthrough:
            return self.passthrough[segment](environ, start_response)
        if segment in self.mounted:
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + segment
            environ["PATH_INFO"] = path[len(segment) :]
            return self.mounted[segment](environ, start_response)
        return self.default(environ, start_response)
