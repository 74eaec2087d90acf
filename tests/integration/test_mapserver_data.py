"""A small, known EGiB/MPZP data set for the MapServer and MapProxy tests.

It sits in the south-west corner of the site's extent (EPSG:2180 x 494500,
y 396500), outside the synthetic demo county's obręby, in its own
namespace, so answers can be asserted exactly even when demo data are loaded into the
same test database. Inside the extent on purpose: MapServer 8.0 filters a WFS GetFeature
without BBOX by the layer extent. Loading is idempotent: each test module may call it.

Layout: one obręb 400 m x 300 m split into a 4 x 3 grid of 100 m parcels numbered 1..12
row by row from the south-west (parcel 12 is ``185/1``), two buildings, one land-use and
one soil contour, one plan zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

from werkzeug.test import Client

from geoportal.database import Database
from geoportal.instance import Instance
from services.mapserver.app import make_mapserver_app

NAMESPACE = "PL.PZGiK.TEST.OWS"
X0, Y0 = 494_500, 396_500  # inside the site extent, in a corner without demo data
COLUMNS, ROWS, CELL = 4, 3, 100
EXTENT = (X0, Y0, X0 + COLUMNS * CELL, Y0 + ROWS * CELL)
DISTRICT_ID = "129901_1.0001"
TABLES = ("building", "parcel", "registration_unit", "cadastral_district", "cadastral_unit",
          "land_use_contour", "soil_class_contour", "plan_zone", "plan")  # fmt: skip
_COMMON = "namespace, local_id, version_id, version_start"


def parcel_number(column: int, row: int) -> str:
    """Number of the parcel in grid cell (column, row), both counted from 0."""
    index = row * COLUMNS + column + 1
    return "185/1" if index == COLUMNS * ROWS else str(index)


def parcel_id(column: int, row: int) -> str:
    """TERYT parcel identifier (ID_DZIALKI) of a grid cell."""
    return f"{DISTRICT_ID}.{parcel_number(column, row)}"


def box(x1: float, y1: float, x2: float, y2: float) -> str:
    """EWKT multipolygon of an axis-aligned rectangle in EPSG:2180."""
    ring = f"{x1} {y1},{x2} {y1},{x2} {y2},{x1} {y2},{x1} {y1}"
    return f"SRID=2180;MULTIPOLYGON((({ring})))"


def load_ows_fixture(database: Database) -> None:
    """Replace the fixture rows (owner role), so every call leaves the same data."""
    delete_ows_fixture(database)
    with database.connect("owner") as conn:
        rows = _district_rows(conn) + _parcel_rows(conn) + _other_rows(conn)
        assert rows > 0


def delete_ows_fixture(database: Database) -> None:
    """Remove every fixture row, so other test modules see the database as before."""
    with database.connect("owner") as conn:
        for table in TABLES:
            conn.execute(f"DELETE FROM data.{table} WHERE namespace = %s", (NAMESPACE,))  # noqa: S608


def _insert(conn, table: str, columns: str, values: tuple) -> int:
    marks = ", ".join(["%s"] * (4 + len(values)))
    conn.execute(
        f"INSERT INTO data.{table} ({_COMMON}, {columns}) VALUES ({marks})",  # noqa: S608
        (NAMESPACE, f"{table}-{values[0]}", "1", "2024-05-01", *values),
    )
    return 1


def _district_rows(conn) -> int:
    return _insert(conn, "cadastral_unit", "unit_id, name, geom",
                   ("129901_1", "Gmina Testowa", box(*EXTENT))) + _insert(
        conn, "cadastral_district", "district_id, name, unit_id, geom",
        (DISTRICT_ID, "Obręb Testowy", "129901_1", box(*EXTENT)),
    ) + _insert(conn, "registration_unit", "registration_unit_id, district_id, registry_group",
                (f"{DISTRICT_ID}.G1", DISTRICT_ID, 7))  # fmt: skip


def _parcel_rows(conn) -> int:
    count = 0
    for row in range(ROWS):
        for column in range(COLUMNS):
            x, y = X0 + column * CELL, Y0 + row * CELL
            count += _insert(
                conn, "parcel",
                "parcel_id, number, district_id, area_ha, land_register_no,"
                " registration_unit_id, geom",
                (parcel_id(column, row), parcel_number(column, row), DISTRICT_ID, 1.0,
                 "LD1L/00012345/6", f"{DISTRICT_ID}.G1", box(x, y, x + CELL, y + CELL)),
            )  # fmt: skip
    return count


def _other_rows(conn) -> int:
    return (
        _insert(conn, "building", "building_id, kst_type, floors_above, geom",
                (f"{DISTRICT_ID}.1_BUD", "110", 2, box(X0 + 20, Y0 + 20, X0 + 45, Y0 + 35)))
        + _insert(conn, "building", "building_id, kst_type, floors_above, geom",
                  (f"{DISTRICT_ID}.6_BUD", "121", 1, box(X0 + 130, Y0 + 130, X0 + 160, Y0 + 150)))
        + _insert(conn, "land_use_contour", "contour_id, ofu, geom", ("U1", "R", box(*EXTENT)))
        + _insert(conn, "soil_class_contour", "contour_id, ozu, ozk, geom",
                  ("K1", "R", "IIIa", box(*EXTENT)))
        + _insert(conn, "plan", "plan_id, title, plan_type, status, geom",
                  ("PL.TEST.MPZP.1", "Plan testowy", "mpzp", "obowiazujacy", box(*EXTENT)))
        + _insert(conn, "plan_zone", "zone_id, plan_id, symbol, designation, geom",
                  ("Z1", "PL.TEST.MPZP.1", "1MN", "zabudowa mieszkaniowa",
                   box(X0, Y0, X0 + 200, Y0 + 300)))
    )  # fmt: skip


@contextmanager
def ows_client(instance: Instance) -> Iterator[Client]:
    """The fixture rows plus a client of the MapServer app (as mounted at ``/ows``)."""
    database = instance.database
    load_ows_fixture(database)
    app = make_mapserver_app(instance)
    try:
        yield Client(app)
    finally:
        app.pool.close()
        delete_ows_fixture(database)


def wms_query(**params: object) -> str:
    """KVP query of a WMS 1.3.0 GetMap over the fixture, overridden by ``params``."""
    x1, y1, x2, y2 = EXTENT
    query: dict[str, object] = {
        "SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "LAYERS": "dzialki",
        "STYLES": "", "CRS": "EPSG:2180", "BBOX": f"{y1},{x1},{y2},{x2}",  # northing first
        "WIDTH": 400, "HEIGHT": 300, "FORMAT": "image/png",
    }  # fmt: skip
    query.update({key.upper(): value for key, value in params.items()})
    return "/?" + urlencode(query)
