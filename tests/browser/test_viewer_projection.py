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

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.mapview import hash_state, wait_rendered
from tests.browser.pages import ViewerPage, axe_violations, screenshot

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
