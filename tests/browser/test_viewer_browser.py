"""The viewer against the whole running application, in real Chromium.

Needs two session fixtures from ``tests/conftest.py``:

* ``live_server`` — ``str``: base URL of the running application (Flask, MapServer,
  MapProxy, pygeoapi, demo data loaded), e.g. ``http://127.0.0.1:18765``;
* ``known_parcel`` — an object with ``parcel_id: str`` and ``x: float``, ``y: float``:
  a point inside that parcel in EPSG:2180, easting first.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page, expect

from geoportal.instance import Instance
from tests.browser.pages import ViewerPage, open_page, screenshot
from tests.texts import strings

SITE = Instance().site
pytestmark = pytest.mark.browser

RENDER_TIMEOUT_MS = 60_000  # uncached tiles are rendered by MapServer on first request


def _wait_rendered(page: Page) -> None:
    """Until OpenLayers has drawn every tile and image of the current view."""
    expect(page.locator("#map")).to_have_attribute(
        "data-map-state", "rendered", timeout=RENDER_TIMEOUT_MS
    )


CANVAS_COLOURS = """() => {
  const colours = new Set();
  let painted = 0;
  for (const canvas of document.querySelectorAll('#map canvas')) {
    if (!canvas.width || !canvas.height) continue;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4 * 7) {
      if (data[i + 3] === 0) continue;
      painted += 1;
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
  }
  return {painted, colours: colours.size};
}"""


def _distinct_colours(page: Page) -> int:
    """Distinct colours the map's canvases hold (read back: our tiles are same-origin)."""
    result = page.evaluate(CANVAS_COLOURS)
    return result["colours"] if result["painted"] > 1000 else 0


def _hash_state(page: Page) -> dict[str, str]:
    fragment = page.evaluate("location.hash").lstrip("#")
    return {key: values[0] for key, values in parse_qs(fragment).items()}


def _panel_parcel(page: Page, parcel_id: str) -> None:
    card = page.locator('#info-content article.feature[data-layer="parcels"]').first
    expect(card).to_have_attribute("data-feature-id", parcel_id, timeout=20_000)
    expect(card).to_contain_text(parcel_id)


def test_map_renders_tiles_from_our_services(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    tile_requests: list[str] = []
    page.on("request", lambda request: tile_requests.append(request.url))
    page.goto(live_server + "/")
    _wait_rendered(page)
    assert any("/wmts/" in url for url in tile_requests), "no WMTS tile was requested"
    assert all(url.startswith(live_server) or url.startswith("data:") for url in tile_requests)
    assert _distinct_colours(page) > 8, "the map is blank"
    assert viewer_page.problems.all() == []
    screenshot(page, "viewer-county")


def test_click_on_a_parcel_shows_it_in_the_panel(
    viewer_page: ViewerPage, live_server: str, known_parcel: Any
) -> None:
    page = viewer_page.page
    page.goto(f"{live_server}/#x={known_parcel.x}&y={known_parcel.y}&scale=1000")
    _wait_rendered(page)
    assert _distinct_colours(page) > 8, "the map is blank at 1:1000"
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    _panel_parcel(page, known_parcel.parcel_id)
    expect(page.locator("#info-content")).to_have_attribute("data-state", "features")
    _wait_rendered(page)
    screenshot(page, "viewer-parcel-click")
    assert viewer_page.problems.all() == []


def test_search_by_parcel_id_zooms_to_the_parcel(
    viewer_page: ViewerPage, live_server: str, known_parcel: Any
) -> None:
    page = viewer_page.page
    page.goto(live_server + "/")
    _wait_rendered(page)
    page.fill("#search-input", known_parcel.parcel_id)
    page.press("#search-input", "Enter")
    _panel_parcel(page, known_parcel.parcel_id)
    expect(page.locator("#search-message")).to_have_text("")
    page.wait_for_function("() => location.hash.includes('x=')")
    page.wait_for_timeout(400)  # the zoom is animated
    state = _hash_state(page)
    distance = math.dist((float(state["x"]), float(state["y"])), (known_parcel.x, known_parcel.y))
    assert distance < 300, f"view centred {distance:.0f} m from the parcel"
    _wait_rendered(page)
    screenshot(page, "viewer-parcel-search")
    assert viewer_page.problems.all() == []


def test_unknown_parcel_id_is_reported(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    page.goto(live_server + "/")
    _wait_rendered(page)  # the search box is driven by the bundle once the map is built
    page.fill("#search-input", "100301_2.9999.1/1")  # well-formed, not in the data
    page.press("#search-input", "Enter")
    expect(page.locator("#search-message")).to_have_text(strings("pl", SITE)["search_not_found"])


def test_english_viewer_on_a_phone(chromium: Any, live_server: str, known_parcel: Any) -> None:
    viewer = open_page(chromium, width=390, height=780)
    page = viewer.page
    try:
        page.goto(f"{live_server}/?lang=en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        _wait_rendered(page)
        expect(page.locator("#panel")).to_be_hidden()
        page.fill("#search-input", known_parcel.parcel_id)
        page.press("#search-input", "Enter")
        expect(page.locator("#panel")).to_be_visible()
        _panel_parcel(page, known_parcel.parcel_id)
        expect(page.locator("#info-content")).to_contain_text(
            re.compile(re.escape(strings("en", SITE)["info_parcel"]))
        )
        _wait_rendered(page)
        screenshot(page, "viewer-phone-en")
        assert viewer.problems.all() == []
    finally:
        page.context.close()
