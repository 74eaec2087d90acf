"""Seed the tile caches for the loaded area, with MapProxy's own seeder.

Uncached tiles are slow under load (a metatile render per miss), so the levels people
open first are rendered ahead, over the seeding area of the site file (``tiles.seed_area``,
by default the site's extent). Which layers, grids and levels is data too: the site
file's ``tiles.seed`` (layer -> grid -> [first, last]); names and levels are checked
against the MapProxy configuration before anything runs.

Every level of every layer and grid is a seeding task of its own, counted before it
starts, so the progress (``services.mapproxy.progress``) gives tiles done of the total,
the rate and the time left per layer and level and for the whole run.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from geoportal.files import write_atomic
from geoportal.settings import Settings
from geoportal.site import Site
from services.configgen.mapproxy import cache_name
from services.configgen.templating import render
from services.mapproxy.app import internal_ows_url, runtime_config
from services.mapproxy.progress import LevelTask, SeedProgress, tiles_over
from services.mapproxy.tilefiles import install as install_tile_writer

Levels = Mapping[str, Mapping[str, tuple[int, int]]]  # layer -> grid -> first, last


class SeedError(RuntimeError):
    """Seeding cannot start (no server, a name or level the cache does not have)."""


@dataclass
class SeedPlan:
    """What to seed: per MapProxy layer and grid a level range, over an EPSG:2180 bbox."""

    bbox: tuple[float, float, float, float]
    levels: Levels

    @classmethod
    def of_site(cls, site: Site, layers: Sequence[str] | None = None) -> SeedPlan:
        """The site file's seeding plan (``tiles.seed``), or the named layers of it."""
        chosen = dict(site.tiles.seed)
        if not chosen:
            raise SeedError("plik strony nie wskazuje warstw do kafelkowania (tiles.seed) / "
                            "the site file names no layer to seed (tiles.seed)")  # fmt: skip
        if layers:
            unknown = sorted(set(layers) - set(chosen))
            if unknown:
                raise SeedError(f"brak w tiles.seed pliku strony / not in the site file's "
                                f"tiles.seed: {', '.join(unknown)}")  # fmt: skip
            chosen = {name: chosen[name] for name in layers}
        return cls(bbox=site.seed_area, levels=chosen)


@dataclass
class SeedReport:
    """Outcome of one seeding run."""

    seconds: float
    tiles_before: int
    tiles_after: int
    positions: int = 0  # tile positions walked (cached or rendered)

    @property
    def new_tiles(self) -> int:
        """Tiles written by this run (0 when everything was cached already)."""
        return self.tiles_after - self.tiles_before


def level_tasks(levels: Levels) -> list[dict[str, Any]]:
    """One task per layer, grid and level: the entries of a MapProxy seeding file."""
    return [
        {"name": f"{layer}_{grid}_{level:02d}", "cache": cache_name(layer), "grid": grid,
         "first": level, "last": level}
        for layer, grids in levels.items()
        for grid, (first, last) in grids.items()
        for level in range(first, last + 1)
    ]  # fmt: skip


def write_seed_conf(settings: Settings, plan: SeedPlan) -> Path:
    """Write ``var/run/mapproxy/seed-<pid>.yaml`` for the plan (one task per level).

    A file per process: two seeders at once must not read each other's plan.
    """
    tasks = level_tasks(plan.levels)
    path = settings.runtime_dir / "mapproxy" / f"seed-{os.getpid()}.yaml"
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
    ows_url = ows_url or internal_ows_url(settings)
    check_source(ows_url)
    conf_path = runtime_config(settings, ows_url)
    install_tile_writer(settings.cache_dir)
    seed_path = write_seed_conf(settings, plan)
    before, started = count_tiles(settings.cache_dir), time.monotonic()
    try:
        positions = run_level_tasks(conf_path, seed_path, plan.levels, concurrency, out)
    finally:
        seed_path.unlink(missing_ok=True)
    return SeedReport(time.monotonic() - started, before, count_tiles(settings.cache_dir),
                      positions)  # fmt: skip


