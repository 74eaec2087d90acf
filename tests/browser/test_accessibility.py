"""WCAG 2.1 AA across the site, not only the viewer: every public page (the office's
kiosk too), the staff sign-in page and the staff console signed in (the queue, a case with
its history), in each display setting, pass axe-core; at 200 % text (1.4.4) and at a 320 px
wide window (1.4.10, reflow) nothing is cut off, nothing needs sideways scrolling, and the
pages still pass axe-core (a table wider than the window scrolls in a focusable, named
region). The kiosk is also checked with a parcel card open and with its layer tree opened
on a phone-sized screen."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from geoportal.auth.staff import add_staff
from tests.browser.pages import CUT_OFF, axe_violations, screenshot
from tests.integration.documents_support import case_in_progress

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


PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def staff_pages(database: Any, known_parcel: Any) -> tuple[str, list[str]]:
    """An officer's login, and the console pages they see: the queue and a case in progress
    (its history has several steps, so the tables have rows)."""
    login = f"a11y.{secrets.token_hex(3)}"
    with database.connect("owner") as conn:
        add_staff(conn, login, "Urzędniczka Testowa", PASSWORD, ["geodesy", "admin"])
    case_id = case_in_progress(
        database, "egib_register_extract_anonymous", [known_parcel.parcel_id]
    )
    return login, ["/panel", f"/panel/sprawy/{case_id}"]


def _sign_in(page: Page, live_server: str, login: str) -> None:
    page.goto(f"{live_server}/panel/logowanie")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj").click()
    expect(page.get_by_role("heading", name="Kolejka spraw")).to_be_visible()


def _visit(
    page: Page, live_server: str, site_pages: list[str], staff_pages: tuple[str, list[str]],
    check: Callable[[Page, str], list[str]],
) -> dict[str, list[str]]:  # fmt: skip
    """``check`` of every public page, then of the console's pages signed in."""
    found = {}
    login, console = staff_pages
    for index, path in enumerate([*site_pages, *console]):
        if index == len(site_pages):
            _sign_in(page, live_server, login)
        page.goto(live_server + path)
        _settle(page)
        problems = check(page, path)
        if problems:
            found[path] = problems
    return found


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
    chromium: Browser, live_server: str, site_pages: list[str], staff_pages: tuple[str, list[str]],
    mode: str, contexts: list,
) -> None:  # fmt: skip
    context = _context(chromium, live_server, mode, viewport={"width": 1280, "height": 900})
    contexts.append(context)
    page = context.new_page()

    def check(page: Page, path: str) -> list[str]:
        body = page.get_attribute("body", "class") or ""
        assert set(DISPLAY_MODES[mode][0].split()) <= set(body.split()), (path, body)
        return axe_violations(page)

    failures = _visit(page, live_server, site_pages, staff_pages, check)
    assert page.url.startswith(f"{live_server}/panel/sprawy/")  # still signed in at the end
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
    chromium: Browser, live_server: str, site_pages: list[str], staff_pages: tuple[str, list[str]],
    width: int, height: int, contexts: list,
) -> None:  # fmt: skip
    context = _context(
        chromium, live_server, "large-text", viewport={"width": width, "height": height}
    )
    contexts.append(context)
    page = context.new_page()

    def check(page: Page, path: str) -> list[str]:
        found: list[str] = page.evaluate(CUT_OFF)
        name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "start"
        screenshot(page, f"a11y-{width}px-{name}")
        # Here the tables are wider than the window: axe checks that each scrolling region
        # can be reached with the keyboard (scrollable-region-focusable) and is named.
        return found + axe_violations(page)

    problems = _visit(page, live_server, site_pages, staff_pages, check)
    assert page.url.startswith(f"{live_server}/panel/sprawy/")
    assert not problems, _listed(problems)


def _listed(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}: {line}" for path, lines in found.items() for line in lines)
