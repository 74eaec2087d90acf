"""A request to the ``/ows`` application from inside the web process, without HTTP.

Prints (``web/printing``) and OGC API maps (``services/pygeoapi/maps.py``) draw through
the same WSGI application clients reach at ``/ows``: its edge checks, its render
processes and their queue limit apply, and no request goes out to our own port.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.test import EnvironBuilder, run_wsgi_app

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
MOUNT = "/ows"


@dataclass(frozen=True)
class OwsAnswer:
    """Status code, content type and body of one ``/ows`` answer."""

    status: int
    content_type: str
    body: bytes
    retry_after: str | None = None


def call_ows(app: WSGIApp, params: dict[str, str]) -> OwsAnswer:
    """GET ``/ows`` with these parameters, in this process."""
    environ = EnvironBuilder(path="/", query_string=params).get_environ()
    environ["SCRIPT_NAME"], environ["PATH_INFO"] = MOUNT, ""
    body_iter, status, headers = run_wsgi_app(app, environ)
    try:
        body = b"".join(body_iter)
    finally:
        getattr(body_iter, "close", lambda: None)()
    return OwsAnswer(int(status.split(" ", 1)[0]), headers.get("Content-Type", ""), body,
                     headers.get("Retry-After"))  # fmt: skip
