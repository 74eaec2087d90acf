"""Truncate and reseed the tiles a load changed, and only those.

A published load records its changed area (1 km cells around every added, removed or
changed object, ``etl.changes``). Here the caches of the layers that read the changed
tables drop their tiles over that area, on every level and both grids, and the levels
seeded ahead (the site file's ``tiles.seed``) are rendered again over the part of the
area inside the site's seeding area.

Removal needs no server and happens right after a load, so stale tiles are never served;
reseeding needs the web server (its ``/ows`` is the tile source). When the changed area
covers most of the seeding area, whole levels are dropped instead of walking tiles one by
one: at level 15 a 25 × 25 km county is 1.05 million tile positions.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import shapely
from shapely.geometry import box

from geoportal.catalog import Catalog
from geoportal.files import write_atomic
from geoportal.instance import Instance
from geoportal.publications import Publication
from geoportal.runs import mark_refreshed, pending_refresh
from geoportal.settings import Settings
from services.configgen.mapproxy import BASE_LAYER, GRIDS, cache_name, publication_base_maps
from services.configgen.templating import render
from services.mapproxy.app import internal_ows_url, runtime_config
from services.mapproxy.seed import (
    Levels,
    SeedError,
    check_source,
    count_tiles,
    level_tasks,
    run_level_tasks,
)
from services.mapproxy.tilefiles import install as install_tile_writer

WHOLE_LEVELS_SHARE = 0.5  # of the seeding area: beyond it, drop whole levels


@dataclass(frozen=True)
class RefreshPlan:
    """Which caches lose which area, and what is reseeded afterwards."""

    area: shapely.Geometry  # EPSG:2180
    caches: tuple[str, ...]
    seed_levels: Levels  # of the changed layers seeded ahead: grid -> first, last level
    seed_area: shapely.Geometry | None  # area ∩ the site's seeding area, None if empty
    whole_levels: bool

    @property
    def nothing(self) -> bool:
        """Whether no cached layer reads a changed table."""
        return not self.caches


@dataclass
class RefreshReport:
    """What a refresh did."""

    removed: int
    seeded: int
    seconds: float


def plan_refresh(
    catalog: Catalog, area_wkt: str, tables: set[str],
    seed_bbox: tuple[float, float, float, float], seed_levels: Levels,
    publications: Sequence[Publication] = (),
) -> RefreshPlan:  # fmt: skip
    """The caches over the changed ``tables`` and the area to drop and reseed.

    ``seed_levels`` is what seeding renders ahead (the site file's ``tiles.seed``): the
    changed layers among it are rendered again at those levels. Base maps of
    ``publications`` are included when one of their layers reads a changed table.
    """
    area = shapely.from_wkt(area_wkt)
    touched = [layer.wms_name for layer in catalog.for_service("tiles")
               if layer.data_tables() & tables]  # fmt: skip
    maps = [pub for pub in publications if pub.base_map is not None
            and any(layer.data_tables() & tables for layer in pub.layers)]  # fmt: skip
    layers = ([BASE_LAYER] if touched else []) + touched + publication_base_maps(maps)
    seed_box = box(*seed_bbox)
    inside = area.intersection(seed_box)
    return RefreshPlan(
        area=area,
        caches=tuple(cache_name(layer) for layer in layers),
        seed_levels={layer: seed_levels[layer] for layer in layers if layer in seed_levels},
        seed_area=None if inside.is_empty else inside,
        whole_levels=inside.area > WHOLE_LEVELS_SHARE * seed_box.area,
    )


def remove_tiles(settings: Settings, plan: RefreshPlan, out: TextIO = sys.stdout) -> int:
    """Drop the plan's tiles from the caches (no server needed); the number removed."""
    from mapproxy.config.loader import load_configuration
    from mapproxy.seed.cleanup import cleanup
    from mapproxy.seed.config import load_seed_tasks_conf
    from mapproxy.seed.util import ProgressLog

    if plan.nothing:
        return 0
    # Removal reads no source, but the file is shared: every writer writes the same text.
    conf_path = runtime_config(settings, internal_ows_url(settings))
    before = count_tiles(settings.cache_dir)
    with _conf_files(settings, plan, seeds=False) as seed_path:
        conf = load_configuration(mapproxy_conf=str(conf_path), seed=True)
        with conf:
            tasks = load_seed_tasks_conf(str(seed_path), conf).cleanups()
            cleanup(tasks, concurrency=1, progress_logger=ProgressLog(out=out), verbose=False)
    return before - count_tiles(settings.cache_dir)


def reseed(settings: Settings, plan: RefreshPlan, ows_url: str, out: TextIO = sys.stdout) -> int:
    """Render the plan's seeded levels again over its area; the number of tiles written."""
    if plan.seed_area is None or not plan.seed_levels:
        return 0
    conf_path = runtime_config(settings, ows_url)
    install_tile_writer(settings.cache_dir)
    before = count_tiles(settings.cache_dir)
    with _conf_files(settings, plan, seeds=True) as seed_path:
        run_level_tasks(conf_path, seed_path, plan.seed_levels, 2, out)
    return count_tiles(settings.cache_dir) - before


def refresh(
    settings: Settings, plan: RefreshPlan, ows_url: str | None, out: TextIO = sys.stdout
) -> RefreshReport:
    """Remove, then reseed when a server answers at ``ows_url`` (None: removal only)."""
    started = time.monotonic()
    removed = remove_tiles(settings, plan, out)
    seeded = reseed(settings, plan, ows_url, out) if ows_url else 0
    return RefreshReport(removed, seeded, time.monotonic() - started)


@contextmanager
def _conf_files(settings: Settings, plan: RefreshPlan, seeds: bool) -> Iterator[Path]:
    """The plan's MapProxy cleanup or seeding file, in a folder of this process's own
    (two refreshes at once must not read each other's area); removed afterwards."""
    folder = settings.runtime_dir / "mapproxy" / f"refresh-{os.getpid()}"
    try:
        yield _write_conf(folder, plan, seeds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_conf(folder: Path, plan: RefreshPlan, seeds: bool) -> Path:
    changed = write_atomic(folder / "changed.wkt", _polygonal(plan.area).wkt)
    seeded = plan.seed_area if plan.seed_area is not None else plan.area
    seed_file = write_atomic(folder / "changed_seed.wkt", _polygonal(seeded).wkt)
    text = render(
        "mapproxy_refresh.yaml.j2",
        changed=str(changed), changed_seed=str(seed_file), whole_levels=plan.whole_levels,
        grids=GRIDS, caches=plan.caches if not seeds else (),
        seeds=level_tasks(plan.seed_levels) if seeds else [],
    )  # fmt: skip
    return write_atomic(folder / "refresh.yaml", text)


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Only the polygons (MapProxy reads POLYGON and MULTIPOLYGON WKT)."""
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.multipolygons(shapely.get_parts(parts)) if parts else box(0, 0, 1, 1)


def refresh_pending(instance: Instance, out: TextIO = sys.stdout) -> str:
    """Refresh the caches over every published run they have not caught up with.

    Tiles are removed in any case; without a running server the runs stay pending, and
    the message says to repeat once it runs. Returns that message.
    """
    with instance.database.connect("owner") as conn:
        pending = pending_refresh(conn)
        if pending.nothing or pending.area_wkt is None:
            return "tile caches are up to date"
        plan = plan_refresh(instance.catalog, pending.area_wkt, pending.tables,
                            instance.site.seed_area, instance.site.tiles.seed,
                            instance.publications)  # fmt: skip
        ows_url: str | None = internal_ows_url(instance.settings)
        try:
            check_source(ows_url or "")
        except SeedError:
            ows_url = None
        report = refresh(instance.settings, plan, ows_url, out)
        runs = ", ".join(str(run) for run in pending.run_ids)
        if ows_url is None:
            return (f"removed {report.removed:,} tiles changed by run(s) {runs}; the server is "
                    "not running, so nothing was reseeded: run `geoportal cache refresh` "
                    "once it runs")  # fmt: skip
        mark_refreshed(conn, pending.run_ids)
        return (
            f"tile caches refreshed for run(s) {runs}: {report.removed:,} tiles removed, "
            f"{report.seeded:,} rendered again in {report.seconds:.1f} s"
        )
