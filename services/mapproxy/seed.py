"""Seed the tile caches for the loaded area, with MapProxy's own seeder.

Uncached tiles are slow under load (a metatile render per miss), so the levels people
open first are rendered ahead, over the seeding area of the site file (``tiles.seed_area``,
by default the site's extent).

Levels (scales as MapServer computes them, 72 dpi):

* PL1992 levels 0-10 (3125 to 3.05 m/px, down to 1:8 650): parcels appear from level 8
  (1:34 600), buildings from level 9 (1:17 300), parcel numbers at level 10;
* GLOBAL_WEBMERCATOR zoom 0-15 (z15 ≈ 1:13 500): parcels from z14, buildings at z15.

Measured on 2 cores (gunicorn 2 workers x 4 threads, 2 seeding processes), 10 000
parcels and 3 000 buildings over 25 x 25 km: base map + parcels, both grids, 9 112 tiles
in 30 s from an empty cache; a reseed with nothing missing takes 0.1 s.

Deeper levels render on demand and are cached then. Reseeding is incremental: without
``refresh_before`` MapProxy renders only tiles missing from the cache (its task summary
still prints "Overwriting: all tiles"; the integration test checks that no cached file
is rewritten).

The tile source is our own ``/ows`` over HTTP, so the web server must be running
(``make run`` starts it before seeding).
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from geoportal.files import write_atomic
from geoportal.publications import Publication
from geoportal.settings import Settings
from services.configgen.mapproxy import (
    BASE_LAYER,
    GRID_2180,
    WEBMERCATOR,
    cache_name,
    publication_base_maps,
)
from services.configgen.templating import render
from services.mapproxy.app import internal_ows_url, runtime_config

DEFAULT_LAYERS = (BASE_LAYER, "dzialki")


def default_layers(publications: Sequence[Publication]) -> tuple[str, ...]:
    """What ``geoportal run`` and ``cache seed`` seed: the cadastral map, the parcels and
    every publication offered as a base map (the viewer's switcher shows them)."""
    return DEFAULT_LAYERS + tuple(publication_base_maps(publications))


DEFAULT_LEVELS = {GRID_2180: (0, 10), WEBMERCATOR: (0, 15)}


class SeedError(RuntimeError):
    """Seeding cannot start (the server is not running); the message says why."""


@dataclass
class SeedPlan:
    """What to seed: MapProxy layers, level range per grid, area in EPSG:2180."""

    bbox: tuple[float, float, float, float]
    layers: tuple[str, ...] = DEFAULT_LAYERS
    levels: dict[str, tuple[int, int]] = field(default_factory=lambda: dict(DEFAULT_LEVELS))


@dataclass
class SeedReport:
    """Outcome of one seeding run."""

    seconds: float
    tiles_before: int
    tiles_after: int

    @property
    def new_tiles(self) -> int:
        """Tiles written by this run (0 when everything was cached already)."""
        return self.tiles_after - self.tiles_before


def write_seed_conf(settings: Settings, plan: SeedPlan) -> Path:
    """Write ``var/run/mapproxy/seed.yaml`` for the plan (one task per cache and grid)."""
    tasks = [
        {"name": f"{layer}_{grid}", "cache": cache_name(layer), "grid": grid,
         "first": first, "last": last}
        for layer in plan.layers
        for grid, (first, last) in plan.levels.items()
    ]  # fmt: skip
    path = settings.runtime_dir / "mapproxy" / "seed.yaml"
    return write_atomic(path, render("mapproxy_seed.yaml.j2", bbox=list(plan.bbox), tasks=tasks))


def count_tiles(cache_dir: Path) -> int:
    """Tiles in the file cache (single-colour tiles are symlinks and count too)."""
    return sum(
        1
        for _root, _dirs, files in os.walk(cache_dir)
        for name in files
        if name.endswith((".png", ".jpeg"))
    )


def seed(
    settings: Settings,
    plan: SeedPlan,
    concurrency: int = 2,
    out: TextIO = sys.stdout,
    ows_url: str | None = None,
) -> SeedReport:
    """Seed the plan: render the tiles of its area missing from the cache."""
    from mapproxy.config.loader import load_configuration
    from mapproxy.seed.config import load_seed_tasks_conf
    from mapproxy.seed.seeder import seed as run_tasks
    from mapproxy.seed.util import ProgressLog

    ows_url = ows_url or internal_ows_url(settings)
    check_source(ows_url)
    conf_path = runtime_config(settings, ows_url)
    seed_path = write_seed_conf(settings, plan)
    before, started = count_tiles(settings.cache_dir), time.monotonic()
    conf = load_configuration(mapproxy_conf=str(conf_path), seed=True)
    with conf:
        tasks = load_seed_tasks_conf(str(seed_path), conf).seeds()
        run_tasks(tasks, concurrency=concurrency, progress_logger=ProgressLog(out=out))
    return SeedReport(time.monotonic() - started, before, count_tiles(settings.cache_dir))


def check_source(ows_url: str) -> None:
    """Fail fast, with a clear message, when our own /ows does not answer."""
    probe = ows_url + "?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities"
    try:
        with urllib.request.urlopen(probe, timeout=10) as answer:  # noqa: S310 - our own URL
            answer.read(1)
    except (urllib.error.URLError, OSError) as exc:
        raise SeedError(
            f"the web server does not answer at {ows_url}; start it first (make run)"
        ) from exc
