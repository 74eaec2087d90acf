"""MapProxy as a WSGI application (``/wms``, ``/wmts``, ``/tiles``, ``/tms``).

The committed ``config/mapproxy.yaml`` holds placeholders for everything that depends on
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

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from mapproxy.wsgiapp import make_wsgi_app

from geoportal.settings import Settings

CONFIG_NAME = "mapproxy.yaml"
_SPOOFABLE = ("HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR",
              "HTTP_X_SCRIPT_NAME", "HTTP_FORWARDED")  # fmt: skip


def internal_ows_url(settings: Settings) -> str:
    """URL of our MapServer endpoint as seen from inside this machine."""
    host = settings.host if settings.host not in ("", "0.0.0.0", "::") else "127.0.0.1"  # noqa: S104
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}/ows"


def runtime_config(settings: Settings, ows_url: str | None = None) -> Path:
    """Write the patched MapProxy configuration for this machine and return its path."""
    conf = yaml.safe_load((settings.config_dir / CONFIG_NAME).read_text())
    cache_dir = settings.cache_dir
    conf["globals"]["cache"].update(
        base_dir=str(cache_dir),
        lock_dir=str(cache_dir / "locks"),
        tile_lock_dir=str(cache_dir / "tile_locks"),
    )
    for source in conf["sources"].values():
        source["req"]["url"] = ows_url or internal_ows_url(settings)
    path = settings.runtime_dir / "mapproxy" / CONFIG_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as tmp:
        yaml.safe_dump(conf, tmp, allow_unicode=True, sort_keys=False)
    os.replace(tmp.name, path)
    return path


class MapProxyEdge:
    """What clients see of MapProxy: pinned public URL, WMTS KVP under ``/wmts``.

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

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        environ = {key: value for key, value in environ.items() if key not in _SPOOFABLE}
        environ["HTTP_HOST"] = self.host
        environ["wsgi.url_scheme"] = self.scheme
        environ["SCRIPT_NAME"] = self.prefix + environ.get("SCRIPT_NAME", "")
        if environ.get("PATH_INFO", "").rstrip("/") != "/wmts":
            return self.app(environ, start_response)
        environ["PATH_INFO"] = "/service"
        if "SERVICE=" not in environ.get("QUERY_STRING", "").upper():
            environ["QUERY_STRING"] = "SERVICE=WMTS&" + environ.get("QUERY_STRING", "")
        return self._kvp(environ, start_response)

    def _kvp(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured.update(status=status, headers=headers)

        body = b"".join(self.app(environ, capture))
        body = body.replace(*self._kvp_links)
        if (
            captured["status"].startswith("500")
            and "REQUEST=" not in environ["QUERY_STRING"].upper()
        ):
            captured["status"] = "400 Bad Request"  # MapProxy answers a missing REQUEST with 500
        headers = [(k, str(len(body)) if k.lower() == "content-length" else v)
                   for k, v in captured["headers"]]  # fmt: skip
        start_response(captured["status"], headers)
        return [body]


def make_mapproxy_app(settings: Settings, ows_url: str | None = None) -> MapProxyEdge:
    """Build MapProxy from the patched configuration; paths pass through unchanged."""
    app = make_wsgi_app(str(runtime_config(settings, ows_url)), ignore_config_warnings=False)
    return MapProxyEdge(app, settings.base_url)
