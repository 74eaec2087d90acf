"""Real Chromium (Debian's) driven by Playwright: one browser per session, a page per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from geoportal.settings import PROJECT_ROOT
from tests.browser.pages import ViewerPage, open_page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BUNDLE = PROJECT_ROOT / "web" / "static" / "build" / "manifest.json"


# Per module, not per session: Playwright's sync API keeps an asyncio loop running in the
# main thread while it is open, and the libraries the later tests call (pyHanko's signing,
# procrastinate's sync API) refuse to start their own loop inside a running one.
@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install chromium (scripts/bootstrap.sh --test)"
        )
    if not BUNDLE.exists():
        pytest.fail("the viewer bundle is not built: cd web/frontend && npm ci && npm run build")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def viewer_page(chromium: Browser) -> Iterator[ViewerPage]:
    """A desktop-sized page."""
    opened = open_page(chromium)
    yield opened
    opened.page.context.close()
