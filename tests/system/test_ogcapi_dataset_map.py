"""OGC API – Maps: the dataset map (``/ogc/map``) and the display resolution (``mm-per-pixel``).

The dataset map is checked against the collections' own maps, pixel by pixel: where the
parcels map draws a boundary the dataset map shows it, and around it the land use beneath;
at a scale without land use, the orthophoto is the ground. Scales are computed here from
the bbox, the pixels and ``mm-per-pixel`` (OGC 20-058 /req/display-resolution/map-success A).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from PIL import Image

MAPS = "http://www.opengis.net/spec/ogcapi-maps-1/1.0/conf/"
MAP_REL = "http://www.opengis.net/def/rel/ogc/1.0/map"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
ROOT = Path(__file__).resolve().parents[2]


def _get(http, url: str, **params):
    return http.get(url, params=params, timeout=60)


def _image(answer, size: tuple[int, int] | None = None) -> Image.Image:
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(answer.content)).convert("RGBA")
    assert size is None or image.size == size
    return image


def _close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def _pixels(image: Image.Image) -> list[tuple[int, ...]]:
    return [image.getpixel((x, y)) for y in range(image.height) for x in range(image.width)]


def _around(vertex, half: float = 100.0) -> dict[str, str]:
    vx, vy = vertex  # EPSG:2180 bbox-crs is northing first
    return {"bbox": f"{vy - half},{vx - half},{vy + half},{vx + half}", "bbox-crs": "EPSG:2180",
            "crs": "EPSG:2180", "width": "400", "height": "400"}  # fmt: skip


def _drawing_order(http, live_server) -> list[str]:
    """The collections with a map, bottom first, as the layer files order them: the first
    raster of layers/rasters.yaml as the ground, then the layers by ``order``."""
    listing = _get(http, f"{live_server}/ogc/collections", f="json").json()["collections"]
    mapped = {c["id"] for c in listing if any(link["rel"] == MAP_REL for link in c["links"])}
    rasters = yaml.safe_load((ROOT / "layers/rasters.yaml").read_text(encoding="utf-8"))
    ground = sorted((spec.get("order", 0), key) for key, spec in rasters.items() if key in mapped)
    orders = {}
    for path in (ROOT / "layers").glob("*/layer.yaml"):
        layer = yaml.safe_load(path.read_text(encoding="utf-8"))
        if layer["id"] in mapped:
            orders[layer["id"]] = (layer.get("order", 50), layer["id"])
    return [ground[0][1], *sorted(orders, key=orders.__getitem__)]


def _stacked(http, live_server, collections: list[str], params) -> list[tuple[int, ...]]:
    """The collections' own maps laid one over another, the first at the bottom."""
    stack = Image.new("RGBA", (int(params["width"]), int(params["height"])))
    for name in collections:
        url = f"{live_server}/ogc/collections/{name}/map"
        stack = Image.alpha_composite(stack, _image(_get(http, url, **params)))
    return _pixels(stack)


def _share_alike(a: list[tuple[int, ...]], b: list[tuple[int, ...]]) -> float:
    return sum(1 for x, y in zip(a, b, strict=True) if _close(x, y)) / len(a)


def test_the_dataset_map_is_the_collections_maps_in_drawing_order(http, live_server, vertex):
    """At 1:1786 (0.5 m a pixel) land use, plan zones, parcels and boundaries are all drawn:
    the dataset map is their own maps laid over each other in the catalog's order (99.9 %
    of the pixels), the parcels' boundaries are in it, and with parcels (0.8 % of the
    pixels differ) or the translucent plan zones (99 %) beneath the land use it is not."""
    params = _around(vertex)
    dataset = _pixels(_image(_get(http, f"{live_server}/ogc/map", **params), (400, 400)))
    order = _drawing_order(http, live_server)
    assert order.index("orthophoto") < order.index("land_use") < order.index("parcels")
    assert order.index("parcels") < order.index("buildings")
    alike = _share_alike(dataset, _stacked(http, live_server, order, params))
    assert alike > 0.95, alike
    parcels = _pixels(_image(_get(http, f"{live_server}/ogc/collections/parcels/map", **params)))
    land_use = _pixels(_image(_get(http, f"{live_server}/ogc/collections/land_use/map",
                                   **params)))  # fmt: skip
    boundary = [i for i, pixel in enumerate(parcels) if pixel[3] == 255]  # antialiased cores
    assert len(boundary) > 100 and all(pixel[3] == 255 for pixel in land_use)
    kept = sum(1 for i in boundary if _close(dataset[i], parcels[i]))
    assert kept > 0.6 * len(boundary), (kept, len(boundary))  # some under boundary points
    for above in ("parcels", "general_plan_zones"):  # either one beneath the land use
        swapped = [name for name in order if name != above]
        swapped.insert(order.index("land_use"), above)
        assert _share_alike(dataset, _stacked(http, live_server, swapped, params)) < alike - 0.005


