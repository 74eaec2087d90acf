"""The search box and the text-only parcel pages in real Chromium against the whole stack.

Typing shows suggestions (a WAI-ARIA combobox), Enter opens the parcel as a click would
and centres the map on it; the keyboard alone reaches and drives everything; axe-core finds
no WCAG A/AA violation with the suggestions open nor on the text pages; nothing typed runs
as markup. Screenshots are kept under var/screenshots/.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from geoportal.instance import Instance
from tests.browser.pages import ViewerPage, axe_violations, open_page, screenshot
from tests.texts import strings

SITE = Instance().site
PL = strings("pl", SITE)
pytestmark = pytest.mark.browser

OPTIONS = "#search-listbox [role=option]"


@pytest.fixture(scope="module")
def http() -> requests.Session:
    """A plain HTTP client, to ask the search endpoint what the page should show."""
    return requests.Session()


def _hash_state(page: Page) -> dict[str, str]:
    fragment = page.evaluate("location.hash").lstrip("#")
    return {key: values[0] for key, values in parse_qs(fragment).items()}


def _open_viewer(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    expect(page.locator("#map canvas").first).to_be_attached(timeout=15_000)


def _centre_distance(page: Page, point: list[float]) -> float:
    page.wait_for_function("() => location.hash.includes('x=')")
    page.wait_for_timeout(500)  # the view is animated
    state = _hash_state(page)
    return math.dist((float(state["x"]), float(state["y"])), point)


def test_typing_lask_1_suggests_and_enter_opens_the_parcel(
    viewer_page: ViewerPage, live_server: str, http: Any
) -> None:
    page = viewer_page.page
    _open_viewer(page, live_server)
    page.click("#search-input")
    page.keyboard.type("Łask 1", delay=60)
    expect(page.locator("#search-listbox")).to_be_visible()
    expect(page.locator("#search-input")).to_have_attribute("aria-expanded", "true")
    expect(page.locator(OPTIONS).first).to_be_visible()
    count = page.locator(OPTIONS).count()
    assert count >= 2
    expect(page.locator("#search-status")).to_contain_text(str(count))
    first_label = page.locator(OPTIONS).first.locator(".search-option-label").inner_text()
    expected = http.get(f"{live_server}/api/search", params={"q": "Łask 1", "limit": 8}).json()
    assert expected["results"][0]["kind"] == "parcel"
    assert first_label == expected["results"][0]["id"]
    screenshot(page, "search-suggestions")

    page.keyboard.press("Enter")
    card = page.locator('#info-content article.feature[data-layer="parcels"]').first
    expect(card).to_have_attribute("data-feature-id", first_label, timeout=20_000)
    expect(page.locator("#search-input")).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#search-input")).to_have_value(first_label)
    assert _centre_distance(page, expected["results"][0]["point"]) < 300
    screenshot(page, "search-parcel-opened")
    assert viewer_page.problems.all() == []


def test_keyboard_only_path(
    viewer_page: ViewerPage, live_server: str, http: Any, database: Any
) -> None:
    page = viewer_page.page
    _open_viewer(page, live_server)
    for _ in range(10):  # skip links, the county's name, then the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-input":
            break
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.type("wodzierady", delay=40)
    expect(page.locator(OPTIONS).first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    input_ = page.locator("#search-input")
    expect(input_).to_have_attribute("aria-activedescendant", "search-option-1")
    expect(page.locator("#search-option-1")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")
    expect(input_).to_have_attribute("aria-activedescendant", "search-option-0")
    page.keyboard.press("Escape")
    expect(input_).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#search-listbox")).to_be_hidden()
    page.keyboard.press("ArrowDown")  # opens the list again on its first option
    expect(input_).to_have_attribute("aria-activedescendant", "search-option-0")
    label = page.locator("#search-option-0 .search-option-label").inner_text()
    page.keyboard.press("Enter")
    result = page.locator("#info-content article.feature").first
    expect(result).to_contain_text(label)
    assert page.evaluate("document.activeElement.id") == "search-input"
    place = http.get(f"{live_server}/api/search", params={"q": "wodzierady"}).json()["results"][0]
    minx, miny, maxx, maxy = place["bbox"]
    centre = [(minx + maxx) / 2, (miny + maxy) / 2]
    assert _centre_distance(page, centre) < 0.1 * max(maxx - minx, maxy - miny)  # fitted
    screenshot(page, "search-keyboard-obreb")

    # an address: centred, with a marker, the result in the panel
    with database.connect("owner") as conn:
        locality, street, number = conn.execute(
            "SELECT locality, street, house_number FROM data.address WHERE street IS NOT NULL"
            " AND version_end IS NULL ORDER BY street, house_number LIMIT 1"
        ).fetchone()
    q = f"{locality}, {street} {number}"
    address = http.get(f"{live_server}/api/search", params={"q": q}).json()
    first = next(r for r in address["results"] if r["kind"] == "address")
    input_.fill("")
    page.keyboard.type(first["label"], delay=20)
    expect(page.locator(OPTIONS).first).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator('#info-content article[data-layer="search-address"]')).to_contain_text(
        first["label"]
    )
    assert _centre_distance(page, first["point"]) < 50
    page.keyboard.press("Escape")  # closed already: clears the box
    expect(input_).to_have_value("")
    assert viewer_page.problems.all() == []


def test_no_suggestion_and_refusals_are_said(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    _open_viewer(page, live_server)
    page.fill("#search-input", "52.2297, 21.0122")
    expect(page.locator("#search-message")).to_have_text(PL["search_msg_outside_county"])
    page.fill("#search-input", "Zzyzx 12")
    expect(page.locator("#search-message")).to_have_text(PL["search_msg_not_found"])
    expect(page.locator("#search-status")).to_have_text(PL["search_count_zero"])
    page.fill("#search-input", "x")
    page.press("#search-input", "Enter")
    expect(page.locator("#search-message")).to_have_text(PL["search_msg_too_short"])
    expect(page.locator("#search-input")).to_have_attribute("aria-invalid", "true")
    assert viewer_page.problems.all() == []


XSS = '<img src=x onerror="window.__xss=1">Łask 1<script>window.__xss=2</script>'


def test_typed_markup_never_runs(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    _open_viewer(page, live_server)
    page.fill("#search-input", XSS)
    page.wait_for_timeout(800)
    page.press("#search-input", "Enter")
    page.wait_for_timeout(800)
    assert page.evaluate("window.__xss") is None
    assert (
        page.locator(
            "header img, #search-listbox img, #panel img:not(.legend), #search-message img"
        ).count()
        == 0
    )
    page.goto(f"{live_server}/dzialka?q={XSS}")
    assert page.evaluate("window.__xss") is None
    expect(page.locator("#q")).to_have_value(XSS)


def test_axe_viewer_with_suggestions_open(viewer_page: ViewerPage, live_server: str) -> None:
    page = viewer_page.page
    _open_viewer(page, live_server)
    page.click("#search-input")
    page.keyboard.type("Łask 1", delay=40)
    expect(page.locator(OPTIONS).first).to_be_visible()
    page.keyboard.press("ArrowDown")
    assert axe_violations(page) == []
    screenshot(page, "search-axe-viewer")


def test_text_pages_work_without_javascript_and_pass_axe(
    chromium: Browser, live_server: str, known_parcel: Any
) -> None:
    viewer = open_page(chromium)
    page = viewer.page
    try:
        page.context.close()
        context = chromium.new_context(
            viewport={"width": 1280, "height": 900}, locale="pl-PL", java_script_enabled=False
        )
        page = context.new_page()
        page.goto(live_server + "/")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # the second skip link: the text version
        expect(page.locator(":focus")).to_have_text(PL["skip_to_text_version"])
        page.keyboard.press("Enter")
        page.wait_for_url("**/dzialka?lang=pl")
        page.fill("#q", known_parcel.parcel_id)
        page.press("#q", "Enter")
        link = page.locator(".result-list a").first
        expect(link).to_have_text(known_parcel.parcel_id)
        screenshot(page, "text-search-results")
        link.click()
        expect(page.locator("h1")).to_contain_text(known_parcel.parcel_id)
        screenshot(page, "text-parcel-card")
        pages = [
            f"{live_server}/dzialka",
            f"{live_server}/dzialka?q=%C5%81ask%201",
            f"{live_server}/dzialka?q=Zzyzx%2012",
            f"{live_server}/dzialka/{known_parcel.parcel_id}",
            f"{live_server}/dzialka/{known_parcel.parcel_id}?lang=en",
            f"{live_server}/dzialka/100301_2.9999.1",
            f"{live_server}/dzialka/abc",
        ]
        context.close()
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="pl-PL")
        page = context.new_page()
        for url in pages:
            page.goto(url)
            assert axe_violations(page) == [], url
    finally:
        page.context.close()


# The header's other texts and controls, each as a box: the search message must leave
# every one of them readable and clickable.
HEADER_BOXES = """() => [...document.querySelectorAll(
    '.site-header a, .site-header button, .site-header input')]
  .filter((el) => !el.closest('.visually-hidden, .skip-link') && el.getClientRects().length)
  .map((el) => {
    const box = el.getBoundingClientRect();
    return {name: `${el.tagName} ${el.textContent.trim() || el.id}`,
            left: box.left, right: box.right, top: box.top, bottom: box.bottom};
  })"""


@pytest.mark.parametrize("display", ["tekst=0", "tekst=1"], ids=["standard", "larger-text"])
@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_the_search_message_covers_nothing_in_the_header(
    chromium: Browser, live_server: str, width: int, height: int, display: str
) -> None:
    viewer = open_page(chromium, width=width, height=height)
    page = viewer.page
    try:
        page.goto(f"{live_server}/wyglad?{display}")
        page.goto(f"{live_server}/?lang=pl")
        page.fill("#search-input", "Zzyzx 12")  # nothing found: the search says so
        message = page.locator("#search-message")
        expect(message).not_to_be_empty()
        box = message.bounding_box()
        assert box is not None
        covered = [
            other["name"]
            for other in page.evaluate(HEADER_BOXES)
            if other["left"] < box["x"] + box["width"] and box["x"] < other["right"]
            and other["top"] < box["y"] + box["height"] and box["y"] < other["bottom"]
        ]  # fmt: skip
        screenshot(page, f"search-message-{width}px-{display.replace('=', '')}")
        assert not covered, (box, covered)
        assert viewer.problems.all() == []
    finally:
        page.context.close()
