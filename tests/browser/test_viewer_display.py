"""Display settings on the map pages, in real Chromium against the running portal.

* In high contrast (black panel) the legend images stay readable: the pixels of the
  rendered legend (an element screenshot, decoded here) are a light backdrop with dark
  symbols and text on it, not dark text on the black panel.
* On the kiosk the settings belong to one visitor: switching them sets only session
  cookies (no expiry) under ``/kiosk``, the site's own lasting setting is not applied
  there, and the inactivity reset brings the default display back (Playwright's fake
  clock, not real waiting).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import yaml
from PIL import Image
from playwright.sync_api import Browser, expect

from tests.browser.mapview import wait_rendered
from tests.browser.pages import axe_violations, open_page, screenshot
from web.viewer.pageconfig import VIEWER_FILE

pytestmark = pytest.mark.browser
IDLE_S = yaml.safe_load(VIEWER_FILE.read_text(encoding="utf-8"))["kiosk"]["idle_seconds"]
LEGEND_LAYERS = "parcels,buildings,land_use"


def _luminance_shares(png: bytes) -> tuple[float, float]:
    """Shares of light (luminance > 200) and dark (< 80) pixels of a screenshot."""
    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    total = sum(histogram)
    return sum(histogram[201:]) / total, sum(histogram[:80]) / total


def test_legends_stay_visible_in_high_contrast(
    chromium: Browser, live_server: str, known_parcel: Any
) -> None:
    viewer = open_page(chromium)
    page = viewer.page
    try:
        page.goto(f"{live_server}/wyglad?kontrast=1")
        page.goto(
            f"{live_server}/#x={known_parcel.x:.1f}&y={known_parcel.y:.1f}&z=12"
            f"&layers={LEGEND_LAYERS}"
        )
        wait_rendered(page)
        assert "high-contrast" in (page.get_attribute("body", "class") or "")
        legends = page.locator("#layer-list img.legend:visible")
        expect(legends.first).to_be_visible()
        assert legends.count() >= len(LEGEND_LAYERS.split(","))
        for index in range(legends.count()):
            legend = legends.nth(index)
            legend.scroll_into_view_if_needed()
            page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                                   arg=legend.element_handle())  # fmt: skip
            light, dark = _luminance_shares(legend.screenshot())
            name = legend.get_attribute("alt")
            # a light backdrop under the image, and the image's dark strokes on it
            assert light > 0.3, f"{name}: {light:.0%} light pixels on the black panel"
            assert dark > 0.005, f"{name}: {dark:.1%} dark pixels"
        assert axe_violations(page) == []
        legends.first.scroll_into_view_if_needed()
        screenshot(page, "legend-high-contrast")
        assert viewer.problems.all() == []
    finally:
        page.context.close()


def test_the_status_bar_and_suggestions_are_readable_in_high_contrast(
    chromium: Browser, live_server: str
) -> None:
    viewer = open_page(chromium)
    page = viewer.page
    try:
        page.goto(f"{live_server}/wyglad?kontrast=1")
        page.goto(f"{live_server}/#x=509000&y=413500&scale=5000")
        wait_rendered(page)
        for selector in ("#scale-picker", "#crs-select"):
            light, dark = _luminance_shares(page.locator(selector).screenshot())
            # white text on black: mostly dark, the letters light (was white on white)
            assert dark > 0.5 and light > 0.03, (selector, light, dark)
        page.fill("#search-input", "Łask")
        listbox = page.locator("#search-listbox")
        expect(listbox.locator("[role=option]").first).to_be_visible()
        light, dark = _luminance_shares(listbox.screenshot())
        assert dark > 0.5 and light > 0.03, ("suggestions", light, dark)
        assert axe_violations(page) == []
        screenshot(page, "suggestions-high-contrast")
        assert viewer.problems.all() == []
    finally:
        page.context.close()


def test_kiosk_display_settings_last_one_visitor_only(chromium: Browser, live_server: str) -> None:
    viewer = open_page(chromium, width=1920, height=1080)
    page = viewer.page
    context = page.context
    try:
        # a lasting choice of the site's own pages is not the kiosk's
        page.goto(f"{live_server}/wyglad?kontrast=1")
        page.clock.install()
        page.goto(f"{live_server}/kiosk?lang=en")
        wait_rendered(page)
        assert "high-contrast" not in (page.get_attribute("body", "class") or "")
        context.clear_cookies()

        page.click("#contrast-switch")
        expect(page.locator("body")).to_have_class(_has("high-contrast"))
        page.click("#text-switch")  # the second setting keeps the first
        expect(page.locator("body")).to_have_class(_has("high-contrast", "large-text"))
        assert page.evaluate("location.pathname + location.search") == "/kiosk?lang=en"
        cookies = context.cookies()
        assert [c["name"] for c in cookies] == ["wyglad_kiosk"], cookies
        assert cookies[0]["expires"] == -1  # a session cookie: nothing lasting
        assert cookies[0]["path"] == "/kiosk"
        wait_rendered(page)
        assert axe_violations(page) == []
        screenshot(page, "kiosk-high-contrast-large-text")

        page.clock.fast_forward((IDLE_S + 1) * 1000)  # the visitor has gone
        page.wait_for_url(f"{live_server}/kiosk?lang=en")
        wait_rendered(page)
        body_class = page.get_attribute("body", "class") or ""
        assert "high-contrast" not in body_class and "large-text" not in body_class
        assert context.cookies() == []
        expect(page.locator("#contrast-switch")).to_have_text("High contrast")
        screenshot(page, "kiosk-display-after-reset")
        assert viewer.problems.all() == []
    finally:
        context.close()


def _has(*classes: str) -> re.Pattern[str]:
    """A class attribute holding every one of ``classes``."""
    return re.compile("".join(rf"(?=.*\b{name}\b)" for name in classes))
