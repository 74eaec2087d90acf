"""Cached tiles through our application against stock MapProxy on the same server.

Stock MapProxy (``mapproxy.wsgiapp.make_wsgi_app`` over the same run-time configuration
and the same file cache) runs in a second gunicorn with our flags (workers, gthread
threads, access log); both are asked for the same already-cached tiles (a 3 x 3 block at
the county centre, WMTS REST, web mercator z15 and PL1992 level 10):

0. the application alone, no HTTP: a WSGI call of our whole composition (``create_app``:
   security headers, rate limiter, dispatcher, the MapProxy edge and its cache-hit path)
   against a WSGI call of stock MapProxy, median of in-process calls;
1. median latency of one client, keep-alive;
2. tiles per second with ``CONNECTIONS`` keep-alive connections of wrk
   (``benchmarks/load.py``). With Python clients (4 to 8 processes on raw sockets) the
   client took most of a core, and was the limit as much as either server;
3. the same behind nginx, the production front: ours with the configuration
   ``geoportal front nginx`` writes (hits read from disk by nginx), stock MapProxy behind
   the same configuration without the tile location (every request proxied). Same nginx,
   same flags, one client and ``CONNECTIONS`` connections.

``python -m benchmarks.tilehits [repeat]`` runs only this; ``make bench`` runs it too.
"""

from __future__ import annotations

import logging
import math
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from benchmarks.client import Client
from benchmarks.instance import county_centre, free_port, running_instance
from benchmarks.load import rate
from benchmarks.timing import paired_ms, report
from geoportal.instance import Instance
from services.configgen.mapproxy import GRID_BBOX, grid_resolutions
from services.mapproxy.app import CONFIG_NAME

CONNECTIONS = 16
CAPABILITIES = "/wmts/1.0.0/WMTSCapabilities.xml"


