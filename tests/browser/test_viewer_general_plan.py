"""The general plan's zones in the viewer, in real Chromium against the running portal:
the layer sits in the planning theme under the local plans, switched on over gmina Buczek
it draws the cemetery zone in its legend colour (pixels read back from the map's canvases),
and a click on the map names the zone in the panel, with no page problem."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from playwright.sync_api import expect

from geoportal.settings import PROJECT_ROOT
from tests.browser.pages import ViewerPage, screenshot

pytestmark = pytest.mark.browser
RENDER_TIMEOUT_MS = 60_000
# The SC (cemetery) fill of layers/general_plan_zones/layer.yaml, read from the file.
STYLE = yaml.safe_load(
    (PROJECT_ROOT / "layers" / "general_plan_zones" / "layer.yaml").read_text(encoding="utf-8")
)["style"]
SC = next(c["fill"] for c in STYLE["classes"] if c["values"] == ["SC"])
SC_RGB = [int(SC[i : i + 2], 16) for i in (1, 3, 5)]

# Pixels of the fill colour drawn half-transparent (fill_opacity 55 over no base map).
TINTED = """(rgb) => {
  let count = 0;
  for (const canvas of document.querySelectorAll('#map canvas')) {
    if (!canvas.width || !canvas.height) continue;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 80 && Math.abs(data[i] - rgb[0]) < 20 &&
          Math.abs(data[i + 1] - rgb[1]) < 20 && Math.abs(data[i + 2] - rgb[2]) < 20) count += 1;
    }
  }
  return count;
}"""


@pytest.fixture(scope="module")
def cemetery(database: Any, demo_loaded: Any) -> tuple[float, float]:
    with database.connect("owner") as conn:
        x, y = conn.execute(
            "SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))"
            " FROM data.general_plan_zone WHERE symbol = 'SC' AND version_end IS NULL"
        ).fetchone()
    return x, y


def test_the_general_plan_draws_its_zones_in_the_viewer(
    viewer_page: ViewerPage, live_server: str, cemetery: tuple[float, float]
) -> None:
    page = viewer_page.page
    x, y = cemetery
    page.goto(f"{live_server}/#x={x:.1f}&y={y:.1f}&scale=5000&layers=general_plan_zones"
              "&base=none")  # fmt: skip
    page.wait_for_function("() => document.querySelector('#map').dataset.mapState")
    expect(page.locator("#map")).to_have_attribute(
        "data-map-state", "rendered", timeout=RENDER_TIMEOUT_MS
    )
    page.wait_for_timeout(300)
    layers = page.evaluate(
        "() => [...document.querySelectorAll('[data-theme=\"planowanie\"] [data-layer-id]')]"
        ".map((item) => item.dataset.layerId)"
    )
    assert layers == ["plan_zones", "general_plan_zones"]
    tinted = page.evaluate(TINTED, SC_RGB)
    assert tinted > 500, f"the cemetery zone is not drawn ({tinted} px)"
    screenshot(page, "general-plan-zones")
    assert viewer_page.problems.all() == []


def test_a_click_names_the_zone_under_it(
    viewer_page: ViewerPage, live_server: str, cemetery: tuple[float, float]
) -> None:
    page = viewer_page.page
    x, y = cemetery
    page.goto(f"{live_server}/#x={x:.1f}&y={y:.1f}&scale=1000&layers=general_plan_zones"
              "&base=none")  # fmt: skip
    expect(page.locator("#map")).to_have_attribute(
        "data-map-state", "rendered", timeout=RENDER_TIMEOUT_MS
    )
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    card = page.locator('#info-content article.feature[data-layer="general_plan_zones"]').first
    expect(card).to_contain_text("strefa cmentarzy", timeout=20_000)
    expect(card).to_contain_text("teren cmentarza")
    expect(page.locator("#info-content")).to_have_attribute("data-state", "features")
    screenshot(page, "general-plan-click")
    assert viewer_page.problems.all() == []
