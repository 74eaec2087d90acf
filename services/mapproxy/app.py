"""MapProxy as a WSGI application (``/wms``, ``/wmts``, ``/tiles``, ``/tms``).

The committed ``mapproxy.yaml`` holds placeholders for everything that depends on
the machine; :func:`runtime_config` writes a patched copy into ``var/run/mapproxy`` with
the cache directory from the settings and the URL of our own ``/ows`` as the tile source.

The source is HTTP to this same web process, so it must serve requests concurrently
(gunicorn threads): a single synchronous worker calling itself deadlocks. MapProxy is
asked through the local address we listen on, not the public URL, which may not be
reachable from inside the server (TLS proxy, split DNS).

MapProxy builds the URLs in its capabilities from ``Host`` and ``X-Forwarded-*``
headers; :class:`MapProxyEdge` replaces them with the configured public URL, so a forged
header cannot change the links handed to clients.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from mapproxy.wsgiapp import make_wsgi_app

from geoportal.files import write_atomic
from geoportal.settings import Settings
from services.edge.documents import WMS_111, WMS_130, WMTS_10, Dialect, respond, status_line
from services.edge.failures import ANSWERS, Failure, Refusal, unavailable
from services.edge.internal import HEADER as INTERNAL_HEADER
from services.edge.internal import internal_token
from services.mapproxy.hits import CACHE_CONTROL, CachedTiles
from services.mapproxy.requests import check
from services.mapproxy.tilefiles import install as install_tile_writer

CONFIG_NAME = "mapproxy.yaml"
# Texts of MapProxy's source-side errors (mapproxy.client.http, mapproxy.service.wms);
# "HTTP Error" is a 4xx/5xx of the source, e.g. our /ows busy with renders (503).
_SOURCE_FAILURE_MARKERS = (b"from URL", b"Could not get any sources", b"No response from",
                           b"source", b"timed out", b"HTTP Error")  # fmt: skip
_SPOOFABLE = ("HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR",
              "HTTP_X_SCRIPT_NAME", "HTTP_FORWARDED")  # fmt: skip


def local_address(settings: Settings) -> str:
    """``host:port`` of the web process as seen from inside this machine."""
    host = settings.host if settings.host not in ("", "0.0.0.0", "::") else "127.0.0.1"  # noqa: S104
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{settings.port}"


def internal_ows_url(settings: Settings) -> str:
    """URL of our MapServer endpoint as seen from inside this machine."""
    return f"http://{local_address(settings)}/ows"


def runtime_config(settings: Settings, ows_url: str | None = None) -> Path:
    """Write the patched MapProxy configuration for this machine and return its path."""
    conf = yaml.safe_load((settings.config_dir / CONFIG_NAME).read_text())
    cache_dir = settings.cache_dir
    # Lock files outlive a killed seeder: they live with the run-time files, so the cache
    # folder holds tiles only.
    locks = settings.runtime_dir / "mapproxy"
    conf["globals"]["cache"].update(
        base_dir=str(cache_dir),
        lock_dir=str(locks / "locks"),
        tile_lock_dir=str(locks / "tile_locks"),
    )
    token = internal_token(settings.runtime_dir)
    for source in conf["sources"].values():
        source["req"]["url"] = ows_url or internal_ows_url(settings)
        source.setdefault("http", {})["headers"] = {INTERNAL_HEADER: token}
    cache_dir.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(conf, allow_unicode=True, sort_keys=False)
    return write_atomic(settings.runtime_dir / "mapproxy" / CONFIG_NAME, text)


class MapProxyEdge:
    """What clients see of MapProxy: pinned public URL, WMTS KVP under ``/wmts``, and
    cached tiles answered from their files (``services.mapproxy.hits``).

    MapProxy builds capability links from ``Host``/``X-Forwarded-*``; here they always
    come from the configured public URL. MapProxy answers WMTS KVP on ``/service`` (its
    ``/ows`` is MapServer's here), so ``/wmts?SERVICE=WMTS&…`` is routed there and the
    ``/service`` links in that answer are rewritten to ``/wmts``.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], base_url: str):
        url = urlsplit(base_url)
        self.app, self.scheme, self.host = app, url.scheme or "http", url.netloc
        self.prefix = url.path.rstrip("/")
        public = f"{self.scheme}://{self.host}{self.prefix}"
        self._kvp_links = (f"{public}/service".encode(), f"{public}/wmts".encode())
        self.hits = CachedTiles(app)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            hit = self.hits.answer(environ, start_response)  # a cached tile: the file, at once
        except Refusal as refusal:
            method = environ.get("REQUEST_METHOD", "GET")
            return respond(start_response, refusal, _dialect(environ), method)
        if hit is not None:
            return hit
        environ = {key: value for key, value in environ.items() if key not in _SPOOFABLE}
        environ["HTTP_HOST"] = self.host
        environ["wsgi.url_scheme"] = self.scheme
        environ["SCRIPT_NAME"] = self.prefix + environ.get("SCRIPT_NAME", "")
        dialect = _dialect(environ)
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            check(method, environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        except Refusal as refusal:
            return respond(start_response, refusal, dialect, method)
        kvp = environ.get("PATH_INFO", "").rstrip("/") == "/wmts"
        if kvp:
            environ["PATH_INFO"] = "/service"
            if "SERVICE=" not in environ.get("QUERY_STRING", "").upper():
                environ["QUERY_STRING"] = "SERVICE=WMTS&" + environ.get("QUERY_STRING", "")
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured.update(status=status, headers=headers)

        body_parts = self.app(environ, capture)
        captured["headers"] = revalidated(captured["headers"])
        if not kvp and not captured["status"].startswith("500"):
            start_response(captured["status"], captured["headers"])
            return body_parts  # tiles stream through untouched
        body = b"".join(body_parts)
        status, headers = captured["status"], captured["headers"]
        if kvp:
            body = body.replace(*self._kvp_links)
        if status.startswith("500"):
            return self._failure(start_response, body, headers, dialect)
        headers = [(k, str(len(body)) if k.lower() == "content-length" else v)
                   for k, v in headers]  # fmt: skip
        start_response(status, headers)
        return [body]

    @staticmethod
    def _failure(
        start_response: Callable[..., Any],
        body: bytes,
        headers: list[tuple[str, str]],
        dialect: Dialect,
    ) -> list[bytes]:
        """MapProxy answers every error with 500; tell a client's mistake from an outage.

        Errors from the tile source (our MapServer) carry the source's messages and URL:
        those become the table's "source unavailable" with a document that names no
        internal address. Everything else MapProxy refuses is a problem with the request:
        its own OGC exception is kept, with the status of a bad parameter.
        """
        if any(marker in body for marker in _SOURCE_FAILURE_MARKERS):
            return respond(start_response, unavailable(Failure.SOURCE_UNAVAILABLE), dialect)
        status = ANSWERS[Failure.BAD_PARAMETER].status
        headers = [(k, str(len(body)) if k.lower() == "content-length" else v)
                   for k, v in headers]  # fmt: skip
        start_response(status_line(status), headers)
        return [body]


def revalidated(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Images MapProxy renders get the cache hits' ``Cache-Control``.

    MapProxy sends tiles with ``max-age`` of three days: a browser would show a tile for
    three days after a load changed it. Here it asks again each time (a 304 when unchanged).
    """
    kinds = {name.lower(): value for name, value in headers}
    if not kinds.get("content-type", "").startswith("image/"):
        return headers
    kept = [(name, value) for name, value in headers if name.lower() != "cache-control"]
    return [*kept, ("Cache-Control", CACHE_CONTROL)]


def _dialect(environ: dict[str, Any]) -> Dialect:
    """MapProxy's cached WMS writes WMS exceptions; WMTS and the tile paths OWS ones."""
    if not environ.get("PATH_INFO", "").startswith("/wms"):
        return WMTS_10
    query = environ.get("QUERY_STRING", "")
    return WMS_130 if "VERSION=1.3.0" in query.upper() else WMS_111


def make_mapproxy_app(settings: Settings, ows_url: str | None = None) -> MapProxyEdge:
    """Build MapProxy from the patched configuration; paths pass through unchanged."""
    install_tile_writer(settings.cache_dir)
    app = make_wsgi_app(str(runtime_config(settings, ows_url)), ignore_config_warnings=False)
    return MapProxyEdge(app, settings.base_url)