def tile_paths(instance: Instance) -> list[str]:
    """WMTS REST paths of cached-tile candidates around the county centre."""
    from pyproj import Transformer

    lon, lat = county_centre(instance.database)
    n = 2**15
    column = int((lon + 180) / 360 * n)
    row = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    paths = [f"/wmts/mapa_ewidencyjna/GLOBAL_WEBMERCATOR/15/{column + dx}/{row + dy}.png"
             for dx in (-1, 0, 1) for dy in (-1, 0, 1)]  # fmt: skip
    x, y = Transformer.from_crs(4326, 2180, always_xy=True).transform(lon, lat)
    span = 256 * grid_resolutions()[10]
    column, row = int((x - GRID_BBOX[0]) // span), int((GRID_BBOX[3] - y) // span)
    paths += [f"/wmts/mapa_ewidencyjna/PL1992/10/{column + dx}/{row + dy}.png"
              for dx in (-1, 0, 1) for dy in (-1, 0, 1)]  # fmt: skip
    return paths


@contextmanager
def stock_mapproxy(instance: Instance) -> Iterator[str]:
    """Stock MapProxy over our run-time configuration in gunicorn; yields its base URL."""
    settings = instance.settings
    conf = settings.runtime_dir / "mapproxy" / CONFIG_NAME
    port = free_port()
    log_dir = settings.var_dir / "log" / "bench-stock-mapproxy"
    log_dir.mkdir(parents=True, exist_ok=True)
    app = f"mapproxy.wsgiapp:make_wsgi_app('{conf}')"
    argv = [
        str(Path(sys.executable).with_name("gunicorn")), app,
        "--bind", f"127.0.0.1:{port}", "--workers", str(settings.workers),
        "--threads", str(settings.threads), "--worker-class", "gthread", "--timeout", "120",
        "--no-control-socket", "--access-logfile", str(log_dir / "access.log"),
        "--error-logfile", str(log_dir / "gunicorn.log"),
    ]  # fmt: skip
    process = subprocess.Popen(argv)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + CAPABILITIES, process, 60, f"stock MapProxy did not start; see {log_dir}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def bench_cached_tile_vs_mapproxy(instance: Instance, repeat: int) -> None:
    """Print latency and throughput of cache hits: ours against stock MapProxy."""
    ours_base = instance.settings.base_url
    paths = tile_paths(instance)
    session = Client()
    for path in paths:  # the first request renders and caches
        assert session.get(ours_base + path, timeout=120).status_code == 200, path
    with stock_mapproxy(instance) as stock_base:
        for path in paths:
            ours, stock = session.get(ours_base + path), session.get(stock_base + path)
            assert ours.content == stock.content, path
        one = paths[4]
        ours_ms, stock_ms = paired_ms(lambda: session.get(ours_base + one, timeout=10).content,
                                      lambda: session.get(stock_base + one, timeout=10).content,
                                      repeat)  # fmt: skip
        stock_rate = rate([stock_base + path for path in paths], CONNECTIONS)
        ours_rate = rate([ours_base + path for path in paths], CONNECTIONS)
        with fronts(instance, stock_base) as (ours_front, stock_front):
            for path in paths:
                assert (
                    session.get(ours_front + path).content
                    == session.get(stock_front + path).content
                )
            front_ms = paired_ms(lambda: session.get(ours_front + one, timeout=10).content,
                                 lambda: session.get(stock_front + one, timeout=10).content,
                                 repeat)  # fmt: skip
            front_rates = [rate([base + path for path in paths], CONNECTIONS)
                           for base in (ours_front, stock_front)]  # fmt: skip
    ours_app, stock_app = wsgi_medians(instance, one, repeat * 10)
    ours_us, stock_us = ours_app * 1000, stock_app * 1000
    print(f"{'WMTS cached tile, WSGI call (no HTTP)':42} ours {ours_us:8.1f} us   "
          f"stock MapProxy {stock_us:8.1f} us   ratio {ours_us / stock_us:6.2f}x")  # fmt: skip
    report("WMTS cached tile, one client", ours_ms, stock_ms, "stock MapProxy")
    name = f"WMTS cached tiles, {CONNECTIONS} connections"
    print(f"{name:42} ours {ours_rate:8.1f} /s   stock MapProxy {stock_rate:8.1f} /s   "
          f"ratio {ours_rate / stock_rate:6.2f}x")  # fmt: skip
    report("WMTS cached tile behind nginx, one client", *front_ms, "stock MapProxy")
    name = f"WMTS cached tiles behind nginx, {CONNECTIONS} conn."
    print(f"{name:42} ours {front_rates[0]:8.1f} /s   stock MapProxy {front_rates[1]:8.1f} /s   "
          f"ratio {front_rates[0] / front_rates[1]:6.2f}x")  # fmt: skip


@contextmanager
def fronts(instance: Instance, stock_base: str) -> Iterator[tuple[str, str]]:
    """nginx before each: ours as ``geoportal front nginx`` writes it, the stock peer's with
    the same configuration and no tile location. Yields both base URLs."""
    from services.mapproxy.front import start_nginx, stop_nginx, write_nginx_config

    settings = instance.settings
    stock = settings.model_copy(update={"port": int(stock_base.rsplit(":", 1)[1])})
    listens = [f"127.0.0.1:{free_port()}" for _ in range(2)]
    configs = [
        write_nginx_config(settings, listens[0], front_dir=settings.runtime_dir / "bench-ours"),
        write_nginx_config(stock, listens[1], tiles=False,
                           front_dir=settings.runtime_dir / "bench-stock"),
    ]  # fmt: skip
    processes = [start_nginx(config) for config in configs]
    try:
        bases = [f"http://{listen}" for listen in listens]
        for base, process in zip(bases, processes, strict=True):
            _wait_for(base + CAPABILITIES, process, 30, f"nginx in front of {base} did not start")
        yield bases[0], bases[1]
    finally:
        for process in processes:
            stop_nginx(process)


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float, failure: str) -> None:
    """Poll ``url`` until it answers; raise with ``failure`` if the process died first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url, timeout=5).ok:
                return
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(failure)
        time.sleep(0.1)


def wsgi_medians(instance: Instance, path: str, repeat: int) -> tuple[float, float]:
    """Median ms of one WSGI call for a cached tile: our composition, stock MapProxy."""
    from mapproxy.wsgiapp import make_wsgi_app

    from web.app import create_app

    settings = instance.settings
    ours = create_app(settings)
    stock = make_wsgi_app(str(settings.runtime_dir / "mapproxy" / CONFIG_NAME))
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
               "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": str(settings.port),
               "HTTP_HOST": f"127.0.0.1:{settings.port}", "REMOTE_ADDR": "127.0.0.1",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http"}  # fmt: skip

    def call(app: Any) -> bytes:
        answer: list[str] = []
        body = b"".join(app(dict(environ), lambda status, headers, *_: answer.append(status)))
        assert answer == ["200 OK"] and body, answer
        return body

    assert call(ours) == call(stock)
    medians = paired_ms(lambda: call(ours), lambda: call(stock), repeat)
    # this copy of the application watches the database, which the instance stops at exit
    logging.getLogger("geoportal.watch").disabled = True
    return medians


def main() -> int:
    """Start an instance and run only this benchmark (and the static-file one)."""
    from benchmarks.tiles import bench_cached_tile

    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with running_instance() as instance:
        bench_cached_tile(instance, repeat)
        bench_cached_tile_vs_mapproxy(instance, repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