def test_the_orthophoto_is_the_ground_where_no_land_use_is_drawn(http, live_server):
    """2 km on 64 pixels is 1:111 600, beyond land use's and parcels' 1:50 000: the
    orthophoto (the first raster) shows through, under labels and boundaries."""
    params = {"bbox": "412500,508000,414500,510000", "bbox-crs": "EPSG:2180",  # in the rasters
              "width": "64", "height": "64"}  # fmt: skip
    dataset = _pixels(_image(_get(http, f"{live_server}/ogc/map", **params), (64, 64)))
    photo = _pixels(_image(_get(http, f"{live_server}/ogc/collections/orthophoto/map", **params)))
    opaque = [i for i, pixel in enumerate(photo) if pixel[3] == 255]
    assert len(opaque) > 64 * 64 / 2
    shown = sum(1 for i in opaque if _close(dataset[i], photo[i]))
    assert shown > 0.5 * len(opaque), (shown, len(opaque))


def test_the_dataset_map_takes_the_collection_map_parameters(http, live_server, vertex):
    """The same parameters and limits as a collection's map: crs, a width alone, bgcolor,
    JPEG, center with a scale."""
    url = f"{live_server}/ogc/map"
    mercator = _get(http, url, crs="EPSG:3857", width="300")
    assert mercator.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/3857>"
    width, height = _image(mercator).size
    assert width == 300 and 300 < height < 500  # the county is taller than wide in 3857
    jpeg = _get(http, url, f="jpeg", bgcolor="00FF00", **_around(vertex))
    assert jpeg.status_code == 200 and jpeg.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(jpeg.content)).size == (400, 400)
    vx, vy = vertex
    centred = _get(http, url, center=f"{vy},{vx}", **{"center-crs": "EPSG:2180",
                   "crs": "EPSG:2180", "scale-denominator": "1000"}, width="100",
                   height="50")  # fmt: skip
    _image(centred, (100, 50))
    south, west, north, east = map(float, centred.headers["Content-Bbox"].split(","))
    assert abs((east - west) - 28.0) < 0.1 and abs((north - south) - 14.0) < 0.1
    assert _get(http, url, width="4097").status_code == 400
    head = http.head(url, params={"width": "16"}, timeout=60)
    assert head.status_code == 200 and head.content == b""


def test_the_landing_page_links_the_dataset_map_and_describes_the_dataset(http, live_server):
    """/req/dataset-map/landingpage, desc-extent, desc-crs."""
    landing = _get(http, f"{live_server}/ogc", f="json").json()
    links = [link for link in landing["links"] if link["rel"] == MAP_REL]
    assert {link["type"] for link in links} == {"image/png", "image/jpeg"}
    png = next(link for link in links if link["type"] == "image/png")
    assert png["href"] == f"{live_server}/ogc/map"
    assert _image(http.get(png["href"], params={"width": "32"}, timeout=60)).width == 32
    site = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))
    minx, miny, maxx, maxy = site["extent"]  # EPSG:2180 easting first
    spatial = landing["extent"]["spatial"]
    assert spatial["crs"] == CRS84 and spatial["storageCrsBbox"] == [[miny, minx, maxy, maxx]]
    west, south, east, north = spatial["bbox"][0]
    assert 18.8 < west < east < 19.5 and 51.3 < south < north < 51.8
    assert landing["storageCrs"] == "http://www.opengis.net/def/crs/EPSG/0/2180"
    assert {CRS84, landing["storageCrs"]} <= set(landing["crs"])
    english = _get(http, f"{live_server}/ogc", f="json", lang="en").json()
    titles = {link["title"] for link in english["links"] if link["rel"] == MAP_REL}
    assert any(title.startswith("Map of the county") for title in titles), titles


def test_conformance_and_openapi_declare_the_dataset_map_and_display_resolution(http, live_server):
    conformance = _get(http, f"{live_server}/ogc/conformance", f="json").json()["conformsTo"]
    assert {MAPS + "dataset-map", MAPS + "display-resolution"} <= set(conformance)
    document = _get(http, f"{live_server}/ogc/openapi", f="json").json()
    dataset = document["paths"]["/map"]["get"]
    collection = document["paths"]["/collections/parcels/map"]["get"]
    assert dataset["parameters"] == collection["parameters"]
    assert dataset["responses"] == collection["responses"]
    assert dataset["operationId"] == "getDatasetMap"
    mm = next(p for p in dataset["parameters"] if p["name"] == "mm-per-pixel")
    assert mm["schema"]["type"] == "number" and mm["schema"]["default"] == 0.28


