"""``Vary``: the request headers an answer was made from, so no shared cache hands one
visitor's answer to another.

Whatever reads such a header while an answer is built says so with :func:`varies_on`
(the page language read from Accept-Language, web/language.py; the display settings read
from the ``wyglad`` cookie, web/display.py), and :func:`add_vary`, run after every request
of the Flask app, merges them into the ``Vary`` the route may have set itself. Answers
that read none (static files, JSON lists, and the OGC engines, which Flask never sees)
stay shareable.
"""

from __future__ import annotations

from flask import Flask, Response, g


def varies_on(header: str) -> None:
    """Mark the answer being built as depending on the request's ``header``."""
    headers: set[str] = g.setdefault("vary_on", set())
    headers.add(header)


def add_vary(response: Response) -> Response:
    """Add the headers marked by :func:`varies_on` to the answer's ``Vary``."""
    for header in sorted(g.get("vary_on", ())):
        response.vary.add(header)
    return response


def install(app: Flask) -> None:
    """Merge the marked headers into ``Vary`` on every answer of ``app``."""
    app.after_request(add_vary)
