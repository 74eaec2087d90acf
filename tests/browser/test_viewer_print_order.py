"""Print follows the layer tree, in real Chromium against the running portal.

Land use (opaque coloured fills) and soil classes (brown boundaries and class labels)
overlap everywhere. The viewer's print is run three times: in the tree's default order
(soil classes over land use), after moving the land use up, and with the land use at
50 % opacity. Each PDF's map image is read back (pypdf) and compared, pixel by pixel
where the two orders look different, with the two layers rendered alone by our WMS and
laid one over the other in that order at that opacity (plain alpha blending, done here).
"""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
import requests
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from geoportal.printing.layout import PrintRequest, plan_print
from tests.browser.mapview import wait_rendered
from tests.browser.pages import SCREENSHOTS, ViewerPage, axe_violations

pytestmark = pytest.mark.browser
TOLERANCE = 16  # per channel, 0–255: anti-aliasing differs a little between renders
WMS_NAMES = {"land_use": "uzytki", "soil_classes": "klasouzytki"}
MIDDLE = (509_000.0, 413_500.0)  # where the demo data have land-use and soil contours


def _print(page: Page, asked: list[str]) -> tuple[Image.Image, dict[str, str]]:
    """Run the print dialog (1:1000, A4 portrait, 150 dpi); the map image and the query."""
    page.click("#print-button")
    expect(page.locator("#print-dialog")).to_be_visible()
    page.select_option("#print-scale", "1000")
    page.select_option("#print-paper", "A4")
    page.select_option("#print-orientation", "portrait")
    page.select_option("#print-dpi", "150")
    with page.expect_download(timeout=60_000) as download:
        page.click("#print-submit")
    pdf = download.value.path().read_bytes()
    page.click("#print-cancel")
    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    biggest = max(images, key=lambda item: item.image.width * item.image.height)
    query = parse_qs(urlsplit([url for url in asked if "/drukuj?" in url][-1]).query)
    return biggest.image.convert("RGB"), {key: values[0] for key, values in query.items()}


def _alone(live_server: str, layer: str, query: dict[str, str]) -> np.ndarray:
    """One layer drawn alone by our WMS over the printed ground, RGBA as floats 0–1."""
    plan = plan_print(PrintRequest((float(query["x"]), float(query["y"])), 1000, "A4",
                                   "portrait", 150))  # fmt: skip
    minx, miny, maxx, maxy = plan.bbox
    answer = requests.get(f"{live_server}/ows", params={
        "SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap", "LAYERS": WMS_NAMES[layer],
        "STYLES": "", "SRS": "EPSG:2180", "BBOX": f"{minx:.3f},{miny:.3f},{maxx:.3f},{maxy:.3f}",
        "WIDTH": str(plan.pixels[0]), "HEIGHT": str(plan.pixels[1]), "FORMAT": "image/png",
        "TRANSPARENT": "TRUE", "MAP_RESOLUTION": f"{plan.effective_dpi:.0f}",
    }, timeout=60)  # fmt: skip
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/png"
    return np.asarray(Image.open(io.BytesIO(answer.content)).convert("RGBA"), float) / 255


def _over(top: np.ndarray, below: np.ndarray, opacity: float = 1.0) -> np.ndarray:
    """``top`` (RGBA) laid at ``opacity`` over the opaque RGB ``below``."""
    alpha = top[..., 3:] * opacity
    return top[..., :3] * alpha + below * (1 - alpha)


def _share_matching(printed: Image.Image, expected: np.ndarray, where: np.ndarray) -> float:
    got = np.asarray(printed, float)[where]
    want = expected[where] * 255
    return float((np.abs(got - want).max(axis=1) <= TOLERANCE).mean())


def test_print_draws_the_layers_in_the_trees_order_and_opacity(
    viewer_page: ViewerPage, live_server: str
) -> None:
    page = viewer_page.page
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    x, y = MIDDLE
    page.goto(f"{live_server}/#x={x}&y={y}&z=12&layers=land_use,soil_classes&base=none")
    wait_rendered(page)

    default, query = _print(page, asked)
    default.save(SCREENSHOTS / "print-order-default.png")  # kept for a person to look at
    # bottom first: the land use under the soil contours, as the tree shows them
    assert query["layers"] == "land_use,soil_classes" and "opacity" not in query
    land = _alone(live_server, "land_use", query)
    soil = _alone(live_server, "soil_classes", query)
    assert default.size == (land.shape[1], land.shape[0])
    white = np.ones(land.shape[:2] + (3,))
    soil_on_top = _over(soil, _over(land, white))
    land_on_top = _over(land, _over(soil, white))
    # where the two orders look different (soil boundaries and labels over land-use
    # fills): there the print shows which layer is on top
    differ = np.abs(soil_on_top - land_on_top).max(axis=2) * 255 > 3 * TOLERANCE
    assert differ.sum() > 500, differ.sum()
    assert _share_matching(default, soil_on_top, differ) > 0.9

    page.locator('[data-layer-id="land_use"] [data-move=up]').click()
    expect(page.locator("#layer-order-status")).not_to_be_empty()
    moved, query = _print(page, asked)
    moved.save(SCREENSHOTS / "print-order-moved.png")
    assert query["layers"] == "soil_classes,land_use" and "opacity" not in query
    shares = {"moved": _share_matching(moved, land_on_top, differ)}

    page.locator('#layer-list input[data-opacity-for="land_use"]').fill("50")
    faded, query = _print(page, asked)
    faded.save(SCREENSHOTS / "print-order-faded.png")
    assert query["layers"] == "soil_classes,land_use" and query["opacity"] == "land_use:50"
    shares["faded"] = _share_matching(faded, _over(land, _over(soil, white), 0.5), differ)
    shares["faded as opaque"] = _share_matching(faded, land_on_top, differ)
    print(shares)  # noqa: T201 - the measured shares, for the record
    # MapServer draws the labels of a single GetMap last, so the soil classes' labels stay
    # on top of the land use in "moved": they are the share that does not match
    assert shares["moved"] > 0.6 and shares["faded"] > 0.9, shares
    assert shares["faded as opaque"] < 0.2, shares
    assert axe_violations(page) == []
    assert viewer_page.problems.all() == []
