"""System tests read the running application the way QGIS and GDAL do."""

from __future__ import annotations

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