def _scale(ground_metres: float, pixels: int, mm_per_pixel: float) -> float:
    """/req/display-resolution/map-success A: the ground over the map's physical size."""
    return ground_metres / (pixels * mm_per_pixel / 1000)


@pytest.mark.parametrize("path", ["/ogc/collections/parcels/map", "/ogc/map"])
def test_mm_per_pixel_sets_the_scale_of_the_scale_ranges(http, live_server, vertex, path):
    """The same bbox and pixels: on 0.28 mm pixels the map is below parcels' max_scale, on
    0.2 mm pixels (a smaller picture of the same ground) above it, so they vanish."""
    layer = yaml.safe_load((ROOT / "layers/parcels/layer.yaml").read_text(encoding="utf-8"))
    max_scale, pixels = layer["max_scale"], 256
    ground = 0.9 * max_scale * pixels * 0.28 / 1000  # metres: 1:45 000 at 0.28 mm
    assert _scale(ground, pixels, 0.28) < max_scale < _scale(ground, pixels, 0.2)
    params = _around(vertex, ground / 2) | {"width": str(pixels), "height": str(pixels),
                                            "transparent": "true"}  # fmt: skip
    parcels = _pixels(_image(_get(http, f"{live_server}/ogc/collections/parcels/map",
                                  **params)))  # fmt: skip
    lines = [i for i, pixel in enumerate(parcels) if pixel[3] == 255]
    assert len(lines) > 1000
    drawn = {}
    for mm in (0.28, 0.2):
        image = _pixels(_image(_get(http, f"{live_server}{path}", **params,
                                    **{"mm-per-pixel": str(mm)}), (pixels, pixels)))  # fmt: skip
        drawn[mm] = sum(1 for i in lines if _close(image[i], parcels[i]))
    assert drawn[0.28] > 0.5 * len(lines) and drawn[0.2] < 0.05 * len(lines), drawn


def test_mm_per_pixel_sets_the_ground_a_pixel_covers(http, live_server, vertex):
    """/req/scaling/scale-denominator-definition C with /req/display-resolution/map-success
    A: around a centre at 1:1000, 100 pixels of 0.1 mm are 10 m of ground (28 m at 0.28)."""
    vx, vy = vertex
    for mm, metres in ((None, 28.0), ("0.1", 10.0), ("0.352", 35.2)):
        params = {"center": f"{vy},{vx}", "center-crs": "EPSG:2180", "crs": "EPSG:2180",
                  "scale-denominator": "1000", "width": "100", "height": "100"}  # fmt: skip
        if mm is not None:
            params["mm-per-pixel"] = mm
        answer = _get(http, f"{live_server}/ogc/map", **params)
        _image(answer, (100, 100))
        south, west, north, east = map(float, answer.headers["Content-Bbox"].split(","))
        assert abs((east - west) - metres) < 0.05 and abs((north - south) - metres) < 0.05


@pytest.mark.parametrize(
    "value", ["0", "-1", "nan", "inf", "abc", "", "1e-9", "1e9", "0.01", "1"]
)  # fmt: skip
def test_mm_per_pixel_that_is_no_display_is_400(http, live_server, value):
    """/req/display-resolution/mm-per-pixel-definition C, and the sizes the renderer draws."""
    for path in ("/ogc/map", "/ogc/collections/parcels/map"):
        answer = _get(http, f"{live_server}{path}", **{"mm-per-pixel": value})
        assert answer.status_code == 400, (path, value, answer.text[:200])
        document = answer.json()
        assert document["code"] == "InvalidParameterValue"
        assert "mm-per-pixel" in document["description"], document


def test_symbols_keep_their_millimetres_on_smaller_pixels(http, live_server, vertex):
    """/req/display-resolution/map-success B: the same 56 m of ground at 1:1000 on 200 pixels
    of 0.28 mm or 560 of 0.1 mm. The boundaries are 2.8 times as long in pixels; were the
    line widths kept in pixels their area would grow 2.8 times, kept in millimetres it grows
    2.8² = 7.8 times."""
    vx, vy = vertex
    drawn = {}
    for mm, side in ((0.28, 200), (0.1, 560)):
        params = {"center": f"{vy},{vx}", "center-crs": "EPSG:2180", "crs": "EPSG:2180",
                  "scale-denominator": "1000", "width": str(side), "height": str(side),
                  "mm-per-pixel": str(mm)}  # fmt: skip
        answer = _get(http, f"{live_server}/ogc/collections/parcels/map", **params)
        alpha = _image(answer, (side, side)).getchannel("A").tobytes()
        drawn[mm] = sum(value for value in alpha) / 255  # ink, antialiased edges in part
    assert drawn[0.28] > 100 and 6.0 < drawn[0.1] / drawn[0.28] < 9.5, drawn
