"""The ULDK-compatible API as a WSGI application, mounted at ``/uldk``.

``GET /uldk?request=…`` (or ``/uldk/?request=…``, as clients write a base URL). Found or
not found is an HTTP 200 with the national service's status line; a malformed request,
another method or path, an outage are refused through the edge's one table
(``services.edge.failures``) with a ``-1 …`` line (the reasons are in the package
docstring, ``services/uldk/__init__.py``).

Every answer may be read by a page of any origin (``Access-Control-Allow-Origin: *``, as
the OGC API answers): web maps call the national service from the browser, and these are
public data asked for without credentials.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from geoportal.instance import Instance
from geoportal.text import Text
from services.edge.documents import TEXT, ULDK, respond, status_line
from services.edge.failures import Failure, Refusal
from services.uldk.answer import answer_text
from services.uldk.locate import Locator, Place
from services.uldk.request import read_request

METHODS = ("GET", "HEAD")
CORS = ("Access-Control-Allow-Origin", "*")


class UldkApp:
    """WSGI callable answering ULDK requests from a :class:`Locator`."""

    def __init__(self, locator: Locator):
        self.locator = locator

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        try:
            body = self.answer(environ, method).encode()
        except Refusal as refusal:
            return respond(start_response, refusal, ULDK, method, [CORS])
        headers = [("Content-Type", TEXT), ("Content-Length", str(len(body))), CORS]
        start_response(status_line(200), headers)
        return [] if method == "HEAD" else [body]

    def answer(self, environ: dict[str, Any], method: str) -> str:
        """The text of the answer; :class:`Refusal` for what is not a ULDK request."""
        if method not in METHODS:
            raise Refusal(
                Failure.METHOD_NOT_ALLOWED,
                Text(pl="metoda HTTP nieobsługiwana, tylko GET",
                     en="HTTP method not supported, GET only"),
                allow=METHODS,
            )  # fmt: skip
        if environ.get("PATH_INFO", "") not in ("", "/"):
            raise Refusal(Failure.NOT_FOUND, Text(pl="nie ma takiej ścieżki", en="no such path"))
        request = read_request(environ.get("QUERY_STRING", ""))
        return answer_text(request, self.locator.locate(request), self.locator.place)


def make_uldk_app(instance: Instance) -> UldkApp:
    """The application answering from the instance's county."""
    return UldkApp(Locator(instance.database, Place.of(instance.site)))
