"""OGC API – Maps at ``/ogc/collections/{id}/map``, decoded and checked pixel by pixel.

Where parcels should be drawn is computed here from a parcel's vertex read with plain SQL
and the bbox the test chose; nothing comes from the code that draws the map.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from PIL import Image

MAPS = "http://www.opengis.net/spec/ogcapi-maps-1/1.0/conf/"
PARCEL_BLUE = (0x1E, 0x90, 0xFF)  # layers/parcels/layer.yaml stroke
ROOT = Path(__file__).resolve().parents[2]


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
    assert maps == {"core", "collection-map", "dataset-map", "background", "crs", "scaling",
                    "spatial-subsetting", "display-resolution", "png", "jpeg"}  # fmt: skip
    for collection in ("parcels", "orthophoto"):  # pygeoapi's pages of both kinds
        page = http.get(f"{live_server}/ogc/collections/{collection}", params={"f": "html"},
                        timeout=30)  # fmt: skip
        assert page.status_code == 200 and "/map" in page.text, collection


@pytest.mark.parametrize(
    "params",
    [
        {"width": "0"}, {"width": "-1"}, {"width": "4097"}, {"height": "100000"},
        {"width": "abc"}, {"width": "1e3"}, {"bbox": "1,2,3"}, {"bbox": "nan,1,2,3"},
        {"bbox": "3,1,2,4"},
        {"bbox": "1,2,3,4", "bbox-crs": "EPSG:99999"},
        {"crs": "EPSG:4326;DROP"}, {"crs": "urn:bad"}, {"transparent": "maybe"},
        {"bgcolor": "red"}, {"bgcolor": "0xFF00"}, {"f": "gif"}, {"style": "x"},
        {"mm-per-pixel": "0"}, {"mm-per-pixel": "nan"},  # /req/display-resolution
        {"width": "1", "height": "1", "width ": "2"},
        # /req/scaling/width-definition C, scale-denominator-definition E
        {"width": "2.5"}, {"scale-denominator": "-1000"}, {"scale-denominator": "1e400"},
        {"scale-denominator": "abc"}, {"scale-denominator": "1000", "height": "10",
                                       "bbox": "19.1,51.6,19.2,51.7"},
        # /req/spatial-subsetting/bbox-definition C, center-definition B, subset-definition G
        {"bbox": "19.1,51.6,19.2,51.7", "center": "19.1,51.6"},
        {"bbox": "19.1,51.6,19.2,51.7", "subset": "Lat(51.6:51.7)"},
        {"center": "19.1,51.6", "subset": "Lat(51.6:51.7)"},
        # /req/spatial-subsetting/subset-definition A, B, C
        {"subset": "Lat(51.6)"}, {"subset": "Lat(51.7:51.6)"}, {"subset": "E(1:2)"},
        {"subset": "Lat(51.6:51.7)", "subset-crs": "EPSG:2180"}, {"subset": "h(1:2)"},
        {"subset": "Lat(51.6:51.7),Lat(51.6:51.7)"}, {"subset": "Lat(nan:51.7)"},
        {"subset": "Lat[51.6:51.7]"}, {"subset-crs": "EPSG:99999"},
        # /req/spatial-subsetting/center-definition A, center-crs
        {"center": "19.1"}, {"center": "19.1,51.6,3"}, {"center": "19.1,inf"},
        {"center": "19.1,95"}, {"center": "1,2", "center-crs": "urn:bad"},
        {"f": "jpeg", "transparent": "true"},  # a JPEG has no alpha channel
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
                     "bgcolor", "subset", "subset-crs", "center", "center-crs",
                     "scale-denominator", "mm-per-pixel"}  # fmt: skip
    # /rec/scaling/max-width-height; width-definition D (4097 is in the bad requests above)
    assert paths["info"]["x-OGC-limits"]["maps"] == {"maxWidth": 4096, "maxHeight": 4096}
    answers = paths["paths"]["/collections/orthophoto/map"]["get"]["responses"]
    assert set(answers["200"]["content"]) == {"image/png", "image/jpeg"}
    assert {"400", "404"} <= set(answers)
    for name in names - {"f", "bbox-crs", "crs", "transparent"}:  # each one is read
        assert _map(http, live_server, "parcels", **{name: "-1"}).status_code == 400, name


def test_unknown_maps_are_404_and_only_get_is_allowed(http, live_server):
    assert _map(http, live_server, "nosuch").status_code == 404
    legend = http.get(f"{live_server}/ogc/collections/parcels/map/legend", timeout=30)
    assert legend.status_code == 404
    post = http.post(f"{live_server}/ogc/collections/parcels/map", data=b"x", timeout=30)
    assert post.status_code == 405


# --- Scaling, spatial subsetting, CRS and JPEG (OGC 20-058, requirement ids cited) ---


@pytest.fixture(scope="module")
def vertex_lonlat(database, vertex) -> tuple[float, float]:
    """The same vertex in CRS84 (PostGIS transforms it, not the code under test)."""
    with database.connect("owner") as conn:
        row = conn.execute("SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID("
                           "ST_MakePoint(%s, %s), 2180), 4326) p", vertex).fetchone()  # fmt: skip
    return row[0], row[1]


def _content_bbox(answer) -> list[float]:
    return [float(value) for value in answer.headers["Content-Bbox"].split(",")]


def _blue_near(image: Image.Image, column: float, row: float, tolerance: int = 40) -> bool:
    """A parcel boundary within 2 pixels of (column, row)."""
    c, r = round(column), round(row)
    near = [image.getpixel((c + dx, r + dy)) for dx in range(-2, 3) for dy in range(-2, 3)]
    return any(_close(pixel[:3], PARCEL_BLUE, tolerance) and (len(pixel) == 3 or pixel[3] > 0)
               for pixel in near)  # fmt: skip


def test_scale_and_center_put_the_vertex_where_the_scale_says(http, live_server, vertex):
    """/req/scaling/scale-denominator-definition B, C (0.28 mm a pixel at 1:1000 is 0.28 m),
    /req/spatial-subsetting/center-definition A, center-crs (EPSG:2180 northing first),
    /req/spatial-subsetting/width-height A."""
    vx, vy = vertex
    answer = _map(http, live_server, "parcels", **{
        "center": f"{vy},{vx + 28.0}", "center-crs": "EPSG:2180", "crs": "EPSG:2180",
        "scale-denominator": "1000", "width": "400", "height": "300"})  # fmt: skip
    image = _png(answer, (400, 300))
    # 28 m east of the vertex is the centre: the vertex is 100 px (28 / 0.28) left of it
    assert _blue_near(image, 200 - 100, 150), "the vertex is not 100 px left of the centre"
    south, west, north, east = _content_bbox(answer)  # EPSG:2180: northing first
    # 112 m on the ground; EPSG:2180's grid is 0.9993 of the ground here (scale factor)
    assert abs((east - west) - 400 * 0.28) < 0.2 and abs((north - south) - 300 * 0.28) < 0.2
    assert abs((east + west) / 2 - (vx + 28.0)) < 0.01 and abs((north + south) / 2 - vy) < 0.01


def test_a_scale_is_metres_on_the_ground_in_web_mercator(http, live_server, database,
                                                          vertex_lonlat):  # fmt: skip
    """/req/scaling/scale-denominator-definition C: physical metres per pixel are not CRS
    units (EPSG:3857 stretches a metre by 1/cos(latitude), about 1.6 here)."""
    lon, lat = vertex_lonlat
    answer = _map(http, live_server, "parcels", center=f"{lon},{lat}", crs="EPSG:3857",
                  **{"scale-denominator": "1000"}, width="400", height="400")  # fmt: skip
    image = _png(answer, (400, 400))
    assert _blue_near(image, 200, 200)  # the vertex is the centre
    with database.connect("owner") as conn:  # 56 m (200 px x 0.28 m) east and west on the ground
        (expected,) = conn.execute(
            "SELECT ST_X(ST_Transform(ST_Project(p, 56, radians(90))::geometry, 3857))"
            " - ST_X(ST_Transform(ST_Project(p, 56, radians(270))::geometry, 3857))"
            " FROM (SELECT ST_MakePoint(%s, %s)::geography AS p) v",
            (lon, lat),
        ).fetchone()
    west, _, east, _ = _content_bbox(answer)  # EPSG:3857: easting first
    assert expected > 1.5 * 112
    assert abs((east - west) - expected) < expected * 0.002, (east - west, expected)


def test_a_bbox_at_a_scale_sets_the_pixels(http, live_server, vertex):
    """/req/scaling/width-definition H, height-definition H with scale-denominator: 200 m x
    100 m at 1:500 is 200 / 0.14 x 100 / 0.14 pixels."""
    vx, vy = vertex
    xmin, ymin = vx - 50.0, vy - 30.0
    answer = _map(http, live_server, "parcels", **{
        "bbox": f"{ymin},{xmin},{ymin + 100.0},{xmin + 200.0}", "bbox-crs": "EPSG:2180",
        "scale-denominator": "500"})  # fmt: skip
    assert answer.status_code == 200, answer.text[:300]
    width, height = Image.open(io.BytesIO(answer.content)).size
    assert abs(width - 200 / 0.14) <= 2 and abs(height - 100 / 0.14) <= 2, (width, height)
    image = _png(answer, (width, height))
    assert _blue_near(image, 50.0 * width / 200, (100.0 - 30.0) * height / 100)


def test_subset_draws_the_same_map_as_the_bbox(http, live_server, vertex):
    """/req/spatial-subsetting/subset-definition A, B, H (two subset parameters are one),
    subset-crs, subset-response."""
    vx, vy = vertex
    xmin, ymin = vx - 60.0, vy - 40.0
    common = {"crs": "EPSG:2180", "width": "200", "height": "200"}
    by_bbox = _map(
        http,
        live_server,
        "parcels",
        **common,
        **{"bbox": f"{ymin},{xmin},{ymin + 200},{xmin + 200}", "bbox-crs": "EPSG:2180"},
    )
    by_subset = http.get(
        f"{live_server}/ogc/collections/parcels/map",
        params=[
            *common.items(),
            ("subset", f"E({xmin}:{xmin + 200})"),
            ("subset", f"N({ymin}:{ymin + 200})"),
            ("subset-crs", "EPSG:2180"),
        ],
        timeout=60,
    )
    one_parameter = _map(http, live_server, "parcels", **common, **{
        "subset": f"N({ymin}:{ymin + 200}),E({xmin}:{xmin + 200})",
        "subset-crs": "http://www.opengis.net/def/crs/EPSG/0/2180"})  # fmt: skip
    expected = _png(by_bbox, (200, 200))
    assert _blue_near(expected, 60 / 1.0, (200 - 40) / 1.0)
    for answer in (by_subset, one_parameter):
        assert _png(answer, (200, 200)).tobytes() == expected.tobytes()
        assert _content_bbox(answer) == _content_bbox(by_bbox)


def test_subset_of_one_axis_keeps_the_county_on_the_other(http, live_server, vertex_lonlat):
    """/req/spatial-subsetting/subset-definition (an axis not named is not cut)."""
    lon, lat = vertex_lonlat
    whole = _map(http, live_server, "parcels", crs="OGC:CRS84", width="64")
    strip = _map(http, live_server, "parcels", crs="OGC:CRS84", width="64",
                 subset=f"Lat({lat - 0.001}:{lat + 0.001})")  # fmt: skip
    assert whole.status_code == strip.status_code == 200, strip.text[:300]
    west, south, east, north = _content_bbox(strip)  # CRS84: longitude first
    assert (west, east) == (_content_bbox(whole)[0], _content_bbox(whole)[2])
    assert abs(south - (lat - 0.001)) < 1e-7 and abs(north - (lat + 0.001)) < 1e-7


def test_a_subset_wholly_outside_the_crs_is_404(http, live_server):
    """/req/spatial-subsetting/subset-definition D (204 or 404)."""
    answer = _map(http, live_server, "parcels", subset="Lat(80:85)")
    assert answer.status_code == 404
    assert answer.json()["code"] == "NotFound" and " / " in answer.json()["description"]


@pytest.mark.parametrize("crs", ["EPSG:4326", "OGC:CRS84"])
def test_geographic_maps_keep_their_axis_order(http, live_server, vertex_lonlat, crs):
    """/req/crs/crs-definition, map-success; /req/spatial-subsetting/bbox-crs;
    /req/core/map-response (Content-Bbox in the CRS's axis order: EPSG:4326 latitude
    first, CRS84 longitude first). The bbox is sent in the same CRS and order."""
    lon, lat = vertex_lonlat
    west, south, east, north = lon - 0.001, lat - 0.0005, lon + 0.003, lat + 0.0015
    ordered = [south, west, north, east] if crs == "EPSG:4326" else [west, south, east, north]
    answer = _map(http, live_server, "parcels", bbox=",".join(map(str, ordered)), crs=crs,
                  **{"bbox-crs": crs}, width="400", height="200")  # fmt: skip
    image = _png(answer, (400, 200))
    assert _blue_near(image, 0.001 / 0.004 * 400, (0.002 - 0.0005) / 0.002 * 200)
    values = _content_bbox(answer)
    assert all(abs(a - b) < 1e-7 for a, b in zip(values, ordered, strict=True)), values


def test_a_jpeg_map(http, live_server, vertex):
    """/req/jpeg/content; /req/background/bgcolor-definition (a JPEG is opaque)."""
    vx, vy = vertex
    xmin, ymin = vx - 60.0, vy - 40.0
    answer = _map(http, live_server, "parcels", f="jpeg", **{
        "bbox": f"{ymin},{xmin},{ymin + 200},{xmin + 200}", "bbox-crs": "EPSG:2180",
        "width": "400", "height": "400"})  # fmt: skip
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(answer.content))
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (400, 400))
    # a JPEG blurs a thin blue line into the white around it: bluer than it is red
    near = [image.getpixel((120 + dx, 320 + dy)) for dx in range(-2, 3) for dy in range(-2, 3)]
    assert any(b - r > 60 for r, _, b in near), near
    channels = zip(*(image.getchannel(band).tobytes() for band in "RGB"), strict=True)
    white = sum(1 for pixel in channels if min(pixel) > 240)
    assert white > 400 * 400 / 2  # the default background is opaque white
    background = Image.open(io.BytesIO(_map(http, live_server, "parcels", f="jpeg", **{
        "bbox": "300000,300000,300200,300200", "bbox-crs": "EPSG:2180"}, width="8",
        height="8", bgcolor="00FF00").content))  # fmt: skip
    assert _close(background.getpixel((4, 4)), (0, 255, 0), 8)


def test_coordinates_parameters_alone_are_ignored(http, live_server):
    """/req/spatial-subsetting/bbox-crs F, subset-crs F, center-crs F: without bbox, subset
    or center their CRS parameter is ignored (the county's map)."""
    plain = _map(http, live_server, "parcels", width="32")
    for name in ("bbox-crs", "subset-crs", "center-crs"):
        answer = _map(http, live_server, "parcels", width="32", **{name: "EPSG:2180"})
        assert answer.status_code == 200, (name, answer.text[:200])
        assert answer.headers["Content-Bbox"] == plain.headers["Content-Bbox"]


def test_scale_ranges_follow_the_scale_asked(http, live_server, vertex_lonlat):
    """/req/scaling/scale-denominator-definition B, F: a layer's scale range applies at the
    standard's 0.28 mm a pixel (MapServer's own 72 dpi showed parcels at 1:62000)."""
    layer = yaml.safe_load((ROOT / "layers/parcels/layer.yaml").read_text(encoding="utf-8"))
    max_scale = layer["max_scale"]
    lon, lat = vertex_lonlat
    drawn = {}
    for factor in (0.95, 1.05):
        answer = _map(http, live_server, "parcels", center=f"{lon},{lat}", width="256",
                      height="256", **{"scale-denominator": str(max_scale * factor)})  # fmt: skip
        alpha = _png(answer, (256, 256)).getchannel("A").tobytes()
        drawn[factor] = sum(1 for value in alpha if value > 0)
    assert drawn[0.95] > 1000 and drawn[1.05] == 0, drawn


def _close(rgb, expected, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, expected, strict=True))
