"""WCAG 2.1 AA across the site, not only the viewer: every public page (the office's
kiosk too) and the staff sign-in page, in each display setting, pass axe-core; at 200 %
text (1.4.4) and at a 320 px wide window (1.4.10, reflow) nothing is cut off and nothing
needs sideways scrolling. The kiosk is also checked with a parcel card open and with its
layer tree opened on a phone-sized screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.pages import axe_violations, screenshot

DISPLAY_MODES = {  # the body classes each mode shows, and the links a person follows for it
    "standard": ("", ()),
    "high-contrast": ("high-contrast", ("kontrast=1",)),
    "large-text": ("large-text", ("tekst=1",)),
    "both": ("high-contrast large-text", ("kontrast=1", "tekst=1")),
}


@pytest.fixture(scope="module")
def site_pages(chromium: Browser, live_server: str, known_parcel: Any) -> list[str]:
    """The pages a citizen can reach, the e-service forms read from the catalogue page."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(f"{live_server}/e-uslugi")
        hrefs = page.eval_on_selector_all(
            "main a[href*='/e-uslugi/']", "links => links.map(a => a.getAttribute('href'))"
        )
    finally:
        context.close()
    forms = sorted(
        {
            href.split("?")[0]
            for href in hrefs
            if re.fullmatch(r"/e-uslugi/[\w-]+", href.split("?")[0])
        }
    )
    assert len(forms) >= 3, hrefs  # the catalogue links its forms
    return [
        "/",
        "/?lang=en",
        "/kiosk",
        "/kiosk?lang=en",
        f"/dzialka/{known_parcel.parcel_id}",
        "/dzialka?q=%C5%81ask%201",
        "/services",
        "/pobieranie/",
        "/e-uslugi",
        *forms,
        "/weryfikacja",
        "/weryfikacja/ABCDEFGH2345",  # an unknown code: the "not found" answer
        "/sprawy/" + "x" * 43,  # an unknown tracking token: the 404 page
        "/panel/logowanie",
    ]


def _context(browser: Browser, live_server: str, mode: str, **options: Any) -> BrowserContext:
    """A new browser whose display settings were chosen with the site's own links (the
    kiosk keeps its own, web/display.py)."""
    context = browser.new_context(locale="pl-PL", **options)
    page = context.new_page()
    for choice in DISPLAY_MODES[mode][1]:
        page.goto(f"{live_server}/wyglad?{choice}")
        page.goto(f"{live_server}/kiosk/wyglad?{choice}")
    page.close()
    return context


@pytest.fixture
def contexts(chromium: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _settle(page: Page) -> None:
    """Wait for the map (where there is one) so axe sees the page as a person does."""
    if page.locator("#map").count():
        page.wait_for_function("() => document.querySelector('#map').dataset.mapState")


@pytest.mark.parametrize("mode", list(DISPLAY_MODES))
def test_every_page_passes_axe_in_each_display_mode(
    chromium: Browser, live_server: str, site_pages: list[str], mode: str, contexts: list
) -> None:
    context = _context(chromium, live_server, mode, viewport={"width": 1280, "height": 900})
    contexts.append(context)
    page = context.new_page()
    failures = {}
    for path in site_pages:
        page.goto(live_server + path)
        _settle(page)
        body = page.get_attribute("body", "class") or ""
        assert set(DISPLAY_MODES[mode][0].split()) <= set(body.split()), (path, body)
        found = axe_violations(page)
        if found:
            failures[path] = found
    screenshot(page, f"a11y-{mode}-last-page")
    assert not failures, _listed(failures)


@pytest.mark.parametrize("mode", list(DISPLAY_MODES))
def test_kiosk_with_a_card_and_with_the_layer_tree_passes_axe(
    chromium: Browser, live_server: str, known_parcel: Any, mode: str, contexts: list
) -> None:
    context = _context(chromium, live_server, mode, viewport={"width": 1920, "height": 1080})
    contexts.append(context)
    page = context.new_page()
    page.goto(f"{live_server}/kiosk")
    _settle(page)
    page.fill("#search-input", known_parcel.parcel_id)
    page.keyboard.press("Enter")
    card = page.locator('#info-content article.feature[data-layer="parcels"]').first
    expect(card).to_have_attribute("data-feature-id", known_parcel.parcel_id, timeout=20_000)
    assert axe_violations(page) == [], "card open"
    screenshot(page, f"a11y-kiosk-card-{mode}")

    phone = _context(chromium, live_server, mode, viewport={"width": 390, "height": 780})
    contexts.append(phone)
    page = phone.new_page()
    page.goto(f"{live_server}/kiosk#layers=parcels,buildings,land_use")
    _settle(page)
    toggle = page.locator("#panel-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")  # the phone sheet starts closed
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    tree = page.locator("#layer-list")
    tree.scroll_into_view_if_needed()
    expect(tree).to_be_visible()
    expect(page.locator("#layer-list img.legend:visible").first).to_be_visible()
    assert axe_violations(page) == [], "layer tree open"
    screenshot(page, f"a11y-kiosk-tree-{mode}")


# 1280 × 800 at 200 % zoom is 640 × 400 CSS pixels; 320 px is WCAG's reflow width.
@pytest.mark.parametrize("width,height", [(640, 400), (320, 640)], ids=["zoom-200", "reflow-320"])
def test_nothing_is_cut_off_or_needs_sideways_scrolling(
    chromium: Browser, live_server: str, site_pages: list[str], width: int, height: int,
    contexts: list,
) -> None:  # fmt: skip
    context = _context(
        chromium, live_server, "large-text", viewport={"width": width, "height": height}
    )
    contexts.append(context)
    page = context.new_page()
    problems = {}
    for path in site_pages:
        page.goto(live_server + path)
        _settle(page)
        found = page.evaluate(CUT_OFF)
        if found:
            problems[path] = found
        screenshot(
            page, f"a11y-{width}px-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-') or 'start'}"
        )
    assert not problems, _listed(problems)


def _listed(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}: {line}" for path, lines in found.items() for line in lines)


# Sideways scrolling of the page itself, and controls or text clipped by their own box
# (overflow hidden with more content than room) or pushed outside the window. The map
# canvas and visually hidden helper texts (the skip links until focused, .visually-hidden)
# are meant to be so.
CUT_OFF = """() => {
  const found = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > window.innerWidth + 1) {
    found.push(`page scrolls sideways: ${root.scrollWidth} > ${window.innerWidth}`);
  }
  const hidden = (el) => el.closest('.visually-hidden, .skip-link, [hidden], #map .ol-viewport');
  // A data table may scroll inside its own region (WCAG 1.4.10 exempts two-dimensional
  // tables); axe checks that such a region can be reached with the keyboard.
  const scrolls = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(node).overflowX)) return true;
    }
    return false;
  };
  const checked = 'a, button, input, select, textarea, label, h1, h2, p, li, td, th';
  for (const el of document.querySelectorAll(checked)) {
    if (hidden(el)) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
    const text = (el.textContent || el.value || '').trim().slice(0, 30);
    const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${text}"`;
    if ((box.right > window.innerWidth + 1 || box.left < -1) && !scrolls(el)) {
      found.push(`${name} outside the window (${Math.round(box.left)}–${Math.round(box.right)})`);
    }
    const clips = ['hidden', 'clip'].includes(style.overflowX) && style.textOverflow !== 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 1) {
      found.push(`${name} cut off (${el.scrollWidth} > ${el.clientWidth})`);
    }
  }
  return found;
}"""
