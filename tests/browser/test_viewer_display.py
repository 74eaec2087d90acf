"""Display settings on the map pages, in real Chromium against the running portal.

* In high contrast (black panel) the legend images stay readable: the pixels of the
  rendered legend (an element screenshot, decoded here) are a light backdrop with dark
  symbols and text on it, not dark text on the black panel.
* In high contrast (alone and with larger text) the viewer's message boxes (the search
  message, the link's message, the drawing hint) are light text on a dark box with at
  least 7:1 between them (WCAG 1.4.6, the line site.css draws for this mode), computed by
  Chromium from the styles; their text grows with the larger-text setting; and the page
  passes axe-core with all three shown.
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
from playwright.sync_api import Browser, Page, expect

from tests.browser.mapview import wait_rendered
from tests.browser.pages import axe_violations, open_page, screenshot
from web.viewer.pageconfig import VIEWER_FILE

pytestmark = pytest.mark.browser
IDLE_S = yaml.safe_load(VIEWER_FILE.read_text(encoding="utf-8"))["kiosk"]["idle_seconds"]
LEGEND_LAYERS = "parcels,buildings,land_use"
HIGH_CONTRAST_RATIO = 7.0  # site.css: "no greys below 7:1"
MESSAGE_BOXES = ("#url-message", "#search-message", "#draw-hint")
# The text's colour and the colour behind it as Chromium computed them: the first ancestor
# with a background that is not transparent (alpha composited over the one behind it).
COLOURS_JS = """(element) => {
  const rgba = (text) => {
    const [r, g, b, a] = text.match(/[\\d.]+/g).map(Number);
    return [r, g, b, a === undefined ? 1 : a];
  };
  const over = (top, below) => top.slice(0, 3).map(
    (channel, i) => channel * top[3] + below[i] * (1 - top[3])).concat([1]);
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const background = rgba(getComputedStyle(node).backgroundColor);
    if (background[3] > 0) layers.push(background);
    if (background[3] === 1) break;
  }
  let behind = [255, 255, 255, 1];  // the canvas of an empty page
  for (const layer of layers.reverse()) behind = over(layer, behind);
  return {text: over(rgba(getComputedStyle(element).color), behind), behind};
}"""


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


def _luminance(colour: list[float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0-255 channels)."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
              for c in colour[:3]]  # fmt: skip
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast_ratio(text: list[float], behind: list[float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""
    lighter, darker = sorted((_luminance(text), _luminance(behind)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_message_boxes_are_readable_in_high_contrast_and_grow_with_larger_text(
    chromium: Browser, live_server: str
) -> None:
    viewer = open_page(chromium)
    page = viewer.page
    sizes: dict[str, dict[str, float]] = {}
    try:
        for display in ("kontrast=1", "tekst=1"):  # high contrast, then with larger text too
            page.goto(f"{live_server}/wyglad?{display}")
            _show_message_boxes(page, live_server)
            assert "high-contrast" in (page.get_attribute("body", "class") or "")
            sizes[display] = {}
            for selector in MESSAGE_BOXES:
                box = page.locator(selector)
                expect(box).to_be_visible()  # all three at once, for axe too
                colours = box.evaluate(COLOURS_JS)
                text, behind = colours["text"], colours["behind"]
                ratio = _contrast_ratio(text, behind)
                assert ratio >= HIGH_CONTRAST_RATIO, (selector, f"{ratio:.2f}:1", colours)
                # The mode's own palette, as the status bar's: light text on a dark box
                # (a white or pastel box in a black page is the glare the visitor avoids).
                assert _luminance(behind) < 0.05 < _luminance(text), (selector, colours)
                sizes[display][selector] = float(
                    box.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)")
                )
            assert axe_violations(page) == [], display
            screenshot(page, f"message-boxes-{display.replace('=1', '')}")
        for selector in MESSAGE_BOXES:  # site.css: larger text is 125 %
            standard, larger = sizes["kontrast=1"][selector], sizes["tekst=1"][selector]
            assert larger >= 1.2 * standard, (selector, standard, larger)
        assert viewer.problems.all() == []
    finally:
        page.context.close()


def _show_message_boxes(page: Page, live_server: str) -> None:
    """The viewer with its three message boxes shown, as a visitor brings them up."""
    # A link with a projection we do not have: the map opens and says so for 12 s. (Not
    # "/#…": the switch went back to "/", and a new fragment alone loads no new page.)
    page.goto(f"{live_server}/?lang=pl#x=509000&y=413500&z=12&crs=EPSG:4326")
    expect(page.locator("#url-message")).to_be_visible()
    page.fill("#search-input", "Zzyzx 12")  # nothing found: the search says so
    expect(page.locator("#search-message")).not_to_be_empty()
    page.click("#measure-length")  # the drawing bar and its hint
    expect(page.locator("#draw-hint")).to_be_visible()


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
