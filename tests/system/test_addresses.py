"""Address points (EGiB property addresses) through WFS and OGC API, checked against SQL.

A property address is public (art. 24 ust. 2 PGiK); an owner's address is not: the
owners' addresses read from ``data.subject`` must not be in any answer.
"""

from __future__ import annotations

import pytest

from tests.system.expected import box_around

pytestmark = pytest.mark.system

ADDRESSES_IN = """
SELECT locality, street, house_number, parcel_id FROM data.address
 WHERE version_end IS NULL AND object_end IS NULL AND geom IS NOT NULL
   AND geom && ST_MakeEnvelope(%s, %s, %s, %s, 2180)
"""


@pytest.fixture(scope="module")
def town_box(database, demo_loaded) -> tuple[float, float, float, float]:
    """1 km around the first address with a street (the town)."""
    with database.connect("owner") as conn:
        x, y = conn.execute(
            "SELECT ST_X(geom), ST_Y(geom) FROM data.address WHERE street IS NOT NULL"
            " AND version_end IS NULL ORDER BY parcel_id, house_number LIMIT 1"
        ).fetchone()
    return box_around(x, y, 500)


@pytest.fixture(scope="module")
def expected(database, town_box) -> set[tuple]:
    with database.connect("owner") as conn:
        rows = conn.execute(ADDRESSES_IN, town_box).fetchall()
    assert len(rows) > 5
    return {tuple(row) for row in rows}


@pytest.fixture(scope="module")
def owners_addresses(database, demo_loaded) -> list[str]:
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT DISTINCT address FROM data.subject WHERE address IS NOT NULL LIMIT 200"
        ).fetchall()
    assert rows
    return [row[0] for row in rows]


def test_wfs_gives_the_addresses_of_a_bbox(live_server, http, town_box, expected, owners_addresses):
    minx, miny, maxx, maxy = town_box
    response = http.get(f"{live_server}/ows/ewidencja", params={
        "SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature", "TYPENAMES": "adresy",
        "OUTPUTFORMAT": "geojson", "SRSNAME": "EPSG:2180",
        "BBOX": f"{miny},{minx},{maxy},{maxx},urn:ogc:def:crs:EPSG::2180"}, timeout=60)  # fmt: skip
    assert response.status_code == 200, response.text[:300]
    got = {(p["MIEJSCOWOSC"], p["ULICA"], p["NUMER_PORZADKOWY"], p["ID_DZIALKI"])
           for p in (f["properties"] for f in response.json()["features"])}  # fmt: skip
    # MapServer's WFS writes a missing value (a village address has no street) as ""
    assert got == {tuple("" if value is None else value for value in row) for row in expected}
    assert not [a for a in owners_addresses if a in response.text]


def test_ogcapi_gives_the_same_addresses_with_english_names(
    live_server, http, town_box, expected, owners_addresses
):
    minx, miny, maxx, maxy = town_box
    response = http.get(f"{live_server}/ogc/collections/addresses/items", params={
        "bbox": f"{miny},{minx},{maxy},{maxx}",  # bbox-crs EPSG:2180: northing first
        "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/2180", "limit": "1000",
        "f": "json"}, timeout=60)  # fmt: skip
    assert response.status_code == 200, response.text[:300]
    got = {(p["locality"], p["street"], p["house_number"], p["parcel_id"])
           for p in (f["properties"] for f in response.json()["features"])}  # fmt: skip
    assert got == expected
    assert not [a for a in owners_addresses if a in response.text]