def run_level_tasks(
    conf_path: Path, seed_path: Path, levels: Levels, concurrency: int, out: TextIO
) -> int:
    """Run a seeding file's tasks one by one with progress; the tile positions walked."""
    from mapproxy.config.loader import load_configuration
    from mapproxy.seed.config import load_seed_tasks_conf

    conf = load_configuration(mapproxy_conf=str(conf_path), seed=True)
    with conf:
        check_levels(levels, conf)
        tasks = load_seed_tasks_conf(str(seed_path), conf).seeds()
        sized = [(task, _level_task(task)) for task in tasks]
        progress = SeedProgress([size for _task, size in sized], out)
        for task, size in sized:
            progress.start(size)
            seed_level(task, concurrency, progress)
            progress.done()
    return progress.total


def seed_level(task: Any, concurrency: int, progress: SeedProgress) -> None:
    """Render the tiles of a one-level MapProxy seed task missing from the cache.

    MapProxy's ``seed_task``, except that the walker asks the cache about every tile of a
    metatile, not only its first. A metatile's tiles are written one by one, so a seeder
    killed between them leaves the first without the others, and MapProxy's walker would
    skip that metatile in every later seed. The cost is a file check per tile instead of
    per metatile; the workers still render each metatile once.
    """
    from mapproxy.seed.seeder import SeedProgress as WalkProgress
    from mapproxy.seed.seeder import TileSeedWorker, TileWalker, TileWorkerPool

    if task.coverage is False:  # the seeding area misses the layer's coverage
        return
    task.tile_manager.minimize_meta_requests = False
    pool = TileWorkerPool(task, TileSeedWorker, size=concurrency, progress_logger=progress)
    walker = TileWalker(task, pool, handle_uncached=True, work_on_metatiles=False,
                        progress_logger=progress, seed_progress=WalkProgress())  # fmt: skip
    try:
        walker.walk()
    except KeyboardInterrupt:
        pool.stop(force=True)
        raise
    finally:
        pool.stop()


def check_levels(levels: Levels, conf: Any) -> None:
    """Refuse a layer, grid or level MapProxy's configuration does not have."""
    for layer, grids in levels.items():
        cache = conf.caches.get(cache_name(layer))
        if layer not in conf.layers or cache is None:
            raise SeedError(f"nie ma takiej warstwy kafli / no such tile layer: {layer}")
        for grid, (_first, last) in grids.items():
            if grid not in cache.conf["grids"]:
                raise SeedError(f"warstwa {layer} nie ma układu kafli {grid} / "
                                f"layer {layer} has no tile grid {grid}")  # fmt: skip
            count = conf.grids[grid].tile_grid().levels
            if last >= count:
                raise SeedError(f"{layer} {grid}: poziomy 0-{count - 1} / levels 0-{count - 1}, "
                                f"nie/not {last}")  # fmt: skip


def _level_task(task: Any) -> LevelTask:
    """The progress entry of a one-level MapProxy seed task (named layer_GRID_level)."""
    layer = task.md["cache_name"].removesuffix("_cache")
    return LevelTask(layer, task.md["grid_name"], task.levels[0], tiles_over(task))


def check_source(ows_url: str, timeout_s: float = 60) -> None:
    """Fail fast, with a clear message, when our own /ows is not there.

    A server that is not running refuses the connection at once. The timeout is generous:
    a server whose threads all render for other seeders and readers answers late (over
    10 s under the concurrency test on a loaded machine), and is there all the same.
    """
    probe = ows_url + "?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities"
    try:
        with urllib.request.urlopen(probe, timeout=timeout_s) as answer:  # noqa: S310 - ours
            answer.read(1)
    except (urllib.error.URLError, OSError) as exc:
        raise SeedError(
            f"serwer WWW nie odpowiada pod {ows_url}; najpierw go uruchom (make run) / "
            f"the web server does not answer at {ows_url}; start it first (make run)"
        ) from exc
