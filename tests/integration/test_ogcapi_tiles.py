"""OGC API – Tiles: vector tiles (MVT) of the publish views, read back with GDAL.

Expected features come from plain SQL over ``publish.parcels`` (the tile envelope grown
by the MVT buffer), never from the tile query itself; GDAL's MVT driver decodes the tile
as a client would.
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import pytest
from werkzeug.test import Client

from tests.integration.test_ogcapi_support import E0, N0, NAMESPACE, SIZE, known_parcels, mounted

ZOOM = 16
TILES = "/ogc/collections/parcels/tiles/WebMercatorQuad"
MVT = "application/vnd.mapbox-vector-tile"
HALF_WORLD = 20037508.342789244


@pytest.fixture(scope="module")
def ogc(instance, database, settings) -> Client:
    with known_parcels(database):
        yield Client(mounted(instance))


def _tile_of(database, east: float, north: float, zoom: int) -> tuple[int, int]:
    with database.connect("owner") as conn:
        x, y = conn.execute(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_Point(%s, %s), 2180), 3857) p",
            (east, north),
        ).fetchone()
    width = 2 * HALF_WORLD / 2**zoom
    return int((x + HALF_WORLD) // width), int((HALF_WORLD - y) // width)


def _touching(database, zoom: int, column: int, row: int, buffer: float) -> set[str]:
    """Parcels whose area meets the tile grown by ``buffer`` (in MVT grid units)."""
    width = 2 * HALF_WORLD / 2**zoom
    west, north = -HALF_WORLD + column * width, HALF_WORLD - row * width
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT parcel_id FROM publish.parcels WHERE ST_Area(ST_Intersection("
            " ST_Transform(geom, 3857), ST_Expand(ST_MakeEnvelope(%s, %s, %s, %s, 3857), %s))) > 0",
            (west, north - width, west + width, north, width * buffer / 4096),
        ).fetchall()
    return {r[0] for r in rows}


def _decode(tmp_path: Path, body: bytes, zoom: int, column: int, row: int) -> list[dict]:
    """GDAL's MVT driver: features with EPSG:3857 coordinates."""
    tile = tmp_path / f"{zoom}-{column}-{row}.pbf"
    tile.write_bytes(body)
    done = subprocess.run(
        ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", str(tile), "parcels",
         "-oo", f"Z={zoom}", "-oo", f"X={column}", "-oo", f"Y={row}"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return json.loads(done.stdout)["features"]


def test_a_tile_holds_exactly_the_parcels_it_touches(ogc, database, tmp_path):
    column, row = _tile_of(database, E0 + SIZE * 1.5, N0 + SIZE * 1.5, ZOOM)
    answer = ogc.get(f"{TILES}/{ZOOM}/{row}/{column}")
    assert answer.status_code == 200 and answer.content_type == MVT
    assert answer.headers["ETag"] and "max-age" in answer.headers["Cache-Control"]
    features = _decode(tmp_path, answer.data, ZOOM, column, row)
    found = {f["properties"]["parcel_id"] for f in features}
    # Every parcel inside the tile, nothing beyond its 64-unit buffer (a sliver within the
    # buffer narrower than one grid unit may collapse and be left out, as MVT allows).
    assert _touching(database, ZOOM, column, row, 0) <= found
    assert found <= _touching(database, ZOOM, column, row, 64)
    assert {"number", "district_name", "area_ha"} <= set(features[0]["properties"])


def test_tile_geometry_is_where_postgis_puts_it(ogc, database, tmp_path):
    column, row = _tile_of(database, E0 + SIZE * 1.5, N0 + SIZE * 1.5, ZOOM)
    features = _decode(tmp_path, ogc.get(f"{TILES}/{ZOOM}/{row}/{column}").data, ZOOM, column, row)
    centre = next(f for f in features if f["properties"]["parcel_id"].endswith(".5/1"))
    xs = [x for x, _ in centre["geometry"]["coordinates"][0]]
    ys = [y for _, y in centre["geometry"]["coordinates"][0]]
    width = 2 * HALF_WORLD / 2**ZOOM
    west, north = -HALF_WORLD + column * width, HALF_WORLD - row * width
    with database.connect("owner") as conn:  # GDAL clips what it reads to the tile itself
        box = conn.execute(
            "SELECT ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g) FROM (SELECT ST_Intersection("
            " ST_Transform(geom, 3857), ST_MakeEnvelope(%s, %s, %s, %s, 3857)) g"
            " FROM publish.parcels WHERE parcel_id = %s) t",
            (west, north - width, west + width, north, centre["properties"]["parcel_id"]),
        ).fetchone()
    resolution = width / 4096  # one MVT grid unit: 0.15 m here
    for got, want in zip((min(xs), min(ys), max(xs), max(ys)), box, strict=True):
        assert math.isclose(got, want, abs_tol=resolution), (got, want)


def test_a_tile_without_features_is_204(ogc):
    answer = ogc.get(f"{TILES}/{ZOOM}/0/0")
    assert answer.status_code == 204 and not answer.data


def test_revalidation_with_the_etag_is_304(ogc, database):
    column, row = _tile_of(database, E0 + SIZE * 1.5, N0 + SIZE * 1.5, ZOOM)
    first = ogc.get(f"{TILES}/{ZOOM}/{row}/{column}")
    again = ogc.get(f"{TILES}/{ZOOM}/{row}/{column}",
                    headers={"If-None-Match": first.headers["ETag"]})  # fmt: skip
    assert again.status_code == 304 and not again.data
    with database.connect("owner") as conn:  # a change elsewhere: the tile is built again
        conn.execute("UPDATE data.parcel SET area_ha = area_ha WHERE false")
    rebuilt = ogc.get(f"{TILES}/{ZOOM}/{row}/{column}",
                      headers={"If-None-Match": first.headers["ETag"]})  # fmt: skip
    assert rebuilt.status_code == 304  # same bytes, same validator


def _move_known_parcels(database, north: float, count_the_change: bool = True) -> None:
    with database.connect("owner") as conn:
        if not count_the_change:  # as if the counter were broken: shows what memory keeps
            conn.execute("ALTER TABLE data.parcel DISABLE TRIGGER data_generation")
        conn.execute("UPDATE data.parcel SET geom = ST_Translate(geom, 0, %s) WHERE namespace = %s",
                     (north, NAMESPACE))  # fmt: skip
        conn.execute("ALTER TABLE data.parcel ENABLE TRIGGER data_generation")


def test_a_tile_is_kept_while_the_data_are_unchanged_and_built_anew_after_a_change(ogc, database):
    """Tiles are kept in the web process's memory under the data generation they were built
    from: served again while it stays, built again once a committed change moves it."""
    column, row = _tile_of(database, E0 + SIZE * 1.5, N0 + SIZE * 1.5, ZOOM)
    url = f"{TILES}/{ZOOM}/{row}/{column}"
    before = ogc.get(url)
    assert before.status_code == 200
    _move_known_parcels(database, 10_000, count_the_change=False)
    try:
        assert ogc.get(url).data == before.data  # kept: the generation did not move
        with database.connect("owner") as conn:  # any committed change to a data table
            conn.execute("UPDATE data.parcel SET area_ha = area_ha WHERE false")
        after = ogc.get(url)  # the known parcels have left the tile (others may remain)
        assert after.status_code in (200, 204) and after.data != before.data
    finally:
        _move_known_parcels(database, -10_000)
    assert ogc.get(url).data == before.data  # and are back


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"{TILES}/5/10/17", 404),  # above the layer's first level
        (f"{TILES}/{ZOOM}/70000/10", 404),  # row beyond the matrix
        (f"{TILES}/{ZOOM}/01/1", 404),  # leading zero: not an index
        (f"{TILES}/{ZOOM}/-1/1", 404),
        (f"{TILES}/99999999999/1/1", 404),
        ("/ogc/collections/parcels/tiles/WorldCRS84Quad/16/1/1", 404),
        ("/ogc/collections/parcels/tiles/..%2f..%2f/16/1/1", 404),
        (f"{TILES}/{ZOOM}/1/1?f=png", 400),
        (f"{TILES}/{ZOOM}/1/1?foo=1", 400),
        ("/ogc/collections/nope/tiles/WebMercatorQuad/16/1/1", 404),
    ],
)
def test_bad_tile_requests_get_ogc_exceptions(ogc, path, status):
    answer = ogc.get(path)
    assert answer.status_code == status, answer.data[:200]
    assert answer.json["code"] in ("NotFound", "InvalidParameterValue")


def test_only_get_and_head(ogc, database):
    column, row = _tile_of(database, E0 + SIZE * 1.5, N0 + SIZE * 1.5, ZOOM)
    assert ogc.head(f"{TILES}/{ZOOM}/{row}/{column}").status_code == 200
    assert ogc.delete(f"{TILES}/{ZOOM}/{row}/{column}").status_code == 405


def test_tilesets_describe_the_matrix_set_and_the_tile_template(ogc):
    answer = ogc.get("/ogc/collections/parcels/tiles?f=json")
    assert answer.status_code == 200, answer.data[:300]
    document = answer.json
    assert [s["tileMatrixSetURI"] for s in document["tilesets"]] == [
        "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
    ]
    templates = [link["href"] for link in document["links"] if link["type"] == MVT]
    assert templates and "/collections/parcels/tiles/" in templates[0]
    metadata = ogc.get("/ogc/collections/parcels/tiles/WebMercatorQuad?f=json")
    assert metadata.status_code == 200, metadata.data[:300]


def test_conformance_claims_vector_tiles(ogc):
    classes = ogc.get("/ogc/conformance?f=json").json["conformsTo"]
    tiles = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"
    assert {tiles + "core", tiles + "mvt", tiles + "tileset"} <= set(classes)
