"""The demo county: generated once into ``var/demo`` and loaded when the database is empty."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from etl.pipeline import LoadResult, load_files
from etl.synthetic import generate_demo_county
from geoportal.database import Database
from geoportal.settings import Settings


def demo_dir(settings: Settings) -> Path:
    """Where the generated exchange files of the demo county are kept."""
    return settings.var_dir / "demo" / f"parcels-{settings.demo_parcels}-seed-{settings.demo_seed}"


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
    """Load the demo county if no parcel is loaded yet; return the load, or None if skipped."""
    with database.connect("owner") as conn:
        row = conn.execute("SELECT EXISTS (SELECT 1 FROM data.parcel)").fetchone()
    if row and row[0]:
        return None
    return load_files(database, demo_files(database.settings, progress), progress)
