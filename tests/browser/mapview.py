"""Where the map's pixels lie on the ground, worked out by the test, not by the viewer.

A view opened from a permalink ``#x=&y=&z=`` has the given centre (EPSG:2180) and the
resolution of tile-grid level ``z``, which is MapProxy's PL1992 grid
(``services.configgen.mapproxy.grid_resolutions``). A pixel ``(dx, dy)`` from the
centre of the map element is then ``(x + dx·r, y − dy·r)`` — OpenLayers' own pixel
transform is not asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs

from playwright.sync_api import Page, expect

from services.configgen.mapproxy import grid_resolutions

RENDER_TIMEOUT_MS = 60_000


def wait_rendered(page: Page) -> None:
    """Until OpenLayers has drawn every tile and image of the current view."""
    page.wait_for_function("() => document.querySelector('#map').dataset.mapState")
    expect(page.locator("#map")).to_have_attribute(
        "data-map-state", "rendered", timeout=RENDER_TIMEOUT_MS
    )


def hash_state(page: Page) -> dict[str, str]:
    """The permalink's parts (``x``, ``y``, ``z``, ``layers``…)."""
    fragment = page.evaluate("location.hash").lstrip("#")
    return {key: values[0] for key, values in parse_qs(fragment).items()}


@dataclass(frozen=True)
class MapView:
    """A view whose ground position the test knows: centre (EPSG:2180) and m/px."""

    page: Page
    x: float
    y: float
    resolution: float

    def _frame(self) -> tuple[float, float, float, float, float, float]:
        box = self.page.locator("#map").bounding_box()
        assert box is not None
        # OpenLayers sizes the map by offsetWidth/Height (whole pixels) and scales event
        # positions by size / bounding-box width: do the same.
        width, height = self.page.evaluate(
            "() => { const m = document.querySelector('#map');"
            " return [m.offsetWidth, m.offsetHeight]; }"
        )
        return box["x"], box["y"], box["width"], box["height"], width, height

    def ground(self, dx: float, dy: float) -> tuple[float, float]:
        """EPSG:2180 coordinate of the pixel (dx, dy) from the centre (y down)."""
        return self.x + dx * self.resolution, self.y - dy * self.resolution

    def page_px(self, dx: float, dy: float) -> tuple[float, float]:
        """Page position of the map pixel (dx, dy) from the centre."""
        left, top, box_width, box_height, width, height = self._frame()
        return (
            left + (width / 2 + dx) * box_width / width,
            top + (height / 2 + dy) * box_height / height,
        )

    def click(self, dx: float, dy: float, count: int = 1) -> None:
        """Click (or double-click) the map pixel (dx, dy) from the centre."""
        x, y = self.page_px(dx, dy)
        self.page.mouse.move(x, y)
        self.page.mouse.click(x, y, click_count=count)


def open_view(page: Page, base_url: str, x: float, y: float, z: int, extra: str = "") -> MapView:
    """Open the viewer at a tile-grid level and wait until it is drawn."""
    page.goto(f"{base_url}/{extra}#x={x}&y={y}&z={z}")
    wait_rendered(page)
    assert hash_state(page)["z"] == str(z)
    return MapView(page, x, y, grid_resolutions()[z])


def read_number(text: str) -> float:
    """A number as the page wrote it, Polish (``1 234,56``) or English (``1,234.56``)."""
    match = re.search(r"-?[\d\s\u00a0\u202f.,]*\d", text)
    assert match, f"no number in {text!r}"
    raw = re.sub(r"[\s\u00a0\u202f]", "", match.group(0))
    if "," in raw and "." in raw:
        raw = raw.replace(",", "")  # English thousands separators
    return float(raw.replace(",", "."))
