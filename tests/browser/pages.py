"""Helpers for browser tests: a page that records its problems, screenshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Page

from geoportal.settings import PROJECT_ROOT

SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"


@dataclass
class PageProblems:
    """What went wrong in a page: uncaught exceptions, console errors, failed requests."""

    exceptions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.exceptions, *self.console_errors, *self.failed_requests]


@dataclass
class ViewerPage:
    page: Page
    problems: PageProblems


def open_page(
    browser: Browser, *, width: int = 1280, height: int = 800, **context_options: Any
) -> ViewerPage:
    """A fresh context and page that records problems (CSP violations are console errors).

    ``context_options`` go to Playwright's ``new_context`` (``geolocation``,
    ``permissions``…).
    """
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="pl-PL", **context_options
    )
    page = context.new_page()
    problems = PageProblems()
    page.on("pageerror", lambda error: problems.exceptions.append(str(error)))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.console_errors.append(f"{message.text} @ {message.location.get('url')}")

    page.on("console", on_console)
    page.on(
        "response",
        lambda response: (
            problems.failed_requests.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    # A request the browser aborted because the page moved on (net::ERR_ABORTED: the
    # favicon of a page left for the next one) is not a problem of the page.
    page.on(
        "requestfailed",
        lambda request: (
            problems.failed_requests.append(f"failed {request.url}: {request.failure}")
            if request.failure != "net::ERR_ABORTED"
            else None
        ),
    )
    return ViewerPage(page, problems)


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot under var/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


AXE = PROJECT_ROOT / "web" / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Page, include: str | None = None) -> list[str]:
    """axe-core's WCAG 2.x A/AA violations of the page as it is now, one line each.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern,
    so the page under test keeps its real policy.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (include) => {
          const options = {runOnly: {type: 'tag',
                                     values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}};
          const context = include ? {include: [include]} : document;
          const found = await window.axe.run(context, options);
          return found.violations.map((v) =>
            `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }""",
        include,
    )
    return list(result)


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
