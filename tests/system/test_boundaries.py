"""Boundary points (EGiB) and administrative boundaries (PRG) through WMS, WFS and OGC API.

Expected objects come from plain SQL on the data tables as the owner; the services are
read the way QGIS reads them (WFS 2.0 GeoJSON in EPSG:2180 northing first, OGC API items
in CRS84, GetFeatureInfo as text) with the names README promises per protocol.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.system.expected import box_around

pytestmark = pytest.mark.system

POINTS_NEAR = """
SELECT point_id FROM data.boundary_point
 WHERE version_end IS NULL AND object_end IS NULL
   AND geom && ST_MakeEnvelope(%s, %s, %s, %s, 2180)
"""


@pytest.fixture(scope="module")
def points_near_parcel(database, known_parcel) -> tuple[tuple[float, ...], set[str]]:
    minx, miny, maxx, maxy = box_around(known_parcel.x, known_parcel.y, 400)
    with database.connect("owner") as conn:
        rows = conn.execute(POINTS_NEAR, (minx, miny, maxx, maxy)).fetchall()
    assert rows, "no boundary point near the known parcel"
    return (minx, miny, maxx, maxy), {row[0] for row in rows}


def test_wfs_gives_the_boundary_points_of_a_bbox(live_server, http, points_near_parcel):
    (minx, miny, maxx, maxy), expected = points_near_parcel
    response = http.get(f"{live_server}/ows/ewidencja", params={
        "SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature",
        "TYPENAMES": "punkty_graniczne", "OUTPUTFORMAT": "geojson", "SRSNAME": "EPSG:2180",
        "BBOX": f"{miny},{minx},{maxy},{maxx},urn:ogc:def:crs:EPSG::2180"}, timeout=60)  # fmt: skip
    assert response.status_code == 200, response.text[:300]
    features = response.json()["features"]
    assert {f["properties"]["ID_PUNKTU"] for f in features} == expected
    props = features[0]["properties"]
    assert {"ID_PUNKTU", "ID_OBREBU", "SPD", "ISD", "STB", "DATA"} == set(props)
    assert props["ID_OBREBU"] == props["ID_PUNKTU"].rsplit(".", 1)[0]


def test_ogcapi_gives_the_same_points_with_english_names(
    live_server, http, points_near_parcel, known_parcel
):
    _, expected = points_near_parcel
    response = http.get(f"{live_server}/ogc/collections/boundary_points/items", params={
        # bbox-crs EPSG:2180 is northing first (OGC API Features Part 2, as README says)
        "bbox": f"{known_parcel.y - 400},{known_parcel.x - 400},"
                f"{known_parcel.y + 400},{known_parcel.x + 400}",
        "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/2180", "limit": "1000",
        "f": "json"}, timeout=60)  # fmt: skip
    assert response.status_code == 200, response.text[:300]
    features = response.json()["features"]
    assert {f["properties"]["point_id"] for f in features} == expected
    assert {"point_id", "district_id", "acquisition", "accuracy", "stabilisation"} <= set(
        features[0]["properties"]
    )


def test_getfeatureinfo_names_the_boundary_point(live_server, http, database, known_parcel):
    with database.connect("owner") as conn:
        point_id, x, y = conn.execute(
            "SELECT point_id, ST_X(geom), ST_Y(geom) FROM data.boundary_point"
            " WHERE version_end IS NULL ORDER BY geom <-> ST_SetSRID(ST_Point(%s, %s), 2180)"
            " LIMIT 1",
            (known_parcel.x, known_parcel.y),
        ).fetchone()
    response = http.get(f"{live_server}/ows/ewidencja", params={
        "SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetFeatureInfo",
        "LAYERS": "punkty_graniczne", "QUERY_LAYERS": "punkty_graniczne", "STYLES": "",
        "SRS": "EPSG:2180", "BBOX": f"{x - 10.25},{y - 10.25},{x + 10.25},{y + 10.25}",
        "WIDTH": "41", "HEIGHT": "41", "X": "20", "Y": "20", "INFO_FORMAT": "text/plain",
        "FEATURE_COUNT": "1"}, timeout=60)  # fmt: skip
    assert response.status_code == 200
    assert point_id in response.text and "ID_PUNKTU" in response.text


def test_wfs_gminy_agree_with_the_cadastral_units(live_server, http, database):
    with database.connect("owner") as conn:
        units = {
            row[0]
            for row in conn.execute(
                "SELECT CASE WHEN right(unit_id, 2) IN ('_4', '_5')"
                " THEN left(unit_id, 6) || '_3' ELSE unit_id END FROM data.cadastral_unit"
                " WHERE version_end IS NULL"
            )
        }
    response = http.get(f"{live_server}/ows/granice", params={
        "SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature", "TYPENAMES": "gminy",
        "OUTPUTFORMAT": "geojson"}, timeout=60)  # fmt: skip
    assert response.status_code == 200, response.text[:300]
    gminy = {f["properties"]["ID_GMINY"]: f["properties"] for f in response.json()["features"]}
    assert set(gminy) == units
    assert gminy["100302_3"]["NAZWA_GMINY"] == "Łask"
    assert gminy["100302_3"]["RODZAJ"] == "gmina miejsko-wiejska"
    assert gminy["100301_2"]["RODZAJ"] == "gmina wiejska"


def test_ogcapi_county_and_wms_county_boundary(live_server, http, database):
    response = http.get(f"{live_server}/ogc/collections/counties/items", params={"f": "json"},
                        timeout=60)  # fmt: skip
    assert response.status_code == 200
    [county] = response.json()["features"]
    assert county["properties"]["county_id"] == "1003"
    assert county["properties"]["name"] == "powiat łaski"
    with database.connect("owner") as conn:  # a vertex of the county's boundary
        x, y = conn.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing("
            "ST_GeometryN(geom, 1)), 10) AS p FROM data.admin_unit"
            " WHERE level = 'county' AND version_end IS NULL) v"
        ).fetchone()
    answer = http.get(f"{live_server}/ows/granice", params={
        "SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap", "LAYERS": "powiaty",
        "STYLES": "", "SRS": "EPSG:2180",
        "BBOX": f"{x - 20.25},{y - 20.25},{x + 20.25},{y + 20.25}",
        "WIDTH": "81", "HEIGHT": "81", "FORMAT": "image/png", "TRANSPARENT": "FALSE"},
        timeout=60)  # fmt: skip
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(answer.content)).convert("RGB")
    assert image.getpixel((40, 40)) == (0, 0, 0)  # layers/counties: a black 4 px line
