"""The layer tree in real Chromium against the running portal.

* layers are grouped under the themes of ``layers/themes.yaml`` (titles read from the file
  here), each theme's layers in the catalog's order, top first;
* moving the soil-class contours below the land-use fills by keyboard hides their brown
  boundaries under the opaque fills (pixels read back from the canvases), is announced in
  the live region and is kept in the permalink: a reload from it draws the same;
* axe-core is clean after the move, also on a phone.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

import pytest
import yaml
from playwright.sync_api import Page, expect

from geoportal.settings import PROJECT_ROOT
from tests.browser.pages import ViewerPage, axe_violations, open_page, screenshot

pytestmark = pytest.mark.browser
RENDER_TIMEOUT_MS = 60_000
THEMES = yaml.safe_load((PROJECT_ROOT / "layers" / "themes.yaml").read_text(encoding="utf-8"))
# The soil-class boundary colour of layers/soil_classes/layer.yaml, read from the file.
SOIL = yaml.safe_load((PROJECT_ROOT / "layers" / "soil_classes" / "layer.yaml").read_text())
SOIL_RGB = [int(SOIL["style"]["stroke"][i : i + 2], 16) for i in (1, 3, 5)]

COLOURED = """(rgb) => {
  let count = 0;
  for (const canvas of document.querySelectorAll('#map canvas')) {
    if (!canvas.width || !canvas.height) continue;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && Math.abs(data[i] - rgb[0]) < 20 &&
          Math.abs(data[i + 1] - rgb[1]) < 20 && Math.abs(data[i + 2] - rgb[2]) < 20) count += 1;
    }
  }
  return count;
}"""


def _wait_rendered(page: Page) -> None:
    page.wait_for_function("() => document.querySelector('#map').dataset.mapState")
    expect(page.locator("#map")).to_have_attribute(
        "data-map-state", "rendered", timeout=RENDER_TIMEOUT_MS
    )
    page.wait_for_timeout(300)  # one more frame after the last tile


def _tree(page: Page) -> dict[str, list[str]]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#layer-list [data-theme]')]
             .map((theme) => [theme.dataset.theme,
                              [...theme.querySelectorAll('[data-layer-id]')]
                                .map((item) => item.dataset.layerId)]))"""
    )


def _hash_state(page: Page) -> dict[str, str]:
    fragment = page.evaluate("location.hash").lstrip("#")
    return {key: values[0] for key, values in parse_qs(fragment).items()}


def test_themes_come_from_the_catalog(viewer_page: ViewerPage, live_server: str, catalog) -> None:
    page = viewer_page.page
    page.goto(f"{live_server}/")
    tree = _tree(page)
    expected: dict[str, list[str]] = {}
    for layer in sorted(catalog.layers, key=lambda item: -item.order):
        expected.setdefault(layer.theme, []).append(layer.id)
    assert tree == expected
    assert list(tree) == [key for key in THEMES if key in expected]  # the file's order
    for key in tree:
        expect(page.locator(f'[data-theme="{key}"] .theme-title')).to_have_text(
            THEMES[key]["title"]["pl"]
        )
    assert viewer_page.problems.all() == []


