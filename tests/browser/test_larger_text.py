"""The larger-text setting enlarges all text, in real Chromium against the running portal.

The setting scales the root font size, so a text sized in ``rem`` (most of the site's
styles), in ``em`` (headings, hints inside their box) or not at all grows alike. On the
viewer, an e-service form, the text-only parcel page and the staff console's sign-in
page every visible text is measured in the standard display and again with the setting
on, and each must be at least 1.2x as large (the setting is 125 %); a few texts of each
kind are named so the sample cannot miss them. With the setting on, nothing needs
sideways scrolling at 1280 px nor at 320 px, the controls over the map do not cover one
another, and the pages pass axe-core.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.pages import CUT_OFF, axe_violations, open_page, screenshot

pytestmark = pytest.mark.browser
GROWTH = 1.2  # site.css: larger text is 125 %
FORM = "/e-uslugi/egib_register_extract_anonymous"
# Texts that must be among those measured on each page: rem-sized ones (the brand, the
# layer tree, the map's tools and status bar, hints, form help), em-sized ones (headings,
# the drawing hint) and OpenLayers' own (its scale line is set in px by ol.css).
VIEWER_TEXTS = (
    ".brand",
    ".site-nav a",
    ".layer-tree .theme-title",
    ".panel-section h2",
    ".map-tools button",
    "#mouse-position",
    "#draw-hint",
    ".ol-scale-line-inner",
)
FORM_TEXTS = (".brand", "h1", "label", ".help")
PARCEL_TEXTS = (".brand", "h1", ".card-facts dt", ".hint", "td")
SIGN_IN_TEXTS = (".brand", "h1", "label", "button")  # fmt: skip
# The font size of every visible element holding text of its own, keyed by its place in
# the document (the same element in both displays), and of the first of each named one.
SIZES = """(named) => {
  const place = (el) => {
    const steps = [];
    for (let node = el; node && node !== document.documentElement; node = node.parentElement) {
      const index = [...node.parentElement.children].indexOf(node);
      steps.unshift(`${node.tagName.toLowerCase()}:${index}`);
    }
    return steps.join('>');
  };
  const shown = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('.visually-hidden, .skip-link, [hidden], script, style, noscript');
  const size = (el) => parseFloat(getComputedStyle(el).fontSize);
  // fields a visitor types in or reads (boxes to tick and sliders show no text)
  const typed = 'select, textarea, input:not([type=checkbox], [type=radio], [type=range])';
  const all = {};
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if ((own || el.matches(typed)) && shown(el)) all[place(el)] = size(el);
  }
  const picked = {};
  for (const selector of named) {
    const el = [...document.querySelectorAll(selector)].find(shown);
    if (el) picked[selector] = size(el);
  }
  return {all, picked};
}"""


# Controls over the map that cover one another (the map's tools grew over the zoom
# buttons at 320 px; the status bar, two rows on a phone, hid the scale line).
OVERLAPS = """() => {
  const controls = [...document.querySelectorAll(
    '.map-area .ol-control button, .map-area .ol-scale-line, .statusbar')]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden');
  const name = (el) => el.textContent.trim().slice(0, 20) || el.title || el.className;
  const found = [];
  controls.forEach((a, i) => controls.slice(i + 1).forEach((b) => {
    if (a.contains(b) || b.contains(a)) return;
    const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
    if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom) {
      found.push(`"${name(a)}" covers "${name(b)}"`);
    }
  }));
  return found;
}"""


def _measure(
    page: Page, live_server: str, path: str, named: tuple[str, ...], *, draw: bool = True
) -> dict[str, dict[str, float]]:
    """Open ``path`` as a visitor does and measure its texts (with the drawing bar shown
    on the viewer when ``draw``)."""
    page.goto(live_server + path)
    if page.locator("#map").count():
        page.wait_for_function("() => document.querySelector('#map').dataset.mapState")
        if draw:
            page.click("#measure-length")  # the drawing bar and its em-sized hint
            expect(page.locator("#draw-hint")).to_be_visible()
    sizes: dict[str, dict[str, float]] = page.evaluate(SIZES, list(named))
    return sizes


def _pages(known_parcel: Any) -> dict[str, tuple[str, ...]]:
    """The pages checked, each with the texts it must show."""
    return {
        "/": VIEWER_TEXTS,
        FORM: FORM_TEXTS,
        f"/dzialka/{known_parcel.parcel_id}": PARCEL_TEXTS,
        "/panel/logowanie": SIGN_IN_TEXTS,
    }


def test_larger_text_enlarges_every_text(
    chromium: Browser, live_server: str, known_parcel: Any
) -> None:
    viewer = open_page(chromium)
    page = viewer.page
    try:
        pages = _pages(known_parcel)
        standard = {path: _measure(page, live_server, path, named) for path, named in pages.items()}
        page.goto(f"{live_server}/wyglad?tekst=1")
        larger = {path: _measure(page, live_server, path, named) for path, named in pages.items()}
        found = []
        for path, before in standard.items():
            after = larger[path]
            missing = set(pages[path]) - (set(before["picked"]) & set(after["picked"]))
            assert not missing, (path, missing)
            common = set(before["all"]) & set(after["all"])
            assert len(common) >= 10, (path, len(common))  # a real sample of the page
            for kind in ("picked", "all"):
                for key, size in before[kind].items():
                    grown = after[kind].get(key)
                    if grown is not None and grown < GROWTH * size:
                        found.append(f"{path} {key}: {size:.1f} -> {grown:.1f} px")
        assert not found, "\n".join(found)
        assert viewer.problems.all() == []
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_larger_text_needs_no_sideways_scrolling_and_passes_axe(
    chromium: Browser, live_server: str, known_parcel: Any, width: int
) -> None:
    viewer = open_page(chromium, width=width, height=800)
    page = viewer.page
    try:
        page.goto(f"{live_server}/wyglad?tekst=1")
        problems = {}
        for path, named in _pages(known_parcel).items():
            _measure(page, live_server, path, named, draw=False)
            assert "large-text" in (page.get_attribute("html", "class") or ""), path
            found = page.evaluate(CUT_OFF) + page.evaluate(OVERLAPS) + axe_violations(page)
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "start"
            screenshot(page, f"larger-text-{width}px-{name}")
            if found:
                problems[path] = found
        assert not problems, problems
        assert viewer.problems.all() == []
    finally:
        page.context.close()
