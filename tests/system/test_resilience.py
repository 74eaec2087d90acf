"""The portal holds under heavy renders, and fails fast while its database is away.

A portal of its own (cluster, port, two gunicorn workers) so that its database can be
stopped and frozen without disturbing the other tests:

* eight heavy renders in flight (4096² GetMaps of every layer): ``/health``, a cached
  tile and an OGC API item still answer with p99 ≤ 100 ms; excess renders get 503 with
  ``Retry-After``, none hangs;
* the database stopped, then frozen (SIGSTOP), under a mixed load: every request that
  needs it fails with 503 and ``Retry-After`` within 5 s, ``/health`` and cached tiles
  keep answering, the connection count stays within the pools; the database back, the
  answers come back within 10 s without a restart.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
import pytest
import requests

from etl.demo import ensure_demo
from geoportal.cluster import SUPERUSER
from geoportal.instance import Instance
from geoportal.provision import ensure_database, stop_database
from geoportal.settings import PROJECT_ROOT, Settings
from web.server import start_gunicorn, stop_gunicorn, wait_ready

pytestmark = pytest.mark.system

VAR = PROJECT_ROOT / "var" / "test-resilience"
WORKERS, THREADS, RENDERERS = 2, 16, 2
# Web workers × (request threads + render processes + the database watch).
MAX_CONNECTIONS = WORKERS * (THREADS + RENDERERS + 1)


@dataclass
class Portal:
    """The running portal: its instance and base URL, and a few known requests."""

    instance: Instance
    url: str
    heavy: str = ""
    tile: str = ""
    item: str = ""
    layers: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def portal() -> Iterator[Portal]:
    port = _free_port()
    settings = Settings(var_dir=VAR, pg_port=5434, port=port, demo_parcels=300, pg_durable=False,
                        workers=WORKERS, threads=THREADS, render_processes=RENDERERS)  # fmt: skip
    instance = Instance(settings)
    instance.database.cluster.destroy()
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    ensure_database(instance.database, instance.catalog)
    ensure_demo(instance.database, lambda message: None)
    process = start_gunicorn(settings, VAR / "log")
    try:
        wait_ready(settings, process)
        yield _known_requests(Portal(instance, settings.base_url))
    finally:
        stop_gunicorn(process)
        stop_database(instance.database)
        instance.database.cluster.destroy()
        shutil.rmtree(VAR, ignore_errors=True)


def _known_requests(portal: Portal) -> Portal:
    site, catalog = portal.instance.site, portal.instance.catalog
    portal.layers = [layer.wms_name for layer in catalog.for_service("wms")]
    x0, y0, x1, y1 = site.extent
    layers = ",".join(portal.layers)
    portal.heavy = (f"/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layers}&STYLES="
                    f"&CRS=EPSG:2180&BBOX={y0},{x0},{y1},{x1}&WIDTH=4096&HEIGHT=4096"
                    "&FORMAT=image/png")  # fmt: skip
    portal.tile = "/wmts/mapa_ewidencyjna/PL1992/5/2/2.png"
    assert requests.get(portal.url + portal.tile, timeout=60).status_code == 200  # cached now
    items = requests.get(portal.url + "/ogc/collections/parcels/items?limit=1&f=json", timeout=30)
    portal.item = f"/ogc/collections/parcels/items/{items.json()['features'][0]['id']}?f=json"
    return portal


def _timed_get(url: str, timeout: float = 30) -> tuple[float, requests.Response]:
    started = time.monotonic()
    try:
        response = requests.get(url, timeout=timeout)
    except requests.Timeout as exc:
        raise AssertionError(f"no answer within {timeout} s: {url}") from exc
    return time.monotonic() - started, response


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


@contextmanager
def _heavy_renders(portal: Portal, clients: int) -> Iterator[list[tuple[float, requests.Response]]]:
    """``clients`` threads sending heavy GetMaps back to back until the block ends."""
    stop, results = threading.Event(), []

    def keep_rendering() -> None:
        while not stop.is_set():
            results.append(_timed_get(portal.url + portal.heavy, timeout=90))

    threads = [threading.Thread(target=keep_rendering) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # every renderer busy, the rest queued
    try:
        yield results
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)


def test_light_requests_stay_fast_under_eight_heavy_renders(portal):
    light: dict[str, list[float]] = {"/health": [], portal.tile: [], portal.item: []}
    with _heavy_renders(portal, clients=8) as heavy:
        until = time.monotonic() + 8  # several rounds of heavy renders
        while time.monotonic() < until:
            time.sleep(0.02)
            for path, times in light.items():
                elapsed, response = _timed_get(portal.url + path)
                assert response.status_code == 200, (path, response.status_code)
                times.append(elapsed)
    for path, times in light.items():
        p99 = _p99(times)
        print(
            f"{path}: p50 {sorted(times)[len(times) // 2] * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"
        )
        assert p99 <= 0.100, f"{path}: p99 {p99 * 1000:.0f} ms under 8 heavy renders"
    assert heavy, "no heavy render finished"
    statuses = {response.status_code for _, response in heavy}
    assert statuses <= {200, 503}, statuses
    for _elapsed, response in heavy:
        if response.status_code == 503:
            assert response.headers["Retry-After"] and "ServiceUnavailable" in response.text
    print(f"heavy renders: {sum(r.status_code == 200 for _, r in heavy)} drawn, "
          f"{sum(r.status_code == 503 for _, r in heavy)} refused as busy")  # fmt: skip


def _needing_the_database(portal: Portal) -> list[str]:
    x0, y0 = portal.instance.site.extent[:2]
    getmap = portal.heavy.replace("WIDTH=4096&HEIGHT=4096", "WIDTH=256&HEIGHT=256").replace(
        portal.heavy.split("BBOX=")[1].split("&")[0], f"{y0 + 100},{x0 + 100},{y0 + 900},{x0 + 900}"
    )
    wfs = "/ows?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=dzialki&COUNT=3"
    return [portal.item, "/ogc/collections/parcels/items?limit=5&f=json", getmap, "/ready", wfs]


def _connections(portal: Portal) -> int:
    cluster = portal.instance.database.cluster
    with psycopg.connect(cluster.conninfo(SUPERUSER, "postgres"), connect_timeout=3) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'geoportal'"
        ).fetchone()
    return int(row[0]) if row else 0


def _postgres_pids(portal: Portal) -> list[int]:
    postmaster = int((portal.instance.database.cluster.data_dir / "postmaster.pid").read_text()
                     .split()[0])  # fmt: skip
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True)
    return [postmaster, *(int(pid) for pid in children.stdout.split())]


def _during_outage(portal: Portal) -> None:
    """Every request needing the database: 503 + Retry-After within 5 s; the rest 200."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        paths = _needing_the_database(portal) * 3
        answers = list(pool.map(lambda path: (path, *_timed_get(portal.url + path, 10)), paths))
    print(f"  slowest 503 during the outage: {max(a[1] for a in answers):.2f} s")
    for path, elapsed, response in answers:
        assert response.status_code == 503, (path, response.status_code, response.text[:200])
        assert response.headers.get("Retry-After"), path
        assert elapsed < 5.0, f"{path} took {elapsed:.1f} s"
        assert "Traceback" not in response.text and "psycopg" not in response.text
    for path in ("/health", portal.tile):
        elapsed, response = _timed_get(portal.url + path)
        assert response.status_code == 200 and elapsed < 0.5, (path, elapsed)


