"""Shared helpers of the OGC API tests: known parcels in PostGIS and the mounted app.

The parcels are a 3 x 3 grid of 100 m squares in EPSG:2180 near Łask (easting 509000,
northing 416000) plus one far away, inserted as the owner role under their own namespace
and deleted afterwards, so they can sit beside the demo county. Expected answers are
always computed with plain SQL over ``publish.parcels``, never through the provider.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import make_server

from geoportal.database import Database
from geoportal.instance import Instance
from geoportal.settings import Settings
from services.pygeoapi.app import make_pygeoapi_app
from web.dispatch import PrefixDispatcher

NAMESPACE = "TEST.OGCAPI"
UNIT, DISTRICT = "100899_9", "100899_9.0001"
E0, N0, SIZE = 509000, 416000, 100  # south-west corner of the grid, metres
FAR = (531000, 436000)


def _grid() -> list[tuple[str, str, float, int, int]]:
    cells = [(i, j) for j in range(3) for i in range(3)]
    rows = [(f"{DISTRICT}.{n + 1}/1", f"{n + 1}/1", 0.1 * (n + 1), E0 + i * SIZE, N0 + j * SIZE)
            for n, (i, j) in enumerate(cells)]  # fmt: skip
    rows.append((f"{DISTRICT}.99", "99", 5.0, *FAR))
    return rows


def insert_parcels(database: Database) -> None:
    """The unit, district and parcels above (replacing any left by an interrupted run)."""
    delete_parcels(database)
    with database.connect("owner") as conn:
        common = "namespace, local_id, version_id, version_start"
        conn.execute(
            f"INSERT INTO data.cadastral_unit ({common}, unit_id, name, geom) VALUES "  # noqa: S608
            "(%s, 'U', '1', now(), %s, 'Gmina Testowa', "
            "ST_Multi(ST_MakeEnvelope(505000, 412000, 535000, 440000, 2180)))",
            (NAMESPACE, UNIT),
        )
        conn.execute(
            f"INSERT INTO data.cadastral_district ({common}, district_id, name, unit_id, geom) "  # noqa: S608
            "VALUES (%s, 'D', '1', now(), %s, 'Obręb Testowy', %s, "
            "ST_Multi(ST_MakeEnvelope(505000, 412000, 535000, 440000, 2180)))",
            (NAMESPACE, DISTRICT, UNIT),
        )
        for parcel_id, number, area, east, north in _grid():
            conn.execute(
                f"INSERT INTO data.parcel ({common}, parcel_id, number, district_id, area_ha, "  # noqa: S608
                "land_register_no, geom) VALUES (%s, %s, '1', now(), %s, %s, %s, %s, %s, "
                "ST_Multi(ST_MakeEnvelope(%s, %s, %s, %s, 2180)))",
                (NAMESPACE, parcel_id, parcel_id, number, DISTRICT, area, f"LD1L/{number}",
                 east, north, east + SIZE, north + SIZE),
            )  # fmt: skip


def delete_parcels(database: Database) -> None:
    """Remove everything ``insert_parcels`` added."""
    with database.connect("owner") as conn:
        for table in ("parcel", "cadastral_district", "cadastral_unit"):
            conn.execute(f"DELETE FROM data.{table} WHERE namespace = %s", (NAMESPACE,))  # noqa: S608


def sql_parcel_ids(database: Database, where: str, params: tuple[Any, ...] = ()) -> list[str]:
    """Parcel ids of ``publish.parcels`` matching a plain SQL condition, sorted."""
    with database.connect("public") as conn:
        rows = conn.execute(
            f"SELECT parcel_id FROM publish.parcels WHERE {where} ORDER BY parcel_id",  # noqa: S608
            params,
        ).fetchall()
    return [row[0] for row in rows]


def sql_gid(database: Database, parcel_id: str) -> int:
    """The ``gid`` of one parcel."""
    with database.connect("public") as conn:
        row = conn.execute("SELECT gid FROM publish.parcels WHERE parcel_id = %s", (parcel_id,))
        return int(row.fetchone()[0])


@contextmanager
def known_parcels(database: Database) -> Iterator[list[str]]:
    """The known parcels, present while the block runs; yields their ids."""
    insert_parcels(database)
    try:
        yield [row[0] for row in _grid()]
    finally:
        delete_parcels(database)


def mounted(instance: Instance) -> PrefixDispatcher:
    """The pygeoapi app mounted at /ogc the way web/app.py mounts it."""

    def not_found(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not here"]

    return PrefixDispatcher(not_found, {"/ogc": make_pygeoapi_app(instance)}, {})


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def http_server(settings: Settings, database: Database) -> Iterator[str]:
    """A real threaded HTTP server for clients that fetch URLs; yields the /ogc root."""
    port = free_port()
    served = settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    server = make_server("127.0.0.1", port, mounted(Instance(served)), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{served.base_url}/ogc"
    finally:
        server.shutdown()
        thread.join(timeout=5)
