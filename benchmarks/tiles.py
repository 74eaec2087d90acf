"""A cached WMTS tile through the application vs the same file from a static server."""

from __future__ import annotations

import functools
import math
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from owslib.wmts import WebMapTileService

from benchmarks.client import Client
from benchmarks.instance import county_centre, free_port
from benchmarks.timing import paired_ms, report
from geoportal.instance import Instance


class _QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like gunicorn
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (40 ms)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _tile_url(instance: Instance, zoom: int) -> str:
    wmts = WebMapTileService(f"{instance.settings.base_url}/wmts/1.0.0/WMTSCapabilities.xml")
    name, layer = next(iter(wmts.contents.items()))
    matrix_set = next(key for key in layer.tilematrixsetlinks if "MERCATOR" in key.upper())
    template = next(url["template"] for url in layer.resourceURLs if url["resourceType"] == "tile")
    lon, lat = county_centre(instance.database)
    n = 2**zoom
    col = int((lon + 180) / 360 * n)
    row = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return (template.replace("{TileMatrixSet}", matrix_set)
            .replace("{TileMatrix}", f"{zoom:02d}" if "{TileMatrix}" in template else str(zoom))
            .replace("{TileCol}", str(col)).replace("{TileRow}", str(row))
            .replace("{Style}", "default"))  # fmt: skip


def _cached_file(cache_dir: Path, body: bytes) -> Path:
    for path in cache_dir.rglob("*.png"):
        if path.stat().st_size == len(body) and path.read_bytes() == body:
            return path
    raise RuntimeError("the tile was not found in the cache directory")


def bench_cached_tile(instance: Instance, repeat: int) -> None:
    """Print medians of a cache hit through our app and from a static server, and the ratio."""
    session = Client()
    url = _tile_url(instance, zoom=15)
    body = session.get(url, timeout=60).content  # the first request fills the cache
    tile = _cached_file(instance.settings.cache_dir, body)
    handler = functools.partial(_QuietHandler, directory=str(tile.parent))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    static_url = f"http://127.0.0.1:{server.server_address[1]}/{tile.name}"
    try:
        assert session.get(static_url, timeout=5).content == body
        ours, peer = paired_ms(
            lambda: session.get(url, timeout=10).content,
            lambda: session.get(static_url, timeout=10).content,
            repeat,
        )
    finally:
        server.shutdown()
    report("WMTS cached tile (z15, EPSG:3857)", ours, peer, "static file")
