"""The demo county: generated once into ``var/demo`` and loaded when the database is empty."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import psycopg

from etl.pipeline import LoadResult, load_files
from etl.synthetic import generate_demo_county
from etl.synthetic.county import SUBJECT_FILE
from geoportal.database import Database
from geoportal.settings import Settings

# Raised when the generator writes new kinds of objects (3: topographic map, PRG units and
# boundary points; 4: a general plan), so an existing var/demo is generated again and
# loaded on top.
DEMO_FORMAT = 4


def demo_dir(settings: Settings) -> Path:
    """Where the generated exchange files of the demo county are kept."""
    name = f"parcels-{settings.demo_parcels}-seed-{settings.demo_seed}-v{DEMO_FORMAT}"
    return settings.var_dir / "demo" / name


def demo_files(settings: Settings, progress: Callable[[str], None]) -> list[Path]:
    """Generate the demo files unless a complete set for these settings exists."""
    folder = demo_dir(settings)
    manifest = folder / "manifest.json"
    if manifest.is_file():
        return [folder / name for name in json.loads(manifest.read_text())]
    progress(f"generating the demo county ({settings.demo_parcels:,} parcels) in {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    paths = generate_demo_county(
        folder, parcels=settings.demo_parcels, seed=settings.demo_seed, progress=progress
    )
    manifest.write_text(json.dumps([path.relative_to(folder).as_posix() for path in paths]))
    return paths


def ensure_demo(database: Database, progress: Callable[[str], None]) -> LoadResult | None:
    """Load the demo county if :func:`demo_needs_loading`; return the load, or None."""
    with database.connect("owner") as conn:
        needed = demo_needs_loading(conn)
    if not needed:
        return None
    # Over an earlier demo load (made by an older generator) the files are the whole demo
    # county again: what they no longer hold ends, as in any complete snapshot. The guard
    # against mass ending protects a county's own data, which never reach this point.
    return load_files(
        database, demo_files(database.settings, progress), progress, allow_mass_end=True
    )


def demo_needs_loading(conn: psycopg.Connection) -> bool:
    """Whether no parcel is loaded yet, or only the demo county was, before the generator
    wrote its topographic map or its general plan (the same files again change nothing in
    the cadastre). A county's own data (any other load) are never joined by the demo's."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM data.parcel), EXISTS (SELECT 1 FROM data.topo_road)"
        " AND EXISTS (SELECT 1 FROM data.general_plan_zone),"
        " coalesce(bool_and(source LIKE %s), false)"
        " FROM ops.etl_run WHERE status = 'done' AND NOT dry_run",
        (f"{SUBJECT_FILE}%",),
    ).fetchone()
    parcels, complete, only_demo = row if row else (False, False, False)
    return not parcels or (not complete and only_demo)


DEMO_RASTERS = ("orthophoto.tif", "dem.tif", "hillshade.tif")


def ensure_demo_rasters(
    settings: Settings, extent: tuple[float, float, float, float], progress: Callable[[str], None]
) -> list[Path]:
    """The demo orthophoto, DEM and hillshade in the raster folder, generated if missing.

    ``extent`` (EPSG:2180) is the site's, or a smaller one where a test needs only a
    corner. A county's own rasters (``geoportal etl raster``) are never overwritten:
    only missing files are made.
    """
    from etl.rasters import derive_hillshade
    from etl.synthetic.rasters import generate_demo_rasters

    folder = settings.raster_dir
    paths = [folder / name for name in DEMO_RASTERS]
    if all(path.is_file() for path in paths):
        return paths
    progress(f"generating the demo rasters in {folder}")
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".demo-rasters.") as tmp:
        made = generate_demo_rasters(Path(tmp), extent, settings.demo_seed, progress=progress)
        derive_hillshade(made["dem"], Path(tmp) / "hillshade.tif", progress)
        folder.mkdir(parents=True, exist_ok=True)
        for path in paths:
            if not path.is_file():
                os.replace(Path(tmp) / path.name, path)
    return paths
