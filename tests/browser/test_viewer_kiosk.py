"""Kiosk mode (/kiosk) in real Chromium against the running portal.

* every visible control is a touch target of at least 44 × 44 CSS pixels (its bounding
  box measured), on the office's screen and on a phone;
* every link stays on this site (same origin);
* after the idle time of ``viewer.yaml`` (read here from the file) the kiosk goes back to
  the start view, closes the card, clears the search and resets the layers; activity
  postpones it. Time is Playwright's fake clock, not real waiting;
* axe-core finds no violation in each of those states.

Screenshots are kept under var/screenshots/.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.browser.pages import axe_violations, open_page, screenshot
from web.viewer.pageconfig import VIEWER_FILE

pytestmark = pytest.mark.browser
IDLE_S = yaml.safe_load(VIEWER_FILE.read_text(encoding="utf-8"))["kiosk"]["idle_seconds"]
RENDER_TIMEOUT_MS = 60_000
TOUCH_PX = 44

# Controls a finger may need: every focusable or clickable element that is on screen.
SMALL_CONTROLS = """(minimum) => {
  const selector = 'a[href], button, input, select, textarea, summary, [role=option], ' +
                   '[role=button], [tabindex]:not([tabindex="-1"])';
  const small = [];
  let measured = 0;
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    const hidden = box.width === 0 || box.height === 0 || style.visibility === 'hidden' ||
      element.closest('.visually-hidden, [hidden]') !== null ||
      box.bottom <= 0 || box.right <= 0 || box.top >= innerHeight || box.left >= innerWidth;
    if (hidden) continue;
    measured += 1;
    if (box.width < minimum || box.height < minimum) {
      small.push(`${element.tagName.toLowerCase()}#${element.id}.${element.className} ` +
                 `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return {measured, small};
}"""

FOREIGN_LINKS = """() => [...document.querySelectorAll('a')]
  .filter((a) => !a.hasAttribute('href') || new URL(a.href).origin !== location.origin)
  .map((a) => a.outerHTML)"""


def _wait_rendered(page: Page) -> None:
    page.wait_for_function("() => document.querySelector('#map').dataset.mapState")
    expect(page.locator("#map")).to_have_attribute(
        "data-map-state", "rendered", timeout=RENDER_TIMEOUT_MS
    )


def _hash_state(page: Page) -> dict[str, str]:
    fragment = page.evaluate("location.hash").lstrip("#")
    return {key: values[0] for key, values in parse_qs(fragment).items()}


def _assert_touch_sized(page: Page) -> None:
    measured = page.evaluate(SMALL_CONTROLS, TOUCH_PX)
    assert measured["measured"] >= 15, measured
    assert measured["small"] == [], measured["small"]


def test_kiosk_controls_are_touch_sized_and_links_stay_on_the_site(
    chromium: Any, live_server: str
) -> None:
    viewer = open_page(chromium, width=1920, height=1080)
    page = viewer.page
    try:
        page.goto(f"{live_server}/kiosk")
        _wait_rendered(page)
        _assert_touch_sized(page)
        assert page.evaluate(FOREIGN_LINKS) == []
        expect(page.locator("#print-button")).to_be_hidden()  # no PDF on a public screen
        expect(page.locator("#share-button")).to_be_hidden()
        # the suggestions of the search box are touch targets too
        page.fill("#search-input", "Łask")
        expect(page.locator("#search-listbox [role=option]").first).to_be_visible()
        _assert_touch_sized(page)
        screenshot(page, "kiosk-suggestions")
        page.keyboard.press("Escape")
        page.locator("#history-toggle").check()  # the time slider's controls too
        expect(page.locator("#history-slider")).to_be_visible()
        _assert_touch_sized(page)
        assert axe_violations(page) == []
        screenshot(page, "kiosk")
        assert viewer.problems.all() == []
    finally:
        page.context.close()


def test_kiosk_on_a_phone_keeps_touch_sized_controls(chromium: Any, live_server: str) -> None:
    viewer = open_page(chromium, width=390, height=780)
    page = viewer.page
    try:
        page.goto(f"{live_server}/kiosk?lang=en")
        _wait_rendered(page)
        page.click("#panel-toggle")
        expect(page.locator("#panel")).to_be_visible()
        _assert_touch_sized(page)
        assert page.evaluate(FOREIGN_LINKS) == []
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px screen"
        assert axe_violations(page) == []
        screenshot(page, "kiosk-phone-en")
        assert viewer.problems.all() == []
    finally:
        page.context.close()


def test_kiosk_starts_over_after_the_idle_time_and_activity_postpones_it(
    chromium: Any, live_server: str, known_parcel: Any
) -> None:
    viewer = open_page(chromium, width=1920, height=1080)
    page = viewer.page
    try:
        page.clock.install()
        page.goto(f"{live_server}/kiosk")
        _wait_rendered(page)
        start = _hash_state(page)
        # a visitor: looks a parcel up, picks the orthophoto, fades the buildings
        page.fill("#search-input", known_parcel.parcel_id)
        page.keyboard.press("Enter")
        card = page.locator('#info-content article.feature[data-layer="parcels"]').first
        expect(card).to_have_attribute("data-feature-id", known_parcel.parcel_id, timeout=20_000)
        page.check('#base-maps input[value="orthophoto"]')
        page.locator('#layer-list input[data-opacity-for="buildings"]').fill("40")
        page.locator("#history-toggle").check()
        expect(page.locator("#history-controls")).to_be_visible()
        page.locator('[data-layer-id="land_use"] [data-move=up]').click()
        _wait_rendered(page)
        visited = _hash_state(page)
        assert visited["parcel"] == known_parcel.parcel_id and visited["base"] == "orthophoto"
        assert (visited["x"], visited["y"]) != (start["x"], start["y"])
        assert "land_use,soil_classes" in visited["order"]  # land use moved above the soils
        screenshot(page, "kiosk-visitor")

        page.clock.fast_forward((IDLE_S - 20) * 1000)
        page.mouse.move(900, 500)  # still there: activity
        page.clock.fast_forward((IDLE_S - 20) * 1000)
        # twice almost the idle time since the search, but not since the last movement
        expect(card).to_be_visible()
        expect(page.locator("#search-input")).to_have_value(known_parcel.parcel_id)
        assert page.evaluate("document.body.dataset.kioskResets") is None

        page.clock.fast_forward(21_000)  # the idle time since the movement has passed
        expect(page.locator("#info-content")).to_have_attribute("data-state", "hint")
        expect(page.locator("#search-input")).to_have_value("")
        expect(page.locator("#search-listbox")).to_be_hidden()
        expect(page.locator("#history-toggle")).not_to_be_checked()
        expect(page.locator("#history-controls")).to_be_hidden()
        tree = page.locator('[data-theme="uzytki"] [data-layer-id]')
        expect(tree).to_have_count(2)
        assert [tree.nth(i).get_attribute("data-layer-id") for i in range(2)] == [
            "soil_classes",
            "land_use",
        ]  # the catalog's order again
        expect(page.locator('#base-maps input[value="cadastral"]')).to_be_checked()
        land_use = page.locator('#layer-list [data-layer-id="land_use"] input[type=checkbox]')
        expect(land_use).to_be_checked()
        expect(page.locator('#layer-list input[data-opacity-for="buildings"]')).to_have_value("100")
        _wait_rendered(page)
        after = _hash_state(page)
        assert "parcel" not in after and "order" not in after
        assert after.get("base", "cadastral") == "cadastral"
        assert (after["x"], after["y"], after["z"]) == (start["x"], start["y"], start["z"])
        assert after["layers"] == start["layers"]
        assert page.evaluate("document.body.dataset.kioskResets") == "1"
        assert axe_violations(page) == []
        screenshot(page, "kiosk-after-reset")
        assert viewer.problems.all() == []
    finally:
        page.context.close()
