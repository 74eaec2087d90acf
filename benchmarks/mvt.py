"""Vector tiles: our OGC API tile path against the SQL floor and against TiPg.

1. Latency per level (z14, z15, z16): a tile at the county centre through
   ``/ogc/collections/parcels/tiles/WebMercatorQuad/z/y/x`` against the same ``ST_AsMVT``
   statement prepared and timed directly on one connection (the limit: no HTTP, no
   Python). The target is ``ours <= 1.3 x floor + 1 ms``.
2. Throughput with 8 concurrent clients over the same set of z14-z16 tiles, against TiPg
   (the PostGIS vector tile server a user would pick instead) serving the same view. TiPg
   runs from a virtualenv of its own (``var/bench-tools/tipg``, created on first use: its
   FastAPI/pydantic pins are not ours) under uvicorn with one worker per core.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from benchmarks.instance import county_centre, free_port
from benchmarks.timing import median_ms, report
from geoportal.instance import Instance
from geoportal.settings import PROJECT_ROOT
from services.edge.internal import HEADER, internal_token
from services.providers.mvt import tile_params, tile_statement
from services.providers.view import view_spec

TIPG_VENV = PROJECT_ROOT / "var" / "bench-tools" / "tipg"
TIPG_APP = """
# TiPg on the embedded cluster's socket: asyncpg takes the directory as host=.
import os

import asyncpg

_create_pool = asyncpg.create_pool


def _on_socket(dsn, **kwargs):
    return _create_pool(dsn, host=os.environ["BENCH_PGHOST"],
                        port=int(os.environ["BENCH_PGPORT"]), **kwargs)


asyncpg.create_pool = _on_socket
from tipg.main import app  # noqa: E402
"""
LEVELS = (14, 15, 16)
CLIENTS = 8
DURATION_S = 10.0


def tile_at(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """Column and row of the WebMercatorQuad tile holding a point."""
    n = 2**zoom
    column = int((lon + 180) / 360 * n)
    row = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return column, row


def _tile_set(lon: float, lat: float) -> list[tuple[int, int, int]]:
    """A 3 x 3 block of tiles around the centre at each level: what a screen asks for."""
    tiles = []
    for zoom in LEVELS:
        column, row = tile_at(lon, lat, zoom)
        tiles += [(zoom, column + dx, row + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    return tiles


def bench_mvt_latency(instance: Instance, repeat: int) -> None:
    """Per level: median of a tile through our API and of the prepared statement."""
    lon, lat = county_centre(instance.database)
    spec = view_spec(_parcels_provider(instance))
    statement = tile_statement(spec, spec.view)
    session = requests.Session()
    base = f"{instance.settings.base_url}/ogc/collections/parcels/tiles/WebMercatorQuad"
    with instance.database.connect("public", autocommit=True) as conn:
        for zoom in LEVELS:
            column, row = tile_at(lon, lat, zoom)
            url = f"{base}/{zoom}/{row}/{column}"
            first = session.get(url, timeout=30)
            assert first.status_code == 200, (url, first.status_code)
            params = tile_params(zoom, column, row)
            direct = conn.execute(statement, params, prepare=True).fetchone()
            assert direct is not None and bytes(direct[0]) == first.content
            ours = median_ms(lambda url=url: session.get(url, timeout=30).content, repeat)
            floor = median_ms(
                lambda p=params: conn.execute(statement, p, prepare=True).fetchone(), repeat
            )
            kb = len(first.content) / 1024
            report(f"MVT z{zoom} parcels ({kb:.0f} KB)", ours, floor, "prepared SQL")
            print(f"{'':42} target 1.3x + 1 ms = {1.3 * floor + 1:.2f} ms: "
                  f"{'met' if ours <= 1.3 * floor + 1 else 'NOT met'}")  # fmt: skip


def bench_mvt_throughput(instance: Instance) -> None:
    """Tiles per second with 8 clients: ours against TiPg on the same view and tiles."""
    tiles = _tile_set(*county_centre(instance.database))
    ours_base = f"{instance.settings.base_url}/ogc/collections/parcels/tiles/WebMercatorQuad"
    # One address sends everything here: the portal's own header keeps the per-client rate
    # limit (meant for one person's client) out of a measurement of the tile path.
    internal = {HEADER: internal_token(instance.settings.runtime_dir)}
    ours = _throughput([f"{ours_base}/{z}/{y}/{x}" for z, x, y in tiles], internal)
    with _tipg(instance) as tipg_base:
        peer_base = f"{tipg_base}/collections/publish.parcels/tiles/WebMercatorQuad"
        peer = _throughput([f"{peer_base}/{z}/{x}/{y}" for z, x, y in tiles])
    print(f"{'MVT throughput, 8 clients, z14-16':42} ours {ours:8.1f} /s   "
          f"TiPg {peer:8.1f} /s   ratio {ours / peer:6.2f}x")  # fmt: skip


def _throughput(urls: list[str], headers: dict[str, str] | None = None) -> float:
    """Successful requests per second of ``CLIENTS`` threads cycling through ``urls``."""
    done = [0] * CLIENTS
    stop = time.perf_counter() + DURATION_S

    def client(index: int) -> None:
        session = requests.Session()
        session.headers.update(headers or {})
        position = index
        while time.perf_counter() < stop:
            answer = session.get(urls[position % len(urls)], timeout=30)
            assert answer.status_code in (200, 204), (answer.url, answer.status_code)
            done[index] += 1
            position += 1

    for url in urls:  # warm both sides the same way: every tile once
        requests.get(url, headers=headers, timeout=60)
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


@contextmanager
def _tipg(instance: Instance) -> Iterator[str]:
    """TiPg serving the ``publish`` schema on a free port; yields its base URL."""
    python = _tipg_python()
    port = free_port()
    params = instance.database.params("owner")
    # TiPg's settings insist on a URL with a host, and asyncpg then ignores ?host=: a small
    # module (TIPG_APP) hands asyncpg the socket directory of the embedded cluster itself.
    env = os.environ | {
        "DATABASE_URL": f"postgresql://{params['user']}@localhost/{params['dbname']}",
        "TIPG_DB_SCHEMAS": '["publish"]',
        "BENCH_PGHOST": params["host"],
        "BENCH_PGPORT": params["port"],
    }
    (TIPG_VENV / "tipg_on_socket.py").write_text(TIPG_APP, encoding="utf-8")
    env["PYTHONPATH"] = str(TIPG_VENV)  # every uvicorn worker imports the patched app
    process = subprocess.Popen(
        [str(python), "-m", "uvicorn", "tipg_on_socket:app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(os.cpu_count() or 2), "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/collections", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _tipg_python() -> Path:
    python = TIPG_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(TIPG_VENV)], check=True)
        subprocess.run([str(TIPG_VENV / "bin" / "pip"), "install", "-q", "tipg", "uvicorn"],
                       check=True)  # fmt: skip
    return python


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"TiPg exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"TiPg did not answer {url}")


def _parcels_provider(instance: Instance) -> dict:
    """The parcels' tile provider block, as the generated pygeoapi config has it."""
    import yaml

    config = yaml.safe_load((instance.settings.config_dir / "pygeoapi-config.yml").read_text())
    providers = config["resources"]["parcels"]["providers"]
    return next(block for block in providers if block["type"] == "tile")