def test_moving_a_layer_changes_the_drawing_and_survives_a_reload(
    viewer_page: ViewerPage, live_server: str, known_parcel: Any
) -> None:
    page = viewer_page.page
    page.goto(
        f"{live_server}/#x={known_parcel.x:.1f}&y={known_parcel.y:.1f}&scale=5000"
        "&layers=land_use,soil_classes&base=none"
    )
    _wait_rendered(page)
    above = page.evaluate(COLOURED, SOIL_RGB)
    assert above > 300, f"the soil-class boundaries are not drawn ({above} px)"
    assert _tree(page)["uzytki"] == ["soil_classes", "land_use"]
    screenshot(page, "layertree-default")

    down = page.locator('[data-layer-id="soil_classes"] [data-move=down]')
    down.focus()
    page.keyboard.press("Enter")
    assert _tree(page)["uzytki"] == ["land_use", "soil_classes"]
    expect(page.locator("#layer-order-status")).to_have_text(
        "Kontury klasyfikacyjne: pozycja 2 z 2 w grupie Użytki gruntowe i gleby."
    )
    # at the bottom its down button is off: the focus stays in the row, on its up button
    expect(down).to_be_disabled()
    expect(page.locator('[data-layer-id="soil_classes"] [data-move=up]')).to_be_focused()
    _wait_rendered(page)
    below = page.evaluate(COLOURED, SOIL_RGB)
    assert below < above / 5, (above, below)
    assert _hash_state(page)["order"].split(",")[:2] == ["parcel_numbers", "cadastral_units"]
    assert "land_use,soil_classes" in _hash_state(page)["order"]
    screenshot(page, "layertree-moved")
    assert axe_violations(page) == []

    link = page.url
    page.goto("about:blank")
    page.goto(link)
    _wait_rendered(page)
    assert _tree(page)["uzytki"] == ["land_use", "soil_classes"]
    reloaded = page.evaluate(COLOURED, SOIL_RGB)
    assert reloaded < above / 5, (above, reloaded)
    page.locator('[data-layer-id="soil_classes"] [data-move=up]').click()
    assert "order" not in _hash_state(page)  # the catalog's order again: nothing to keep
    assert viewer_page.problems.all() == []


def test_malformed_order_in_a_link_is_named_and_ignored(
    viewer_page: ViewerPage, live_server: str
) -> None:
    page = viewer_page.page
    page.goto(f"{live_server}/#order=<b>,nope")
    expect(page.locator("#url-message")).to_contain_text("order")
    assert _tree(page)["uzytki"] == ["soil_classes", "land_use"]
    assert viewer_page.problems.exceptions == []


def test_tree_on_a_phone_in_english(chromium: Any, live_server: str) -> None:
    viewer = open_page(chromium, width=390, height=780)
    page = viewer.page
    try:
        page.goto(f"{live_server}/?lang=en")
        _wait_rendered(page)
        page.click("#panel-toggle")
        theme = page.locator('[data-theme="uzytki"]')
        theme.scroll_into_view_if_needed()
        expect(theme.locator(".theme-title")).to_have_text(THEMES["uzytki"]["title"]["en"])
        button = page.locator('[data-layer-id="land_use"] [data-move=up]')
        box = button.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        button.click()
        expect(page.locator("#layer-order-status")).to_contain_text("position 1 of 2")
        assert axe_violations(page) == []
        screenshot(page, "layertree-phone-en")
        assert viewer.problems.all() == []
    finally:
        page.context.close()


def test_tree_and_slider_pass_axe_in_high_contrast_with_larger_text(
    chromium: Any, live_server: str, known_parcel: Any
) -> None:
    """The display settings chosen with the site's own links (a cookie), then a moved
    layer and the time slider open: no violation, nothing wider than the panel."""
    viewer = open_page(chromium, width=1280, height=800)
    page = viewer.page
    try:
        chooser = page.context.new_page()  # its abandoned map requests are not this page's
        for choice in ("kontrast=1", "tekst=1"):
            chooser.goto(f"{live_server}/wyglad?{choice}")
        chooser.close()
        page.goto(
            f"{live_server}/#x={known_parcel.x:.1f}&y={known_parcel.y:.1f}&scale=5000"
            "&layers=land_use,soil_classes"
        )
        expect(page.locator("body")).to_have_class(re.compile(r"high-contrast.*large-text"))
        _wait_rendered(page)
        page.locator('[data-layer-id="land_use"] [data-move=up]').click()
        page.locator("#history-toggle").check()
        expect(page.locator("#map")).to_have_attribute(
            "data-history-date", re.compile(r"^\d{4}-\d{2}-\d{2}$"), timeout=20_000
        )
        assert axe_violations(page) == []
        # the panel holding the tree and the slider needs no sideways scrolling (the
        # header's reflow at larger text is the site's: tests/browser/test_accessibility.py)
        panel = page.evaluate(
            "(() => { const p = document.getElementById('panel');"
            " return [p.scrollWidth, p.clientWidth]; })()"
        )
        assert panel[0] <= panel[1], panel
        page.locator('[data-theme="uzytki"]').scroll_into_view_if_needed()
        screenshot(page, "layertree-high-contrast")
        assert viewer.problems.all() == []
    finally:
        page.context.close()
