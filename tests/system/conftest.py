"""System tests read the running application the way QGIS and GDAL do."""

from __future__ import annotations

import time
from collections.abc import Iterator
from secrets import token_hex

import pytest
import requests

from geoportal.auth.staff import add_staff
from tests.system.eservices_steps import PASSWORD


@pytest.fixture(scope="session")
def http() -> requests.Session:
    """One keep-alive HTTP session, like a desktop GIS client."""
    session = requests.Session()
    session.headers["User-Agent"] = "geoportal-system-tests"
    return session


@pytest.fixture(scope="session")
def secrets(database, demo_loaded) -> list[str]:
    """Names and PESEL numbers of natural persons in the demo register: what must never leak."""
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT pesel, first_name || ' ' || surname FROM data.subject"
            " WHERE subject_kind = 'person' AND pesel IS NOT NULL ORDER BY local_id LIMIT 200"
        ).fetchall()
    assert len(rows) >= 10, "the demo county must contain natural persons"
    return [value for row in rows for value in row]


@pytest.fixture(scope="session")
def officers(database):
    """A geodesy officer and a registry clerk with fresh logins (password: PASSWORD)."""
    suffix = token_hex(3)
    with database.connect("owner") as conn:
        return {
            role: add_staff(conn, f"{role}.sys{suffix}", role, PASSWORD, [role]).login
            for role in ("geodesy", "kancelaria")
        }


@pytest.fixture(scope="module")
def vertex(database, known_parcel) -> tuple[float, float]:
    """A vertex of the known parcel's outer boundary (EPSG:2180, easting first)."""
    with database.connect("owner") as conn:
        row = conn.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing("
            "ST_GeometryN(geom, 1)), 1) AS p FROM publish.parcels WHERE gid = %s) v",
            (known_parcel.gid,),
        ).fetchone()
    return row[0], row[1]


@pytest.fixture(scope="session")
def front(live_server, settings) -> Iterator[str]:
    """nginx with the configuration ``geoportal front nginx`` writes, in front of the
    running application: cached tiles from disk, the rest proxied. Yields its base URL."""
    from services.mapproxy.front import start_nginx, stop_nginx, write_nginx_config
    from tests.integration.test_ogcapi_support import free_port

    listen = f"127.0.0.1:{free_port()}"
    config = write_nginx_config(settings, listen, front_dir=settings.var_dir / "front-test")
    process = start_nginx(config)
    base = f"http://{listen}"
    try:
        deadline = time.monotonic() + 30
        while not _answers(base):
            assert process.poll() is None, (config.parent / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        yield base
    finally:
        stop_nginx(process)


def _answers(base: str) -> bool:
    try:
        return requests.get(base + "/health", timeout=5).status_code == 200
    except requests.ConnectionError:
        return False
