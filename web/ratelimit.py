"""Per-client rate limits on the expensive paths, answered with 429 and ``Retry-After``.

A token bucket per client address and path class, in each web process: renders (``/ows``,
the cached WMS that composes images per request), OGC API and ULDK queries. The limits are
generous enough for a desktop GIS paging through a layer one request at a time (GDAL,
QGIS) and stop a client that floods. Cached tiles are not limited: serving them costs a
file read. The portal's own requests to ``/ows`` (MapProxy, seeding) carry the internal
secret and are never limited.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from geoportal.text import Text
from services.edge.documents import CSW_202, OGC_API, ULDK, WMS_130, WMTS_10, Dialect, respond
from services.edge.failures import Failure, Refusal
from services.edge.internal import is_internal
from services.mapserver.edge import dialect_of

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
MAX_CLIENTS = 10_000  # buckets kept per process; the idle ones are dropped beyond it


@dataclass(frozen=True)
class Limit:
    """Requests per second a client may keep up, and how many it may send at once."""

    rate: float
    burst: int


LIMITS: dict[str, Limit] = {  # first path segment -> limit
    "/ows": Limit(rate=100, burst=200),
    "/wms": Limit(rate=100, burst=200),
    "/ogc": Limit(rate=100, burst=200),
    "/uldk": Limit(rate=100, burst=200),
    "/csw": Limit(rate=100, burst=200),
    "/drukuj": Limit(rate=2, burst=30),  # a print is a full-page render and a PDF
}
TOO_MANY = Text(pl="Zbyt wiele zapytań; zwolnij", en="too many requests; slow down")


class RateLimiter:
    """WSGI middleware applying :data:`LIMITS` per client address."""

    def __init__(self, app: WSGIApp, internal_token: str, limits: dict[str, Limit] = LIMITS):
        self.app, self.token, self.limits = app, internal_token, limits
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        segment = "/" + path.lstrip("/").split("/", 1)[0]
        limit = self.limits.get(segment)
        if limit is not None and not is_internal(environ, self.token):
            wait = self._take(environ.get("REMOTE_ADDR", ""), segment, limit)
            if wait > 0:
                refusal = Refusal(Failure.RATE_LIMITED, TOO_MANY, retry_after=math.ceil(wait))
                method = environ.get("REQUEST_METHOD", "GET")
                return respond(start_response, refusal, _dialect(segment, environ), method)
        return self.app(environ, start_response)

    def _take(self, client: str, segment: str, limit: Limit) -> float:
        """Take a token; the seconds until one is free if there is none."""
        now = time.monotonic()
        key = (client, segment)
        with self._lock:
            tokens, last = self._buckets.get(key, (float(limit.burst), now))
            tokens = min(limit.burst, tokens + (now - last) * limit.rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return (1 - tokens) / limit.rate
            self._buckets[key] = (tokens - 1, now)
            if len(self._buckets) > MAX_CLIENTS:
                self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        full = [k for k, (_, last) in self._buckets.items() if now - last > 60]
        for key in full:
            del self._buckets[key]


def _dialect(segment: str, environ: dict[str, Any]) -> Dialect:
    if segment == "/ogc":
        return OGC_API
    if segment == "/uldk":
        return ULDK
    if segment == "/csw":
        return CSW_202
    if segment == "/ows":
        return dialect_of(environ)
    return WMS_130 if segment == "/wms" else WMTS_10
