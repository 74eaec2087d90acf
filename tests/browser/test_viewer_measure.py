"""Measuring and the sketch in real Chromium against the running portal.

The test draws by clicking pixels of a view whose ground position it knows
(``tests/browser/mapview.py``), computes what the viewer must say with pyproj and
shapely, and reads the viewer's answer as a person would: the text in the panel, the
GeoJSON file it downloads.

* lengths and areas: planar EPSG:2180 (shapely) within the display's rounding; geodesic
  against pyproj.Geod on OpenLayers' sphere (R = 6 371 008.8 m) within 1e-5 and on the
  WGS 84 ellipsoid within 0.5 % (a sphere is that far from the ellipsoid at 51.6° N);
* clicks while drawing add points and ask the WMS for nothing;
* by keyboard alone: the tool button, Enter on the map adds its centre, the arrow keys pan;
* the sketch's GeoJSON is RFC 7946: WGS 84 lon/lat, counterclockwise exterior ring;
* axe-core finds nothing with a result shown; phone layout.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Polygon, shape

from tests.browser.mapview import MapView, hash_state, open_view, read_number
from tests.browser.pages import ViewerPage, axe_violations, open_page, screenshot

pytestmark = pytest.mark.browser

X, Y = 509_000.0, 413_500.0  # the county seat (site.yaml start)
TO_LONLAT = Transformer.from_crs(2180, 4326, always_xy=True)
SPHERE = Geod(a=6_371_008.8, b=6_371_008.8)  # ol/sphere's DEFAULT_RADIUS
WGS84 = Geod(ellps="WGS84")


def _lonlat(points: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    lons, lats = TO_LONLAT.transform([p[0] for p in points], [p[1] for p in points])
    return list(lons), list(lats)


def _geodesic_length(geod: Geod, points: list[tuple[float, float]]) -> float:
    lons, lats = _lonlat(points)
    return float(geod.line_length(lons, lats))


def _geodesic_area(geod: Geod, points: list[tuple[float, float]]) -> float:
    lons, lats = _lonlat(points)
    area, _ = geod.polygon_area_perimeter(lons, lats)
    return abs(float(area))


def _shown(page: Page, key: str) -> tuple[float, str]:
    """A measure the panel shows, in metres or m², and its text."""
    text = page.locator(f'#measure-result [data-measure="{key}"] dd').inner_text()
    factor = {"km": 1000.0, "ha": 10_000.0, "m": 1.0, "m²": 1.0}[text.rsplit(" ", 1)[1]]
    return read_number(text) * factor, text


def _draw_line(view: MapView, pixels: list[tuple[float, float]]) -> None:
    for dx, dy in pixels[:-1]:
        view.click(dx, dy)
    view.click(*pixels[-1], count=2)  # a double click adds the last point and finishes


def test_length_geodesic_and_planar(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    view = open_view(page, live_server, X, Y, 11)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.click("#measure-length")
    expect(page.locator("#measure-length")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#draw-bar")).to_be_visible()
    pixels = [(-300.0, -150.0), (100.0, -100.0), (250.0, 200.0)]
    _draw_line(view, pixels)
    expect(page.locator("#measure-length")).to_have_attribute("aria-pressed", "false")
    ground = [view.ground(*p) for p in pixels]

    planar, text = _shown(page, "planar")
    assert text.endswith(" km") and "," in text  # Polish: 1,126 km
    assert planar == pytest.approx(LineString(ground).length, abs=0.6)
    geodesic, _ = _shown(page, "geodesic")
    assert geodesic == pytest.approx(_geodesic_length(SPHERE, ground), abs=0.6)
    assert geodesic == pytest.approx(_geodesic_length(WGS84, ground), rel=5e-3)
    assert not [url for url in asked if "GetFeatureInfo" in url]
    screenshot(page, "measure-length")
    assert axe_violations(page) == []
    assert viewer_page.problems.all() == []


def test_area_geodesic_and_planar(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    view = open_view(page, live_server, X, Y, 12)
    page.click("#measure-area")
    pixels = [(-200.0, -120.0), (180.0, -150.0), (220.0, 130.0), (-150.0, 160.0)]
    for dx, dy in pixels:
        view.click(dx, dy)
    view.click(*pixels[0])  # back on the first point closes the polygon
    expect(page.locator("#measure-result")).to_have_attribute("data-kind", "area")
    ground = [view.ground(*p) for p in pixels]
    planar, text = _shown(page, "planar")
    assert text.endswith(" ha")
    assert planar == pytest.approx(Polygon(ground).area, abs=1.0)
    geodesic, _ = _shown(page, "geodesic")
    assert geodesic == pytest.approx(_geodesic_area(SPHERE, ground), rel=1e-5, abs=1.0)
    assert geodesic == pytest.approx(_geodesic_area(WGS84, ground), rel=5e-3)
    screenshot(page, "measure-area")
    assert axe_violations(page) == []
    page.click("#measure-clear")
    expect(page.locator("#measure-result dd")).to_have_count(0)
    assert viewer_page.problems.all() == []


def test_measure_by_keyboard_alone(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    view = open_view(page, live_server, X, Y, 13)
    page.focus("#projection-select")
    page.keyboard.press("Tab")  # from the projection select to the first measuring button
    focused = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return [e.id, s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert focused[0] == "measure-length" and focused[1] != "none" and focused[2] >= 2
    page.keyboard.press("Enter")
    expect(page.locator("#measure-length")).to_have_attribute("aria-pressed", "true")
    page.focus("#map")
    page.keyboard.press("Enter")  # the first point: the centre
    for key in ("ArrowRight", "ArrowUp"):
        before = hash_state(page)["x"], hash_state(page)["y"]
        page.keyboard.press(key)  # OpenLayers pans 128 px
        page.wait_for_function(
            "([x, y]) => !location.hash.includes(`x=${x}&y=${y}&`)", arg=list(before)
        )
        page.keyboard.press("Enter")
    page.focus("#draw-finish")
    page.keyboard.press("Enter")
    expected = 2 * 128 * view.resolution
    planar, text = _shown(page, "planar")
    assert text.endswith(" m")
    assert planar == pytest.approx(expected, abs=0.011)
    assert viewer_page.problems.all() == []


def test_sketch_exports_rfc7946_geojson(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    view = open_view(page, live_server, X, Y, 12)
    point = (-250.0, -100.0)
    line = [(-200.0, 50.0), (0.0, 120.0), (150.0, 60.0)]
    ring = [(20.0, -160.0), (200.0, -140.0), (180.0, -20.0)]
    page.click("#sketch-point")
    view.click(*point)
    page.click("#sketch-line")
    _draw_line(view, line)
    page.click("#sketch-polygon")
    for dx, dy in ring:
        view.click(dx, dy)
    view.click(*ring[0])
    page.click("#sketch-polygon")  # pressed again: the tool is switched off
    expect(page.locator("#sketch-polygon")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#sketch-status")).to_contain_text("3")
    screenshot(page, "sketch")
    with page.expect_download() as download_info:
        page.click("#sketch-export")
    download = download_info.value
    assert download.suggested_filename.endswith(".geojson")
    collection: dict[str, Any] = json.loads(download.path().read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # RFC 7946 has no crs member: WGS 84 is implied
    geometries = [feature["geometry"] for feature in collection["features"]]
    assert [g["type"] for g in geometries] == ["Point", "LineString", "Polygon"]

    def expected(pixels: list[tuple[float, float]]) -> list[tuple[float, float]]:
        lons, lats = _lonlat([view.ground(*p) for p in pixels])
        return list(zip(lons, lats, strict=True))

    def close(got: list[list[float]], want: list[tuple[float, float]]) -> bool:
        return len(got) == len(want) and all(
            math.isclose(g[0], w[0], abs_tol=2e-6) and math.isclose(g[1], w[1], abs_tol=2e-6)
            for g, w in zip(got, want, strict=True)
        )

    assert close([geometries[0]["coordinates"]], expected([point]))
    assert close(geometries[1]["coordinates"], expected(line))
    exterior = geometries[2]["coordinates"][0]
    assert exterior[0] == exterior[-1]
    polygon = shape(geometries[2])
    assert polygon.exterior.is_ccw, "RFC 7946: the exterior ring is counterclockwise"
    want = expected(ring)
    assert all(any(close([corner], [w]) for corner in exterior) for w in want)
    assert 19.0 < polygon.centroid.x < 19.3 and 51.5 < polygon.centroid.y < 51.7
    assert axe_violations(page) == []
    assert viewer_page.problems.all() == []


def test_empty_sketch_and_tools_on_a_phone(chromium: Any, live_server: str) -> None:
    viewer = open_page(chromium, width=390, height=780)
    page = viewer.page
    try:
        page.goto(f"{live_server}/?lang=en#x={X}&y={Y}&z=12")
        page.click("#panel-toggle")
        page.locator("#tools-title").scroll_into_view_if_needed()
        page.click("#sketch-export")
        expect(page.locator("#sketch-status")).to_have_text(
            "The sketch is empty: draw a point, a line or a polygon."
        )
        page.click("#measure-length")
        expect(page.locator("#draw-bar")).to_be_visible()
        expect(page.locator("#draw-finish")).to_be_in_viewport()  # scrolled into the sheet
        box = page.locator("#draw-bar").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        screenshot(page, "tools-phone-en")
        assert axe_violations(page) == []
        assert viewer.problems.all() == []
    finally:
        page.context.close()


def test_sketch_point_by_keyboard_at_the_centre(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    open_view(page, live_server, X, Y, 12)
    page.focus("#sketch-point")
    page.keyboard.press("Enter")
    expect(page.locator("#sketch-point")).to_have_attribute("aria-pressed", "true")
    page.focus("#map")
    page.keyboard.press("Enter")  # a point at the centre of the map, no info query
    expect(page.locator("#sketch-status")).to_have_text("Obiekty szkicu: 1")
    page.keyboard.press("Escape")  # the tool is switched off, the point stays
    expect(page.locator("#sketch-point")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#info-content")).to_have_attribute("data-state", "hint")
    page.focus("#sketch-export")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    collection = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    (lon,), (lat,) = _lonlat([(X, Y)])
    assert collection["features"][0]["geometry"] == {
        "type": "Point",
        "coordinates": [pytest.approx(lon, abs=1e-7), pytest.approx(lat, abs=1e-7)],
    }
    assert viewer_page.problems.all() == []
