"""A running geoportal for benchmarks: the embedded default instance on a free port."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from etl.demo import ensure_demo
from geoportal.database import Database
from geoportal.instance import Instance
from geoportal.provision import ensure_database, stop_database
from geoportal.settings import Settings
from web.server import start_gunicorn, stop_gunicorn, wait_ready


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def county_centre(database: Database) -> tuple[float, float]:
    """Longitude and latitude of the centre of the loaded parcels."""
    with database.connect("public") as conn:
        row = conn.execute(
            "SELECT ST_X(pt), ST_Y(pt) FROM (SELECT ST_Transform(ST_SetSRID("
            "ST_Centroid(ST_Extent(geom)::geometry), 2180), 4326) AS pt FROM publish.parcels) c"
        ).fetchone()
    assert row is not None
    return float(row[0]), float(row[1])


@contextmanager
def running_instance(**settings: Any) -> Iterator[Instance]:
    """Database (with the demo county) and gunicorn, stopped again afterwards.

    ``settings`` override the defaults (a benchmark's own tile cache directory, say).
    """
    port = free_port()
    instance = Instance(Settings(port=port, public_url=f"http://127.0.0.1:{port}", **settings))
    settings, database = instance.settings, instance.database
    started_db = ensure_database(database, instance.catalog)
    ensure_demo(database, lambda message: print(message, file=sys.stderr))
    server = start_gunicorn(settings, settings.var_dir / "log" / "bench")
    try:
        wait_ready(settings, server)
        yield instance
    finally:
        stop_gunicorn(server)
        if started_db:
            stop_database(database)
