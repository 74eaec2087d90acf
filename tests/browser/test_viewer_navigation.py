"""Scale picker, pointer coordinates and "Gdzie jestem" in real Chromium.

* each scale of the picker, chosen with the mouse or the keyboard, is what the status
  bar says, and what the map does: two points 200 px apart differ by 200 px × n × 0.28 mm
  in the map's own coordinate read-out;
* the pointer read-out at a pixel whose ground position the test knows, in PUWG 1992,
  the county's PL-2000 zone (site.yaml) and WGS 84, against pyproj;
* geolocation (Playwright's fake position): the map centres on it (pyproj transforms it
  independently); outside the county and with permission refused a message says so.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pyproj import Transformer

from geoportal.crs import PL2000_EPSG
from geoportal.instance import Instance
from geoportal.printing.layout import SCALES
from tests.browser.mapview import hash_state, open_view, read_number, wait_rendered
from tests.browser.pages import ViewerPage, axe_violations, open_page, screenshot
from tests.texts import strings

pytestmark = pytest.mark.browser

SITE = Instance().site
X, Y = 509_000.0, 413_500.0
PL = strings("pl", SITE)
EN = strings("en", SITE)
ZONE = SITE.crs.local_zone
ZONE_NUMBER = next(zone for zone, code in PL2000_EPSG.items() if code == ZONE)


def _position(page: Page) -> tuple[float, float]:
    """The two numbers of the pointer read-out, in the order shown."""
    text = page.locator("#mouse-position").inner_text()
    match = re.fullmatch(r"(?:E|φ) (.+?) ?(?:m|°)\s+(?:N|λ) (.+?) ?(?:m|°)", text.strip())
    assert match, f"unexpected read-out {text!r}"
    return read_number(match.group(1)), read_number(match.group(2))


def _shown_scale(page: Page) -> int:
    text = page.locator("#scale").inner_text()
    assert text.startswith("1:")
    return int(re.sub(r"\D", "", text[2:]))


def test_each_scale_of_the_picker_is_shown_and_drawn(
    viewer_page: ViewerPage, live_server: str
) -> None:
    page = viewer_page.page
    view = open_view(page, live_server, X, Y, 12)
    expect(page.locator("#scale-picker")).to_have_value("")  # a grid level: no round scale
    for scale in SCALES:
        page.select_option("#scale-picker", str(scale))
        assert _shown_scale(page) == scale
        page.mouse.move(*view.page_px(-100, 0))
        left = _position(page)
        page.mouse.move(*view.page_px(100, 0))
        right = _position(page)
        assert right[0] - left[0] == pytest.approx(200 * scale * 0.00028, abs=0.011)
        assert right[1] == pytest.approx(left[1], abs=0.011)
    wait_rendered(page)
    screenshot(page, "scale-picker-100000")
    page.focus("#scale-picker")
    page.keyboard.press("Home")
    expect(page.locator("#scale-picker")).to_have_value(str(SCALES[0]))
    page.keyboard.press("ArrowDown")
    expect(page.locator("#scale-picker")).to_have_value(str(SCALES[1]))
    assert _shown_scale(page) == SCALES[1]
    expect(page.locator("#scale")).to_have_text("1:1000")  # Polish: no separator under 10 000
    page.select_option("#scale-picker", "10000")
    expect(page.locator("#scale")).to_have_text("1:10\u00a0000")
    assert axe_violations(page) == []
    assert viewer_page.problems.all() == []


def test_pointer_coordinates_in_three_systems(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    view = open_view(page, live_server, X, Y, 12)
    dx, dy = 137.0, -83.0
    x, y = view.ground(dx, dy)
    page.mouse.move(*view.page_px(dx, dy))
    expect(page.locator("#crs-select")).to_have_value("EPSG:2180")
    assert _position(page) == pytest.approx((x, y), abs=0.02)

    options = page.locator("#crs-select option")
    expect(options.nth(1)).to_have_text(f"PL-2000 strefa {ZONE_NUMBER} (EPSG:{ZONE})")
    page.select_option("#crs-select", f"EPSG:{ZONE}")
    page.mouse.move(*view.page_px(dx, dy))
    east, north = Transformer.from_crs(2180, ZONE, always_xy=True).transform(x, y)
    assert _position(page) == pytest.approx((east, north), abs=0.02)
    assert 6_000_000 < east < 7_000_000  # zone 6's false easting

    page.focus("#crs-select")
    page.keyboard.press("ArrowDown")  # WGS 84, by keyboard
    expect(page.locator("#crs-select")).to_have_value("EPSG:4326")
    page.mouse.move(*view.page_px(dx, dy))
    lon, lat = Transformer.from_crs(2180, 4326, always_xy=True).transform(x, y)
    assert _position(page) == pytest.approx((lat, lon), abs=1.5e-6)  # φ first, then λ
    screenshot(page, "pointer-wgs84")
    assert axe_violations(page) == []
    assert viewer_page.problems.all() == []


def _located(chromium: Any, live_server: str, **options: Any) -> ViewerPage:
    viewer = open_page(chromium, **options)
    viewer.page.goto(f"{live_server}/#x={X}&y={Y}&z=10")
    wait_rendered(viewer.page)
    return viewer


def test_where_am_i_centres_the_map_on_the_position(chromium: Any, live_server: str) -> None:
    here = (505_123.4, 420_456.7)  # EPSG:2180, inside the county
    lon, lat = Transformer.from_crs(2180, 4326, always_xy=True).transform(*here)
    viewer = _located(
        chromium,
        live_server,
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 12},
        permissions=["geolocation"],
    )
    page = viewer.page
    try:
        expect(page.locator("#locate-button")).to_have_accessible_name(PL["locate"])
        page.focus("#locate-button")
        page.keyboard.press("Enter")
        message = page.locator("#locate-message")
        expect(message).to_have_attribute("data-state", "locate_done")
        expect(message).to_contain_text("12 m")
        page.wait_for_function("() => !location.hash.includes('x=509000.0')")
        state = hash_state(page)
        assert float(state["x"]) == pytest.approx(here[0], abs=0.06)
        assert float(state["y"]) == pytest.approx(here[1], abs=0.06)
        assert _shown_scale(page) <= 3000  # zoomed in to the street
        wait_rendered(page)
        screenshot(page, "where-am-i")
        assert axe_violations(page) == []
        assert viewer.problems.all() == []
    finally:
        page.context.close()


def test_where_am_i_outside_the_county(chromium: Any, live_server: str) -> None:
    viewer = _located(
        chromium,
        live_server,
        geolocation={"longitude": 21.0122, "latitude": 52.2297},  # Warsaw
        permissions=["geolocation"],
    )
    page = viewer.page
    try:
        before = hash_state(page)
        page.click("#locate-button")
        expect(page.locator("#locate-message")).to_have_text(PL["locate_outside"])
        assert hash_state(page)["x"] == before["x"] and hash_state(page)["y"] == before["y"]
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_where_am_i_refused_on_a_phone_in_english(chromium: Any, live_server: str) -> None:
    viewer = open_page(chromium, width=390, height=780)  # no geolocation permission
    page = viewer.page
    try:
        page.goto(f"{live_server}/?lang=en#x={X}&y={Y}&z=10")
        wait_rendered(page)
        page.click("#locate-button")
        message = page.locator("#locate-message")
        expect(message).to_have_text(EN["locate_denied"])
        box = message.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        expect(page.locator("#scale-picker")).to_be_visible()
        screenshot(page, "where-am-i-refused-phone-en")
        assert axe_violations(page) == []
        assert viewer.problems.all() == []
    finally:
        page.context.close()
