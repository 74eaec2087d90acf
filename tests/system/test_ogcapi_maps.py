"""OGC API – Maps at ``/ogc/collections/{id}/map``, decoded and checked pixel by pixel.

Where parcels should be drawn is computed here from a parcel's vertex read with plain SQL
and the bbox the test chose; nothing comes from the code that draws the map.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

MAPS = "http://www.opengis.net/spec/ogcapi-maps-1/1.0/conf/"
PARCEL_BLUE = (0x1E, 0x90, 0xFF)  # layers/parcels/layer.yaml stroke


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


def _map(http, live_server, collection: str, **params):
    return http.get(f"{live_server}/ogc/collections/{collection}/map", params=params, timeout=60)


def _png(response, size: tuple[int, int]) -> Image.Image:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content)).convert("RGBA")
    assert image.size == size
    return image


def test_parcels_are_drawn_where_the_database_has_them(http, live_server, vertex):
    vx, vy = vertex
    xmin, ymin = vx - 60.0, vy - 40.0  # the vertex at pixel (120, 120) of a 0.5 m grid
    xmax, ymax = xmin + 200.0, ymin + 200.0
    answer = _map(http, live_server, "parcels", **{
        "bbox": f"{ymin},{xmin},{ymax},{xmax}", "bbox-crs": "EPSG:2180",  # northing first
        "crs": "http://www.opengis.net/def/crs/EPSG/0/2180",
        "width": "400", "height": "400"})  # fmt: skip
    image = _png(answer, (400, 400))
    assert answer.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/2180>"
    column, row = round((vx - xmin) / 0.5), round((ymax - vy) / 0.5)
    near = [image.getpixel((column + dx, row + dy)) for dx in range(-2, 3) for dy in range(-2, 3)]
    assert any(alpha > 0 and _close(rgb, PARCEL_BLUE) for *rgb, alpha in near), near
    drawn = sum(1 for alpha in image.getchannel("A").tobytes() if alpha > 0)
    assert 0 < drawn < 400 * 400 / 4  # boundaries, not a filled square


def test_nothing_is_drawn_outside_the_county(http, live_server):
    answer = _map(http, live_server, "parcels", bbox="300000,300000,300200,300200",
                  **{"bbox-crs": "EPSG:2180", "crs": "EPSG:2180"},
                  width="64", height="64")  # fmt: skip
    image = _png(answer, (64, 64))
    assert image.getchannel("A").getextrema() == (0, 0)


def test_an_opaque_background_in_the_colour_asked(http, live_server):
    answer = _map(http, live_server, "parcels", bbox="300000,300000,300200,300200",
                  **{"bbox-crs": "EPSG:2180"}, width="16", height="16", transparent="false",
                  bgcolor="0xFF0000")  # fmt: skip
    image = _png(answer, (16, 16))
    assert image.getpixel((0, 0)) == (255, 0, 0, 255)


def test_a_lonlat_bbox_drawn_in_web_mercator(http, live_server, known_parcel):
    lon, lat = known_parcel.lon, known_parcel.lat
    answer = _map(http, live_server, "parcels", bbox=f"{lon - 0.004},{lat - 0.004},"
                  f"{lon + 0.004},{lat + 0.004}", crs="EPSG:3857", width="256")  # fmt: skip
    image = _png(answer, (256, answer_height(answer)))
    assert image.getchannel("A").getextrema()[1] > 0
    assert answer.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/3857>"


def answer_height(answer) -> int:
    """The height the server chose for a width-only request (from the PNG itself)."""
    height = Image.open(io.BytesIO(answer.content)).size[1]
    assert 256 * 1.5 < height < 256 * 1.7  # 1° of latitude is 1.61° of longitude at 51.6° N
    return height


def test_a_raster_collection_has_a_map(http, live_server):
    # the middle of the demo rasters' extent (tests/conftest.py TEST_RASTER_EXTENT)
    answer = _map(http, live_server, "orthophoto", bbox="413000,508500,413100,508600",
                  **{"bbox-crs": "EPSG:2180"}, width="32", height="32")  # fmt: skip
    image = _png(answer, (32, 32))
    assert image.getchannel("A").getextrema() == (255, 255)  # a photo covers it all
    items = http.get(f"{live_server}/ogc/collections/orthophoto/items", timeout=30)
    assert items.status_code == 404  # a raster has a map, not features


def test_collections_link_their_map_and_conformance_lists_only_what_is_served(http, live_server):
    collection = http.get(f"{live_server}/ogc/collections/parcels", params={"f": "json"},
                          timeout=30).json()  # fmt: skip
    assert any(link["href"].split("?")[0].endswith("/collections/parcels/map")
               for link in collection["links"])  # fmt: skip
    conformance = http.get(f"{live_server}/ogc/conformance", params={"f": "json"},
                           timeout=30).json()["conformsTo"]  # fmt: skip
    maps = {uri.removeprefix(MAPS) for uri in conformance if uri.startswith(MAPS)}
    assert maps == {"core", "collection-map", "background", "crs", "png"}
    for collection in ("parcels", "orthophoto"):  # pygeoapi's pages of both kinds
        page = http.get(f"{live_server}/ogc/collections/{collection}", params={"f": "html"},
                        timeout=30)  # fmt: skip
        assert page.status_code == 200 and "/map" in page.text, collection


@pytest.mark.parametrize(
    "params",
    [
        {"width": "0"}, {"width": "-1"}, {"width": "4097"}, {"height": "100000"},
        {"width": "abc"}, {"width": "1e3"}, {"bbox": "1,2,3"}, {"bbox": "nan,1,2,3"},
        {"bbox": "3,1,2,4"}, {"bbox-crs": "EPSG:2180"},
        {"bbox": "1,2,3,4", "bbox-crs": "EPSG:99999"},
        {"crs": "EPSG:4326;DROP"}, {"crs": "urn:bad"}, {"transparent": "maybe"},
        {"bgcolor": "red"}, {"bgcolor": "0xFF00"}, {"f": "jpeg"}, {"style": "x"},
        {"subset": "Lat(50:51)"}, {"width": "1", "height": "1", "width ": "2"},
        {"bbox": "19.0,51.0,19.001,51.5", "width": "4096"},  # the height would be huge
    ],
)  # fmt: skip
def test_bad_map_requests_are_400(http, live_server, params):
    answer = _map(http, live_server, "parcels", **params)
    assert answer.status_code == 400, (params, answer.status_code, answer.text[:200])
    assert " / " in answer.json()["description"]


def test_the_openapi_document_describes_the_parameters_served(http, live_server):
    paths = http.get(f"{live_server}/ogc/openapi", params={"f": "json"}, timeout=60).json()
    parameters = paths["paths"]["/collections/orthophoto/map"]["get"]["parameters"]
    names = {parameter["name"] for parameter in parameters}
    assert names == {"f", "bbox", "bbox-crs", "crs", "width", "height", "transparent",
                     "bgcolor"}  # fmt: skip
    for name in names - {"f", "bbox-crs", "crs", "transparent"}:  # each one is read
        assert _map(http, live_server, "parcels", **{name: "-1"}).status_code == 400, name


def test_unknown_maps_are_404_and_only_get_is_allowed(http, live_server):
    assert _map(http, live_server, "nosuch").status_code == 404
    legend = http.get(f"{live_server}/ogc/collections/parcels/map/legend", timeout=30)
    assert legend.status_code == 404
    post = http.post(f"{live_server}/ogc/collections/parcels/map", data=b"x", timeout=30)
    assert post.status_code == 405


def _close(rgb, expected, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, expected, strict=True))
