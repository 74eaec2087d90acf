"""Base maps, legends, print and permalink in real Chromium against the running portal.

* switching to the orthophoto changes what the map shows (pixels read back from the
  canvases: the orthophoto tiles are same-origin), by keyboard alone;
* legends of the visible layers load from GetLegendGraphic; opacity sliders work;
* the print dialog downloads a PDF whose text says the scale chosen in the dialog;
* a permalink with a parcel opens the card and the base map; a malformed one is named
  in a message and the map still opens;
* axe-core finds no violation with legends shown, with the print and share dialogs open.

Screenshots of each step are kept under var/screenshots/.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from geoportal.instance import Instance
from tests.browser.pages import ViewerPage, axe_violations, open_page, screenshot

pytestmark = pytest.mark.browser
SITE = Instance().site
START = SITE.start
RENDER_TIMEOUT_MS = 60_000

SAMPLE = """() => {
  let sum = [0, 0, 0], painted = 0;
  const colours = new Set();
  for (const canvas of document.querySelectorAll('#map canvas')) {
    if (!canvas.width || !canvas.height) continue;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4 * 11) {
      if (data[i + 3] === 0) continue;
      painted += 1;
      sum[0] += data[i]; sum[1] += data[i + 1]; sum[2] += data[i + 2];
      colours.add((data[i] >> 3 << 10) | (data[i + 1] >> 3 << 5) | (data[i + 2] >> 3));
    }
  }
  return {painted, colours: colours.size, mean: sum.map((v) => painted ? v / painted : 0)};
}"""


def _wait_rendered(page: Page) -> None:
    page.wait_for_function("() => document.querySelector('#map').dataset.mapState")
    expect(page.locator("#map")).to_have_attribute(
        "data-map-state", "rendered", timeout=RENDER_TIMEOUT_MS
    )


def _hash_state(page: Page) -> dict[str, str]:
    fragment = page.evaluate("location.hash").lstrip("#")
    return {key: values[0] for key, values in parse_qs(fragment).items()}


def test_start_view_is_the_seat_at_a_scale_with_parcels(
    viewer_page: ViewerPage, live_server: str
) -> None:
    assert START is not None
    page = viewer_page.page
    page.goto(live_server + "/")
    _wait_rendered(page)
    scale = int(
        page.locator("#scale").inner_text().split(":")[1].replace("\xa0", "").replace(" ", "")
    )
    assert 5_000 <= scale <= 20_000, f"the map opens at 1:{scale}"
    expect(page.locator('#layer-list [data-layer-id="parcels"]')).not_to_have_class("out-of-range")
    assert viewer_page.problems.all() == []


def test_topographic_and_orthophoto_base_maps_by_keyboard(
    viewer_page: ViewerPage, live_server: str
) -> None:
    page = viewer_page.page
    tiles: list[str] = []
    page.on("request", lambda request: tiles.append(request.url))
    page.goto(live_server + "/")
    _wait_rendered(page)
    cadastral = page.evaluate(SAMPLE)
    screenshot(page, "basemap-cadastral")
    page.focus('#base-maps input[value="cadastral"]')
    page.keyboard.press("ArrowDown")  # radio group: the arrow keys move and select
    expect(page.locator('#base-maps input[value="baza"]')).to_be_checked()
    page.wait_for_timeout(200)
    _wait_rendered(page)
    screenshot(page, "basemap-topographic")
    assert any("mapa_topograficzna" in url for url in tiles), "no topographic tile requested"
    assert page.evaluate(SAMPLE)["painted"] > 1000
    assert _hash_state(page)["base"] == "baza"
    page.keyboard.press("ArrowDown")
    expect(page.locator('#base-maps input[value="orthophoto"]')).to_be_checked()
    page.wait_for_timeout(200)
    _wait_rendered(page)
    ortho = page.evaluate(SAMPLE)
    screenshot(page, "basemap-orthophoto")
    assert any("ortofotomapa" in url for url in tiles), "no orthophoto tile was requested"
    assert ortho["painted"] > 1000
    # the photo has many more colours than the flat fills of the cadastral map
    assert ortho["colours"] > 2 * cadastral["colours"], (cadastral, ortho)
    assert _hash_state(page)["base"] == "orthophoto"
    land_use = page.locator('#layer-list [data-layer-id="land_use"] input[type=checkbox]')
    expect(land_use).not_to_be_checked()  # the fills give way to the photo
    page.check('#base-maps input[value="hillshade"]')
    _wait_rendered(page)
    assert any("cieniowanie" in url for url in tiles)
    screenshot(page, "basemap-hillshade")
    assert viewer_page.problems.all() == []


def test_legends_load_and_axe_is_clean(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    page.goto(live_server + "/")
    _wait_rendered(page)
    legend = page.locator('#layer-list [data-layer-id="parcels"] img.legend')
    expect(legend).to_be_visible()
    page.wait_for_function(
        """() => [...document.querySelectorAll('#layer-list img.legend:not([hidden])')]
                 .every((img) => img.complete && img.naturalWidth > 0)"""
    )
    shown = page.locator("#layer-list img.legend:not([hidden])").count()
    assert shown >= 3
    slider = page.locator('#layer-list input[data-opacity-for="parcels"]')
    slider.fill("50")
    expect(slider).to_have_value("50")
    page.locator("#layers-title").scroll_into_view_if_needed()
    screenshot(page, "legends")
    assert axe_violations(page) == []
    assert viewer_page.problems.all() == []


def test_print_dialog_downloads_a_pdf_at_the_chosen_scale(
    viewer_page: ViewerPage, live_server: str
) -> None:
    page = viewer_page.page
    page.goto(live_server + "/")
    _wait_rendered(page)
    page.click("#print-button")
    expect(page.locator("#print-dialog")).to_be_visible()
    expect(page.locator("#print-paper")).to_be_focused()  # the first field of the modal
    page.select_option("#print-scale", "1000")
    page.fill("#print-heading", "Mapa działki – Łask")
    assert axe_violations(page) == []
    screenshot(page, "print-dialog")
    with page.expect_download(timeout=30_000) as download_info:
        page.click("#print-submit")
    pdf = download_info.value.path().read_bytes()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "1:1 000" in text and "Mapa działki – Łask" in text
    expect(page.locator("#print-status")).to_have_text("Wydruk pobrany.")
    page.keyboard.press("Escape")
    expect(page.locator("#print-dialog")).to_be_hidden()
    expect(page.locator("#print-button")).to_be_focused()
    assert viewer_page.problems.all() == []


def test_permalink_with_a_parcel_opens_its_card_and_share_gives_it_back(
    viewer_page: ViewerPage, live_server: str, known_parcel: Any
) -> None:
    page = viewer_page.page
    link = (
        f"{live_server}/#x={known_parcel.x:.1f}&y={known_parcel.y:.1f}&scale=1000"
        f"&layers=parcels,buildings&base=orthophoto&parcel={known_parcel.parcel_id}"
    )
    page.goto(link)
    card = page.locator('#info-content article.feature[data-layer="parcels"]').first
    expect(card).to_have_attribute("data-feature-id", known_parcel.parcel_id, timeout=20_000)
    expect(page.locator('#base-maps input[value="orthophoto"]')).to_be_checked()
    expect(
        page.locator('#layer-list [data-layer-id="districts"] input[type=checkbox]')
    ).not_to_be_checked()
    _wait_rendered(page)
    state = _hash_state(page)
    assert state["parcel"] == known_parcel.parcel_id and state["base"] == "orthophoto"
    assert (
        abs(float(state["x"]) - known_parcel.x) < 1 and abs(float(state["y"]) - known_parcel.y) < 1
    )
    screenshot(page, "permalink-parcel")
    page.click("#share-button")
    expect(page.locator("#share-dialog")).to_be_visible()
    shared = page.input_value("#share-link")
    assert f"parcel={known_parcel.parcel_id}" in shared and "base=orthophoto" in shared
    embed = page.input_value("#share-embed")
    assert embed.startswith("<iframe src=") and "&amp;parcel=" in embed
    assert axe_violations(page) == []
    screenshot(page, "share-dialog")
    assert viewer_page.problems.all() == []


def test_malformed_permalink_is_ignored_with_a_message(
    viewer_page: ViewerPage, live_server: str
) -> None:
    page = viewer_page.page
    page.goto(f"{live_server}/#x=abc&y=1e999&scale=-5&layers=<b>&base=nope&parcel=%3Cscript%3E")
    message = page.locator("#url-message")
    expect(message).to_be_visible()
    expect(message).to_contain_text("pominięto")
    _wait_rendered(page)
    assert page.locator("#url-message script, #info-content script").count() == 0
    # the bad parts are ignored: the start view and the default layers are shown
    parcels = page.locator('#layer-list [data-layer-id="parcels"] input[type=checkbox]')
    expect(parcels).to_be_checked()
    expect(page.locator('#base-maps input[value="cadastral"]')).to_be_checked()
    screenshot(page, "permalink-malformed")
    assert viewer_page.problems.exceptions == []
    assert viewer_page.problems.console_errors == []


def test_print_and_share_on_a_phone_in_english(chromium: Any, live_server: str) -> None:
    viewer = open_page(chromium, width=390, height=780)
    page = viewer.page
    try:
        page.goto(f"{live_server}/?lang=en")
        _wait_rendered(page)
        page.click("#print-button")
        dialog = page.locator("#print-dialog")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("Print the map to PDF")
        box = dialog.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert axe_violations(page) == []
        screenshot(page, "print-dialog-phone-en")
        with page.expect_download(timeout=30_000) as download_info:
            page.click("#print-submit")
        text = PdfReader(io.BytesIO(download_info.value.path().read_bytes())).pages[0]
        assert "Scale 1:" in text.extract_text() and "Licence: CC BY 4.0" in text.extract_text()
        page.click("#print-cancel")
        page.click("#share-button")
        expect(page.locator("#share-dialog")).to_contain_text("Share this view")
        screenshot(page, "share-dialog-phone-en")
        assert viewer.problems.all() == []
    finally:
        page.context.close()
