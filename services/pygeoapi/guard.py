"""A thin WSGI layer in front of pygeoapi: refuse bad input, hide server errors.

Vector tiles are answered here from providers built once (``services.pygeoapi.tiles``):
the one route where pygeoapi's per-request set-up would cost more than the query. Maps
(``services.pygeoapi.maps``) too: pygeoapi's map route ignores ``crs`` and would fetch
the map from our own port over HTTP.
It checks each request against ``rules`` (404 for unknown paths and collections, 405 for
methods, 400 for parameters), hands the client's bbox and filter CRS to the provider
through a context variable, and forwards the rest unchanged. Whatever pygeoapi answers
with a 5xx is replaced by the edge's own document (``services.edge``), so no stack trace,
SQL or path leaves the process; database outages become 503 with ``Retry-After``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl

from geoportal.text import Text
from services.edge.documents import OGC_API, respond
from services.edge.failures import ANSWERS, Failure, Refusal, server_error, unavailable
from services.providers.scope import request_scope
from services.pygeoapi.datasetmap import with_dataset_map
from services.pygeoapi.execution import check_execution_body
from services.pygeoapi.maps import MapAnswers
from services.pygeoapi.rules import MAP_ROUTES, Checked, Collection, check_path, check_query
from services.pygeoapi.tiles import TileAnswers

LOGGER = logging.getLogger(__name__)
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
MAX_BODY = 64 * 1024  # a CQL2-JSON filter; anything bigger is not a filter a person wrote
COMMON_HEADERS = [("X-Content-Type-Options", "nosniff"), ("Access-Control-Allow-Origin", "*")]
_POLISH_4XX = {400: "Nieprawidłowe zapytanie", 404: "Nie znaleziono"}
_FAILURE_OF_STATUS = {400: Failure.BAD_PARAMETER, 404: Failure.NOT_FOUND}


class OgcApiGuard:
    """WSGI middleware validating requests for the pygeoapi application it wraps."""

    def __init__(
        self,
        app: WSGIApp,
        collections: dict[str, Collection],
        tiles: TileAnswers | None = None,
        maps: MapAnswers | None = None,
        features_as_text: bool = False,
    ):
        self.app = app
        self.collections = collections
        self.tiles = tiles or TileAnswers({})
        self.maps = maps
        # Only where pygeoapi's items answer is written by orjson (services.pygeoapi.itemspeed)
        self.features_as_text = features_as_text

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            route, checked = self._check(environ)
            if route == "tile":
                return [*self.tiles(environ, _with_common_headers(start_response))]
            if route in MAP_ROUTES:
                if self.maps is None:
                    raise unavailable()
                return self.maps(environ, _with_common_headers(start_response))
        except Refusal as refusal:
            return self._refuse(start_response, refusal, environ)
        if checked.query_string is not None:
            environ = {**environ, "QUERY_STRING": checked.query_string}
        with request_scope(checked.scope):
            return self._forward(environ, start_response, route)

    def _check(self, environ: dict[str, Any]) -> tuple[str, Checked]:
        route, collection = check_path(environ.get("PATH_INFO", ""), self.collections)
        _check_method(environ, route)
        query = environ.get("QUERY_STRING", "")
        checked = check_query(route, collection, query, _wants_html(environ, query))
        if environ.get("REQUEST_METHOD", "GET").upper() == "POST":
            # a link cannot carry the filter of a POST body: no keyset link to follow
            checked.scope = replace(checked.scope, next_page=None)
        if route == "items" and self.features_as_text and _answers_geojson(environ, query):
            checked.scope = replace(checked.scope, features_as_text=True)
        return route, checked

    @staticmethod
    def _refuse(
        start_response: Callable[..., Any], refusal: Refusal, environ: dict[str, Any]
    ) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        return respond(start_response, refusal, OGC_API, method, COMMON_HEADERS)

    def _forward(
        self, environ: dict[str, Any], start_response: Callable[..., Any], route: str
    ) -> Iterable[bytes]:
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return lambda data: None  # Flask never calls write()

        try:
            body = self.app(environ, capture)
        except Exception:
            LOGGER.exception("pygeoapi failed")
            return self._refuse(start_response, server_error(), environ)
        status, headers = captured
        code = int(status.split(" ", 1)[0])
        if code >= 500:
            getattr(body, "close", lambda: None)()
            failure = unavailable() if code == 503 else server_error()
            return self._refuse(start_response, failure, environ)
        if 400 <= code < 500:
            body, headers = _bilingual(code, body, headers)
        elif route in _GEOJSON_ROUTES:
            headers = _as_geojson(headers)
        elif route == "landing" and self.maps is not None and self.maps.landing:
            body, headers = _with_dataset_map(body, headers, self.maps.landing)
        start_response(status, [*headers, *COMMON_HEADERS])
        return body


# Features and feature collections are GeoJSON (/req/geojson/content); pygeoapi labels
# every JSON answer with the server's one mimetype, application/json.
_GEOJSON_ROUTES = frozenset({"items", "item"})


def _as_geojson(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``Content-Type: application/json`` becomes ``application/geo+json``."""
    return [
        (key, "application/geo+json")
        if key.lower() == "content-type" and value.split(";")[0].strip() == "application/json"
        else (key, value)
        for key, value in headers
    ]


