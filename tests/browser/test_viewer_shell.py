"""The viewer page alone (Flask only, no database or engines) in real Chromium.

Checks what does not need the services: the bundle loads under the CSP without errors,
the map is created, the layer switcher and controls work, search input is validated.
Requests to the engines (/wmts, /ows, /ogc) fail here, and the viewer must cope.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from werkzeug.serving import make_server

from geoportal.instance import Instance
from geoportal.settings import Settings
from tests.browser.pages import ViewerPage, open_page, screenshot
from tests.texts import strings
from web.app import create_flask_app

SITE = Instance().site
pytestmark = pytest.mark.browser

ENGINE_PATHS = ("/wmts/", "/ows", "/ogc/")


@pytest.fixture(scope="module")
def flask_only_server() -> Iterator[str]:
    """The Flask part of the application in a werkzeug thread; yields its base URL."""
    app = create_flask_app(Instance(Settings()))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _viewer_problems(viewer: ViewerPage) -> list[str]:
    """Problems other than the engines being absent (404s and their console lines)."""
    return [
        problem
        for problem in viewer.problems.all()
        if not any(path in problem for path in ENGINE_PATHS)
        and "Failed to load resource" not in problem
        and "source image cannot be decoded" not in problem  # the 404 WMS image
    ]


def test_page_loads_the_bundle_and_creates_the_map(
    viewer_page: ViewerPage, flask_only_server: str
) -> None:
    page = viewer_page.page
    page.goto(flask_only_server + "/")
    expect(page.locator("#map canvas").first).to_be_attached(timeout=15_000)
    expect(page.locator("#map .ol-zoom-in")).to_be_visible()
    expect(page.locator("#map .ol-scale-line")).to_be_visible()
    expect(page.locator("#scale")).to_have_text(re.compile(r"^1:[\d\s\u00a0]+$"))
    assert _viewer_problems(viewer_page) == []
    screenshot(page, "viewer-flask-only")


def test_layer_switcher_lists_layers_and_toggles_them(
    viewer_page: ViewerPage, flask_only_server: str
) -> None:
    page = viewer_page.page
    page.goto(flask_only_server + "/")
    catalog = Instance().catalog
    items = page.locator("#layer-list li[data-layer-id]")  # beneath their theme headings
    expect(items).to_have_count(len(catalog.layers))
    for layer in catalog.layers:
        expect(page.locator(f'#layer-list li[data-layer-id="{layer.id}"]')).to_contain_text(
            layer.title.pl
        )
    expect(page.locator("#map canvas").first).to_be_attached(timeout=15_000)
    parcels = page.locator('#layer-list li[data-layer-id="parcels"] input[type=checkbox]')
    expect(parcels).to_be_checked()
    parcels.uncheck()
    page.wait_for_function("() => !location.hash.includes('parcels')")
    parcels.check()
    page.wait_for_function("() => location.hash.includes('parcels')")
    assert _viewer_problems(viewer_page) == []


def test_too_short_search_is_refused_without_a_request(
    viewer_page: ViewerPage, flask_only_server: str
) -> None:
    page = viewer_page.page
    page.goto(flask_only_server + "/")
    expect(page.locator("#map canvas").first).to_be_attached(timeout=15_000)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.fill("#search-input", "x")
    page.press("#search-input", "Enter")
    expect(page.locator("#search-message")).to_have_text(
        strings("pl", SITE)["search_msg_too_short"]
    )
    expect(page.locator("#search-input")).to_have_attribute("aria-invalid", "true")
    assert not [url for url in requests if "/api/search" in url or "/ogc/" in url]


def test_url_state_and_crs_toggle(viewer_page: ViewerPage, flask_only_server: str) -> None:
    page = viewer_page.page
    page.goto(flask_only_server + "/?lang=en#x=480000&y=410000&scale=2000")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#map canvas").first).to_be_attached(timeout=15_000)
    # a link's scale is kept exactly (not the nearest tile-grid level) and written back
    page.wait_for_function("() => location.hash.includes('scale=2000&')")
    assert "x=480000.0" in page.evaluate("location.hash")
    expect(page.locator("#scale")).to_have_text("1:2,000")
    page.mouse.move(400, 400)
    expect(page.locator("#mouse-position")).to_contain_text(" m")
    page.select_option("#crs-select", "EPSG:4326")
    expect(page.locator("#mouse-position")).to_contain_text("°")


def test_phone_layout_collapses_the_panel(chromium: Browser, flask_only_server: str) -> None:
    viewer = open_page(chromium, width=390, height=780)
    page = viewer.page
    try:
        page.goto(flask_only_server + "/")
        expect(page.locator("#map canvas").first).to_be_attached(timeout=15_000)
        expect(page.locator("#panel")).to_be_hidden()
        page.click("#panel-toggle")
        expect(page.locator("#panel")).to_be_visible()
        expect(page.locator("#panel-toggle")).to_have_attribute("aria-expanded", "true")
        screenshot(page, "viewer-flask-only-phone")
        assert _viewer_problems(viewer) == []
    finally:
        page.context.close()


def test_keyboard_enter_on_the_map_queries_its_centre(
    viewer_page: ViewerPage, flask_only_server: str
) -> None:
    page = viewer_page.page
    page.goto(flask_only_server + "/#x=480000&y=410000&scale=2000")
    expect(page.locator("#map canvas").first).to_be_attached(timeout=15_000)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.focus("#map")
    page.keyboard.press("Enter")
    # No MapServer behind this server: the panel must say the service does not answer.
    expect(page.locator("#info-content")).to_have_text(strings("pl", SITE)["info_error"])
    assert any(
        "REQUEST=GetFeatureInfo" in url and "QUERY_LAYERS=dzialki" in url for url in requests
    )