def _recovered_within(portal: Portal, seconds: float) -> float:
    started = time.monotonic()
    pending = set(_needing_the_database(portal))
    while pending and time.monotonic() - started < seconds:
        pending = {
            p for p in pending if requests.get(portal.url + p, timeout=10).status_code != 200
        }
        time.sleep(0.2)
    assert not pending, f"still failing after {seconds} s: {pending}"
    return time.monotonic() - started


def _warm(portal: Portal) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda p: requests.get(portal.url + p, timeout=30),
                      _needing_the_database(portal) * 8))  # fmt: skip
    assert _connections(portal) <= MAX_CONNECTIONS


def test_a_stopped_database_fails_fast_and_comes_back(portal):
    _warm(portal)
    cluster = portal.instance.database.cluster
    cluster.stop()
    try:
        time.sleep(3.5)  # the watches notice
        _during_outage(portal)
    finally:
        cluster.start(durable=False)
    print(f"stopped database: answers again after {_recovered_within(portal, 10):.1f} s")
    assert _connections(portal) <= MAX_CONNECTIONS


def test_a_frozen_database_fails_fast_and_comes_back(portal):
    _warm(portal)
    pids = _postgres_pids(portal)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        _during_outage(portal)  # from the first moment: in flight or new, within 5 s
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    print(f"frozen database: answers again after {_recovered_within(portal, 10):.1f} s")
    assert _connections(portal) <= MAX_CONNECTIONS