def _answers_geojson(environ: dict[str, Any], query: str) -> bool:
    """Whether pygeoapi will answer plain GeoJSON: ``f=json``, or no ``f`` and an Accept
    that asks neither HTML nor JSON-LD (pygeoapi's default)."""
    fmt = dict(parse_qsl(query)).get("f")
    if fmt is not None:
        return fmt.lower() == "json"
    accept = environ.get("HTTP_ACCEPT", "")
    return "text/html" not in accept and "ld+json" not in accept


def _wants_html(environ: dict[str, Any], query: str) -> bool:
    """Whether pygeoapi will answer HTML: ``f=html``, or no ``f`` and a browser's Accept."""
    fmt = dict(parse_qsl(query)).get("f")
    if fmt is not None:
        return fmt.lower() == "html"
    return "text/html" in environ.get("HTTP_ACCEPT", "")


def _with_common_headers(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return start_response(status, [*headers, *COMMON_HEADERS])

    return start


def _bilingual(
    code: int, body: Iterable[bytes], headers: list[tuple[str, str]]
) -> tuple[Iterable[bytes], list[tuple[str, str]]]:
    """pygeoapi's own 4xx answers: a Polish lead, and the code of the edge's table."""
    content = b"".join(body)
    getattr(body, "close", lambda: None)()
    try:
        document = json.loads(content)
        description = document["description"]
    except (ValueError, TypeError, KeyError):
        return [content], headers
    if " / " not in description:
        document["description"] = f"{_POLISH_4XX.get(code, _POLISH_4XX[400])} / {description}"
    failure = _FAILURE_OF_STATUS.get(code)
    if failure is not None:  # e.g. its "InvalidQuery" is our bad parameter
        document["code"] = document["type"] = ANSWERS[failure].code
    content = json.dumps(document, ensure_ascii=False).encode()
    kept = [(k, v) for k, v in headers if k.lower() != "content-length"]
    return [content], [*kept, ("Content-Length", str(len(content)))]


def _with_dataset_map(
    body: Iterable[bytes], headers: list[tuple[str, str]], landing: dict[str, dict[str, Any]]
) -> tuple[Iterable[bytes], list[tuple[str, str]]]:
    """pygeoapi's JSON landing page with the dataset map's links, extent and CRSs, in the
    language pygeoapi answered (``landing``: language -> additions)."""
    found = {key.lower(): value for key, value in headers}
    if found.get("content-type", "").split(";")[0].strip() != "application/json":
        return body, headers  # the HTML page
    content = b"".join(body)
    getattr(body, "close", lambda: None)()
    additions = landing.get(found.get("content-language", ""), next(iter(landing.values())))
    try:
        document = with_dataset_map(json.loads(content), additions)
    except (ValueError, TypeError, AttributeError):  # not the document pygeoapi 0.21 writes
        return [content], headers
    content = json.dumps(document, ensure_ascii=False).encode()
    kept = [(k, v) for k, v in headers if k.lower() != "content-length"]
    return [content], [*kept, ("Content-Length", str(len(content)))]


def _check_method(environ: dict[str, Any], route: str) -> None:
    method = environ.get("REQUEST_METHOD", "GET").upper()
    allowed = {"GET", "HEAD"} | ({"OPTIONS"} if route in ("items", "item") else set())
    if route == "execution":
        allowed = set()  # only POST executes
    check_body = _POST_BODIES.get(route)
    if check_body is not None and method == "POST":
        check_body(environ)
        return
    if method not in allowed:
        allow = tuple(sorted(allowed | ({"POST"} if check_body else set())))
        raise Refusal(
            Failure.METHOD_NOT_ALLOWED,
            Text(pl="Niedozwolona metoda HTTP", en="HTTP method not allowed"),
            allow=allow,
        )


def _check_filter_body(environ: dict[str, Any]) -> None:
    """POST on items carries a CQL2-JSON filter, never a new feature (read-only API)."""
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type not in ("application/query-cql-json", "application/json"):
        raise Refusal(
            Failure.BAD_PARAMETER,
            Text(
                pl="POST przyjmuje tylko filtr CQL2-JSON", en="POST accepts only a CQL2-JSON filter"
            ),
        )
    length = environ.get("CONTENT_LENGTH") or ""
    if not length.isdigit():  # chunked bodies have no length to check before reading
        raise Refusal(
            Failure.LENGTH_REQUIRED,
            Text(pl="Wymagany nagłówek Content-Length", en="Content-Length required"),
        )
    if int(length) > MAX_BODY:
        raise Refusal(
            Failure.TOO_LARGE, Text(pl="Zbyt duże zapytanie", en="request body too large")
        )


# Routes taking a POST body -> the check of that body.
_POST_BODIES: dict[str, Callable[[dict[str, Any]], None]] = {
    "items": _check_filter_body,
    "execution": check_execution_body,
}
