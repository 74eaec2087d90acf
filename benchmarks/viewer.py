"""First view of the map viewer in Chromium: how long until the map's tiles are drawn.

A person opening the geoportal meets a cold browser (no HTTP cache, a new context each
run) and either a seeded tile cache (``make run`` seeds the levels people open first) or,
right after a publish of the whole county, an empty one. Both are measured:

* **seeded**: the start view's levels rendered ahead by the portal's own seeder;
* **empty**: the tile cache emptied before every run, so every tile is rendered by
  MapServer behind MapProxy while the browser waits.

The time is the page's own clock from navigation start until OpenLayers reports
``rendercomplete`` (``data-map-state="rendered"`` on the map element): every tile of the
visible layers is drawn. The benchmark uses its own tile cache directory, so the
developer's ``var/cache`` is left alone. ``python -m benchmarks.viewer [runs]``
"""

from __future__ import annotations

import contextlib
import io
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from benchmarks.instance import running_instance
from geoportal.instance import Instance
from services.mapproxy.seed import SeedPlan, seed

CHROMIUM = "/usr/bin/chromium"
RENDERED = "() => document.querySelector('#map')?.dataset.mapState === 'rendered'"


def first_view_ms(browser: Browser, url: str, width: int, height: int) -> float:
    """Milliseconds from navigation start to the map's first complete render."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(RENDERED, timeout=60_000)
        return float(page.evaluate("() => performance.now()"))
    finally:
        context.close()


def empty(directory: Path) -> None:
    """Remove every cached tile (the directory itself stays; MapProxy recreates levels)."""
    for child in directory.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()


def bench_first_view(instance: Instance, runs: int) -> None:
    """Print the median and worst first-view time, seeded and empty cache, desktop and phone."""
    url = f"{instance.settings.base_url}/"
    cache = instance.settings.cache_dir
    screens = {"desktop 1280x800": (1280, 800), "phone 390x844": (390, 844)}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        first_view_ms(browser, url, 1280, 800)  # warm the server's pools and processes
        for screen, (width, height) in screens.items():
            samples = []
            for _ in range(runs):
                empty(cache)
                samples.append(first_view_ms(browser, url, width, height))
            _print(f"first view, empty tile cache, {screen}", samples)
        with contextlib.redirect_stdout(io.StringIO()):  # MapProxy prints its task list
            seed(instance.settings, SeedPlan.of_site(instance.site), out=io.StringIO())
        for screen, (width, height) in screens.items():
            samples = [first_view_ms(browser, url, width, height) for _ in range(runs)]
            _print(f"first view, seeded tile cache, {screen}", samples)
        browser.close()


def _print(name: str, samples: list[float]) -> None:
    print(
        f"{name:46} median {statistics.median(samples):7.0f} ms"
        f"   worst {max(samples):7.0f} ms   ({len(samples)} cold browsers)"
    )


def main() -> int:
    """Start an instance with its own tile cache and measure the viewer's first view."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory(prefix="bench-tiles-") as cache:
        with running_instance(tile_cache_dir=Path(cache)) as instance:
            bench_first_view(instance, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
