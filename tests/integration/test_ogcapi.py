"""OGC API - Features over real PostGIS: bboxes, axis order, CRSs, items, paging, filters.

Axis order served (OGC API - Features Part 2, and what GDAL >= 3.7 and QGIS expect):
``bbox`` without ``bbox-crs`` and output without ``crs`` are CRS84 (longitude first);
with ``bbox-crs``/``crs`` = EPSG:2180 or EPSG:4326 the numbers follow the EPSG
definition, northing/latitude first; EPSG:3857 stays easting first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jsonschema
import pyproj
import pytest
from werkzeug.test import Client

from tests.integration.test_ogcapi_support import (
    E0,
    N0,
    SIZE,
    known_parcels,
    mounted,
    sql_gid,
    sql_parcel_ids,
)

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG2180 = "http://www.opengis.net/def/crs/EPSG/0/2180"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
TO_LONLAT = pyproj.Transformer.from_crs(2180, 4326, always_xy=True)


@pytest.fixture(scope="module")
def ogc_parcels(database) -> Iterator[list[str]]:
    with known_parcels(database) as parcel_ids:
        yield parcel_ids


@pytest.fixture(scope="module")
def ogc(instance, database, settings, ogc_parcels) -> Client:
    return Client(mounted(instance))


def get(client: Client, url: str) -> tuple[int, dict[str, Any]]:
    response = client.get(url)
    return response.status_code, json.loads(response.get_data(as_text=True))


def items(
    client: Client, query: str | dict[str, Any], collection: str = "parcels"
) -> dict[str, Any]:
    encoded = urlencode(query) if isinstance(query, dict) else query
    status, body = get(client, f"/ogc/collections/{collection}/items?{encoded}")
    assert status == 200, body
    return body


def ids(body: dict[str, Any]) -> list[str]:
    return sorted(f["properties"]["parcel_id"] for f in body["features"])


def test_landing_conformance_and_collections(ogc):
    status, landing = get(ogc, "/ogc/")
    assert status == 200
    assert any(link["rel"] == "service-desc" for link in landing["links"])
    status, conformance = get(ogc, "/ogc/conformance")
    assert any(c.endswith("ogcapi-features-2/1.0/conf/crs") for c in conformance["conformsTo"])
    # read-only: no transactions are claimed, and none are possible
    assert not any("ogcapi-features-4" in c for c in conformance["conformsTo"])
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        refused = ogc.open("/ogc/collections/parcels/items/1", method=method)
        assert refused.status_code == 405, method
    status, collections = get(ogc, "/ogc/collections")
    names = {c["id"] for c in collections["collections"]}
    assert {"parcels", "buildings", "districts"} <= names and "parcel_numbers" not in names
    parcels = next(c for c in collections["collections"] if c["id"] == "parcels")
    assert parcels["storageCrs"] == EPSG2180
    assert {EPSG2180, EPSG4326, EPSG3857} <= set(parcels["crs"])


def test_openapi_advertises_page_sizes(ogc):
    response = ogc.get("/ogc/openapi")
    document = json.loads(response.get_data(as_text=True))
    params = document["paths"]["/collections/parcels/items"]["get"]["parameters"]
    limit = next(p for p in params if isinstance(p, dict) and p.get("name") == "limit")
    assert limit["schema"]["default"] == 1000 and limit["schema"]["maximum"] == 10000
    # QGIS reads the page sizes only from here (QgsOapifApiRequest::processReply)
    shared = document["components"]["parameters"]["limit"]["schema"]
    assert shared["default"] == 1000 and shared["maximum"] == 10000


def test_openapi_document_is_valid_openapi_3_0(ogc):
    """Structure against the OpenAPI 3.0 schema (the $refs to schemas.opengis.net are not
    followed: there is no internet here). pygeoapi copied our bilingual texts as objects
    where strings are required (the contact's name, the terms of service)."""
    schema_file = files("openapi_spec_validator").joinpath("resources/schemas/v3.0/schema.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    document = json.loads(ogc.get("/ogc/openapi?f=json").get_data(as_text=True))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [(list(e.absolute_path), e.message[:120]) for e in validator.iter_errors(document)]
    assert errors == []
    assert document["info"]["contact"]["name"] == "Starostwo Powiatowe w Łasku"


def _lonlat_box() -> tuple[float, float, float, float]:
    """West, south, east, north of a 100 m square among the test parcels."""
    west, south = TO_LONLAT.transform(E0 + 50, N0 + 50)
    east, north = TO_LONLAT.transform(E0 + 150, N0 + 150)
    return west, south, east, north


def _expected_in_lonlat_box(database, box: tuple[float, float, float, float]) -> list[str]:
    return sql_parcel_ids(
        database,
        "ST_Intersects(ST_Transform(geom, 4326), ST_MakeEnvelope(%s, %s, %s, %s, 4326))",
        box,
    )


def test_bbox_crs84_matches_sql(ogc, database):
    west, south, east, north = _lonlat_box()
    body = items(ogc, f"bbox={west},{south},{east},{north}&limit=1000")
    expected = _expected_in_lonlat_box(database, (west, south, east, north))
    assert len(expected) >= 4 and ids(body) == expected
    assert body["numberMatched"] == len(expected)


def test_bbox_in_epsg2180_is_northing_first(ogc, database, ogc_parcels):
    """bbox-crs=EPSG:2180: minN,minE,maxN,maxE as the EPSG definition orders the axes."""
    east0, north0, east1, north1 = E0 + 50, N0 + 150, E0 + 250, N0 + 250
    body = items(ogc, f"bbox={north0},{east0},{north1},{east1}&bbox-crs={EPSG2180}&limit=1000")
    expected = sql_parcel_ids(
        database, "ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 2180))",
        (east0, north0, east1, north1),
    )  # fmt: skip
    assert set(ogc_parcels[3:9]) <= set(expected) and ids(body) == expected
    easting_first = items(ogc, f"bbox={east0},{north0},{east1},{north1}&bbox-crs={EPSG2180}")
    assert easting_first["features"] == []  # 509050 as a northing is far north of Łask


def test_bbox_crs_abbreviation_is_accepted(ogc, ogc_parcels):
    long_form = items(ogc, f"bbox={N0 + 10},{E0 + 10},{N0 + 20},{E0 + 20}&bbox-crs={EPSG2180}")
    short = items(ogc, f"bbox={N0 + 10},{E0 + 10},{N0 + 20},{E0 + 20}&bbox-crs=EPSG:2180")
    assert ids(short) == ids(long_form) and ogc_parcels[0] in ids(short)


def test_bbox_in_epsg4326_is_latitude_first(ogc, database):
    west, south, east, north = _lonlat_box()
    body = items(ogc, f"bbox={south},{west},{north},{east}&bbox-crs={EPSG4326}&limit=1000")
    expected = _expected_in_lonlat_box(database, (west, south, east, north))
    assert ids(body) == expected


def _first_vertex(database, parcel_id: str, expression: str) -> list[float]:
    with database.connect("public") as conn:
        text = conn.execute(
            f"SELECT ST_AsGeoJSON({expression}) FROM publish.parcels WHERE parcel_id = %s",  # noqa: S608
            (parcel_id,),
        ).fetchone()[0]
    return json.loads(text)["coordinates"][0][0][0]


@pytest.mark.parametrize(
    ("crs", "expression", "tolerance"),
    [
        (None, "ST_Transform(geom, 4326)", 1e-6),
        (EPSG4326, "ST_FlipCoordinates(ST_Transform(geom, 4326))", 1e-6),
        (EPSG2180, "ST_FlipCoordinates(geom)", 0.01),
        (EPSG3857, "ST_Transform(geom, 3857)", 0.01),
    ],
)
def test_output_crs_and_axis_order(ogc, database, ogc_parcels, crs, expression, tolerance):
    parcel_id = ogc_parcels[0]
    query = {"parcel_id": parcel_id} | ({"crs": crs} if crs else {})
    response = ogc.get(f"/ogc/collections/parcels/items?{urlencode(query)}")
    feature = json.loads(response.get_data(as_text=True))["features"][0]
    served = feature["geometry"]["coordinates"][0][0][0]
    expected = _first_vertex(database, parcel_id, expression)
    assert served == pytest.approx(expected, abs=tolerance)
    assert response.headers["Content-Crs"] == f"<{crs or CRS84}>"


def test_epsg2180_output_is_northing_then_easting(ogc, ogc_parcels):
    body = items(ogc, {"parcel_id": ogc_parcels[0], "crs": "EPSG:2180"})
    northing, easting = body["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 395_000 < northing < 440_000 and 470_000 < easting < 545_000


def test_item_by_id_and_parcel_id_property(ogc, database, ogc_parcels):
    gid = sql_gid(database, ogc_parcels[4])
    status, feature = get(ogc, f"/ogc/collections/parcels/items/{gid}")
    assert status == 200 and feature["id"] == gid
    assert feature["properties"]["parcel_id"] == ogc_parcels[4]
    assert feature["properties"]["district_name"] == "Obręb Testowy"
    assert "gid" not in feature["properties"]
    status, in_2180 = get(ogc, f"/ogc/collections/parcels/items/{gid}?crs=EPSG:2180")
    assert in_2180["geometry"]["coordinates"][0][0][0][0] == pytest.approx(N0 + SIZE)


@pytest.mark.parametrize("crs", ["", "&crs=EPSG:2180"])
def test_a_collections_features_are_its_items_in_every_format(ogc, ogc_parcels, crs):
    """The GeoJSON answer carries the features as PostgreSQL wrote them (unparsed); the
    same features through the parsed path (one item, JSON-LD) must be equal."""
    query = f"limit=5&bbox={N0 - 1},{E0 - 1},{N0 + 3 * SIZE},{E0 + 3 * SIZE}&bbox-crs=EPSG:2180"
    collection = items(ogc, query + crs)
    by_accept = ogc.get(f"/ogc/collections/parcels/items?{query}{crs}",
                        headers={"Accept": "application/geo+json"})  # fmt: skip
    assert json.loads(by_accept.get_data(as_text=True))["features"] == collection["features"]
    assert len(collection["features"]) == 5
    for feature in collection["features"]:
        status, item = get(ogc, f"/ogc/collections/parcels/items/{feature['id']}?{crs[1:]}")
        assert status == 200
        assert {k: item[k] for k in ("id", "geometry", "properties")} == {
            k: feature[k] for k in ("id", "geometry", "properties")}  # fmt: skip
    linked = ogc.get(f"/ogc/collections/parcels/items?{query}{crs}&f=jsonld")
    assert linked.status_code == 200 and len(linked.json["features"]) == 5


def _next(body: dict[str, Any]) -> str | None:
    url = next((lk["href"] for lk in body["links"] if lk["rel"] == "next"), None)
    return url and "/ogc" + url.split("/ogc", 1)[1]


def _with_limit(url: str, limit: int) -> str:
    """A next link with the client's own page size (a client may always choose it)."""
    path, query = url.split("?", 1)
    kept = [(k, v) for k, v in parse_qsl(query) if k != "limit"]
    return f"{path}?{urlencode([*kept, ('limit', limit)])}"


def test_paging_has_no_duplicates_or_gaps(ogc, database):
    bbox = f"bbox={N0 - 1},{E0 - 1},{N0 + 301},{E0 + 301}&bbox-crs=EPSG:2180"
    expected = sql_parcel_ids(
        database, "ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 2180))",
        (E0 - 1, N0 - 1, E0 + 301, N0 + 301),
    )  # fmt: skip
    limit = max(2, len(expected) // 4 + 1)  # four or five pages, the last one short
    seen, url, pages = [], f"/ogc/collections/parcels/items?{bbox}&limit={limit}", 0
    while url and pages < 10:
        status, body = get(ogc, url)
        assert status == 200 and body["numberMatched"] == len(expected)
        seen += [f["properties"]["parcel_id"] for f in body["features"]]
        url = _next(body)
        assert url is None or "cursor=" in url and "offset=" not in url
        url = url and _with_limit(url, limit)
        pages += 1
    assert sorted(seen) == expected and len(seen) == len(set(seen)) and pages >= 4


TEST_DISTRICT = {"district_name": "Obręb Testowy"}


def _ids_by_gid(database) -> list[str]:
    with database.connect("public") as conn:
        rows = conn.execute(
            "SELECT parcel_id FROM publish.parcels WHERE district_name = %s ORDER BY gid",
            (TEST_DISTRICT["district_name"],),
        ).fetchall()
    return [row[0] for row in rows]


def test_next_links_carry_a_cursor_and_the_default_page(ogc, database):
    """GDAL 3.6 asks limit=10 and follows next: the next page holds the default (1000);
    a page read as HTML keeps the size its reader chose; offset keeps working."""
    expected = _ids_by_gid(database)
    first = items(ogc, {**TEST_DISTRICT, "limit": 3})
    assert [f["properties"]["parcel_id"] for f in first["features"]] == expected[:3]
    url = _next(first)
    assert url is not None
    query = dict(parse_qsl(url.split("?", 1)[1]))
    assert query["limit"] == "1000" and query["district_name"] == "Obręb Testowy"
    assert query["cursor"] == f"3_{first['features'][-1]['id']}"
    status, rest = get(ogc, url)
    assert [f["properties"]["parcel_id"] for f in rest["features"]] == expected[3:]
    assert rest["numberMatched"] == len(expected) and _next(rest) is None
    html = ogc.get(f"/ogc/collections/parcels/items?{urlencode({**TEST_DISTRICT, 'limit': 3})}",
                   headers={"Accept": "text/html"})  # fmt: skip
    assert html.status_code == 200 and "limit=3&amp;cursor=3_" in html.get_data(as_text=True)
    middle = items(ogc, {**TEST_DISTRICT, "limit": 2, "offset": 5})
    assert [f["properties"]["parcel_id"] for f in middle["features"]] == expected[5:7]
    assert middle["numberMatched"] == len(expected)
    assert dict(parse_qsl(_next(middle).split("?", 1)[1]))["cursor"].startswith("7_")


def test_keyset_pages_survive_changes_between_requests(ogc, database):
    """A parcel retired after page 1 shifts offset pages (one is skipped); cursor pages
    skip nothing, and a parcel added meanwhile is read once, at the end."""
    expected = _ids_by_gid(database)
    first = items(ogc, {**TEST_DISTRICT, "limit": 3})
    by_offset_before = items(ogc, {**TEST_DISTRICT, "limit": 3, "offset": 3})
    with database.connect("owner") as conn:
        conn.execute("UPDATE data.parcel SET object_end = now() WHERE parcel_id = %s",
                     (expected[0],))  # fmt: skip
        conn.execute(
            "INSERT INTO data.parcel (namespace, local_id, version_id, version_start, parcel_id,"
            " number, district_id, area_ha, land_register_no, geom) SELECT namespace,"
            " local_id || '.new', version_id, version_start, parcel_id || '.new', number,"
            " district_id, area_ha, land_register_no, geom FROM data.parcel WHERE parcel_id = %s",
            (expected[1],),
        )
    try:
        by_offset_after = items(ogc, {**TEST_DISTRICT, "limit": 3, "offset": 3})
        assert by_offset_after["features"][0] != by_offset_before["features"][0]  # shifted
        seen = [f["properties"]["parcel_id"] for f in first["features"]]
        url = _next(first)
        while url:
            status, body = get(ogc, _with_limit(url, 3))
            seen += [f["properties"]["parcel_id"] for f in body["features"]]
            url = _next(body)
        assert seen == [*expected, f"{expected[1]}.new"]
    finally:
        with database.connect("owner") as conn:
            conn.execute("DELETE FROM data.parcel WHERE parcel_id = %s", (f"{expected[1]}.new",))
            conn.execute("UPDATE data.parcel SET object_end = NULL WHERE parcel_id = %s",
                         (expected[0],))  # fmt: skip


def test_cursor_refusals(ogc):
    for query in ({"cursor": "3_1", "offset": "3"}, {"cursor": "3_1", "sortby": "area_ha"},
                  {"cursor": "abc"}, {"cursor": "3_0"}, {"cursor": f"1_{2**63}"},
                  {"cursor": "-1_5"}):  # fmt: skip
        status, body = get(ogc, f"/ogc/collections/parcels/items?{urlencode(query)}")
        assert status == 400 and "cursor" in body["description"], query


def test_huge_limit_is_clamped(ogc, database):
    body = items(ogc, f"limit={10**12}&skipGeometry=true&properties=parcel_id")
    total = len(sql_parcel_ids(database, "TRUE"))
    assert body["numberReturned"] == min(total, 10_000) and body["numberMatched"] == total


def test_properties_sortby_skipgeometry_hits(ogc, settings):
    body = items(ogc, {"q": "Testowy", "sortby": "-area_ha", "properties": "parcel_id,area_ha",
                       "skipGeometry": "true"})  # fmt: skip
    areas = [f["properties"]["area_ha"] for f in body["features"]]
    assert areas == sorted(areas, reverse=True) and len(areas) >= 10
    assert all(set(f["properties"]) == {"parcel_id", "area_ha"} for f in body["features"])
    assert all(f["geometry"] is None for f in body["features"])
    hits = items(ogc, {"resulttype": "hits", "district_name": "Obręb Testowy"})
    assert hits["features"] == [] and hits["numberMatched"] == 10


def test_cql_filters(ogc, database, ogc_parcels):
    one = items(ogc, {"filter": f"parcel_id = '{ogc_parcels[2]}'"})
    assert ids(one) == [ogc_parcels[2]]
    between = items(
        ogc, {"filter": "area_ha BETWEEN 0.25 AND 0.55 AND parcel_id LIKE '100899_9.%/1'"}
    )
    assert ids(between) == sorted(ogc_parcels[2:5])
    west, south = TO_LONLAT.transform(E0 + 150, N0 + 150)
    ring = [(west, south), (west + 0.01, south), (west + 0.01, south + 0.01), (west, south)]
    polygon = "POLYGON((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"
    spatial = items(ogc, {"filter": f"INTERSECTS(geom, {polygon})", "limit": 1000})
    expected = sql_parcel_ids(
        database, "ST_Intersects(geom, ST_Transform(ST_GeomFromText(%s, 4326), 2180))", (polygon,)
    )
    assert ids(spatial) == expected and ogc_parcels[4] in expected
    literal = items(ogc, {"filter": "parcel_id = 'x\" OR 1=1; DROP TABLE x; --'"})
    assert literal["numberMatched"] == 0  # a value stays a value


def _change_parcel(database, parcel_id: str, retired: bool, moving_the_generation: bool) -> None:
    with database.connect("owner") as conn:
        if not moving_the_generation:  # as if the counter were broken: shows what is kept
            conn.execute("ALTER TABLE data.parcel DISABLE TRIGGER data_generation")
        conn.execute("UPDATE data.parcel SET object_end = CASE WHEN %s THEN now() END"
                     " WHERE parcel_id = %s", (retired, parcel_id))  # fmt: skip
        conn.execute("ALTER TABLE data.parcel ENABLE TRIGGER data_generation")


def test_number_matched_is_counted_once_per_data_generation(ogc, database, ogc_parcels):
    """A query's count is kept under the data generation it was counted in (pages of the
    same query do not count again) and counted anew once a committed change moves it."""
    query = {"bbox": f"{N0 + 1},{E0 + 1},{N0 + 2 * SIZE - 1},{E0 + 3 * SIZE - 1}",
             "bbox-crs": EPSG2180, "limit": 2}  # fmt: skip  # northing first: EPSG order
    first = items(ogc, query)
    matched = first["numberMatched"]  # six known parcels, and the demo county's if loaded
    assert matched >= 6 and first["numberReturned"] == 2
    _change_parcel(database, ogc_parcels[0], retired=True, moving_the_generation=False)
    try:
        assert items(ogc, query)["numberMatched"] == matched  # kept: no generation moved
        with database.connect("owner") as conn:  # any committed change to a data table
            conn.execute("UPDATE data.parcel SET area_ha = area_ha WHERE false")
        assert items(ogc, query)["numberMatched"] == matched - 1
    finally:
        _change_parcel(database, ogc_parcels[0], retired=False, moving_the_generation=True)
    assert items(ogc, query)["numberMatched"] == matched
