"""A thin WSGI layer in front of pygeoapi: refuse bad input, hide server errors.

It checks each request against ``rules`` (404 for unknown paths and collections, 405 for
methods, 400 for parameters), hands the client's bbox and filter CRS to the provider
through a context variable, and forwards the rest unchanged. Whatever pygeoapi answers
with a 5xx is replaced by a short JSON message, so no stack trace, SQL or path leaves the
process; database outages become 503 with ``Retry-After``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from services.providers.scope import request_scope
from services.pygeoapi.rules import Checked, Collection, Refusal, check_path, check_query

LOGGER = logging.getLogger(__name__)
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
MAX_BODY = 64 * 1024  # a CQL2-JSON filter; anything bigger is not a filter a person wrote
RETRY_AFTER = "5"
COMMON_HEADERS = [("X-Content-Type-Options", "nosniff"), ("Access-Control-Allow-Origin", "*")]
_REASONS = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 411: "Length Required",
            413: "Content Too Large", 500: "Internal Server Error",
            503: "Service Unavailable"}  # fmt: skip
_SERVER_ERROR = ("Błąd serwera; spróbuj ponownie później", "server error; please retry later")
_UNAVAILABLE = ("Usługa chwilowo niedostępna", "service temporarily unavailable")
_POLISH_4XX = {400: "Nieprawidłowe zapytanie", 404: "Nie znaleziono"}


class OgcApiGuard:
    """WSGI middleware validating requests for the pygeoapi application it wraps."""

    def __init__(self, app: WSGIApp, collections: dict[str, Collection]):
        self.app = app
        self.collections = collections

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            checked = self._check(environ)
        except Refusal as refusal:
            return error_response(start_response, refusal.status, refusal.code,
                                  (refusal.pl, refusal.en), refusal.headers)  # fmt: skip
        if checked.query_string is not None:
            environ = {**environ, "QUERY_STRING": checked.query_string}
        with request_scope(checked.scope):
            return self._forward(environ, start_response)

    def _check(self, environ: dict[str, Any]) -> Checked:
        route, collection = check_path(environ.get("PATH_INFO", ""), self.collections)
        _check_method(environ, route)
        return check_query(route, collection, environ.get("QUERY_STRING", ""))

    def _forward(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return lambda data: None  # Flask never calls write()

        try:
            body = self.app(environ, capture)
        except Exception:
            LOGGER.exception("pygeoapi failed")
            return error_response(start_response, 500, "ServerError", _SERVER_ERROR)
        status, headers = captured
        code = int(status.split(" ", 1)[0])
        if code >= 500:
            getattr(body, "close", lambda: None)()
            if code == 503:
                return error_response(start_response, 503, "ServiceUnavailable", _UNAVAILABLE,
                                      [("Retry-After", RETRY_AFTER)])  # fmt: skip
            return error_response(start_response, 500, "ServerError", _SERVER_ERROR)
        if 400 <= code < 500:
            body, headers = _bilingual(code, body, headers)
        start_response(status, [*headers, *COMMON_HEADERS])
        return body


def _bilingual(
    code: int, body: Iterable[bytes], headers: list[tuple[str, str]]
) -> tuple[Iterable[bytes], list[tuple[str, str]]]:
    """Put a Polish lead in front of pygeoapi's English-only 4xx messages."""
    content = b"".join(body)
    getattr(body, "close", lambda: None)()
    try:
        document = json.loads(content)
        description = document["description"]
    except (ValueError, TypeError, KeyError):
        return [content], headers
    if " / " not in description:
        document["description"] = f"{_POLISH_4XX.get(code, _POLISH_4XX[400])} / {description}"
        content = json.dumps(document, ensure_ascii=False).encode()
    kept = [(k, v) for k, v in headers if k.lower() != "content-length"]
    return [content], [*kept, ("Content-Length", str(len(content)))]


def _check_method(environ: dict[str, Any], route: str) -> None:
    method = environ.get("REQUEST_METHOD", "GET").upper()
    allowed = {"GET", "HEAD"} | ({"OPTIONS"} if route in ("items", "item") else set())
    if route == "items" and method == "POST":
        _check_filter_body(environ)
        return
    if method not in allowed:
        allow = ", ".join(sorted(allowed | ({"POST"} if route == "items" else set())))
        raise Refusal(405, "MethodNotAllowed", "Niedozwolona metoda HTTP",
                      "HTTP method not allowed", [("Allow", allow)])  # fmt: skip


def _check_filter_body(environ: dict[str, Any]) -> None:
    """POST on items carries a CQL2-JSON filter, never a new feature (read-only API)."""
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type not in ("application/query-cql-json", "application/json"):
        raise Refusal(400, "InvalidParameterValue", "POST przyjmuje tylko filtr CQL2-JSON",
                      "POST accepts only a CQL2-JSON filter")  # fmt: skip
    length = environ.get("CONTENT_LENGTH") or ""
    if not length.isdigit():  # chunked bodies have no length to check before reading
        raise Refusal(411, "LengthRequired", "Wymagany nagłówek Content-Length",
                      "Content-Length required")  # fmt: skip
    if int(length) > MAX_BODY:
        raise Refusal(413, "PayloadTooLarge", "Zbyt duże zapytanie", "request body too large")


def error_response(
    start_response: Callable[..., Any], status: int, code: str, message: tuple[str, str],
    extra_headers: list[tuple[str, str]] | None = None,
) -> list[bytes]:  # fmt: skip
    """An OGC API exception document: Polish first, English after the slash."""
    body = json.dumps(
        {"code": code, "type": code, "description": f"{message[0]} / {message[1]}"},
        ensure_ascii=False,
    ).encode()
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(body))),
        *COMMON_HEADERS,
        *(extra_headers or []),
    ]
    start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
    return [body]
