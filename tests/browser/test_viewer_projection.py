"""The map in Web Mercator and back, in real Chromium against the running portal.

* switching keeps the centre (the permalink's x/y, EPSG:2180) and the scale the status
  bar shows; tiles then come from MapProxy's GLOBAL_WEBMERCATOR grid;
* the parcels are drawn after the switch: the parcel-line colour (#1e90ff, the layer's
  style) is on the canvas, and a click at the centre still finds the parcel under it
  (GetFeatureInfo asked in EPSG:3857) and outlines it;
* the permalink carries ``crs=EPSG:3857``; opening it draws the map in Web Mercator at
  the same centre and scale;
* keyboard operable, axe-core clean.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from pyproj import Geod, Transformer
from shapely.geometry import LineString

from tests.browser.mapview import MapView, hash_state, read_number, wait_rendered
from tests.browser.pages import ViewerPage, axe_violations, open_page, screenshot

pytestmark = pytest.mark.browser

PARCEL_BLUE = (0x1E, 0x90, 0xFF)
HIGHLIGHT_YELLOW = (0xFF, 0xD4, 0x00)

COUNT_COLOUR = """([r, g, b]) => {
  let near = 0;
  for (const canvas of document.querySelectorAll('#map canvas')) {
    if (!canvas.width || !canvas.height) continue;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 128 && Math.abs(data[i] - r) < 40 && Math.abs(data[i + 1] - g) < 40
          && Math.abs(data[i + 2] - b) < 40) near += 1;
    }
  }
  return near;
}"""


def _shown_scale(page: Page) -> int:
    return int(re.sub(r"\D", "", page.locator("#scale").inner_text()[2:]))


def _centre(page: Page) -> tuple[float, float]:
    state = hash_state(page)
    return float(state["x"]), float(state["y"])


def _pixels(page: Page, colour: tuple[int, int, int]) -> int:
    return int(page.evaluate(COUNT_COLOUR, list(colour)))


def test_web_mercator_keeps_centre_and_scale_and_draws_parcels(
    viewer_page: ViewerPage, live_server: str, known_parcel: Any
) -> None:
    page = viewer_page.page
    tiles: list[str] = []
    page.on("request", lambda request: tiles.append(request.url))
    page.goto(
        f"{live_server}/#x={known_parcel.x:.1f}&y={known_parcel.y:.1f}&z=12"
        "&layers=parcels&base=none"
    )
    wait_rendered(page)
    scale = _shown_scale(page)
    centre = _centre(page)
    screenshot(page, "projection-2180")
    assert _pixels(page, PARCEL_BLUE) > 300
    tiles.clear()

    page.focus("#projection-select")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#map")).to_have_attribute("data-projection", "EPSG:3857")
    page.wait_for_timeout(100)
    wait_rendered(page)
    expect(page.locator("#scale")).to_have_text(re.compile(r"^1:"))
    assert abs(_shown_scale(page) - scale) <= 1
    assert _centre(page) == pytest.approx(centre, abs=0.15)
    assert hash_state(page)["crs"] == "EPSG:3857"
    mercator = [url for url in tiles if "/wmts/" in url]
    assert mercator and all("GLOBAL_WEBMERCATOR" in url for url in mercator), mercator[:3]
    assert any("/dzialki/" in url for url in mercator)
    assert _pixels(page, PARCEL_BLUE) > 300, "no parcel line is drawn in Web Mercator"
    screenshot(page, "projection-3857")

    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    card = page.locator('#info-content article.feature[data-layer="parcels"]').first
    expect(card).to_have_attribute("data-feature-id", known_parcel.parcel_id, timeout=20_000)
    # the outline follows the card (the parcel's geometry is asked for in EPSG:3857)
    page.wait_for_function(f"(colour) => ({COUNT_COLOUR})(colour) > 100", arg=HIGHLIGHT_YELLOW)
    screenshot(page, "projection-3857-parcel")
    assert axe_violations(page) == []

    page.select_option("#projection-select", "EPSG:2180")
    expect(page.locator("#map")).to_have_attribute("data-projection", "EPSG:2180")
    wait_rendered(page)
    assert abs(_shown_scale(page) - scale) <= 1
    assert _centre(page) == pytest.approx(centre, abs=0.15)
    assert "crs" not in hash_state(page)
    assert _pixels(page, HIGHLIGHT_YELLOW) > 100  # the outline came back with the map
    assert viewer_page.problems.all() == []


def test_permalink_keeps_web_mercator(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    page.goto(f"{live_server}/#x=509000.0&y=413500.0&z=12&layers=parcels,buildings")
    wait_rendered(page)
    scale = _shown_scale(page)
    page.select_option("#projection-select", "EPSG:3857")
    wait_rendered(page)
    page.click("#share-button")
    link = page.input_value("#share-link")
    assert "crs=EPSG:3857" in link and "scale=" in link
    page.keyboard.press("Escape")

    tiles: list[str] = []
    reopened = page.context.new_page()
    reopened.on("request", lambda request: tiles.append(request.url))
    reopened.goto(link)
    wait_rendered(reopened)
    expect(reopened.locator("#map")).to_have_attribute("data-projection", "EPSG:3857")
    expect(reopened.locator("#projection-select")).to_have_value("EPSG:3857")
    assert abs(_shown_scale(reopened) - scale) <= 1
    assert _centre(reopened) == pytest.approx((509_000.0, 413_500.0), abs=0.15)
    assert any("GLOBAL_WEBMERCATOR" in url for url in tiles)
    assert _pixels(reopened, PARCEL_BLUE) > 300
    screenshot(reopened, "projection-3857-permalink")
    assert viewer_page.problems.all() == []


def test_unknown_projection_in_a_link_is_named_and_ignored(
    viewer_page: ViewerPage, live_server: str
) -> None:
    page = viewer_page.page
    page.goto(f"{live_server}/#x=509000&y=413500&z=12&crs=EPSG:4326")
    expect(page.locator("#url-message")).to_contain_text("crs")
    expect(page.locator("#map")).to_have_attribute("data-projection", "EPSG:2180")
    page.goto(f"{live_server}/?lang=en#x=509000&y=413500&z=12&crs=%3Cscript%3E")
    expect(page.locator("#url-message")).to_contain_text("crs")
    assert page.locator("#url-message script").count() == 0
    expect(page.locator("#projection-select")).to_have_value("EPSG:2180")
    assert viewer_page.problems.exceptions == []


EARTH = 6_378_137.0  # the Web Mercator sphere


def test_measure_and_print_in_web_mercator(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    page.goto(f"{live_server}/#x=509000.0&y=413500.0&z=11&layers=parcels&crs=EPSG:3857")
    wait_rendered(page)
    expect(page.locator("#map")).to_have_attribute("data-projection", "EPSG:3857")
    # Where the pixels lie, worked out here: the centre in EPSG:3857 and its metres per
    # pixel from the scale, stretched by Web Mercator's 1/cos(latitude) = cosh(y / R).
    scale = float(hash_state(page)["scale"])
    cx, cy = Transformer.from_crs(2180, 3857, always_xy=True).transform(509_000.0, 413_500.0)
    resolution = scale * 0.00028 * math.cosh(cy / EARTH)
    view = MapView(page, cx, cy, resolution)
    pixels = [(-250.0, -100.0), (50.0, 150.0), (300.0, -50.0)]
    page.click("#measure-length")
    for dx, dy in pixels[:-1]:
        view.click(dx, dy)
    view.click(*pixels[-1], count=2)
    to_2180 = Transformer.from_crs(3857, 2180, always_xy=True)
    ground = [to_2180.transform(*view.ground(*p)) for p in pixels]
    planar_text = page.locator('#measure-result [data-measure="planar"] dd').inner_text()
    planar = read_number(planar_text) * (1000 if planar_text.endswith("km") else 1)
    assert planar == pytest.approx(LineString(ground).length, abs=0.6)
    lons, lats = Transformer.from_crs(2180, 4326, always_xy=True).transform(
        [p[0] for p in ground], [p[1] for p in ground]
    )
    geodesic_text = page.locator('#measure-result [data-measure="geodesic"] dd').inner_text()
    geodesic = read_number(geodesic_text) * (1000 if geodesic_text.endswith("km") else 1)
    sphere = Geod(a=6_371_008.8, b=6_371_008.8)
    assert geodesic == pytest.approx(sphere.line_length(list(lons), list(lats)), abs=0.6)

    page.click("#print-button")
    page.select_option("#print-scale", "5000")
    with page.expect_request(lambda request: "/drukuj?" in request.url) as asked:
        page.click("#print-submit")
    query = parse_qs(urlsplit(asked.value.url).query)
    # /drukuj works in EPSG:2180: the centre goes there converted, not in Web Mercator
    assert float(query["x"][0]) == pytest.approx(509_000.0, abs=0.15)
    assert float(query["y"][0]) == pytest.approx(413_500.0, abs=0.15)
    expect(page.locator("#print-status")).not_to_have_text("")
    assert viewer_page.problems.all() == []


def test_projection_switch_on_a_phone(chromium: Any, live_server: str) -> None:
    viewer = open_page(chromium, width=390, height=780)
    page = viewer.page
    try:
        page.goto(f"{live_server}/?lang=en#x=509000&y=413500&z=12&layers=parcels")
        wait_rendered(page)
        page.click("#panel-toggle")
        select = page.locator("#projection-select")
        select.scroll_into_view_if_needed()
        expect(page.locator('label[for="projection-select"]')).to_have_text("Map projection")
        select.select_option("EPSG:3857")
        expect(page.locator("#map")).to_have_attribute("data-projection", "EPSG:3857")
        page.click("#panel-toggle")
        wait_rendered(page)
        assert _pixels(page, PARCEL_BLUE) > 300
        screenshot(page, "projection-3857-phone-en")
        assert axe_violations(page) == []
        assert viewer.problems.all() == []
    finally:
        page.context.close()
